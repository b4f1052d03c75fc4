import { createHmac } from "node:crypto";
import { Connection, OAuth2 } from "@jsforce/jsforce-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approveAuthorization } from "../../peers/salesforce/consent-client.js";
import { startSalesforcePeer, type SalesforcePeer } from "../../peers/salesforce/server.js";
import { CALLBACK, connect, oauth2For, rejection, userByUsername } from "./salesforce-support.js";

/**
 * The local Salesforce's OAuth 2.0 web-server flow and sessions, driven by jsforce itself: the
 * authorize redirect, the token answer, refresh on an expired session, revocation, and where data
 * calls must go (the instance_url, not the login URL).
 */
let peer: SalesforcePeer;
let clock = Date.now();
const TTL = 60 * 60_000;

beforeAll(async () => {
  peer = await startSalesforcePeer({
    seed: 11, accessTokenTtlMs: TTL, now: () => clock,
    connectedApps: [{ clientId: "bookstream-test", clientSecret: "test-secret", redirectUris: [CALLBACK], name: "Bookstream" }],
  });
});
afterAll(() => peer.close());

describe("OAuth web-server flow", () => {
  it("redirects back with a code and the state, and the code buys tokens that name the instance and the user", async () => {
    const oauth2 = oauth2For(peer);
    const authorizeUrl = oauth2.getAuthorizationUrl({ state: "booking-page-7" });
    expect(authorizeUrl.startsWith(`${peer.loginUrl}/services/oauth2/authorize?`)).toBe(true);
    const callback = await approveAuthorization(authorizeUrl, { username: "max@bookstream-demo.example" });
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get("state")).toBe("booking-page-7");
    const code = callback.searchParams.get("code")!;

    const tokens = (await oauth2.requestToken(code)) as Record<string, string>;
    const max = userByUsername(peer, "max@bookstream-demo.example");
    expect(tokens).toMatchObject({
      instance_url: peer.instanceUrl, id: `${peer.loginUrl}/id/${peer.organizationId}/${max.Id}`, token_type: "Bearer",
    });
    expect(tokens.instance_url).not.toBe(peer.loginUrl);
    expect(tokens.access_token.startsWith(`${peer.organizationId.slice(0, 15)}!`)).toBe(true);
    expect(tokens.refresh_token).toMatch(/^5Aep861/);
    expect(tokens.scope.split(" ")).toEqual(expect.arrayContaining(["api", "refresh_token"]));
    expect(tokens.issued_at).toBe(String(clock));
    expect(tokens.signature).toBe(createHmac("sha256", "test-secret").update(tokens.id + tokens.issued_at).digest("base64"));

    // A code is good once.
    const reused = await rejection(oauth2.requestToken(code));
    expect(reused.name).toBe("invalid_grant");
    expect(reused.message).toBe("expired authorization code");

    // The tokens, stored and reused later, make a working jsforce connection; identity says who it is.
    const conn = new Connection({ oauth2, instanceUrl: tokens.instance_url, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, version: peer.apiVersion });
    const identity = await conn.identity();
    expect(identity).toMatchObject({ user_id: max.Id, organization_id: peer.organizationId, username: "max@bookstream-demo.example", email: "member@demo.bookstream.test" });
    const userinfo = await (await fetch(`${peer.loginUrl}/services/oauth2/userinfo`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).json();
    expect(userinfo).toMatchObject({ user_id: max.Id, email: "member@demo.bookstream.test", name: "Max Member" });
  });

  it("answers a denial with access_denied and refuses unknown clients and unregistered callbacks without redirecting", async () => {
    const denied = await approveAuthorization(oauth2For(peer).getAuthorizationUrl({ state: "s1" }), { decision: "deny" });
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: "access_denied", error_description: "end-user denied authorization", state: "s1" });

    const unknownClient = await fetch(new OAuth2({ loginUrl: peer.loginUrl, clientId: "nope", redirectUri: CALLBACK }).getAuthorizationUrl(), { redirect: "manual" });
    expect(unknownClient.status).toBe(400);
    expect(await unknownClient.text()).toContain("error=invalid_client_id");
    const elsewhere = await fetch(new OAuth2({ loginUrl: peer.loginUrl, clientId: "bookstream-test", redirectUri: "https://evil.example/cb" }).getAuthorizationUrl(), { redirect: "manual" });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain("error=redirect_uri_mismatch");
  });

  it("refuses a wrong secret, a bad refresh token and an unknown grant type with Salesforce's token errors", async () => {
    const code = (await approveAuthorization(oauth2For(peer).getAuthorizationUrl())).searchParams.get("code")!;
    const wrongSecret = new OAuth2({ loginUrl: peer.loginUrl, clientId: "bookstream-test", clientSecret: "guess", redirectUri: CALLBACK });
    expect(await rejection(wrongSecret.requestToken(code))).toMatchObject({ name: "invalid_client", message: "invalid client credentials" });
    expect(await rejection(oauth2For(peer).refreshToken("5Aep861nonsense"))).toMatchObject({ name: "invalid_grant", message: "expired access/refresh token" });
    expect(await rejection(oauth2For(peer).requestToken({ grant_type: "client_credentials" }))).toMatchObject({ name: "unsupported_grant_type" });
    // The code was not spent by the failed attempt.
    expect((await oauth2For(peer).requestToken(code)).access_token).toBeTruthy();
  });

  it("checks the PKCE verifier when the authorize request carried a challenge", async () => {
    const withVerifier = oauth2For(peer, { useVerifier: true });
    const code = (await approveAuthorization(withVerifier.getAuthorizationUrl())).searchParams.get("code")!;
    expect(await rejection(oauth2For(peer).requestToken(code))).toMatchObject({ name: "invalid_grant", message: "invalid code verifier" });
    expect((await withVerifier.requestToken(code)).access_token).toBeTruthy();
  });
});

