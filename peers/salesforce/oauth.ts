import { createHash, createHmac, randomBytes } from "node:crypto";
import { invalidSession, SalesforceError } from "./errors.js";
import { formParams, json, type Answer } from "./http.js";
import type { Org, SfRecord } from "./store.js";
import { consentPage, errorPage } from "./consent-page.js";

/**
 * Salesforce's OAuth 2.0 web-server flow: the authorize page (a consent page where you pick the
 * user to log in as), the token endpoint (authorization_code with optional PKCE, refresh_token),
 * revoke, userinfo and the identity URL. Access tokens expire; refresh tokens live until revoked
 * or their user is deactivated.
 */
export interface ConnectedApp {
  clientId: string;
  clientSecret: string;
  /** Allowed callback URLs; when absent any redirect_uri is accepted. */
  redirectUris?: string[];
  /** Shown on the consent page. */
  name?: string;
  /** The OAuth scopes the app may have (default: api id refresh_token offline_access openid profile email web full). */
  scopes?: string[];
}

export const DEFAULT_CONNECTED_APP: ConnectedApp = { clientId: "bookstream-local-client", clientSecret: "bookstream-local-secret", name: "Bookstream" };
const DEFAULT_SCOPES = ["api", "id", "refresh_token", "offline_access", "openid", "profile", "email", "web", "full"];
const CODE_TTL_MS = 15 * 60_000;

interface AuthCode { clientId: string; redirectUri: string; userId: string; scope: string[]; codeChallenge?: string; expiresAt: number; used: boolean }
interface Grant { clientId: string; userId: string; scope: string[]; revoked: boolean }
interface AccessGrant extends Grant { refreshToken?: string; expiresAt: number }

export interface OAuthDeps {
  org: Org;
  apps: ConnectedApp[];
  now: () => number;
  loginUrl: () => string;
  instanceUrl: () => string;
}

const tokenError = (error: string, description: string) => json(400, { error, error_description: description });
const random = (bytes: number) => randomBytes(bytes).toString("base64url");

export class OAuthService {
  accessTokenTtlMs: number;
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, AccessGrant>();

  constructor(private readonly deps: OAuthDeps, accessTokenTtlMs: number) {
    this.accessTokenTtlMs = accessTokenTtlMs;
  }

  /** The user behind a data API call's `Authorization: Bearer …` (or `OAuth …`) header. */
  session(authorization: string | undefined): { userId: string; token: string } {
    const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    const grant = token ? this.liveAccess(token) : undefined;
    if (!token || !grant) throw invalidSession();
    if (!grant.scope.includes("api") && !grant.scope.includes("full"))
      throw new SalesforceError(401, "INVALID_SESSION_ID", "This session is not valid for use with the REST API");
    return { userId: grant.userId, token };
  }

  revokeAccessToken(token: string) {
    const grant = this.accessTokens.get(token);
    if (grant) grant.revoked = true;
  }

  expireAccessTokens() {
    const now = this.deps.now();
    for (const grant of this.accessTokens.values()) grant.expiresAt = Math.min(grant.expiresAt, now);
  }

  revokeAll() {
    for (const grant of [...this.accessTokens.values(), ...this.refreshTokens.values()]) grant.revoked = true;
  }

  counts() {
    const live = (m: Map<string, Grant>, check: (g: Grant) => boolean) => [...m.values()].filter(check).length;
    return {
      accessTokens: live(this.accessTokens, (g) => this.isLive(g as AccessGrant)),
      refreshTokens: live(this.refreshTokens, (g) => !g.revoked),
    };
  }

  handle(method: string, url: URL, body: Buffer, contentType: string | undefined, authorization: string | undefined): Answer | undefined {
    const path = url.pathname;
    const params = formParams(url, body, contentType);
    if (path === "/services/oauth2/authorize") return method === "POST" ? this.decide(params) : this.authorizePage(params);
    if (path === "/services/oauth2/token" && method === "POST") return this.token(params);
    if (path === "/services/oauth2/revoke") return this.revoke(params);
    if (path === "/services/oauth2/userinfo") return this.userinfo(authorization ?? (params.get("access_token") ? `Bearer ${params.get("access_token")}` : undefined));
    const id = /^\/id\/([a-zA-Z0-9]{15,18})\/([a-zA-Z0-9]{15,18})$/.exec(path);
    if (id) return this.identity(id[2], authorization ?? (params.get("oauth_token") ? `Bearer ${params.get("oauth_token")}` : undefined));
    return undefined;
  }

  private liveAccess(token: string): AccessGrant | undefined {
    const grant = this.accessTokens.get(token);
    return grant && this.isLive(grant) ? grant : undefined;
  }

  private isLive(grant: AccessGrant): boolean {
    return !grant.revoked && grant.expiresAt > this.deps.now() && this.activeUser(grant.userId) !== undefined;
  }

