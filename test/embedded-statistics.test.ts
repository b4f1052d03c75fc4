import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../src/app/housekeeping.js";
import { tablesDueForAnalyze } from "../src/store/statistics-repo.js";
import { ENGINES, newAccount, startTestServer, type TestServer } from "./support/harness.js";

/**
 * The embedded database runs no autovacuum, so housekeeping analyzes what changed enough there
 * (store/statistics-repo.ts); on PostgreSQL autovacuum does, and housekeeping leaves it alone.
 */
describe.each(ENGINES)("planner statistics on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const statsOf = async (table: string) =>
    (await sql<{ mods: string; analyzed: Date | null; reltuples: number }>`
      SELECT s.n_mod_since_analyze AS mods, s.last_analyze AS analyzed, c.reltuples
      FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname = ${table}`.execute(server.handle.db)).rows[0];

  /** A backend reports its table counters to pg_stat_user_tables when idle, at most once a second. */
  const flushCounters = async () => {
    await sql`SELECT pg_stat_force_next_flush()`.execute(server.handle.db);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sql`SELECT 1`.execute(server.handle.db);
  };

  it("analyzes a table once it has changed by a tenth (and 50 rows) since its statistics, on the embedded database only", async () => {
    const acct = await newAccount(server, "Statistics");
    await sql`
      INSERT INTO customers (id, account_id, name, email, time_zone, created_at)
      SELECT gen_random_uuid(), ${acct.accountId}, 'Customer ' || g, 'c' || g || '@example.test', 'UTC', now()
      FROM generate_series(1, 3000) AS g`.execute(server.handle.db);
    await flushCounters();
    const r = await housekeeping(server.ctx);
    if (engine.name === "pglite") {
      expect(r.analyzed).toContain("customers");
      const after = await statsOf("customers");
      expect(after.analyzed).not.toBeNull();
      expect(Number(after.mods)).toBe(0);
      expect(Number(after.reltuples)).toBeGreaterThanOrEqual(3000);
      expect(await tablesDueForAnalyze(server.handle.db)).not.toContain("customers");
      // A few changes more are not enough for another; a tenth more is.
      await sql`UPDATE customers SET name = name || '.' WHERE account_id = ${acct.accountId} AND email IN ('c1@example.test', 'c2@example.test', 'c3@example.test')`.execute(server.handle.db);
      await flushCounters();
      expect((await housekeeping(server.ctx)).analyzed).not.toContain("customers");
      await sql`UPDATE customers SET name = name || '.' WHERE account_id = ${acct.accountId} AND email LIKE 'c1%'`.execute(server.handle.db);
      await flushCounters();
      expect(await tablesDueForAnalyze(server.handle.db)).toContain("customers");
    } else {
      // Autovacuum's work here (it may or may not have come by yet).
      expect(r.analyzed).toEqual([]);
    }
  });
});
