import { randomBytes, timingSafeEqual } from "node:crypto";
import type { PeerCore } from "./core.js";
import { formBody, type Reply, type Route } from "./http-kit.js";

/**
 * OAuth 2.0 client credentials, as `POST /v1/oauth2/token` does it: HTTP Basic `client_id:secret`,
 * body `grant_type=client_credentials`. Like PayPal, a second request while a token is valid gets
 * the same token back with the remaining lifetime.
 */

const SCOPES = [
  "https://uri.paypal.com/services/payments/payment/authcapture",
  "https://uri.paypal.com/services/payments/refund",
  "https://uri.paypal.com/services/applications/webhooks",
  "https://uri.paypal.com/services/payments/realtimepayment",
  "openid",
].join(" ");

interface IssuedToken { token: string; clientId: string; expiresAt: number; nonce: string }

export class TokenStore {
  private readonly byToken = new Map<string, IssuedToken>();
  private readonly current = new Map<string, IssuedToken>();

  constructor(private readonly core: PeerCore) {}

  issue(clientId: string): { token: IssuedToken; expiresIn: number } {
    const now = this.core.settings.now().getTime();
    const live = this.current.get(clientId);
    if (live && live.expiresAt > now) return { token: live, expiresIn: Math.floor((live.expiresAt - now) / 1000) };
    const ttl = this.core.settings.tokenTtlSeconds;
    const token: IssuedToken = {
      token: `A21AA${randomBytes(60).toString("base64url")}`,
      clientId,
      expiresAt: now + ttl * 1000,
      nonce: `${this.core.timestamp()}${randomBytes(24).toString("base64url")}`,
    };
    this.byToken.set(token.token, token);
    this.current.set(clientId, token);
    return { token, expiresIn: ttl };
  }

  /** The app a bearer token belongs to, or undefined when unknown or expired. */
  check(authorization: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m) return undefined;
    const t = this.byToken.get(m[1]!);
    if (!t || t.expiresAt <= this.core.settings.now().getTime()) return undefined;
    return t.clientId;
  }

  /** Every token issued so far stops working now (tests of the client's refresh path). */
  expireAll(): number {
    const n = this.byToken.size;
    for (const t of this.byToken.values()) t.expiresAt = 0;
    this.current.clear();
    return n;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function oauthError(status: number, error: string, description: string): Reply {
  return { status, json: { error, error_description: description } };
}

export function oauthRoutes(tokens: TokenStore): Route[] {
  return [{
    method: "POST",
    pattern: /^\/v1\/oauth2\/token$/,
    op: "oauth.token",
    auth: "none",
    family: "overview",
    handle(ctx) {
      const m = /^Basic\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ""));
      const decoded = m ? Buffer.from(m[1]!, "base64").toString("utf8") : "";
      const colon = decoded.indexOf(":");
      const clientId = colon > 0 ? decoded.slice(0, colon) : "";
      const app = ctx.peer.core.clients.get(clientId);
      if (!app || !sameSecret(decoded.slice(colon + 1), app.clientSecret)) {
        return oauthError(401, "invalid_client", "Client Authentication failed");
      }
      const grant = formBody(ctx.raw).get("grant_type");
      if (!grant) return oauthError(400, "unsupported_grant_type", "Grant Type is NULL");
      if (grant !== "client_credentials") return oauthError(400, "unsupported_grant_type", "unsupported grant_type");
      const { token, expiresIn } = tokens.issue(clientId);
      return {
        status: 200,
        json: { scope: SCOPES, access_token: token.token, token_type: "Bearer", app_id: app.appId, expires_in: expiresIn, nonce: token.nonce },
      };
    },
  }];
}
