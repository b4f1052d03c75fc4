import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../src/app/auth.js";
import { buildHttpApp } from "../src/http/app.js";
import { ENGINES, TEST_PASSWORD, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, hoursAfter, moveClock } from "./support/lifecycle-drive.js";

/** Issue 9's access rules: the test clock, API tokens, the shared sign-in limiter, and what members may see and do. */
describe.each(ENGINES)("access control on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it("the test clock needs an admin: 401 without credentials, 403 for a member", async () => {
    const acct = await newAccount(server);
    const now = hoursAfter(server.clock.now(), 0.1);
    expect((await client(server.url).post("/api/v1/test-clock", { now })).status).toBe(401);
    const member = await client(server.url, acct.member.token).post("/api/v1/test-clock", { now });
    expect([member.status, member.body.error.code]).toEqual([403, "forbidden"]);
    expect((await client(server.url, acct.admin.token).post("/api/v1/test-clock", { now })).status).toBe(200);
  });

  describe("API tokens", () => {
    it("a user lists, creates (shown once), uses and revokes their own tokens", async () => {
      const acct = await newAccount(server);
      const me = client(server.url, acct.member.token);
      const made = await me.post("/api/v1/me/tokens", { name: "CRM sync" });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      expect(made.body.token).toMatch(/^bst_/);
      expect(made.body.item).toMatchObject({ name: "CRM sync", expiresAt: null, lastUsedAt: null });
      const listed = (await me.get("/api/v1/me/tokens")).body.items;
      expect(listed.map((t: any) => t.name)).toContain("CRM sync");
      expect(JSON.stringify(listed)).not.toContain(made.body.token);

      const own = client(server.url, made.body.token);
      expect((await own.get("/api/v1/me")).body.user.id).toBe(acct.member.id);
      const used = (await me.get("/api/v1/me/tokens")).body.items.find((t: any) => t.id === made.body.item.id);
      expect(used.lastUsedAt).not.toBeNull();

      // Another user cannot revoke it.
      expect((await client(server.url, acct.admin.token).call("DELETE", `/api/v1/me/tokens/${made.body.item.id}`)).status).toBe(404);
      expect((await me.call("DELETE", `/api/v1/me/tokens/${made.body.item.id}`)).status).toBe(204);
      expect((await own.get("/api/v1/me")).status).toBe(401);
    });

    it("a token stops working when it expires", async () => {
      const acct = await newAccount(server);
      const me = client(server.url, acct.admin.token);
      const expiresAt = hoursAfter(server.clock.now(), 1);
      const made = await me.post("/api/v1/me/tokens", { name: "One hour", expiresAt });
      expect(made.body.item.expiresAt).toBe(new Date(expiresAt).toISOString());
      const own = client(server.url, made.body.token);
      expect((await own.get("/api/v1/me")).status).toBe(200);
      await moveClock(server, hoursAfter(expiresAt, 0.01));
      // A process may remember a token for a few seconds, never past its expiry.
      await new Promise((r) => setTimeout(r, 10));
      expect((await own.get("/api/v1/me")).status).toBe(401);
      expect((await me.post("/api/v1/me/tokens", { name: "Already over", expiresAt: hoursAfter(server.clock.now(), -1) })).status).toBe(400);
    });
  });

  describe("sign-in limiting, shared by every process", () => {
    it("counts an e-mail's failures from one address across two server processes, and other users of that address still get in", async () => {
      const acct = await newAccount(server);
      // A second "process": another HTTP app over the same database.
      const other = await buildHttpApp(server.ctx, { logLevel: "silent", signInRateLimit: 5, webDist: "/nonexistent" });
      await other.listen({ port: 0, host: "127.0.0.1" });
      const addr = other.server.address();
      const otherUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
      try {
        const attempt = (url: string, email: string, password: string) => client(url).post("/api/v1/auth/sign-in", { email, password });
        const statuses = [];
        for (const url of [server.url, otherUrl, server.url, otherUrl, server.url]) statuses.push((await attempt(url, acct.admin.email, "wrong")).status);
        expect(statuses).toEqual([401, 401, 401, 401, 401]);
        const blocked = await fetch(`${otherUrl}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: acct.admin.email, password: TEST_PASSWORD }) });
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
        expect((await attempt(server.url, acct.member.email, TEST_PASSWORD)).status).toBe(200);
      } finally {
        await other.close();
      }
    });

    it("limits an e-mail's failures from many addresses too", async () => {
      const acct = await newAccount(server);
      // The e-mail-wide limit is five times the per-address one: 5 failures here.
      const limits = { perAddressPerMinute: 1 };
      const now = new Date();
      for (let i = 0; i < 5; i++) {
        await expect(signIn(server.handle.db, { email: acct.viewer.email, password: "guess", address: `198.51.100.${i}` }, now, limits)).rejects.toMatchObject({ code: "unauthenticated" });
      }
      await expect(signIn(server.handle.db, { email: acct.viewer.email, password: TEST_PASSWORD, address: "203.0.113.9" }, now, limits)).rejects.toMatchObject({ code: "rate_limited" });
      // The table keeps no e-mail or address in clear.
      const keys = (await server.handle.db.selectFrom("sign_in_failures").select("key").execute()).map((r) => r.key).join(" ");
      expect(keys).not.toContain(acct.viewer.email);
      expect(keys).not.toContain("198.51.100");
    });
  });

  describe("what members may see and do", () => {
    it("the customers API shows a member only the customers of activities they may see", async () => {
      const acct = await newAccount(server);
      const { admin, member, outsider } = clientsFor(server, acct);
      const [s1, s2] = futureSlots(server, 2);
      const seen = { ...customer(1), name: "Visible Vera" };
      const hidden = { ...customer(2), name: "Hidden Hugo" };
      await book(server, acct.autoPage.slug, s1, { customer: hidden });
      const r = await client(server.url).post(`/api/v1/public/pages/${acct.approvalPage.slug}/requests`, { proposedTimes: [s2], customer: seen });
      expect(r.status).toBe(201);
      const names = async (c: typeof admin) => (await c.get("/api/v1/customers?q=example")).body.items.map((x: any) => x.name).sort();
      expect(await names(admin)).toEqual(["Hidden Hugo", "Visible Vera"]);
      expect(await names(member)).toEqual(["Visible Vera"]);
      expect(await names(outsider)).toEqual([]);
      const hugo = (await admin.get("/api/v1/customers?q=Hugo")).body.items[0];
      expect((await member.get(`/api/v1/customers/${hugo.id}`)).status).toBe(404);
      expect((await admin.get(`/api/v1/customers/${hugo.id}`)).status).toBe(200);
      const viaId = await member.post("/api/v1/bookings", { bookingPageId: acct.approvalPage.id, start: futureSlots(server, 1, 72)[0], customerId: hugo.id });
      expect(viaId.status).toBe(400);
    });

    it("a member cannot make a colleague a host of a page, nor book a colleague as host", async () => {
      const acct = await newAccount(server);
      const { admin, member } = clientsFor(server, acct);
      const put = (userIds: string[]) => member.call("PUT", `/api/v1/booking-pages/${acct.approvalPage.id}/hosts`, { userIds });
      const others = await put([acct.member.id, acct.outsider.id]);
      expect([others.status, others.body.error.details.userIds]).toEqual([403, [acct.outsider.id]]);
      expect((await put([acct.member.id])).status).toBe(200);
      // An admin may; the member may then take themselves off but not put the colleague back.
      expect((await admin.call("PUT", `/api/v1/booking-pages/${acct.approvalPage.id}/hosts`, { userIds: [acct.member.id, acct.outsider.id] })).status).toBe(200);
      expect((await put([acct.outsider.id])).status).toBe(200);
      expect((await put([acct.outsider.id, acct.viewer.id])).status).toBe(403);

      const start = futureSlots(server, 1)[0];
      const colleague = await member.post("/api/v1/bookings", { bookingPageId: acct.approvalPage.id, start, customer: customer(), ownerId: acct.admin.id });
      expect([colleague.status, colleague.body.error.details.field]).toEqual([403, "ownerId"]);
      const self = await member.post("/api/v1/bookings", { bookingPageId: acct.approvalPage.id, start, customer: customer() });
      expect(self.status, JSON.stringify(self.body)).toBe(201);
      expect(self.body.activity.owner.id).toBe(acct.member.id);
    });

    it("Find a time shows a member only their own time; master pages only the targets they may see", async () => {
      const acct = await newAccount(server);
      const { admin, member } = clientsFor(server, acct);
      const start = futureSlots(server, 1)[0];
      const asMember = await member.get(`/api/v1/find-a-time?start=${encodeURIComponent(start)}`);
      expect(asMember.status).toBe(200);
      const ids = [...asMember.body.members, ...asMember.body.unavailable].map((m: any) => m.userId);
      expect(ids).toEqual([acct.member.id]);
      const asAdmin = await admin.get(`/api/v1/find-a-time?start=${encodeURIComponent(start)}`);
      expect(asAdmin.body.members.length).toBe(4);

      const slug = `front-${acct.accountId.slice(0, 8)}`;
      const master = await admin.post("/api/v1/master-pages", { slug, name: "Front desk", routing: "round_robin", targets: [{ bookingPageId: acct.autoPage.id }, { bookingPageId: acct.approvalPage.id }] });
      expect(master.status).toBe(201);
      const onlyOther = await admin.post("/api/v1/master-pages", { slug: `${slug}-x`, name: "Others", routing: "round_robin", targets: [{ bookingPageId: acct.otherPage.id }] });
      const mine = (await member.get(`/api/v1/master-pages/${master.body.id}`)).body;
      expect(mine.targets.map((t: any) => t.bookingPageId)).toEqual([acct.approvalPage.id]);
      expect((await member.get(`/api/v1/master-pages/${onlyOther.body.id}`)).status).toBe(404);
      expect((await member.get("/api/v1/master-pages")).body.items.map((m: any) => m.id)).toEqual([master.body.id]);
    });
  });

  it("a reassigned booking's former host no longer sees it as theirs, and the new host can act on it", async () => {
    const acct = await newAccount(server);
    const { admin, member } = clientsFor(server, acct);
    const b = await book(server, acct.autoPage.slug, futureSlots(server, 1)[0]);
    await act(admin, b.id, "reassign", { ownerId: acct.member.id });
    expect((await member.get(`/api/v1/activities/${b.id}`)).body.actions).toContain("cancel");
  });
});
