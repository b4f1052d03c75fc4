import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHttpApp, type HttpOptions } from "../src/http/app.js";
import { ENGINES, TEST_PASSWORD, client, futureSlots, newAccount, type TestAccount, type TestServer, startTestServer } from "./support/harness.js";
import { book, type Made } from "./support/lifecycle-drive.js";

/**
 * What the HTTP edge does against attackers: secrets never reach the request log; security
 * headers on every answer, with a Content-Security-Policy that forbids framing the back office
 * and lets an account's listed sites frame its public booking pages; and state-changing requests
 * that ride on the session cookie refused when another site sends them.
 */
const FAR_AHEAD_HOURS = 2 * 365 * 24;

/** A second app on the test server's database, with options of its own (log capture, a web app, HTTPS). */
async function extraApp(server: TestServer, opts: HttpOptions): Promise<{ url: string; app: FastifyInstance }> {
  const app = await buildHttpApp(server.ctx, { logLevel: "silent", webDist: "/nonexistent", ...opts });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const addr = app.server.address();
  return { url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`, app };
}

/** Signs in with e-mail and password; returns the Cookie header value. */
async function signInCookie(url: string, email: string): Promise<string> {
  const r = await fetch(`${url}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
  expect(r.status).toBe(200);
  return (r.headers.get("set-cookie") ?? "").split(";")[0];
}

describe.each(ENGINES)("the HTTP edge against attackers on $name", (engine) => {
  let server: TestServer;
  let acct: TestAccount;
  let booking: Made;
  const closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    server = await startTestServer(engine);
    acct = await newAccount(server, "Edge security");
    booking = await book(server, acct.autoPage.slug, futureSlots(server, 1, FAR_AHEAD_HOURS)[0]);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await server?.close();
  });

  const admin = () => client(server.url, acct.admin.token);

  describe("request logs", () => {
    it("never carry a manage-link token, a secret query parameter, an API token or a cookie", async () => {
      const lines: string[] = [];
      const { url, app } = await extraApp(server, { logLevel: "info", logStream: { write: (line) => void lines.push(line) } });
      closers.push(() => app.close());
      const cookie = await signInCookie(url, acct.member.email);
      const b = await book(server, acct.autoPage.slug, futureSlots(server, 1, FAR_AHEAD_HOURS + 48)[0]);
      const secrets = { token: b.token, bearer: acct.admin.token, session: cookie.split("=")[1], code: "oauth-code-4711", state: "oauth-state-0815" };

      await fetch(`${url}/api/v1/public/manage/${b.token}`);
      await fetch(`${url}/api/v1/public/manage/${b.token}/slots?from=x`);
      await fetch(`${url}/api/v1/public/manage/${b.token}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      await fetch(`${url}/manage/${b.token}`);
      await fetch(`${url}/MANAGE/${b.token}?x=1`);
      await fetch(`${url}/api/v1/activities?limit=1&code=${secrets.code}&State=${secrets.state}&token=${b.token}`, { headers: { authorization: `Bearer ${secrets.bearer}`, cookie } });
      await fetch(`${url}/api/v1/me`, { headers: { cookie } });
      // The web app's invitation and password-reset pages carry their link tokens in the path too.
      const invite = await client(url, acct.admin.token).post("/api/v1/invitations", { email: `logged-${acct.accountId.slice(0, 8)}@example.test` });
      const inviteToken = (invite.body.link as string).split("/").pop()!;
      await fetch(`${url}/invite/${inviteToken}`);
      await fetch(`${url}/reset-password/${inviteToken}`);
      // A private calendar feed's token and a checkout's return address are credentials too.
      const feedToken = "feedtoken-4711-abcdefghijklmnop";
      const checkoutId = "3f1c2b7a-0000-4000-8000-00000000c0de";
      await fetch(`${url}/api/v1/feeds/${feedToken}.ics`);
      await fetch(`${url}/checkout/${checkoutId}/return?token=EC-123`);
      await fetch(`${url}/api/v1/public/checkouts/${checkoutId}/complete`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });

      const log = lines.join("");
      const urls = lines.map((l) => JSON.parse(l).req?.url).filter(Boolean);
      expect(urls.length, "requests were logged").toBeGreaterThanOrEqual(7);
      expect(urls).toContain("/api/v1/public/manage/[redacted]");
      expect(urls).toContain("/api/v1/public/manage/[redacted]/cancel");
      expect(urls).toContain("/manage/[redacted]");
      expect(urls).toContain("/invite/[redacted]");
      expect(urls).toContain("/reset-password/[redacted]");
      expect(log.includes(inviteToken), "an invitation token is in the log").toBe(false);
      expect(urls).toContain("/api/v1/feeds/[redacted]");
      expect(urls).toContain("/checkout/[redacted]/return?token=[redacted]");
      expect(urls).toContain("/api/v1/public/checkouts/[redacted]/complete");
      expect(log.includes(feedToken) || log.includes(checkoutId), "a feed token or checkout id is in the log").toBe(false);
      expect(urls).toContain("/api/v1/activities?limit=1&code=[redacted]&State=[redacted]&token=[redacted]");
      for (const [what, secret] of Object.entries(secrets)) expect(log.includes(secret), `${what} is in the log`).toBe(false);
      expect(log).not.toMatch(/authorization|cookie/i);
    });
  });

  describe("security headers", () => {
    it("every answer has helmet's headers, a strict policy and no framing; HSTS only over HTTPS", async () => {
      const r = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${acct.admin.token}` } });
      const csp = r.headers.get("content-security-policy") ?? "";
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'", "connect-src 'self'"]) {
        expect(csp).toContain(directive);
      }
      expect(csp).not.toContain("unsafe");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("referrer-policy")).toBe("same-origin");
      expect(r.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(r.headers.get("strict-transport-security")).toBeNull();
      const error = await fetch(`${server.url}/api/v1/nothing-here`);
      expect(error.headers.get("x-frame-options"), "errors too").toBe("DENY");

      const secure = await extraApp(server, { secureCookies: true });
      closers.push(() => secure.app.close());
      const s = await fetch(`${secure.url}/api/v1/public/pages/${acct.autoPage.slug}`);
      expect(s.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      expect(s.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    });

    it("the web app's page has a fresh style nonce; public booking pages may be framed by the origins their account lists", async () => {
      const webDist = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-web-"));
      fs.writeFileSync(path.join(webDist, "index.html"), '<!doctype html><html><head><title>Bookstream</title><script type="module" src="/assets/app.js"></script></head><body></body></html>');
      fs.mkdirSync(path.join(webDist, "assets"));
      fs.writeFileSync(path.join(webDist, "assets/app.js"), "export {};");
      const web = await extraApp(server, { webDist });
      closers.push(async () => {
        await web.app.close();
        fs.rmSync(webDist, { recursive: true, force: true });
      });
      const other = await newAccount(server, "Not embedded");
      const patch = await admin().call("PATCH", "/api/v1/account", { embedOrigins: ["https://partner.example", "http://localhost:5173"] });
      expect(patch.status, JSON.stringify(patch.body)).toBe(200);
      const master = await admin().post("/api/v1/master-pages", { slug: `m-${acct.accountId.slice(0, 8)}`, name: "Start here", routing: "round_robin", targets: [{ bookingPageId: acct.autoPage.id }] });
      expect(master.status).toBe(201);

      const page = async (p: string) => {
        const r = await fetch(web.url + p);
        const html = await r.text();
        const csp = r.headers.get("content-security-policy") ?? "";
        return { status: r.status, html, csp, xfo: r.headers.get("x-frame-options"), ancestors: /frame-ancestors ([^;]*)/.exec(csp)?.[1], cache: r.headers.get("cache-control") };
      };
      const backOffice = await page("/activities");
      expect(backOffice.status).toBe(200);
      expect([backOffice.ancestors, backOffice.xfo, backOffice.cache]).toEqual(["'none'", "DENY", "no-store"]);
      const nonce = /<meta name="csp-nonce" content="([^"]+)"/.exec(backOffice.html)?.[1];
      expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
      expect(backOffice.csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect((await page("/activities")).html, "a new nonce per answer").not.toContain(nonce!);
      expect((await page("/index.html")).html, "the page is never served without its nonce").toMatch(/csp-nonce/);
      expect((await page("/")).html).toMatch(/csp-nonce/);
      expect((await fetch(`${web.url}/assets/app.js`)).status, "assets are static files").toBe(200);

      const embedded = await page(`/book/${acct.autoPage.slug}`);
      expect([embedded.ancestors, embedded.xfo]).toEqual(["'self' https://partner.example http://localhost:5173", null]);
      expect((await page(`/book/${acct.autoPage.slug}/confirmed?x=1`)).ancestors, "and the pages under it").toBe("'self' https://partner.example http://localhost:5173");
      expect((await page(`/m/${master.body.slug}`)).ancestors).toBe("'self' https://partner.example http://localhost:5173");
      const notEmbedded = await page(`/book/${other.autoPage.slug}`);
      expect([notEmbedded.ancestors, notEmbedded.xfo]).toEqual(["'self'", "SAMEORIGIN"]);
      expect((await page("/book/no-such-page-anywhere")).ancestors).toBe("'none'");
      expect((await page(`/manage/${booking.token}`)).ancestors, "manage links are never framed").toBe("'none'");
      expect((await page(`/bookings/${acct.autoPage.slug}`)).ancestors).toBe("'none'");
    });
  });

  describe("GET/PATCH /api/v1/account", () => {
    it("admins set the embed origins, written as a browser sends them; members may read but not change them", async () => {
      const a = await newAccount(server, "Settings");
      const adminOf = client(server.url, a.admin.token);
      expect((await adminOf.get("/api/v1/account")).body).toEqual({ id: a.accountId, name: "Settings", embedOrigins: [], brandColor: null, defaultTimeZone: "UTC", logoUrl: null, invoice: { address: null, taxId: null, taxName: null, taxRate: null }, emailSenderName: null, emailSenderAddress: null });
      const set = await adminOf.call("PATCH", "/api/v1/account", { embedOrigins: ["https://Shop.Example.com/", "https://shop.example.com", "https://shop.example.com:8443", "http://127.0.0.1:8080"] });
      expect(set.status, JSON.stringify(set.body)).toBe(200);
      expect(set.body.embedOrigins).toEqual(["https://shop.example.com", "https://shop.example.com:8443", "http://127.0.0.1:8080"]);
      expect((await client(server.url, a.member.token).get("/api/v1/account")).body.embedOrigins).toEqual(set.body.embedOrigins);

      for (const [bad, why] of [["http://shop.example.com", /https/], ["https://shop.example.com/embed", /origin only/], ["https://shop.example.com?x=1", /origin only/], ["https://user:pw@shop.example.com", /user name/], ["shop.example.com", /not an origin/], ["*", /not an origin/], ["javascript:alert(1)", /https/]] as const) {
        const r = await adminOf.call("PATCH", "/api/v1/account", { embedOrigins: [bad] });
        expect(r.status, bad).toBe(400);
        expect(r.body.error.details.field).toBe("body.embedOrigins.0");
        expect(r.body.error.message).toMatch(why);
      }
      const member = await client(server.url, a.member.token).call("PATCH", "/api/v1/account", { embedOrigins: [] });
      expect([member.status, member.body.error.code]).toEqual([403, "forbidden"]);
      expect((await adminOf.get("/api/v1/account")).body.embedOrigins, "unchanged").toEqual(set.body.embedOrigins);
      expect((await client(server.url).get("/api/v1/account")).status).toBe(401);
    });
  });

  describe("cross-site requests", () => {
    const send = (method: string, p: string, headers: Record<string, string>, body?: unknown) =>
      client(server.url).call(method, p, body, headers);

    it("a foreign page cannot sign a user out, sign them in, or act with their session cookie", async () => {
      const cookie = await signInCookie(server.url, acct.admin.email);
      const evil = { cookie, origin: "https://evil.example" };
      const signOut = await send("POST", "/api/v1/auth/sign-out", evil);
      expect([signOut.status, signOut.body.error.code]).toEqual([403, "forbidden"]);
      expect(signOut.body.error.message).toMatch(/another site \(https:\/\/evil\.example\)/);
      expect((await send("GET", "/api/v1/me", { cookie })).status, "still signed in").toBe(200);

      const b = await book(server, acct.autoPage.slug, futureSlots(server, 1, FAR_AHEAD_HOURS + 96)[0]);
      const cancel = await send("POST", `/api/v1/activities/${b.id}/actions/cancel`, evil, {});
      expect(cancel.status).toBe(403);
      const noOrigin = await send("POST", `/api/v1/activities/${b.id}/actions/cancel`, { cookie, "sec-fetch-site": "cross-site" }, {});
      expect([noOrigin.status, noOrigin.body.error.details]).toEqual([403, { secFetchSite: "cross-site" }]);
      expect((await send("POST", `/api/v1/activities/${b.id}/actions/cancel`, { cookie, "sec-fetch-site": "same-site" }, {})).status).toBe(403);
      expect((await send("POST", `/api/v1/activities/${b.id}/actions/cancel`, { cookie, origin: "null" }, {})).status).toBe(403);
      expect((await admin().get(`/api/v1/activities/${b.id}`)).body.detailedStatus, "nothing was canceled").toBe("Scheduled (By customer)");

      const loginCsrf = await send("POST", "/api/v1/auth/sign-in", { origin: "https://evil.example" }, { email: acct.member.email, password: TEST_PASSWORD });
      expect(loginCsrf.status, "signing in from a foreign page").toBe(403);
    });

    it("the same requests from our own origin, or from no page at all, go through", async () => {
      const cookie = await signInCookie(server.url, acct.admin.email);
      const [b1, b2, b3] = await Promise.all(futureSlots(server, 3, FAR_AHEAD_HOURS + 120).map((s) => book(server, acct.autoPage.slug, s)));
      const same = await send("POST", `/api/v1/activities/${b1.id}/actions/cancel`, { cookie, origin: server.url }, {});
      expect(same.status, JSON.stringify(same.body)).toBe(200);
      const publicUrl = await send("POST", `/api/v1/activities/${b2.id}/actions/cancel`, { cookie, origin: "http://bookstream.test" }, {});
      expect(publicUrl.status, "the configured PUBLIC_URL is our origin too").toBe(200);
      const fetchSite = await send("POST", `/api/v1/activities/${b3.id}/actions/cancel`, { cookie, "sec-fetch-site": "same-origin" }, {});
      expect(fetchSite.status).toBe(200);
      expect((await send("POST", "/api/v1/auth/sign-in", { origin: server.url }, { email: acct.member.email, password: TEST_PASSWORD })).status).toBe(200);
      const out = await send("POST", "/api/v1/auth/sign-out", { cookie, origin: server.url });
      expect(out.status).toBe(204);
      expect((await send("GET", "/api/v1/me", { cookie })).status, "signed out").toBe(401);
    });

    it("API-token calls and the customer's public API are not affected: they carry no ambient credential", async () => {
      const b = await book(server, acct.autoPage.slug, futureSlots(server, 1, FAR_AHEAD_HOURS + 150)[0]);
      const viaToken = await admin().post(`/api/v1/activities/${b.id}/actions/cancel`, {}, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
      expect(viaToken.status, JSON.stringify(viaToken.body)).toBe(200);
      const start = futureSlots(server, 1, FAR_AHEAD_HOURS + 160)[0];
      const customerBooking = await send("POST", `/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { origin: "https://partner.example", "sec-fetch-site": "cross-site" }, { start, customer: { name: "Embedded", email: "embedded@example.com" } });
      expect(customerBooking.status, JSON.stringify(customerBooking.body)).toBe(201);
    });
  });
});
