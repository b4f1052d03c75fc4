import { Connection, OAuth2 } from "@jsforce/jsforce-node";
import { approveAuthorization } from "../../peers/salesforce/consent-client.js";
import type { SalesforcePeer } from "../../peers/salesforce/server.js";

/**
 * jsforce configured against the local Salesforce exactly as the product will configure it against
 * Salesforce: the login URL for OAuth2, and whatever instance_url the token answer names for data.
 */
export const CALLBACK = "http://127.0.0.1:9/salesforce/callback"; // never contacted: tests read the redirect

export function oauth2For(peer: SalesforcePeer, extra: { useVerifier?: boolean } = {}): OAuth2 {
  return new OAuth2({
    loginUrl: peer.loginUrl, clientId: peer.connectedApp.clientId, clientSecret: peer.connectedApp.clientSecret,
    redirectUri: CALLBACK, ...extra,
  });
}

/** Authorizes as a user (by username; default the first listed, the admin) and returns a connected jsforce. */
export async function connect(peer: SalesforcePeer, opts: { username?: string; scope?: string } = {}): Promise<Connection> {
  const oauth2 = oauth2For(peer);
  const callback = await approveAuthorization(oauth2.getAuthorizationUrl({ state: "test", ...(opts.scope ? { scope: opts.scope } : {}) }), opts);
  const conn = new Connection({ oauth2, version: peer.apiVersion });
  await conn.authorize(callback.searchParams.get("code")!);
  return conn;
}

/** The error a promise rejects with (failing the test if it resolves). */
export async function rejection(p: PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: any }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { errorCode?: string; data?: any };
  }
  throw new Error("expected a rejection, got a result");
}

/** A start time some days after now, on the minute, so tests never depend on today's date. */
export function inDays(days: number, minutesPastMidnight = 600): Date {
  const d = new Date(Date.now() + days * 86_400_000);
  d.setUTCHours(0, minutesPastMidnight, 0, 0);
  return d;
}

export function userByUsername(peer: SalesforcePeer, username: string) {
  const user = peer.control.users().find((u) => u.Username === username);
  if (!user) throw new Error(`no seeded user ${username}`);
  return user;
}

export function contactByEmail(peer: SalesforcePeer, email: string) {
  const contact = peer.control.records("Contact").find((c) => c.Email === email);
  if (!contact) throw new Error(`no seeded contact ${email}`);
  return contact;
}
