import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inTransaction } from "../src/app/activity-writes.js";
import { bookOnPublicPage } from "../src/app/book-on-public-page.js";
import type { AppContext } from "../src/app/context.js";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { socketWrites } from "./support/socket-writes.js";

/**
 * A booking's transaction asks PostgreSQL for generic plans (withGenericPlans): its statements are
 * prepared once per connection and, without it, the schedule read was planned anew on every
 * booking. The embedded database has no such client (one connection, nothing to gain): PostgreSQL only.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("a booking's plans on PostgreSQL", () => {
  let server: TestServer;
  let single: DatabaseHandle;
  let ctx: AppContext;
  beforeAll(async () => {
    server = await startTestServer({ name: "postgres", url: process.env.TEST_DATABASE_URL });
    // One connection, so that its prepared statements and settings are the ones inspected.
    single = await openDatabase({ databaseUrl: server.databaseUrl, poolSize: 1, migrate: false });
    ctx = { ...server.ctx, db: single.db };
  });
  afterAll(async () => {
    await single?.close();
    await server?.close();
  });

  const preparedStatements = async () =>
    (await sql<{ statement: string; generic_plans: number; custom_plans: number }>`
      SELECT statement, generic_plans::int, custom_plans::int FROM pg_prepared_statements`.execute(single.db)).rows;

  it("plans each of its statements once and reuses the plan, the schedule read included", async () => {
    const acct = await newAccount(server);
    const slots = futureSlots(server, 8);
    for (const [i, start] of slots.entries()) {
      await bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(start), customer: customer(i) });
    }
    const statements = await preparedStatements();
    const schedule = statements.find((s) => /AS busy/.test(s.statement));
    expect(schedule, JSON.stringify(statements)).toBeDefined();
    expect(schedule).toMatchObject({ generic_plans: slots.length, custom_plans: 0 });
    for (const s of statements) expect(s.custom_plans, s.statement).toBe(0);
  });

  it("leaves the connection as it found it: the setting ends with the transaction, and other transactions plan as usual", async () => {
    const acct = await newAccount(server);
    const [start] = futureSlots(server, 1);
    await bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(start), customer: customer() });
    const setting = async () => (await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(single.db)).rows[0].plan_cache_mode;
    expect(await setting()).toBe("auto");
    expect(await inTransaction(ctx, async (tx) => (await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(tx)).rows[0].plan_cache_mode)).toBe("auto");
    expect(await inTransaction(ctx, async (tx) => (await sql<{ plan_cache_mode: string }>`SHOW plan_cache_mode`.execute(tx)).rows[0].plan_cache_mode, { genericPlans: true })).toBe("force_generic_plan");
    // A failed booking rolls the setting back with everything else.
    await expect(bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(start), customer: customer() })).rejects.toMatchObject({ code: "slot_unavailable" });
    expect(await setting()).toBe("auto");
  });

  describe("its round trips", () => {
    afterEach(() => vi.restoreAllMocks());

    it("are three: the BEGIN with the page read, the schedule read, the insert with the COMMIT", async () => {
      const acct = await newAccount(server);
      const [warm, start] = futureSlots(server, 2);
      // The first booking on this connection prepares its statements; the second is the steady state.
      await bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(warm), customer: customer(0) });
      const writes = socketWrites();
      const booked = await bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(start), customer: customer(1) });
      expect(writes()).toBe(3);
      // Committed when it answered: another connection sees it, with its history and outbox event.
      const seen = await sql<{ history: number; events: number }>`
        SELECT (SELECT count(*)::int FROM activity_history WHERE activity_id = ${booked.activityId}) AS history,
          (SELECT count(*)::int FROM outbox_events WHERE activity_id = ${booked.activityId}) AS events
        FROM activities WHERE id = ${booked.activityId}`.execute(server.ctx.db);
      expect(seen.rows).toEqual([{ history: 1, events: 1 }]);
    });

    it("a booking refused by its insert (the exclusion constraint, at the COMMIT's side) leaves nothing behind", async () => {
      const acct = await newAccount(server);
      const [taken, wanted, next] = futureSlots(server, 3);
      const first = await bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(taken), customer: customer(7) });
      const pid = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(single.db)).rows[0].pid;
      const history = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM activity_history WHERE account_id = ${acct.accountId}`.execute(server.ctx.db)).rows[0].n;
      const before = await history();
      // Another transaction moves the first booking onto the wanted time and holds it uncommitted:
      // the second booking's checks read the committed schedule (free), its insert then waits on
      // that row and, once the mover commits, fails on the no-double-booking constraint.
      let second!: Promise<unknown>;
      await server.ctx.db.transaction().execute(async (tx) => {
        await sql`UPDATE activities SET start_at = ${new Date(wanted)}, end_at = ${new Date(wanted)}::timestamptz + (end_at - start_at) WHERE id = ${first.activityId}`.execute(tx);
        let settled = false;
        second = bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(wanted), customer: customer(8) })
          .then(() => "booked", (e: unknown) => e)
          .finally(() => (settled = true));
        // Until it waits on the moved row (or, wrongly, has already answered: the expectation below says how).
        for (let waiting = false; !waiting && !settled; ) {
          await new Promise((r) => setTimeout(r, 20));
          waiting = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_locks WHERE pid = ${pid} AND NOT granted`.execute(server.ctx.db)).rows[0].n > 0;
        }
      });
      expect(await second).toMatchObject({ code: "slot_unavailable" });
      expect(await history()).toBe(before);
      expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM customers WHERE account_id = ${acct.accountId} AND name = 'Customer 8'`.execute(server.ctx.db)).rows[0].n).toBe(0);
      // The connection carries on: the next booking goes through.
      await expect(bookOnPublicPage(ctx, acct.autoPage.slug, { start: new Date(next), customer: customer(9) })).resolves.toMatchObject({ activityId: expect.any(String) });
    });
  });
});
