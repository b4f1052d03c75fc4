import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompiledQuery, sql, type RootOperationNode } from "kysely";
import { parseSearchQuery } from "../src/domain/search-query.js";
import { activityColumns } from "../src/store/activities-repo.js";
import { searchCondition } from "../src/store/activity-search.js";
import { bulkSeed, BENCH_MEMBER_EMAIL } from "../src/store/bulk-seed.js";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { streamStatementKind } from "./support/stream-statements.js";
import { queryStream, STREAM_WINDOW, type StreamCursor, type StreamFilters, type StreamScope, type StreamSort } from "../src/store/stream-repo.js";

/**
 * queryStream picks a query shape by how sure the planner can be of the match rate (a walk along
 * the stream, a window then a longer walk, or all matches through their own index). Whatever the
 * shape, and whatever the sort, a page must hold exactly the rows of the one plain statement:
 * conditions, the sort's ORDER BY, LIMIT and OFFSET. Here every shape is driven with generated data (several times
 * STREAM_WINDOW rows, so windows run out and rare matches take the last path) and compared, page
 * after page, with that statement.
 */
const ACTIVITIES = 8 * STREAM_WINDOW;
const DAY = 86_400_000;

describe("queryStream returns the plain query's pages, whatever shape it takes", () => {
  let handle: DatabaseHandle;
  let accountId: string;
  let member: { userId: string; pageIds: string[] };
  let pageId: string;
  let eventTypeId: string;
  let rareName: string;
  let walkName: string;

  beforeAll(async () => {
    handle = await openDatabase({});
    ({ accountId } = await bulkSeed(handle, { activities: ACTIVITIES }));
    const db = handle.db;
    // One activity in nine is in the Trash, moved there over the last 40 days (so some are past
    // the 30 days and due for the purge): the live stream never reads them, the Trash only them.
    await sql`
      UPDATE activities SET trashed_at = now() - (abs(hashtext(id || 't')) % 40) * interval '1 day' - (abs(hashtext(id)) % 86400) * interval '1 second'
      WHERE account_id = ${accountId} AND abs(hashtext(id)) % 9 = 0`.execute(db);
    await sql`ANALYZE activities`.execute(db);
    const memberId = (await sql<{ id: string }>`SELECT id FROM users WHERE email = ${BENCH_MEMBER_EMAIL}`.execute(db)).rows[0].id;
    const pages = (await sql<{ id: string }>`SELECT id FROM booking_pages WHERE account_id = ${accountId} AND owner_id = ${memberId}`.execute(db)).rows;
    member = { userId: memberId, pageIds: pages.map((p) => p.id) };
    pageId = (await sql<{ id: string }>`SELECT id FROM booking_pages WHERE account_id = ${accountId} ORDER BY name LIMIT 1`.execute(db)).rows[0].id;
    eventTypeId = (await sql<{ id: string }>`SELECT id FROM event_types WHERE account_id = ${accountId} ORDER BY name LIMIT 1`.execute(db)).rows[0].id;
    // A customer name with a few activities only: rare among the newest rows.
    rareName = (
      await sql<{ name: string }>`
        SELECT customer_name AS name FROM activities WHERE account_id = ${accountId} AND trashed_at IS NULL
        GROUP BY 1 HAVING count(*) BETWEEN 3 AND 10 ORDER BY 1 LIMIT 1`.execute(db)
    ).rows[0].name;
    // A last name with 12–35 matches among the newest STREAM_WINDOW rows: too few for a page, but
    // enough that the rate they show sends the search on along the stream.
    walkName = (
      await sql<{ name: string }>`
        SELECT substr(customer_name, strpos(customer_name, ' ') + 1) AS name
        FROM (SELECT customer_name FROM activities WHERE account_id = ${accountId}
              AND trashed_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT ${STREAM_WINDOW}) AS newest
        GROUP BY 1 HAVING count(*) BETWEEN 12 AND 35 ORDER BY count(*), 1 LIMIT 1`.execute(db)
    ).rows[0].name;
  }, 180_000);
  afterAll(async () => handle?.close());

  /**
   * The plain statement: every condition, the sort's whole order in one ORDER BY (under a
   * meeting-time sort, the rows without one last, last updated first), page `i` by OFFSET.
   */
  async function plainPage(scope: StreamScope, f: StreamFilters, q: string | null, limit: number, i: number, sort: StreamSort) {
    const search = q ? parseSearchQuery(q) : null;
    let b = activityColumns(handle.db).where("activities.account_id", "=", scope.accountId);
    b = scope.trash
      ? b.where("activities.trashed_at", "is not", null).where("activities.trashed_at", ">", scope.trash.since)
      : b.where("activities.trashed_at", "is", null);
    if (scope.member) {
      const { userId, pageIds } = scope.member;
      b = b.where((eb) => eb.or([eb("activities.owner_id", "=", userId), ...(pageIds.length ? [eb("activities.booking_page_id", "in", pageIds)] : [])]));
    }
    if (f.type) b = b.where("activities.type", "in", f.type as any);
    if (f.status) b = b.where("activities.status", "in", f.status);
    if (f.bookingPageId) b = b.where("activities.booking_page_id", "in", f.bookingPageId);
    if (f.eventTypeId) b = b.where("activities.event_type_id", "in", f.eventTypeId);
    if (f.startFrom) b = b.where("activities.start_at", ">=", f.startFrom);
    if (f.startTo) b = b.where("activities.start_at", "<", f.startTo);
    if (f.createdFrom) b = b.where("activities.created_at", ">=", f.createdFrom);
    if (f.createdTo) b = b.where("activities.created_at", "<", f.createdTo);
    if (search) b = b.where(searchCondition(search, scope.accountId) as any);
    const order = { // qualified: the details query joins booking_pages
      updated: sql`activities.updated_at DESC, activities.id DESC`,
      created: sql`activities.created_at DESC, activities.id DESC`,
      start: sql`activities.start_at IS NULL, activities.start_at ASC, CASE WHEN activities.start_at IS NULL THEN activities.updated_at END DESC, CASE WHEN activities.start_at IS NOT NULL THEN activities.id END ASC, activities.id DESC`,
      "-start": sql`activities.start_at IS NULL, activities.start_at DESC, CASE WHEN activities.start_at IS NULL THEN activities.updated_at END DESC, activities.id DESC`,
      trashed: sql`activities.trashed_at DESC, activities.id DESC`,
    }[sort];
    return (await b.orderBy(order as any).limit(limit + 1).offset(i * limit).execute()).map((r) => r.id);
  }

  /** The kinds of the statements each queryStream call ran (streamStatementKind); `statements` keeps them to explain. */
  let shapes: string[] = [];
  let statements: RootOperationNode[] = [];
  const recording = () =>
    handle.db.withPlugin({
      transformQuery: ({ node }) => {
        shapes.push(streamStatementKind(node));
        statements.push(node);
        return node;
      },
      transformResult: async ({ result }) => result,
    });

  async function expectSamePages(scope: StreamScope, f: StreamFilters, q: string | null, pages = 3, sort: StreamSort = "updated") {
    let cursor: StreamCursor | undefined;
    let seen = 0;
    const firstPageShapes: string[][] = [];
    for (let i = 0; i < pages; i++) {
      shapes = [];
      statements = [];
      const got = await queryStream(recording(), scope, f, q ? parseSearchQuery(q) : null, 50, cursor, sort);
      firstPageShapes.push(shapes);
      const want = await plainPage(scope, f, q, 50, i, sort);
      expect(got.rows.map((r) => r.id)).toEqual(want.slice(0, 50));
      expect(got.next !== null).toBe(want.length > 50);
      seen += got.rows.length;
      if (!got.next) break;
      cursor = got.next;
    }
    return { seen, shapes: firstPageShapes[0] };
  }

  const now = Date.now();
  const admin = () => ({ accountId });

  it("a common word: found within the first window", async () => {
    const r = await expectSamePages(admin(), {}, "Intro");
    expect(r.shapes).toEqual(["walk"]);
    expect(r.seen).toBeGreaterThan(100);
  });

  it("a customer's last name: some in the window, the rest a longer walk away", async () => {
    const r = await expectSamePages(admin(), {}, `name:"${walkName}"`);
    expect(r.shapes.slice(0, 2)).toEqual(["walk", "walk"]);
  });

  it("a rare phrase: too few in the window, so all matches come through the text index", async () => {
    const r = await expectSamePages(admin(), {}, `"${rareName}"`);
    expect(r.shapes).toEqual(["walk", "all matches"]);
    expect(r.seen).toBeGreaterThan(0);
  });

  it("a phrase that matches nothing", async () => {
    expect((await expectSamePages(admin(), {}, '"zzz qqq"')).seen).toBe(0);
  });

  it("a creation range far back: no match among the newest rows", async () => {
    const f = { createdFrom: new Date(now - 500 * DAY), createdTo: new Date(now - 400 * DAY) };
    const r = await expectSamePages(admin(), f, null);
    expect(r.shapes.length).toBeGreaterThan(1);
    expect(r.seen).toBeGreaterThan(0);
  });

  it("a meeting-start range, alone and with a booking page", async () => {
    const f = { startFrom: new Date(now), startTo: new Date(now + 30 * DAY) };
    await expectSamePages(admin(), f, null);
    await expectSamePages(admin(), { ...f, bookingPageId: [pageId] }, null);
  });

  it("a member's scope, with and without a word", async () => {
    await expectSamePages({ accountId, member }, {}, null);
    await expectSamePages({ accountId, member }, {}, firstName());
  });

  it("a word within one status's stream, and within two statuses", async () => {
    await expectSamePages(admin(), { status: ["Expired"] }, `-${firstName()}`);
    await expectSamePages(admin(), { status: ["Expired", "No-show"] }, lastName());
  });

  it("an event type with a word; an OR of words; pasted IDs (the planner knows those)", async () => {
    await expectSamePages(admin(), { eventTypeId: [eventTypeId] }, "a");
    await expectSamePages(admin(), {}, `${firstName()} OR ${lastName()}`);
    const ids = (await sql<{ id: string }>`SELECT id FROM activities ORDER BY id LIMIT 3`.execute(handle.db)).rows.map((r) => r.id);
    expect((await expectSamePages(admin(), {}, ids.join(" "))).shapes).toEqual(["walk"]);
  });

  describe("sorted by meeting time or by creation", () => {
    it("meeting time, earliest first: every activity, then those without a meeting time, last updated first", async () => {
      expect((await expectSamePages(admin(), {}, null, 3, "start")).shapes).toEqual(["walk"]);
      // Only activities without a meeting time: the whole page comes from the second part.
      await expectSamePages(admin(), { type: ["package", "transaction"] }, null, 3, "start");
      // A few matches: the page crosses from one part into the other.
      await expectSamePages(admin(), {}, `"${rareName}"`, 2, "start");
      await expectSamePages(admin(), {}, `"${rareName}"`, 2, "-start");
    });

    it("Upcoming meetings: from now on, soonest first, walking the meetings from now", async () => {
      const f = { type: ["booking"], status: ["Scheduled", "Rescheduled"], startFrom: new Date(now) };
      const r = await expectSamePages(admin(), f, null, 3, "start");
      // One walk per status (each along its own index range), merged.
      expect(r.shapes).toEqual(["walk", "walk"]);
      expect(r.seen).toBeGreaterThan(100);
      await expectSamePages(admin(), { ...f, bookingPageId: [pageId] }, null, 3, "start");
      await expectSamePages({ accountId, member }, { startFrom: new Date(now), startTo: new Date(now + 60 * DAY) }, null, 3, "-start");
    });

    it("meeting time, latest first, with statuses and a word; a member's scope", async () => {
      await expectSamePages(admin(), { status: ["Requested", "Scheduled"] }, null, 3, "-start");
      expect((await expectSamePages(admin(), { status: ["Completed", "No-show"] }, null, 3, "-start")).shapes).toEqual(["walk", "walk"]);
      await expectSamePages(admin(), { status: ["Requested"] }, null, 3, "start");
      await expectSamePages(admin(), {}, lastName(), 3, "-start");
      await expectSamePages({ accountId, member }, {}, null, 3, "start");
    });

    it("created, newest first: alone, in a creation range far back, and with filters", async () => {
      expect((await expectSamePages(admin(), {}, null, 3, "created")).shapes).toEqual(["walk"]);
      const far = { createdFrom: new Date(now - 500 * DAY), createdTo: new Date(now - 400 * DAY) };
      expect((await expectSamePages(admin(), far, null, 3, "created")).shapes).toEqual(["walk"]);
      await expectSamePages(admin(), { ...far, status: ["Completed"] }, null, 3, "created");
      expect((await expectSamePages(admin(), { status: ["Completed"] }, null, 3, "created")).shapes).toEqual(["walk"]);
      await expectSamePages(admin(), { status: ["Canceled", "Expired"], type: ["booking"] }, firstName(), 3, "created");
      await expectSamePages(admin(), { eventTypeId: [eventTypeId] }, `"${rareName}"`, 2, "created");
    });
  });

  describe("the Trash filter: the same pages over the trashed rows only, within their 30 days", () => {
    const trash = () => ({ accountId, trash: { since: new Date(now - 30 * DAY) } });

    it("unfiltered, in every order: read straight from the Trash's own indexes", async () => {
      for (const sort of ["updated", "trashed", "created"] as const) {
        const r = await expectSamePages(trash(), {}, null, 3, sort);
        expect(r.shapes, sort).toEqual(["walk"]);
        expect(r.seen, sort).toBeGreaterThan(100);
      }
      await expectSamePages(trash(), {}, null, 3, "start");
      await expectSamePages(trash(), {}, null, 3, "-start");
    });

    it("with filters, words and ranges: windows along the Trash, whatever the sort", async () => {
      await expectSamePages(trash(), { status: ["Completed", "Canceled"] }, null, 3, "trashed");
      await expectSamePages(trash(), { status: ["Scheduled", "Rescheduled"] }, null, 3, "start");
      await expectSamePages(trash(), { eventTypeId: [eventTypeId] }, "a", 3, "updated");
      await expectSamePages(trash(), {}, firstName(), 3, "created");
      await expectSamePages(trash(), {}, `-${lastName()}`, 3, "-start");
      await expectSamePages(trash(), { startFrom: new Date(now), startTo: new Date(now + 60 * DAY) }, null, 3, "start");
      await expectSamePages(trash(), { createdFrom: new Date(now - 500 * DAY), createdTo: new Date(now - 400 * DAY) }, null, 3, "trashed");
      const rare = (await sql<{ name: string }>`SELECT customer_name AS name FROM activities WHERE account_id = ${accountId} AND trashed_at > now() - interval '30 days' ORDER BY id LIMIT 1`.execute(handle.db)).rows[0].name;
      expect((await expectSamePages(trash(), {}, `"${rare}"`, 2, "trashed")).seen).toBeGreaterThan(0);
    });
  });

  describe("a creation range behind fresh changes (issue 16: 'created a year ago' at 15M)", () => {
    /** The plan (EXPLAIN ANALYZE) of the walk the last queryStream call ran first. */
    async function planOfFirstWalk() {
      const compiled = handle.db.getExecutor().compileQuery(statements[0], { queryId: "explain" } as any);
      const r = await handle.db.executeQuery(CompiledQuery.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]));
      const cell = Object.values(r.rows[0] as object)[0];
      const nodes: Record<string, unknown>[] = [];
      const visit = (n: any) => {
        nodes.push(n);
        for (const child of n.Plans ?? []) visit(child);
      };
      visit((typeof cell === "string" ? JSON.parse(cell) : cell)[0].Plan);
      return nodes;
    }

    it("the window of a range reads the stream index alone, and walks on past an empty window instead of collecting the range", async () => {
      const db = handle.db;
      // The older half of the account by creation: thousands of rows, too many to collect cheaply.
      const middle = (
        await sql<{ at: Date }>`SELECT created_at AS at FROM activities WHERE account_id = ${accountId} AND trashed_at IS NULL
          ORDER BY created_at LIMIT 1 OFFSET (SELECT count(*) / 2 FROM activities WHERE account_id = ${accountId} AND trashed_at IS NULL)`.execute(db)
      ).rows[0].at;
      const f = { createdTo: new Date(middle) };
      // Fresh changes on top of the stream: 3,000 to rows created later, then (just below them) 60
      // to rows in the range. The first window holds none of the range; a longer walk finds a page.
      await sql`
        WITH newer AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM activities
                        WHERE account_id = ${accountId} AND trashed_at IS NULL AND created_at >= ${middle} LIMIT 3000),
             older AS (SELECT id, row_number() OVER (ORDER BY id) AS i FROM activities
                        WHERE account_id = ${accountId} AND trashed_at IS NULL AND created_at < ${middle} LIMIT 60),
             top AS (SELECT max(updated_at) AS at FROM activities)
        UPDATE activities a SET updated_at = top.at + interval '1 hour' - x.i * interval '1 second'
          FROM (SELECT id, i FROM newer UNION ALL SELECT id, 3000 + i FROM older) x, top
         WHERE a.id = x.id`.execute(db);
      await sql`VACUUM (ANALYZE) activities`.execute(db);

      const r = await expectSamePages(admin(), f, null, 3);
      // The first window holds none; the planner's estimate prices collecting; one walk finds the page.
      expect(r.shapes).toEqual(["walk", "estimate", "walk"]);
      expect(r.seen).toBe(150);
      // Read again (it filled the buffers), the first walk is an index-only scan of the stream
      // index that fetched no table row: the range's times and trashed_at are in the index.
      await queryStream(recording(), admin(), f, null, 50);
      const scans = (await planOfFirstWalk()).filter((n) => n["Relation Name"] === "activities");
      expect(scans.map((n) => [n["Node Type"], n["Index Name"], n["Heap Fetches"]])).toEqual([["Index Only Scan", "activities_stream_idx", 0], expect.anything()]);
    });

    it("a narrow range, at the stream's far end or holding nothing: priced, walked to the floor, then collected", async () => {
      // The estimate is a handful of rows, so the walk goes only as far as the floor (MAX_WINDOW);
      // short of a page, the rest is collected (here the walk passed the whole small stream).
      const last = (
        await sql<{ at: Date }>`SELECT created_at AS at FROM activities WHERE account_id = ${accountId} AND trashed_at IS NULL
          ORDER BY updated_at, id LIMIT 1`.execute(handle.db)
      ).rows[0].at;
      const atTheEnd = await expectSamePages(admin(), { createdFrom: new Date(last), createdTo: new Date(new Date(last).getTime() + 1) }, null, 1);
      expect(atTheEnd.shapes).toEqual(["walk", "estimate", "walk", "all matches"]);
      expect(atTheEnd.seen).toBeGreaterThan(0);
      const none = await expectSamePages(admin(), { createdFrom: new Date(Date.UTC(2000, 0, 1)), createdTo: new Date(Date.UTC(2000, 1, 1)) }, null, 1);
      expect(none.shapes).toEqual(["walk", "estimate", "walk", "all matches"]);
      expect(none.seen).toBe(0);
    });
  });

  const firstName = () => rareName.split(" ")[0];
  const lastName = () => rareName.split(" ").slice(1).join(" ");
});
