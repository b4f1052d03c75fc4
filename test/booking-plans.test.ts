import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../src/app/activity-writes.js";
import { bookOnPublicPage } from "../src/app/book-on-public-page.js";
import type { AppContext } from "../src/app/context.js";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";

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
});