describe("sessions", () => {
  it("serves data only on the instance: data calls sent to the login URL get NOT_FOUND", async () => {
    const conn = await connect(peer);
    expect(conn.instanceUrl).toBe(peer.instanceUrl);
    const wrongHost = new Connection({ instanceUrl: peer.loginUrl, accessToken: conn.accessToken!, version: peer.apiVersion });
    expect(await rejection(wrongHost.query("SELECT Id FROM User"))).toMatchObject({ errorCode: "NOT_FOUND" });
  });

  it("expires access tokens on the peer's clock; jsforce refreshes with the refresh token and retries, and the refresh answer has no new refresh token", async () => {
    const conn = await connect(peer);
    const refreshes: Array<Record<string, unknown>> = [];
    conn.on("refresh", (_token: string, res: Record<string, unknown>) => refreshes.push(res));
    const firstToken = conn.accessToken;
    peer.control.resetStats();

    clock += TTL + 1;
    const users = await conn.query("SELECT Id FROM User WHERE IsActive = TRUE");
    expect(users.totalSize).toBe(3);
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).not.toHaveProperty("refresh_token");
    expect(refreshes[0]).toMatchObject({ instance_url: peer.instanceUrl, token_type: "Bearer" });
    expect(conn.accessToken).not.toBe(firstToken);
    expect(peer.control.calls().map((c) => `${c.endpoint} ${c.status}`)).toEqual(["GET /query 401", "POST /services/oauth2/token 200", "GET /query 200"]);

    // The control call does the same without moving the clock.
    peer.control.expireAccessTokens();
    await conn.query("SELECT Id FROM User");
    expect(refreshes).toHaveLength(2);
  });

  it("an expired session answers 401 INVALID_SESSION_ID in Salesforce's body", async () => {
    const conn = await connect(peer);
    peer.control.expireAccessTokens();
    const res = await fetch(`${peer.instanceUrl}/services/data/v${peer.apiVersion}/sobjects/Event/describe`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual([{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
  });

  it("once the refresh token is revoked, jsforce cannot refresh and says why", async () => {
    const conn = await connect(peer);
    await conn.oauth2.revokeToken(conn.refreshToken!);
    // Revoking the refresh token also ends the access tokens it issued.
    const err = await rejection(conn.query("SELECT Id FROM User"));
    expect(err.message).toBe("Unable to refresh session due to: expired access/refresh token");
  });

  it("a deactivated user's session and refresh token stop working", async () => {
    const username = "ingrid@bookstream-demo.example";
    const conn = await connect(peer, { username });
    const ingrid = userByUsername(peer, username);
    peer.control.updateRecord("User", String(ingrid.Id), { IsActive: false });
    try {
      expect((await rejection(conn.query("SELECT Id FROM User"))).message).toBe("Unable to refresh session due to: inactive user");
    } finally {
      peer.control.updateRecord("User", String(ingrid.Id), { IsActive: true });
    }
  });

  it("a token without the api scope is refused for REST with the message jsforce does not refresh on", async () => {
    const conn = await connect(peer, { scope: "id refresh_token" });
    peer.control.resetStats();
    const err = await rejection(conn.query("SELECT Id FROM User"));
    expect(err).toMatchObject({ errorCode: "INVALID_SESSION_ID", message: "This session is not valid for use with the REST API" });
    expect(peer.control.stats().byEndpoint["POST /services/oauth2/token"]).toBeUndefined();
  });

  it("an empty org has only its administrator, who can still connect", async () => {
    const empty = await startSalesforcePeer({ empty: true, apiVersion: "v59.0" });
    try {
      expect(empty.control.users().map((u) => u.Username)).toEqual(["ada@bookstream-demo.example"]);
      const c = await connect(empty);
      expect(c.version).toBe("59.0");
      expect((await c.query("SELECT Id FROM Contact")).totalSize).toBe(0);
      expect((await c.query("SELECT Id FROM Lead")).totalSize).toBe(0);
    } finally {
      await empty.close();
    }
  });

  it("lists the API versions without a session, up to the org's newest", async () => {
    const versions = (await (await fetch(`${peer.instanceUrl}/services/data/`)).json()) as Array<{ version: string; url: string; label: string }>;
    expect(versions.at(-1)).toEqual({ label: "Winter '25", url: "/services/data/v62.0", version: "62.0" });
    expect(versions.find((v) => v.version === "59.0")?.label).toBe("Winter '24");
    const conn = await connect(peer);
    const tooNew = new Connection({ instanceUrl: conn.instanceUrl, accessToken: conn.accessToken!, version: "63.0" });
    expect(await rejection(tooNew.query("SELECT Id FROM User"))).toMatchObject({ errorCode: "NOT_FOUND" });
  });
});
