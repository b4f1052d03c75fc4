import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, details, request, streamIds } from "./support/lifecycle-drive.js";
import { ALL_WEEK, createPage } from "./support/scheduling.js";

/**
 * The Trash as a filter of the Activity stream (the seed: trashed activities "appear only under
 * the Trash filter for 30 days"), its Select mode, and session packages' counts without the
 * sessions in the Trash, through the HTTP API. Every test makes its own account.
 */
describe.each(ENGINES)("the Trash filter of the stream on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const DAY = 24 * 3_600_000;
  const show = (r: { body: unknown }) => JSON.stringify(r.body);

  async function moveOne(acct: TestAccount, id: string) {
    const r = await client(server.url, acct.admin.token).post(`/api/v1/activities/${id}/actions/move-to-trash`);
    expect(r.status, show(r)).toBe(200);
    return r.body.activity;
  }

  it("The Trash filter of the stream (trash=true): only trashed activities, with the stream's filters, search, sorts, pages and counts, each with its deletion date and Trash actions", async () => {
    const acct = await newAccount(server);
    const { admin, member } = clientsFor(server, acct);
    const tag = acct.accountId.slice(0, 6);
    const slots = futureSlots(server, 6, 24 * 5);
    const made: string[] = [];
    for (const [i, s] of slots.entries()) {
      const page = i % 2 === 0 ? acct.autoPage.slug : acct.otherPage.slug;
      made.push((await book(server, page, s, { customer: { name: i === 3 ? `Philippa Quorn${tag}` : `Guest ${i}`, email: `guest${i}-${tag}@example.com` } })).id);
    }
    const asked = await request(server, acct.approvalPage.slug, futureSlots(server, 1, 24 * 9));
    // Trashed one at a time, so each has its own trash time: made[0] first … asked last.
    const trashed = [made[0], made[1], made[3], made[4], asked.id];
    for (const id of trashed) {
      await moveOne(acct, id);
      server.clock.moveTo(new Date(server.clock.now().getTime() + 60_000));
    }
    await act(admin, made[2], "cancel", { reason: "not needed" });
    const live = [made[2], made[5]];
    const trashIds = (query: string) => streamIds(admin, `trash=true${query ? `&${query}` : ""}`);

    // Only what is in the Trash; the stream without the filter never lists it (trash=false is the stream).
    expect(new Set(await trashIds(""))).toEqual(new Set(trashed));
    expect(new Set(await streamIds(admin, "trash=false"))).toEqual(new Set(live));
    // Filters, search and counts as in the stream.
    expect(new Set(await trashIds(`bookingPageId=${acct.otherPage.id}`))).toEqual(new Set([made[1], made[3]]));
    expect(await trashIds("status=Requested")).toEqual([asked.id]);
    expect(new Set(await trashIds("type=booking&status=Scheduled"))).toEqual(new Set([made[0], made[1], made[3], made[4]]));
    expect(await trashIds(`q=${encodeURIComponent(`Philippa`)}`)).toEqual([made[3]]);
    expect(await trashIds(`q=${encodeURIComponent(`email:guest4-${tag}@example.com`)}`)).toEqual([made[4]]);
    expect(await trashIds(`q=${made[1]}`)).toEqual([made[1]]);
    expect(await trashIds(`q=${encodeURIComponent(`-Philippa status:Scheduled`)}`)).toHaveLength(3);
    expect(await trashIds(`q=${made[2]}`)).toEqual([]);
    expect(await trashIds(`startFrom=${encodeURIComponent(slots[3])}`)).toEqual(expect.arrayContaining([made[3], made[4]]));
    const counted = await admin.get("/api/v1/activities?trash=true&limit=1&includeTotal=true&status=Scheduled");
    expect(counted.body).toMatchObject({ total: 4, totalIsLowerBound: false });
    expect((await admin.get("/api/v1/activities?limit=1&includeTotal=true")).body.total).toBe(2);

    // Sorts: most recently trashed first; meeting time either way (requests last); created; updated.
    expect(await trashIds("sort=trashed")).toEqual([...trashed].reverse());
    expect(await trashIds("sort=start")).toEqual([made[0], made[1], made[3], made[4], asked.id]);
    expect(await trashIds("sort=-start")).toEqual([made[4], made[3], made[1], made[0], asked.id]);
    expect(await trashIds("sort=created")).toEqual([asked.id, made[4], made[3], made[1], made[0]]);
    expect(await trashIds("sort=updated")).toEqual([asked.id, made[4], made[3], made[1], made[0]]);
    // Keyset pages: two at a time, in order, each once (streamIds follows nextCursor).
    expect(await trashIds("sort=trashed&limit=2")).toEqual([...trashed].reverse());
    expect(await trashIds("sort=start&limit=2")).toEqual([made[0], made[1], made[3], made[4], asked.id]);
    const first = await admin.get("/api/v1/activities?trash=true&sort=trashed&limit=2");
    expect((await admin.get(`/api/v1/activities?trash=true&sort=start&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)).status).toBe(400);

    // Each item: when and by whom it was moved, when it is deleted, and only Trash actions.
    const page = await admin.get("/api/v1/activities?trash=true&sort=trashed&limit=1");
    const item = page.body.items[0];
    expect(item).toMatchObject({ id: asked.id, actions: [], trashActions: ["restore", "delete-permanently"] });
    const me = (await admin.get("/api/v1/me")).body;
    expect(item.trash).toEqual({ trashedAt: expect.any(String), trashedBy: { id: acct.admin.id, name: me.user.name }, deletesAt: new Date(Date.parse(item.trash.trashedAt) + 30 * DAY).toISOString() });
    // GET /api/v1/trash is this list in sort=trashed order, counted.
    const t = await admin.get("/api/v1/trash");
    expect(t.body).toMatchObject({ total: 5, retentionDays: 30 });
    expect(t.body.items.map((i: any) => i.id)).toEqual([...trashed].reverse());

    // Admins only: a member is refused, saying so; sort=trashed is the Trash's order only.
    const refused = await member.get("/api/v1/activities?trash=true");
    expect(refused.status, show(refused)).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "forbidden", message: "Only an admin may see the Trash." });
    const wrongSort = await admin.get("/api/v1/activities?sort=trashed");
    expect(wrongSort.status).toBe(400);
    expect(wrongSort.body.error.message).toContain("trash=true");
    // Restored: back in the stream, out of the Trash filter, and its counts follow.
    expect((await admin.post(`/api/v1/activities/${made[3]}/actions/restore`)).status).toBe(200);
    expect(await trashIds(`q=Philippa`)).toEqual([]);
    expect(await streamIds(admin, `q=Philippa`)).toEqual([made[3]]);
    expect((await admin.get("/api/v1/activities?trash=true&limit=1&includeTotal=true")).body.total).toBe(4);
  });

  it("The Trash's Select mode: restore or delete permanently up to 50 at once, all or none", async () => {
    const acct = await newAccount(server);
    const { admin, member } = clientsFor(server, acct);
    const ids: string[] = [];
    for (const s of futureSlots(server, 5)) ids.push((await book(server, acct.autoPage.slug, s)).id);
    expect((await admin.post("/api/v1/trash", { ids: ids.slice(0, 4) })).status).toBe(200);
    // One that is not in the Trash: nothing is restored, and it is named.
    const mixed = await admin.post("/api/v1/trash/restore", { ids: [ids[0], ids[4]] });
    expect(mixed.status, show(mixed)).toBe(404);
    expect(mixed.body.error).toMatchObject({ message: expect.stringContaining("Nothing was restored"), details: { ids: [ids[4]] } });
    expect(new Set(await streamIds(admin, "trash=true"))).toEqual(new Set(ids.slice(0, 4)));
    const tooMany = await admin.post("/api/v1/trash/restore", { ids: Array.from({ length: 51 }, (_, i) => `BKNG-${String(i).padStart(12, "0")}`) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.message).toContain("restore up to 50 activities");
    for (const r of await Promise.all([member.post("/api/v1/trash/restore", { ids: [ids[0]] }), member.post("/api/v1/trash/delete-permanently", { ids: [ids[0]] })])) expect(r.status).toBe(403);

    const restored = await admin.post("/api/v1/trash/restore", { ids: [ids[0], ids[1]] });
    expect(restored.status, show(restored)).toBe(200);
    expect(restored.body.restored).toEqual([ids[0], ids[1]]);
    expect((await details(admin, ids[0])).history.at(-1).action).toBe("restore");
    expect(new Set(await streamIds(admin, ""))).toEqual(new Set([ids[0], ids[1], ids[4]]));

    const notInTrash = await admin.post("/api/v1/trash/delete-permanently", { ids: [ids[2], ids[0]] });
    expect(notInTrash.status).toBe(404);
    expect(notInTrash.body.error.details.ids).toEqual([ids[0]]);
    expect((await details(admin, ids[2])).trash).not.toBeNull();
    const deleted = await admin.post("/api/v1/trash/delete-permanently", { ids: [ids[2], ids[3]] });
    expect(deleted.status, show(deleted)).toBe(200);
    expect(deleted.body.counts.bookings).toBe(2);
    for (const id of [ids[2], ids[3]]) expect((await admin.get(`/api/v1/activities/${id}`)).status).toBe(404);
    expect((await admin.get("/api/v1/trash/purge-reports")).body.items).toEqual([expect.objectContaining({ trigger: "delete-permanently", counts: deleted.body.counts })]);
  });

  it("A session package's session count leaves out its sessions in the Trash, and counts a restored one again", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const page = await createPage(server, acct.admin, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00"), packagesEnabled: true, maxPackageSessions: 3 });
    const made = await client(server.url).post(`/api/v1/public/pages/${page.slug}/packages`, { starts: futureSlots(server, 3), customer: customer() });
    expect(made.status, show(made)).toBe(201);
    const pkg = made.body.package.id;
    const sessions = made.body.sessions.map((x: any) => ({ id: x.activity.id, start: x.activity.start })).sort((a: any, b: any) => (a.start < b.start ? -1 : 1));
    const [first, middle, last] = sessions;
    const summary = async () => {
      const row = (await admin.get(`/api/v1/activities?q=${pkg}`)).body.items[0];
      expect(row.sessions, "the stream row and the details agree").toEqual((await details(admin, pkg)).sessions);
      return row.sessions;
    };
    expect(await summary()).toEqual({ count: 3, firstStart: first.start, lastStart: last.start });
    const pkgBefore = await details(admin, pkg);

    await moveOne(acct, first.id);
    expect(await summary()).toEqual({ count: 2, firstStart: middle.start, lastStart: last.start });
    // Two at once (bulk), with the package's other session: none left to count.
    expect((await admin.post("/api/v1/trash", { ids: [middle.id, last.id] })).status).toBe(200);
    expect(await summary()).toEqual({ count: 0, firstStart: null, lastStart: null });
    // The package itself is otherwise untouched: same status, same place in the stream.
    expect(await details(admin, pkg)).toMatchObject({ status: pkgBefore.status, updatedAt: pkgBefore.updatedAt, trash: null });

    // Restored, they count again: one alone, then two at once.
    expect((await admin.post(`/api/v1/activities/${last.id}/actions/restore`)).status).toBe(200);
    expect(await summary()).toEqual({ count: 1, firstStart: last.start, lastStart: last.start });
    expect((await admin.post("/api/v1/trash/restore", { ids: [first.id, middle.id] })).status).toBe(200);
    expect(await summary()).toEqual({ count: 3, firstStart: first.start, lastStart: last.start });
    // A trashed session deleted permanently stays uncounted; a canceled one still is not counted either.
    await moveOne(acct, last.id);
    expect((await admin.post(`/api/v1/activities/${last.id}/actions/delete-permanently`)).status).toBe(200);
    await act(admin, middle.id, "cancel", { reason: "no longer needed" });
    expect(await summary()).toEqual({ count: 1, firstStart: first.start, lastStart: first.start });
  });
});
