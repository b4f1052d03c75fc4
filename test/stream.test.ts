import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, details, hoursAfter, moveClock, request, startedBooking, streamIds, type Client } from "./support/lifecycle-drive.js";

/**
 * The Activity stream (GET /api/v1/activities): newest-updated first, keyset pages that return
 * every activity exactly once, each filter narrowing to exactly the right activities, the
 * free-text query "q", and what members see. Meetings are two years ahead, so no test clock on a
 * shared PostgreSQL completes them while these tests look at their statuses.
 */
const FAR_AHEAD_HOURS = 2 * 365 * 24;
const sorted = (ids: string[]) => [...ids].sort();

describe.each(ENGINES)("the Activity stream on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it("lists the newest-updated activity first: a change moves an activity to the top", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const s = futureSlots(server, 3, FAR_AHEAD_HOURS);
    const [a, b, c] = [await book(server, acct.autoPage.slug, s[0]), await book(server, acct.autoPage.slug, s[1]), await book(server, acct.autoPage.slug, s[2])];
    expect(await streamIds(admin)).toEqual([c.id, b.id, a.id]);
    await act(admin, a.id, "cancel");
    expect(await streamIds(admin)).toEqual([a.id, c.id, b.id]);
  });

  it("pages through 125 activities 50 at a time, returning every activity exactly once, in stream order", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const s = futureSlots(server, 125, FAR_AHEAD_HOURS);
    const made: string[] = [];
    for (let i = 0; i < s.length; i += 25) {
      const batch = await Promise.all(s.slice(i, i + 25).map((start) => book(server, acct.autoPage.slug, start)));
      made.push(...batch.map((m) => m.id));
    }
    const pages: any[][] = [];
    let cursor: string | null = null;
    do {
      const r: any = await admin.get(`/api/v1/activities?limit=50&includeTotal=true${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.total).toBe(125);
      pages.push(r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 25]);
    const items = pages.flat();
    const ids = items.map((i) => i.id);
    expect(new Set(ids).size).toBe(125);
    expect(sorted(ids)).toEqual(sorted(made));
    const inStreamOrder = [...items].sort((x, y) => y.updatedAt.localeCompare(x.updatedAt) || y.id.localeCompare(x.id));
    expect(ids).toEqual(inStreamOrder.map((i) => i.id));

    // Activities changed in the same millisecond (a bulk import, a busy system run) are ordered by
    // ID, and a page boundary inside such a tie neither skips nor repeats any of them.
    await server.handle.db.updateTable("activities").set({ updated_at: new Date(s[0]) }).where("account_id", "=", acct.accountId).execute();
    const tied = await streamIds(admin, "limit=50");
    expect(tied).toEqual([...made].sort().reverse());
  });

  describe("filters and search over one account's activities", () => {
    let acct: TestAccount;
    let admin: Client;
    let tag: string;
    let s: string[];
    let early: string;
    /** b1 Annette (auto, Short) Scheduled; b2 John (auto, Long) Canceled; b3 Priya (other page) No-show;
     *  r1 Annette's request (approval page, host member); b4 reassigned to member; b5 Mateo, made an hour later. */
    const ids: Record<"b1" | "b2" | "b3" | "r1" | "b4" | "b5", string> = {} as any;
    let annetteId: string;
    let midpoint: string;

    beforeAll(async () => {
      acct = await newAccount(server);
      admin = clientsFor(server, acct).admin;
      tag = acct.accountId.slice(0, 8);
      s = futureSlots(server, 12, FAR_AHEAD_HOURS);
      early = futureSlots(server, 1, FAR_AHEAD_HOURS - 2)[0];
      const [short, long] = acct.autoPage.eventTypes;
      const person = (first: string, last: string) => ({ name: `${first} ${last}`, email: `${first.toLowerCase()}-${tag}@example.com`, phone: "+1 555 0100" });
      ids.b1 = (await book(server, acct.autoPage.slug, s[0], { customer: person("Annette", "Keller"), eventTypeId: short.id })).id;
      ids.b2 = (await book(server, acct.autoPage.slug, s[1], { customer: person("John", "Okafor"), eventTypeId: long.id })).id;
      await act(admin, ids.b2, "cancel");
      // The earliest meeting of the set, begun (a no-show is set once the meeting has started).
      ids.b3 = (await startedBooking(server, acct.otherPage.slug, early, { customer: person("Priya", "Novak") })).id;
      await act(admin, ids.b3, "set-no-show");
      ids.r1 = (await request(server, acct.approvalPage.slug, [s[3]], { customer: person("Annette", "Keller") })).id;
      ids.b4 = (await book(server, acct.autoPage.slug, s[4], { customer: person("Lucas", "Moreau") })).id;
      await act(admin, ids.b4, "reassign", { ownerId: acct.member.id });
      annetteId = (await details(admin, ids.b1)).customer.id;
      midpoint = hoursAfter(server.clock.now(), 0.5);
      await moveClock(server, hoursAfter(server.clock.now(), 1));
      ids.b5 = (await book(server, acct.autoPage.slug, s[10], { customer: person("Mateo", "Silva") })).id;
    });

    const expectIds = async (query: string, expected: (keyof typeof ids)[]) => {
      expect(sorted(await streamIds(admin, query)), query).toEqual(sorted(expected.map((k) => ids[k])));
    };
    const enc = encodeURIComponent;

    it("filters by type and status (comma-separated statuses)", async () => {
      await expectIds("type=booking", ["b1", "b2", "b3", "r1", "b4", "b5"]);
      await expectIds("type=package,transaction", []);
      await expectIds("status=Canceled", ["b2"]);
      await expectIds(`status=${enc("Scheduled,No-show")}`, ["b1", "b3", "b4", "b5"]);
      await expectIds("status=Requested", ["r1"]);
    });

    it("filters by detailed status, repeating the parameter for several", async () => {
      await expectIds(`detailedStatus=${enc("Scheduled (By customer)")}`, ["b1", "b5"]);
      await expectIds(`detailedStatus=${enc("Scheduled (By customer)")}&detailedStatus=${enc("No-show (Set by user)")}`, ["b1", "b3", "b5"]);
      await expectIds(`detailedStatus=${enc("Scheduled (Reassigned by user)")}&detailedStatus=${enc("Canceled (By user)")}`, ["b4", "b2"]);
    });

    it("filters by booking page, event type, owner and customer", async () => {
      await expectIds(`bookingPageId=${acct.otherPage.id}`, ["b3"]);
      await expectIds(`bookingPageId=${acct.approvalPage.id},${acct.otherPage.id}`, ["r1", "b3"]);
      await expectIds(`eventTypeId=${acct.autoPage.eventTypes[1].id}`, ["b2"]);
      await expectIds(`ownerId=${acct.member.id}`, ["r1", "b4"]);
      await expectIds(`ownerId=${acct.admin.id}`, ["b1", "b2", "b3", "b5"]);
      await expectIds(`customerId=${annetteId}`, ["b1", "r1"]);
      await expectIds(`customerId=${annetteId}&bookingPageId=${acct.autoPage.id}`, ["b1"]);
    });

    it("filters by meeting start (from inclusive, to exclusive) and by creation time", async () => {
      await expectIds(`startFrom=${enc(s[1])}&startTo=${enc(s[4])}`, ["b2"]);
      await expectIds(`startFrom=${enc(early)}&startTo=${enc(s[1])}`, ["b1", "b3"]);
      await expectIds(`startFrom=${enc(s[4])}`, ["b4", "b5"]);
      await expectIds(`createdFrom=${enc(midpoint)}`, ["b5"]);
      await expectIds(`createdTo=${enc(midpoint)}`, ["b1", "b2", "b3", "r1", "b4"]);
    });

    it("searches q: a name word (as a prefix), a phrase in order, OR and -NOT", async () => {
      await expectIds("q=annette", ["b1", "r1"]);
      await expectIds("q=ann", ["b1", "r1"]);
      await expectIds(`q=${enc('"Annette Keller"')}`, ["b1", "r1"]);
      await expectIds(`q=${enc('"Keller Annette"')}`, []);
      await expectIds(`q=${enc("okafor OR novak")}`, ["b2", "b3"]);
      await expectIds(`q=${enc("-annette")}`, ["b2", "b3", "b4", "b5"]);
      await expectIds(`q=${enc("annette -status:Requested")}`, ["b1"]);
    });

    it("searches q by field: id:, email:, owner:, page:", async () => {
      await expectIds(`q=${enc(`id:${ids.b2}`)}`, ["b2"]);
      await expectIds(`q=${enc(`id:${ids.b2.toLowerCase()}`)}`, ["b2"]);
      await expectIds(`q=${enc(`email:john-${tag}@example.com`)}`, ["b2"]);
      await expectIds(`q=${enc(`owner:${acct.member.email}`)}`, ["r1", "b4"]);
      await expectIds(`q=${enc(`page:${acct.otherPage.slug}`)}`, ["b3"]);
    });

    it("finds exactly the activities of a pasted list of IDs, separated by commas and new lines", async () => {
      await expectIds(`q=${enc(`${ids.b1}, ${ids.b3}\n${ids.b5}\n`)}`, ["b1", "b3", "b5"]);
      await expectIds(`q=${enc(`${ids.b2}\r\n${ids.r1.toLowerCase()},${ids.b4}`)}`, ["b2", "r1", "b4"]);
    });

    it("includeTotal counts every match, beyond the page", async () => {
      const r = await admin.get("/api/v1/activities?limit=2&includeTotal=true");
      expect([r.status, r.body.items.length, r.body.total, r.body.totalIsLowerBound]).toEqual([200, 2, 6, false]);
      expect((await admin.get(`/api/v1/activities?includeTotal=true&q=annette`)).body.total).toBe(2);
      expect((await admin.get("/api/v1/activities")).body.total, "no count unless asked").toBeUndefined();
    });

    it("members see only their pages' activities and the bookings they host; a member with no pages sees none", async () => {
      const { member, viewer, outsider } = clientsFor(server, acct);
      expect(sorted(await streamIds(member))).toEqual(sorted([ids.r1, ids.b4]));
      expect(sorted(await streamIds(viewer))).toEqual(sorted([ids.b1, ids.b2, ids.b4, ids.b5]));
      expect(await streamIds(outsider)).toEqual([]);
      expect(await streamIds(member, `q=${enc(`${ids.b1} ${ids.r1}`)}`)).toEqual([ids.r1]);
    });
  });
});
