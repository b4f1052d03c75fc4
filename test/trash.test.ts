import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, details, hoursAfter, moveClock, streamIds } from "./support/lifecycle-drive.js";
import { ALL_WEEK, createPage } from "./support/scheduling.js";
import { runTrashPurge } from "../src/app/trash/run-trash-purge.js";

/**
 * The seed's "Deleting activities from the Activity stream", paragraph by paragraph, through the
 * HTTP API. Every test makes its own account and moves the file's test clock only forward.
 */
describe.each(ENGINES)("the Trash on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const DAY = 24 * 3_600_000;
  const show = (r: { body: unknown }) => JSON.stringify(r.body);
  const trash = (acct: TestAccount) => client(server.url, acct.admin.token);
  const eventsOf = async (id: string) => Number((await server.handle.executeSql("SELECT count(*)::int AS n FROM outbox_events WHERE activity_id = $1", [id])).rows[0].n);

  async function moveOne(acct: TestAccount, id: string) {
    const r = await trash(acct).post(`/api/v1/activities/${id}/actions/move-to-trash`);
    expect(r.status, show(r)).toBe(200);
    return r.body.activity;
  }

  it("Move to Trash: the activity leaves every view, filter, search and count, and is only in the Trash, with its deletion date 30 days on", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const [s1, s2] = futureSlots(server, 2);
    const keep = await book(server, acct.autoPage.slug, s1);
    const gone = await book(server, acct.autoPage.slug, s2, { customer: { name: "Zebediah Quist", email: `zq-${acct.accountId.slice(0, 6)}@example.com` } });
    const saved = await admin.post("/api/v1/saved-filters", { name: "Scheduled ones", query: { status: "Scheduled" } });
    expect(saved.status, show(saved)).toBe(201);
    const before = await details(admin, gone.id);
    expect(before.trashActions).toEqual(["move-to-trash"]);
    expect(before.trash).toBeNull();

    const t0 = server.clock.now().getTime();
    const moved = await moveOne(acct, gone.id);
    const trashedAt = moved.trash.trashedAt;
    expect(Date.parse(trashedAt)).toBeGreaterThanOrEqual(t0);
    expect(Date.parse(trashedAt)).toBeLessThanOrEqual(server.clock.now().getTime());
    expect(moved.trash).toEqual({ trashedAt, trashedBy: { id: acct.admin.id, name: expect.any(String) }, deletesAt: new Date(Date.parse(trashedAt) + 30 * DAY).toISOString() });
    expect(moved.actions).toEqual([]);
    expect(moved.trashActions).toEqual(["restore", "delete-permanently"]);
    expect(moved.history.at(-1)).toMatchObject({ action: "move-to-trash", actor: { type: "user", id: acct.admin.id }, from: { status: "Scheduled" }, to: { status: "Scheduled" } });

    for (const query of ["", "status=Scheduled", "type=booking", "sort=start", "sort=-start", "sort=created", `q=Zebediah`, `q=${gone.id}`, `q=email:zq-${acct.accountId.slice(0, 6)}@example.com`, `bookingPageId=${acct.autoPage.id}`, `startFrom=${encodeURIComponent(s1)}`]) {
      const ids = await streamIds(admin, query);
      expect(ids, query).not.toContain(gone.id);
    }
    expect(await streamIds(admin, "")).toContain(keep.id);
    // The saved filter is the stream with its parameters: the trashed one is not among its results.
    expect(await streamIds(admin, new URLSearchParams(saved.body.query).toString())).toEqual([keep.id]);
    const counted = await admin.get("/api/v1/activities?limit=1&includeTotal=true");
    expect(counted.body.total).toBe(1);

    const t = await admin.get("/api/v1/trash");
    expect(t.status, show(t)).toBe(200);
    expect(t.body.total).toBe(1);
    expect(t.body.items).toEqual([expect.objectContaining({ id: gone.id, status: "Scheduled", trash: { trashedAt, deletesAt: moved.trash.deletesAt, trashedBy: { id: acct.admin.id, name: expect.any(String) } } })]);
    // Details stay readable for admins (the Trash's Details pane), marked as in the Trash.
    expect((await details(admin, gone.id)).trash).toEqual(moved.trash);
  });

  it("Nobody is notified: moving to the Trash and restoring write no outbox event (no e-mail, calendar, Salesforce or webhook change)", async () => {
    const acct = await newAccount(server);
    const b = await book(server, acct.autoPage.slug, futureSlots(server, 1)[0]);
    const events = await eventsOf(b.id);
    await moveOne(acct, b.id);
    expect(await eventsOf(b.id)).toBe(events);
    expect((await trash(acct).post(`/api/v1/activities/${b.id}/actions/restore`)).status).toBe(200);
    expect(await eventsOf(b.id)).toBe(events);
  });

  it("A booking in the Trash gets no reminder while it waits to be deleted; restored, it gets its reminder", async () => {
    const acct = await newAccount(server);
    const [slot] = futureSlots(server, 1, 24 * 3);
    const b = await book(server, acct.autoPage.slug, slot);
    await moveOne(acct, b.id);
    const reminders = async () => Number((await server.handle.executeSql("SELECT count(*)::int AS n FROM scheduled_notifications WHERE activity_id = $1 AND kind = 'reminder'", [b.id])).rows[0].n);
    // Inside the 24-hour reminder window.
    await moveClock(server, hoursAfter(slot, -20));
    expect(await reminders()).toBe(0);
    expect((await trash(acct).post(`/api/v1/activities/${b.id}/actions/restore`)).status).toBe(200);
    await moveClock(server, hoursAfter(slot, -19));
    expect(await reminders()).toBe(1);
  });

  it("Trashing is not canceling: a future booking stays booked, its time stays taken, and lifecycle actions wait for a restore", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const [slot] = futureSlots(server, 1, 72);
    const b = await book(server, acct.autoPage.slug, slot);
    await moveOne(acct, b.id);
    const d = await details(admin, b.id);
    expect(d).toMatchObject({ status: "Scheduled", detailedStatus: "Scheduled (By customer)", start: slot });
    const taken = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: slot, customer: customer(2) });
    expect(taken.status, show(taken)).toBe(409);
    const cancel = await admin.post(`/api/v1/activities/${b.id}/actions/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.message).toContain("in the Trash");
    // The customer's own link still works: the booking is theirs and still booked.
    const manage = await client(server.url).get(`/api/v1/public/manage/${b.token}`);
    expect(manage.status).toBe(200);
  });

  it("Bulk: up to 50 at once in one transaction; 51 is refused with a clear message; one bad ID moves none", async () => {
    const acct = await newAccount(server);
    const other = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const slots = futureSlots(server, 51, 24);
    const ids: string[] = [];
    for (const s of slots) ids.push((await book(server, acct.autoPage.slug, s)).id);
    const foreign = (await book(server, other.autoPage.slug, slots[0])).id;

    const tooMany = await admin.post("/api/v1/trash", { ids });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.message).toContain("up to 50 activities");
    expect(tooMany.body.error.details).toMatchObject({ limit: 50, selected: 51 });

    const withForeign = await admin.post("/api/v1/trash", { ids: [...ids.slice(0, 49), foreign] });
    expect(withForeign.status).toBe(404);
    expect(withForeign.body.error.message).toContain("Nothing was moved");
    expect(withForeign.body.error.details.ids).toEqual([foreign]);
    expect((await admin.get("/api/v1/trash")).body.total).toBe(0);

    await moveOne(acct, ids[10]);
    const withTrashed = await admin.post("/api/v1/trash", { ids: ids.slice(0, 50) });
    expect(withTrashed.status).toBe(409);
    expect(withTrashed.body.error.details.ids).toEqual([ids[10]]);
    expect((await admin.get("/api/v1/trash")).body.total).toBe(1);
    expect((await admin.post(`/api/v1/activities/${ids[10]}/actions/restore`)).status).toBe(200);

    const fifty = await admin.post("/api/v1/trash", { ids: ids.slice(0, 50) });
    expect(fifty.status, show(fifty)).toBe(200);
    expect(fifty.body.moved).toHaveLength(50);
    expect(await streamIds(admin, "")).toEqual([ids[50]]);
    const listed = await admin.get("/api/v1/trash?limit=30");
    expect(listed.body.total).toBe(50);
    const rest = await admin.get(`/api/v1/trash?limit=30&cursor=${encodeURIComponent(listed.body.nextCursor)}`);
    expect(new Set([...listed.body.items, ...rest.body.items].map((i: any) => i.id))).toEqual(new Set(ids.slice(0, 50)));
    // The other account's booking was never touched.
    expect((await details(client(server.url, other.admin.token), foreign)).trash).toBeNull();
  });

  it("Only admins see the Trash: members get 403 on every Trash endpoint and never see trashed activities", async () => {
    const acct = await newAccount(server);
    const { admin, member } = clientsFor(server, acct);
    const onMemberPage = (await client(server.url).post(`/api/v1/public/pages/${acct.approvalPage.slug}/requests`, { proposedTimes: futureSlots(server, 1), customer: customer() })).body.activity.id;
    expect(await streamIds(member, "")).toContain(onMemberPage);
    expect((await details(member, onMemberPage)).trashActions).toEqual([]);
    const calls = [
      member.post(`/api/v1/activities/${onMemberPage}/actions/move-to-trash`),
      member.post("/api/v1/trash", { ids: [onMemberPage] }),
      member.get("/api/v1/trash"),
      member.post("/api/v1/trash/empty"),
      member.get("/api/v1/trash/purge-reports"),
      member.post(`/api/v1/activities/${onMemberPage}/actions/restore`),
      member.post(`/api/v1/activities/${onMemberPage}/actions/delete-permanently`),
    ];
    for (const r of await Promise.all(calls)) expect(r.status, show(r)).toBe(403);
    await moveOne(acct, onMemberPage);
    expect(await streamIds(member, "")).not.toContain(onMemberPage);
    expect((await member.get(`/api/v1/activities/${onMemberPage}`)).status).toBe(404);
    expect((await member.get(`/api/v1/activities?q=${onMemberPage}&includeTotal=true`)).body.total).toBe(0);
    for (const r of await Promise.all([member.post(`/api/v1/activities/${onMemberPage}/actions/restore`), member.get("/api/v1/trash")])) expect(r.status).toBe(403);
    expect((await admin.get("/api/v1/trash")).body.items.map((i: any) => i.id)).toEqual([onMemberPage]);
  });

  it("Restoring within 30 days brings it back to its place in the stream, as it was, and the history notes it", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const [a, b, c] = futureSlots(server, 3, 24 * 40);
    const first = await book(server, acct.autoPage.slug, a);
    const middle = await book(server, acct.autoPage.slug, b);
    const last = await book(server, acct.autoPage.slug, c);
    const order = await streamIds(admin, "");
    const was = await details(admin, middle.id);
    await moveOne(acct, middle.id);
    await moveClock(server, new Date(server.clock.now().getTime() + 29 * DAY));
    const r = await admin.post(`/api/v1/activities/${middle.id}/actions/restore`);
    expect(r.status, show(r)).toBe(200);
    expect(r.body.activity).toMatchObject({ status: was.status, detailedStatus: was.detailedStatus, updatedAt: was.updatedAt, trash: null, trashActions: ["move-to-trash"] });
    expect(r.body.activity.history.slice(-2).map((h: any) => h.action)).toEqual(["move-to-trash", "restore"]);
    expect(await streamIds(admin, "")).toEqual(order);
    expect(order).toEqual(expect.arrayContaining([first.id, last.id]));
    expect((await admin.get("/api/v1/trash")).body.total).toBe(0);
    // Not in the Trash (any more): restoring again is 404.
    expect((await admin.post(`/api/v1/activities/${middle.id}/actions/restore`)).status).toBe(404);
  });

  it("Restoring after 30 days is impossible: 404 with a clear message, and the purge then deletes it", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const b = await book(server, acct.autoPage.slug, futureSlots(server, 1)[0]);
    await moveOne(acct, b.id);
    // The clock passes the 30 days before the purge job has run.
    server.clock.moveTo(new Date(server.clock.now().getTime() + 30 * DAY + 60_000));
    const late = await admin.post(`/api/v1/activities/${b.id}/actions/restore`);
    expect(late.status).toBe(404);
    expect(late.body.error.message).toContain("more than 30 days ago");
    expect(late.body.error.details.reason).toBe("trash_expired");
    // Nor is it listed in the Trash any more.
    expect((await admin.get("/api/v1/trash")).body.total).toBe(0);
    await moveClock(server, new Date(server.clock.now().getTime() + 60_000));
    expect((await admin.get(`/api/v1/activities/${b.id}`)).status).toBe(404);
  });

  it("A scheduled purge that takes several rounds keeps one report for its run, with the counts of every round", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const slots = futureSlots(server, 5);
    const ids: string[] = [];
    for (const s of slots) ids.push((await book(server, acct.autoPage.slug, s)).id);
    for (const id of ids) await moveOne(acct, id);
    // Past 30 days without the clock's own run, so this run below is the one that purges them.
    server.clock.moveTo(new Date(server.clock.now().getTime() + 31 * DAY));
    const run = await runTrashPurge(server.ctx, { round: 2, vacuum: false });
    expect(run.purged).toBeGreaterThanOrEqual(5);
    for (const id of ids) expect((await admin.get(`/api/v1/activities/${id}`)).status).toBe(404);
    const reports = (await admin.get("/api/v1/trash/purge-reports")).body.items;
    expect(reports).toEqual([expect.objectContaining({ trigger: "scheduled", counts: expect.objectContaining({ bookings: 5 }) })]);
  });

  it("Deleted permanently and automatically after 30 days, on the account's clock, catching up after downtime", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const [s1, s2, s3] = futureSlots(server, 3);
    const early = await book(server, acct.autoPage.slug, s1);
    const late = await book(server, acct.autoPage.slug, s2);
    const stays = await book(server, acct.autoPage.slug, s3);
    await moveOne(acct, early.id);
    const t0 = server.clock.now().getTime();
    await moveClock(server, new Date(t0 + DAY));
    await moveOne(acct, late.id);
    await moveClock(server, new Date(t0 + 30 * DAY - 60_000));
    expect((await admin.get("/api/v1/trash")).body.total).toBe(2);
    await moveClock(server, new Date(t0 + 30 * DAY + 60_000));
    expect((await admin.get(`/api/v1/activities/${early.id}`)).status).toBe(404);
    expect((await admin.get("/api/v1/trash")).body.items.map((i: any) => i.id)).toEqual([late.id]);
    // The database reclaims the space once a purge is an hour old (well inside the 24 hours).
    expect((await admin.get("/api/v1/trash/purge-reports")).body.items).toEqual([expect.objectContaining({ trigger: "scheduled", vacuumedAt: null })]);
    // Downtime: nothing ran for two months; one run deletes what fell due meanwhile.
    server.clock.moveTo(new Date(t0 + 90 * DAY));
    await moveClock(server, new Date(t0 + 90 * DAY + 60_000));
    expect((await admin.get(`/api/v1/activities/${late.id}`)).status).toBe(404);
    expect((await admin.get(`/api/v1/activities/${stays.id}`)).status).toBe(200);
    const reports = (await admin.get("/api/v1/trash/purge-reports")).body.items;
    expect(reports.map((r: any) => [r.trigger, r.counts.bookings])).toEqual([["scheduled", 1], ["scheduled", 1]]);
    // The first purge was over an hour old: this run vacuumed, covering both.
    expect(reports.map((r: any) => r.vacuumedAt !== null)).toEqual([true, true]);
  });

  it("Delete permanently from the Trash: gone for good, not restorable; only from the Trash", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const b = await book(server, acct.autoPage.slug, futureSlots(server, 1)[0]);
    const active = await admin.post(`/api/v1/activities/${b.id}/actions/delete-permanently`);
    expect(active.status).toBe(404);
    expect((await details(admin, b.id)).trash).toBeNull();
    await moveOne(acct, b.id);
    const r = await admin.post(`/api/v1/activities/${b.id}/actions/delete-permanently`);
    expect(r.status, show(r)).toBe(200);
    expect(r.body.counts).toMatchObject({ bookings: 1, customers: 1 });
    expect(r.body.counts.history).toBeGreaterThanOrEqual(2);
    expect((await admin.get(`/api/v1/activities/${b.id}`)).status).toBe(404);
    expect((await admin.post(`/api/v1/activities/${b.id}/actions/restore`)).status).toBe(404);
    expect((await admin.post(`/api/v1/activities/${b.id}/actions/delete-permanently`)).status).toBe(404);
    expect((await client(server.url).get(`/api/v1/public/manage/${b.token}`)).status).toBe(404);
    const rows = await server.handle.executeSql("SELECT count(*)::int AS n FROM activity_history WHERE activity_id = $1", [b.id]);
    expect(rows.rows[0].n).toBe(0);
    const reports = (await admin.get("/api/v1/trash/purge-reports")).body.items;
    expect(reports).toEqual([expect.objectContaining({ trigger: "delete-permanently", actorId: acct.admin.id, counts: r.body.counts })]);
    expect(JSON.stringify(reports)).not.toContain(b.id);
  });

  it("Empty trash now deletes every activity in the Trash, and nothing else", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const ids: string[] = [];
    for (const s of futureSlots(server, 4)) ids.push((await book(server, acct.autoPage.slug, s)).id);
    expect((await admin.post("/api/v1/trash", { ids: ids.slice(0, 3) })).status).toBe(200);
    const r = await admin.post("/api/v1/trash/empty");
    expect(r.status, show(r)).toBe(200);
    expect(r.body.counts.bookings).toBe(3);
    expect((await admin.get("/api/v1/trash")).body.total).toBe(0);
    expect(await streamIds(admin, "")).toEqual([ids[3]]);
    const again = await admin.post("/api/v1/trash/empty");
    expect(again.body).toEqual({ reportId: null, counts: expect.any(Object) });
  });

  it("Empty trash over several batches: one customer's 60 bookings span them, and all go with the customer, in one report", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const same = { ...customer(), email: `many-${acct.accountId.slice(0, 8)}@example.test` };
    const ids: string[] = [];
    // More than two batches of the embedded database's (25) and fewer than one of PostgreSQL's.
    for (const s of futureSlots(server, 60)) ids.push((await book(server, acct.autoPage.slug, s, { customer: same })).id);
    for (let i = 0; i < ids.length; i += 50) expect((await admin.post("/api/v1/trash", { ids: ids.slice(i, i + 50) })).status).toBe(200);
    const r = await admin.post("/api/v1/trash/empty");
    expect(r.status, show(r)).toBe(200);
    expect(r.body.counts).toMatchObject({ bookings: 60, customers: 1, history: expect.any(Number) });
    expect(r.body.counts.history).toBeGreaterThanOrEqual(120);
    const left = await server.handle.executeSql("SELECT (SELECT count(*)::int FROM activities WHERE account_id = $1) AS activities, (SELECT count(*)::int FROM customers WHERE account_id = $1) AS customers", [acct.accountId]);
    expect(left.rows[0]).toEqual({ activities: 0, customers: 0 });
    const reports = await admin.get("/api/v1/trash/purge-reports");
    expect(reports.status, show(reports)).toBe(200);
    expect(reports.body.items.filter((p: any) => p.counts.bookings === 60)).toHaveLength(1);
  });

  it("Session packages: trashing a session trashes only it; trashing the package leaves its sessions", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const page = await createPage(server, acct.admin, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00"), packagesEnabled: true, maxPackageSessions: 3 });
    const made = await client(server.url).post(`/api/v1/public/pages/${page.slug}/packages`, { starts: futureSlots(server, 3), customer: customer() });
    expect(made.status, show(made)).toBe(201);
    const pkg = made.body.package.id;
    const [s1, s2, s3] = made.body.sessions.map((s: any) => s.activity.id);
    await moveOne(acct, s1);
    expect(new Set(await streamIds(admin, ""))).toEqual(new Set([pkg, s2, s3]));
    await moveOne(acct, pkg);
    expect(new Set(await streamIds(admin, ""))).toEqual(new Set([s2, s3]));
    // The package's sessions no longer count the one in the Trash (count and dates).
    const starts = made.body.sessions.map((x: any) => x.activity.start).sort();
    expect((await details(admin, pkg)).sessions).toEqual({ count: 2, firstStart: starts[1], lastStart: starts[2] });
    // Bulk covers both kinds; deleting the package permanently leaves the sessions.
    expect((await admin.post(`/api/v1/activities/${pkg}/actions/delete-permanently`)).status).toBe(200);
    expect((await details(admin, s2)).trash).toBeNull();
    expect((await details(admin, s1)).trash).not.toBeNull();
  });

  it("Cross-account: another account's admin can neither trash, restore, delete nor see it (404)", async () => {
    const acct = await newAccount(server);
    const other = await newAccount(server);
    const stranger = client(server.url, other.admin.token);
    const b = await book(server, acct.autoPage.slug, futureSlots(server, 1)[0]);
    expect((await stranger.post(`/api/v1/activities/${b.id}/actions/move-to-trash`)).status).toBe(404);
    await moveOne(acct, b.id);
    for (const r of await Promise.all([
      stranger.post(`/api/v1/activities/${b.id}/actions/restore`),
      stranger.post(`/api/v1/activities/${b.id}/actions/delete-permanently`),
      stranger.get(`/api/v1/activities/${b.id}`),
    ])) expect(r.status).toBe(404);
    expect((await stranger.get("/api/v1/trash")).body.total).toBe(0);
    expect((await stranger.post("/api/v1/trash/empty")).body.reportId).toBeNull();
    expect((await details(client(server.url, acct.admin.token), b.id)).trash).not.toBeNull();
  });

  it("A completed booking and a canceled one move to the Trash too (any status), and the system still completes a trashed booking", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const [s1, s2] = futureSlots(server, 2, 2);
    const canceled = await book(server, acct.autoPage.slug, s1);
    await act(admin, canceled.id, "cancel", { reason: "no longer needed" });
    const running = await book(server, acct.autoPage.slug, s2);
    expect((await admin.post("/api/v1/trash", { ids: [canceled.id, running.id] })).status).toBe(200);
    await moveClock(server, hoursAfter(s2, 2));
    // In the Trash it stays what it is: an active booking the system completes when it ends.
    expect(await details(admin, running.id)).toMatchObject({ status: "Completed", trash: expect.any(Object) });
    expect((await admin.get("/api/v1/trash")).body.total).toBe(2);
  });
});