  private activeUser(id: string): SfRecord | undefined {
    const user = this.deps.org.find(id);
    return user && user.IsActive === true ? user : undefined;
  }

  private app(clientId: string | null) {
    return this.deps.apps.find((a) => a.clientId === clientId);
  }

  /** Checks client and callback; an error here is a page, never a redirect (the callback is not trusted). */
  private checkClient(params: URLSearchParams): { app: ConnectedApp; redirectUri: string } | Answer {
    const app = this.app(params.get("client_id"));
    if (!app) return errorPage("invalid_client_id", "client identifier invalid");
    const redirectUri = params.get("redirect_uri") ?? "";
    if (!/^https?:\/\//.test(redirectUri) || (app.redirectUris && !app.redirectUris.includes(redirectUri)))
      return errorPage("redirect_uri_mismatch", "redirect_uri must match configuration");
    return { app, redirectUri };
  }

  private requestedScope(app: ConnectedApp, params: URLSearchParams): string[] | undefined {
    const allowed = app.scopes ?? DEFAULT_SCOPES;
    const asked = (params.get("scope") ?? "").split(/[\s+]+/).filter(Boolean);
    if (!asked.length) return allowed;
    return asked.every((s) => allowed.includes(s)) ? asked : undefined;
  }

  private redirect(redirectUri: string, query: Record<string, string | null>): Answer {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(query)) if (v !== null) target.searchParams.set(k, v);
    return { status: 302, headers: { Location: target.toString() } };
  }

  private authorizePage(params: URLSearchParams): Answer {
    const checked = this.checkClient(params);
    if ("status" in checked) return checked;
    const state = params.get("state");
    if (params.get("response_type") !== "code")
      return this.redirect(checked.redirectUri, { error: "unsupported_response_type", error_description: "response type not supported", state });
    const scope = this.requestedScope(checked.app, params);
    if (!scope) return this.redirect(checked.redirectUri, { error: "invalid_scope", error_description: "the requested scope is not allowed", state });
    const users = this.deps.org.list("User").filter((u) => u.IsActive === true);
    return consentPage({ app: checked.app, params, scope, users, loginHint: params.get("login_hint") });
  }

  private decide(params: URLSearchParams): Answer {
    const checked = this.checkClient(params);
    if ("status" in checked) return checked;
    const state = params.get("state");
    if (params.get("decision") !== "allow")
      return this.redirect(checked.redirectUri, { error: "access_denied", error_description: "end-user denied authorization", state });
    const scope = this.requestedScope(checked.app, params);
    if (!scope) return this.redirect(checked.redirectUri, { error: "invalid_scope", error_description: "the requested scope is not allowed", state });
    const typed = (params.get("username") ?? "").trim().toLowerCase();
    const active = this.deps.org.list("User").filter((u) => u.IsActive === true);
    const user = typed ? active.find((u) => String(u.Username).toLowerCase() === typed) : active.find((u) => u.Id === params.get("user_id"));
    if (!user) {
      const page = consentPage({ app: checked.app, params, scope, users: active, loginHint: params.get("username"),
        error: "Please check your username and password. If you still can't log in, contact your Salesforce administrator." });
      return { ...page, status: 200 };
    }
    const code = `aPrx${random(48)}==`;
    const challenge = params.get("code_challenge");
    this.codes.set(code, {
      clientId: checked.app.clientId, redirectUri: checked.redirectUri, userId: String(user.Id), scope,
      ...(challenge ? { codeChallenge: challenge } : {}), expiresAt: this.deps.now() + CODE_TTL_MS, used: false,
    });
    return this.redirect(checked.redirectUri, { code, state });
  }

