import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, customer, ENGINES, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, moveClock, request, streamIds, type Client } from "./support/lifecycle-drive.js";
import { ALL_WEEK, createPage } from "./support/scheduling.js";

/**
 * The stream's sort orders (sort=updated|created|start|-start), their cursors, the date ranges it
 * refuses, and what a session package's row carries: its sessions' count and dates, and its
 * statuses in the search grammar.
 */
const enc = encodeURIComponent;

describe.each(ENGINES)("stream sort orders and package rows on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  describe("sorted by last update, creation or meeting time", () => {
    let acct: TestAccount;
    let admin: Client;
    /** Booked in the order b1, b2, b3, r1 (request, no meeting time), then b1 canceled (updated last). */
    const ids: Record<"b1" | "b2" | "b3" | "r1" | "pkg", string> = {} as any;

    beforeAll(async () => {
      acct = await newAccount(server);
      admin = clientsFor(server, acct).admin;
      const s = futureSlots(server, 12, 24 * 30);
      // Meeting times in another order than creation: b2 first, then b3, then b1.
      ids.b1 = (await book(server, acct.autoPage.slug, s[8])).id;
      ids.b2 = (await book(server, acct.autoPage.slug, s[1])).id;
      ids.b3 = (await book(server, acct.autoPage.slug, s[4])).id;
      ids.r1 = (await request(server, acct.approvalPage.slug, [s[6]])).id;
      const page = await createPage(server, acct.admin, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00"), packagesEnabled: true, maxPackageSessions: 3 });
      const p = await client(server.url).post(`/api/v1/public/pages/${page.slug}/packages`, { starts: [s[10], s[11]], customer: customer() });
      expect(p.status).toBe(201);
      ids.pkg = p.body.package.id;
      await act(admin, ids.b1, "cancel");
    });

    /** The package's sessions, by meeting time. */
    const sessionsOf = async (pkg: string): Promise<string[]> =>
      (await admin.get(`/api/v1/activities/${pkg}`)).body.related.sort((x: any, y: any) => x.start.localeCompare(y.start)).map((r: any) => r.id);
    /** The package and its sessions, written in one transaction: newest `field` first, ties by ID. */
    const packageGroup = async (field: "updatedAt" | "createdAt") => {
      const group = await Promise.all([ids.pkg, ...(await sessionsOf(ids.pkg))].map(async (id) => (await admin.get(`/api/v1/activities/${id}`)).body));
      return group.sort((x, y) => y[field].localeCompare(x[field]) || y.id.localeCompare(x.id)).map((a) => a.id);
    };

    it("sort=updated (the default): last updated first", async () => {
      const expected = [ids.b1, ...(await packageGroup("updatedAt")), ids.r1, ids.b3, ids.b2];
      expect(await streamIds(admin, "")).toEqual(expected);
      expect(await streamIds(admin, "sort=updated")).toEqual(expected);
    });

    it("sort=created: newest first", async () => {
      expect(await streamIds(admin, "sort=created")).toEqual([...(await packageGroup("createdAt")), ids.r1, ids.b3, ids.b2, ids.b1]);
    });

    it("sort=start: earliest meeting first, then the activities without one, last updated first", async () => {
      const [first, second] = await sessionsOf(ids.pkg);
      expect(await streamIds(admin, "sort=start")).toEqual([ids.b2, ids.b3, ids.b1, first, second, ids.pkg, ids.r1]);
      expect(await streamIds(admin, "sort=-start")).toEqual([second, first, ids.b1, ids.b3, ids.b2, ids.pkg, ids.r1]);
      // With a meeting-time range, only activities with a meeting time can match.
      const all = (await admin.get("/api/v1/activities?sort=start&limit=50")).body.items;
      const from = all.find((a: any) => a.id === ids.b3).start;
      expect(await streamIds(admin, `sort=start&startFrom=${enc(from)}`)).toEqual([ids.b3, ids.b1, first, second]);
      expect(await streamIds(admin, "sort=start&type=package,transaction")).toEqual([ids.pkg]);
      expect(await streamIds(admin, `sort=-start&status=${enc("Scheduled,Canceled")}`)).toEqual([second, first, ids.b1, ids.b3, ids.b2]);
    });

    it("pages one row at a time through every order, across the step to the rows without a meeting time", async () => {
      for (const sort of ["updated", "created", "start", "-start"]) {
        expect(await streamIds(admin, `sort=${sort}&limit=1`), sort).toEqual(await streamIds(admin, `sort=${sort}`));
        expect(await streamIds(admin, `sort=${sort}&limit=3`), sort).toEqual(await streamIds(admin, `sort=${sort}`));
      }
    });

    it("refuses a cursor from another sort, and a sort it does not know (400)", async () => {
      const page = await admin.get("/api/v1/activities?sort=updated&limit=1");
      expect(page.status).toBe(200);
      const mixed = await admin.get(`/api/v1/activities?sort=start&limit=1&cursor=${enc(page.body.nextCursor)}`);
      expect(mixed.status).toBe(400);
      expect(mixed.body.error).toMatchObject({ code: "validation_failed", details: { field: "cursor", cursorSort: "updated", sort: "start" } });
      expect(mixed.body.error.message).toContain("sort=updated");
      const unknown = await admin.get("/api/v1/activities?sort=price");
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details.field).toBe("querystring.sort");
      const forged = Buffer.from(JSON.stringify(["start", "not a time", ids.b1])).toString("base64url");
      expect((await admin.get(`/api/v1/activities?sort=start&cursor=${forged}`)).status).toBe(400);
    });
  });

  it("refuses an inverted meeting-time or creation range (400 naming the field); an empty one is fine", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const [a, b] = futureSlots(server, 2);
    const start = await admin.get(`/api/v1/activities?startFrom=${enc(b)}&startTo=${enc(a)}`);
    expect(start.status).toBe(400);
    expect(start.body.error).toMatchObject({ code: "validation_failed", details: { field: "startTo" } });
    expect(start.body.error.message).toBe("startTo: must not be before startFrom");
    const created = await admin.get(`/api/v1/activities?createdFrom=${enc(b)}&createdTo=${enc(a)}&includeTotal=true`);
    expect(created.status).toBe(400);
    expect(created.body.error.details.field).toBe("createdTo");
    const empty = await admin.get(`/api/v1/activities?startFrom=${enc(a)}&startTo=${enc(a)}`);
    expect(empty.status).toBe(200);
    expect(empty.body.items).toEqual([]);
  });

  it("a package's row carries its sessions' count and dates, kept current as sessions change", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const page = await createPage(server, acct.admin, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00"), packagesEnabled: true, maxPackageSessions: 3 });
    const s = futureSlots(server, 3, 24 * 10).map((t, i) => new Date(Date.parse(t) + i * 7 * 86_400_000).toISOString());
    const r = await client(server.url).post(`/api/v1/public/pages/${page.slug}/packages`, { starts: s, customer: customer() });
    expect(r.status).toBe(201);
    const pkgId = r.body.package.id;
    const row = async () => (await admin.get(`/api/v1/activities?type=package`)).body.items.find((a: any) => a.id === pkgId);
    expect((await row()).sessions).toEqual({ count: 3, firstStart: s[0], lastStart: s[2] });
    // Bookings carry no such summary.
    expect((await admin.get(`/api/v1/activities?type=booking&limit=1`)).body.items[0].sessions).toBeNull();

    // The last session is canceled: two remain, ending a week earlier.
    await act(admin, r.body.sessions[2].activity.id, "cancel");
    expect((await row()).sessions).toEqual({ count: 2, firstStart: s[0], lastStart: s[1] });
    // The first is rescheduled on the customer's behalf: its replacement joins the package.
    const later = new Date(Date.parse(s[1]) + 86_400_000).toISOString();
    await act(admin, r.body.sessions[0].activity.id, "reschedule", { start: later, reason: "Moved" });
    expect((await row()).sessions).toEqual({ count: 2, firstStart: s[1], lastStart: later });
    expect((await admin.get(`/api/v1/activities/${pkgId}`)).body.sessions).toEqual({ count: 2, firstStart: s[1], lastStart: later });
  });

  it("finds packages by status:created and status:updated; status:completed finds completed bookings and packages", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const page = await createPage(server, acct.admin, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00"), packagesEnabled: true, maxPackageSessions: 3 });
    const s = futureSlots(server, 4, 24 * 3);
    const pub = client(server.url);
    const first = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts: [s[0]], customer: customer() });
    const second = await pub.post(`/api/v1/public/pages/${page.slug}/packages`, { starts: [s[1], s[2]], customer: customer(2) });
    expect([first.status, second.status]).toEqual([201, 201]);
    await act(admin, second.body.sessions[1].activity.id, "cancel");
    expect(await streamIds(admin, `q=${enc("status:created")}`)).toEqual([first.body.package.id]);
    expect(await streamIds(admin, `q=${enc("status:updated type:package")}`)).toEqual([second.body.package.id]);
    const single = await book(server, acct.autoPage.slug, s[3]);
    await moveClock(server, new Date(Date.parse(s[3]) + 3_600_000));
    const completed = await streamIds(admin, `q=${enc("status:completed")}`);
    expect([...completed].sort()).toEqual(
      [first.body.package.id, first.body.sessions[0].activity.id, second.body.package.id, second.body.sessions[0].activity.id, single.id].sort(),
    );
  });
});
