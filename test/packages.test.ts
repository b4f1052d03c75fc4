import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { ALL_WEEK, createPage } from "./support/scheduling.js";

describe.each(ENGINES)("session packages on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const packagePage = async (token: Parameters<typeof createPage>[1], extra: Record<string, unknown> = {}) =>
    createPage(server, token, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00"), packagesEnabled: true, maxPackageSessions: 3, ...extra });

  it("books sessions at once under a PKG- ID, each a related BKNG- booking with its own link", async () => {
    const acct = await newAccount(server);
    const page = await packagePage(acct.admin, { questions: [{ id: "goal", label: "Your goal?", required: true }] });
    const starts = futureSlots(server, 3);
    const pub = client(server.url);
    const noAnswer = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts, customer: customer() });
    expect(noAnswer.status).toBe(400);
    expect(noAnswer.body.error.details.field).toBe("answers.goal");
    const r = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts: [...starts].reverse(), customer: customer(), answers: { goal: "Fitness" } });
    expect(r.status).toBe(201);
    expect(r.body.package).toEqual({ id: expect.stringMatching(/^PKG-[A-Z0-9]{10}$/), status: "Created" });
    expect(r.body.sessions.map((s: any) => s.activity.start)).toEqual(starts.map((s) => new Date(s).toISOString()));
    for (const s of r.body.sessions) {
      expect(s.activity.id).toMatch(/^BKNG-[A-Z0-9]{12}$/);
      expect(s.activity.detailedStatus).toBe("Scheduled (By customer)");
      expect(s.manageLink).toMatch(/\/manage\/[A-Za-z0-9_-]{43}$/);
    }
    const admin = client(server.url, acct.admin.token);
    const pkg = (await admin.get(`/api/v1/activities/${r.body.package.id}`)).body;
    expect(pkg).toMatchObject({ type: "package", status: "Created", detailedStatus: "Created", actions: [] });
    expect(pkg.related.map((x: any) => [x.relation, x.id])).toEqual(r.body.sessions.map((s: any) => ["session", s.activity.id]));
    const session = (await admin.get(`/api/v1/activities/${r.body.sessions[0].activity.id}`)).body;
    expect(session.related).toEqual([expect.objectContaining({ relation: "package", id: pkg.id, type: "package" })]);
    expect(session.answers).toEqual({ goal: "Fitness" });
    const events = await server.handle.executeSql("SELECT type FROM outbox_events WHERE activity_id = $1", [pkg.id]);
    expect(events.rows.map((e) => e.type)).toEqual(["package.created"]);
  });

  it("refuses packages the page does not allow, too many sessions, overlapping or taken sessions — writing nothing", async () => {
    const acct = await newAccount(server);
    const pub = client(server.url);
    const starts = futureSlots(server, 4);
    const off = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/packages`, { starts: starts.slice(0, 2), customer: customer() });
    expect(off.status).toBe(422);
    const page = await packagePage(acct.admin);
    const many = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts, customer: customer() });
    expect(many.status).toBe(400);
    expect(many.body.error.message).toContain("up to 3 sessions");
    const overlap = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts: [starts[0], new Date(Date.parse(starts[0]) + 900_000).toISOString()], customer: customer() });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.details.field).toBe("starts");
    expect((await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: starts[2], customer: customer(2) })).status).toBe(201);
    const taken = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts: starts.slice(0, 3), customer: customer(3) });
    expect(taken.status).toBe(409);
    const rows = await server.handle.executeSql("SELECT type, count(*)::int AS n FROM activities WHERE account_id = $1 GROUP BY type", [acct.accountId]);
    expect(rows.rows).toEqual([{ type: "booking", n: 1 }]);
  });

  it("goes Created → Updated when a session is rescheduled → Completed when every session has taken place", async () => {
    const acct = await newAccount(server);
    const page = await packagePage(acct.admin);
    const starts = futureSlots(server, 3);
    const pub = client(server.url);
    const r = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts, customer: customer() });
    expect(r.status).toBe(201);
    const admin = client(server.url, acct.admin.token);
    const status = async () => (await admin.get(`/api/v1/activities/${r.body.package.id}`)).body;
    const token = r.body.sessions[1].manageLink.split("/manage/")[1];
    const moved = new Date(Date.parse(starts[2]) + 5 * 3_600_000).toISOString();
    const re = await pub.post(`/api/v1/public/manage/${token}/reschedule`, { start: moved });
    expect(re.status).toBe(200);
    let pkg = await status();
    expect(pkg.status).toBe("Updated");
    expect(pkg.related.map((x: any) => x.detailedStatus)).toEqual(["Scheduled (By customer)", "Rescheduled (By customer)", "Scheduled (By customer)"]);
    // One session done is not the package done.
    const firstEnd = new Date(Date.parse(starts[0]) + 31 * 60_000).toISOString();
    const clock = client(server.url, server.clockToken);
    expect((await clock.post("/api/v1/test-clock", { now: firstEnd })).status).toBe(200);
    expect((await status()).status).toBe("Updated");
    const after = new Date(Date.parse(moved) + 3_600_000).toISOString();
    const tick = await clock.post("/api/v1/test-clock", { now: after });
    expect(tick.status).toBe(200);
    pkg = await status();
    expect(pkg.status).toBe("Completed");
    expect(pkg.related.map((x: any) => x.status)).toEqual(["Completed", "Completed", "Completed"]);
    expect(pkg.history.map((h: any) => [h.action, h.to.status])).toEqual([["package-created", "Created"], ["package-update", "Updated"], ["package-complete", "Completed"]]);
  });

  it("keeps a session rebooked on another page in the package, and cancels a session on its own", async () => {
    const acct = await newAccount(server);
    const page = await packagePage(acct.admin);
    const starts = futureSlots(server, 2, 24 * 20);
    const pub = client(server.url);
    const r = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts, customer: customer() });
    expect(r.status).toBe(201);
    const [t0, t1] = r.body.sessions.map((s: any) => s.manageLink.split("/manage/")[1]);
    const other = await pub.post(`/api/v1/public/manage/${t0}/reschedule`, { pageSlug: acct.otherPage.slug, start: new Date(Date.parse(starts[1]) + 7_200_000).toISOString() });
    expect(other.status).toBe(200);
    expect((await pub.post(`/api/v1/public/manage/${t1}/cancel`, { reason: "Away" })).status).toBe(200);
    const pkg = (await client(server.url, acct.admin.token).get(`/api/v1/activities/${r.body.package.id}`)).body;
    expect(pkg.status).toBe("Updated");
    expect(pkg.related.map((x: any) => x.detailedStatus).sort()).toEqual(["Canceled (By customer)", "Canceled (By customer)", "Rescheduled (By customer)"]);
  });
});