  private token(params: URLSearchParams): Answer {
    const app = this.app(params.get("client_id"));
    if (!app) return tokenError("invalid_client_id", "client identifier invalid");
    if (params.get("client_secret") !== app.clientSecret) return tokenError("invalid_client", "invalid client credentials");
    const grantType = params.get("grant_type");
    if (grantType === "authorization_code") {
      const code = this.codes.get(params.get("code") ?? "");
      if (!code || code.clientId !== app.clientId) return tokenError("invalid_grant", "invalid authorization code");
      if (code.used || code.expiresAt <= this.deps.now()) return tokenError("invalid_grant", "expired authorization code");
      if (params.get("redirect_uri") !== code.redirectUri) return tokenError("redirect_uri_mismatch", "redirect_uri must match configuration");
      if (code.codeChallenge) {
        const verifier = params.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== code.codeChallenge) return tokenError("invalid_grant", "invalid code verifier");
      }
      code.used = true;
      if (!this.activeUser(code.userId)) return tokenError("invalid_grant", "inactive user");
      const wantsRefresh = code.scope.includes("refresh_token") || code.scope.includes("offline_access");
      const refreshToken = wantsRefresh ? `5Aep861${random(60)}` : undefined;
      if (refreshToken) this.refreshTokens.set(refreshToken, { clientId: app.clientId, userId: code.userId, scope: code.scope, revoked: false });
      return this.issue(app, code.userId, code.scope, refreshToken, true);
    }
    if (grantType === "refresh_token") {
      const token = params.get("refresh_token") ?? "";
      const grant = this.refreshTokens.get(token);
      if (!grant || grant.revoked || grant.clientId !== app.clientId) return tokenError("invalid_grant", "expired access/refresh token");
      if (!this.activeUser(grant.userId)) return tokenError("invalid_grant", "inactive user");
      return this.issue(app, grant.userId, grant.scope, token, false);
    }
    return tokenError("unsupported_grant_type", "grant type not supported");
  }

  private issue(app: ConnectedApp, userId: string, scope: string[], refreshToken: string | undefined, firstGrant: boolean): Answer {
    const issuedAt = String(this.deps.now());
    const accessToken = `${this.deps.org.organizationId.slice(0, 15)}!AQ${random(72)}`;
    this.accessTokens.set(accessToken, { clientId: app.clientId, userId, scope, revoked: false, refreshToken, expiresAt: Number(issuedAt) + this.accessTokenTtlMs });
    const id = `${this.deps.loginUrl()}/id/${this.deps.org.organizationId}/${userId}`;
    return json(200, {
      access_token: accessToken,
      ...(firstGrant && refreshToken ? { refresh_token: refreshToken } : {}),
      signature: createHmac("sha256", app.clientSecret).update(id + issuedAt).digest("base64"),
      scope: scope.join(" "), instance_url: this.deps.instanceUrl(), id, token_type: "Bearer", issued_at: issuedAt,
    });
  }

  private revoke(params: URLSearchParams): Answer {
    const token = params.get("token") ?? "";
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      refresh.revoked = true;
      for (const grant of this.accessTokens.values()) if (grant.refreshToken === token) grant.revoked = true;
      return { status: 200 };
    }
    const access = this.accessTokens.get(token);
    if (access) { access.revoked = true; return { status: 200 }; }
    return tokenError("unsupported_token_type", "this token type is not supported");
  }

  private whoAmI(authorization: string | undefined): SfRecord | undefined {
    const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    const grant = token ? this.liveAccess(token) : undefined;
    return grant ? this.activeUser(grant.userId) : undefined;
  }

  private urls(userId: string) {
    const base = `${this.deps.instanceUrl()}/services/data/v{version}`;
    return {
      enterprise: `${this.deps.instanceUrl()}/services/Soap/c/{version}/${this.deps.org.organizationId}`,
      partner: `${this.deps.instanceUrl()}/services/Soap/u/{version}/${this.deps.org.organizationId}`,
      rest: `${base}/`, sobjects: `${base}/sobjects/`, search: `${base}/search/`, query: `${base}/query/`,
      recent: `${base}/recent/`, profile: `${this.deps.instanceUrl()}/${userId}`, custom_domain: this.deps.instanceUrl(),
    };
  }

  private userinfo(authorization: string | undefined): Answer {
    const user = this.whoAmI(authorization);
    if (!user) return { status: 403, body: "Bad_OAuth_Token", headers: { "Content-Type": "text/plain;charset=UTF-8" } };
    const userId = String(user.Id);
    return json(200, {
      sub: `${this.deps.loginUrl()}/id/${this.deps.org.organizationId}/${userId}`, user_id: userId,
      organization_id: this.deps.org.organizationId, preferred_username: user.Username, nickname: user.Alias,
      name: user.Name, email: user.Email, email_verified: true, given_name: user.FirstName, family_name: user.LastName,
      zoneinfo: user.TimeZoneSidKey, locale: user.LocaleSidKey, language: user.LanguageLocaleKey, active: true,
      user_type: "STANDARD", urls: this.urls(userId), updated_at: user.LastModifiedDate, is_app_installed: true,
    });
  }

  private identity(userIdInPath: string, authorization: string | undefined): Answer {
    const user = this.whoAmI(authorization);
    if (!user) return { status: 403, body: "Bad_OAuth_Token", headers: { "Content-Type": "text/plain;charset=UTF-8" } };
    if (String(user.Id).slice(0, 15) !== userIdInPath.slice(0, 15)) return { status: 403, body: "Bad_Id", headers: { "Content-Type": "text/plain;charset=UTF-8" } };
    const userId = String(user.Id);
    return json(200, {
      id: `${this.deps.loginUrl()}/id/${this.deps.org.organizationId}/${userId}`, asserted_user: true, user_id: userId,
      organization_id: this.deps.org.organizationId, username: user.Username, nick_name: user.Alias, display_name: user.Name,
      email: user.Email, email_verified: true, first_name: user.FirstName, last_name: user.LastName, timezone: user.TimeZoneSidKey,
      active: true, user_type: "STANDARD", language: user.LanguageLocaleKey, locale: user.LocaleSidKey,
      last_modified_date: user.LastModifiedDate, is_app_installed: true, urls: this.urls(userId),
    });
  }
}

