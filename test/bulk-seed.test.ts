import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkSeed, type BulkSeedResult } from "../src/store/bulk-seed.js";
import { busyQuery } from "../src/store/scheduling-repo.js";
import { HISTORY_SENTENCES } from "../web/src/details/history-sentence.js";
import { ENGINES, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { loadedTablesSchema } from "./support/load-schema.js";

/**
 * The bench's bulk load writes, beside its activities, what a live account would hold for them
 * (issue 16): history that tells how each reached its detailed status, a payment relation and
 * record per transaction, and the last 30 days' outbox events, delivered.
 */
const PAYMENT_ACTIONS = ["payment-captured", "payment-denied", "refund-requested", "refunded-in-paypal", "refund-failed"];

describe.each(ENGINES)("bulk seed records on $name", (engine) => {
  let server: TestServer;
  let accountId: string;
  let seeded: BulkSeedResult;
  let seedStart: Date;
  let seedEnd: Date;
  beforeAll(async () => {
    server = await startTestServer(engine);
    accountId = (await newAccount(server, "Bulk")).accountId;
    await server.handle.db.insertInto("outbox_consumers").values({ name: "bulk-seed-test" }).onConflict((oc) => oc.column("name").doNothing()).execute();
    // The seed's "now" is the database's (SQL now()): a PostgreSQL server keeps its own clock, which
    // is not this process's under faketime.
    const databaseNow = async () => (await sql<{ t: Date }>`SELECT clock_timestamp() AS t`.execute(server.handle.db)).rows[0].t;
    seedStart = await databaseNow();
    seeded = await bulkSeed(server.handle, { activities: 3_000, accountId });
    seedEnd = await databaseNow();
  }, 120_000);
  afterAll(async () => server?.close());

  const rows = async <T,>(q: ReturnType<typeof sql<T>>) => (await q.execute(server.handle.db)).rows;

  it("gives every activity its history: made as it began, then the change that led to its detailed status", async () => {
    expect(seeded.inserted).toBe(3_000);
    const stories = await rows(sql<{ id: string; type: string; detailed: string; n: number; first_from: string | null; last_to: string; chained: boolean; actions: string[]; ordered: boolean }>`
      SELECT a.id, a.type, a.detailed_status AS detailed, count(h.id)::int AS n,
        (array_agg(h.from_detailed_status ORDER BY h.id))[1] AS first_from,
        (array_agg(h.to_detailed_status ORDER BY h.id))[count(h.id)] AS last_to,
        coalesce((array_agg(h.from_detailed_status ORDER BY h.id))[2] = (array_agg(h.to_detailed_status ORDER BY h.id))[1], true) AS chained,
        array_agg(h.action ORDER BY h.id) AS actions,
        coalesce((array_agg(h.at ORDER BY h.id))[1] <= (array_agg(h.at ORDER BY h.id))[2], true) AS ordered
      FROM activities a LEFT JOIN activity_history h ON h.account_id = a.account_id AND h.activity_id = a.id
      WHERE a.account_id = ${accountId} GROUP BY a.id, a.type, a.detailed_status`);
    expect(stories.length).toBe(3_000);
    const known = new Set([...Object.keys(HISTORY_SENTENCES), ...PAYMENT_ACTIONS]);
    const wrong = stories.filter((s) => s.n < 1 || s.n > 2 || s.first_from !== null || s.last_to !== s.detailed || !s.chained || !s.ordered || s.actions.some((x) => !known.has(x)));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(seeded.records.history).toBe(stories.reduce((t, s) => t + s.n, 0));
    // Both kinds occur: as made (Scheduled, Requested …) and changed (Completed, Canceled …).
    expect(stories.some((s) => s.n === 1) && stories.some((s) => s.n === 2)).toBe(true);
  });

  it("relates each transaction to a booking it paid or refunded, with its payment record", async () => {
    const txns = await rows(sql<{ id: string; rel: string | null; rel_type: string | null; rec_for: string | null; amount: string; rec_amount: string | null; kind: string | null; detailed: string }>`
      SELECT t.id, r.from_id AS rel, b.type AS rel_type, p.for_activity_id AS rec_for, t.amount_minor::text AS amount, p.amount_minor::text AS rec_amount, p.kind, t.detailed_status AS detailed
      FROM activities t
      LEFT JOIN activity_relations r ON r.account_id = t.account_id AND r.to_id = t.id AND r.kind = 'payment'
      LEFT JOIN activities b ON b.account_id = r.account_id AND b.id = r.from_id
      LEFT JOIN payment_records p ON p.account_id = t.account_id AND p.activity_id = t.id
      WHERE t.account_id = ${accountId} AND t.type = 'transaction'`);
    expect(txns.length).toBeGreaterThan(300);
    const wrong = txns.filter((t) => t.rel === null || t.rel_type !== "booking" || t.rec_for !== t.rel || t.rec_amount !== t.amount
      || t.kind !== (t.detailed.includes("REFUND") ? "refund" : "payment"));
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(seeded.records.payments).toBe(txns.length);
  });

  it("keeps the last 30 days' changes in the outbox, delivered to every consumer", async () => {
    // The seed's "now" lies between seedStart and seedEnd: an activity changed 30 days before it is
    // on one side of the line or the other, so each side is checked against the bound it cannot cross.
    const sides = await rows(sql<{ missing: number; too_old: number; repeated: number }>`
      SELECT
        (SELECT count(*) FROM activities a WHERE a.account_id = ${accountId} AND a.updated_at >= ${seedEnd}::timestamptz - interval '30 days'
            AND NOT EXISTS (SELECT 1 FROM outbox_events e WHERE e.account_id = a.account_id AND e.activity_id = a.id))::int AS missing,
        (SELECT count(*) FROM outbox_events e JOIN activities a ON a.account_id = e.account_id AND a.id = e.activity_id
          WHERE e.account_id = ${accountId} AND a.updated_at < ${seedStart}::timestamptz - interval '30 days')::int AS too_old,
        (SELECT count(*) - count(DISTINCT activity_id) FROM outbox_events WHERE account_id = ${accountId})::int AS repeated`);
    expect(sides).toEqual([{ missing: 0, too_old: 0, repeated: 0 }]);
    const events = await rows(sql<{ n: number; old: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE created_at < now() - interval '31 days')::int AS old FROM outbox_events WHERE account_id = ${accountId}`);
    expect(events[0].n).toBeGreaterThan(0);
    expect(events[0].old).toBe(0);
    const deliveries = await rows(sql<{ status: string; n: number }>`
      SELECT status, count(*)::int AS n FROM outbox_deliveries WHERE account_id = ${accountId} AND consumer = 'bulk-seed-test' GROUP BY status`);
    expect(deliveries).toEqual([{ status: "delivered", n: events[0].n }]);
  });

  it("busy time of an account the statistics have not seen reads the live-bookings index by account, host and time (migration 031)", async () => {
    // After ANALYZE the seeded account is all the planner knows: any other is estimated at one row,
    // and at 15M the account-leading stream indexes then looked as cheap as this one.
    await sql`ANALYZE activities`.execute(server.handle.db);
    const fresh = await newAccount(server, "Unseen");
    const from = new Date(Date.now() + 86_400_000);
    const to = new Date(from.getTime() + 86_400_000);
    // The busy-time read itself (with its holds and calendar parts), as each booking runs it.
    const busy = busyQuery(server.handle.db, fresh.accountId, [fresh.admin.id], from, to, { holds: true }).compile();
    const plan = (await server.handle.executeSql(`EXPLAIN ${busy.sql}`, [...busy.parameters])).rows.map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toMatch(/activities_owner_live_idx/);
    expect(plan).toMatch(/Index Cond: \(\(account_id = '[^']+'::uuid\) AND \(owner_id = '[^']+'::uuid\) AND \(start_at < /);
  });

  it("busy time planned once for every value (a booking's generic plan) still reads a live-bookings index by account, host and time", async () => {
    await sql`ANALYZE activities`.execute(server.handle.db);
    const host = (await rows(sql<{ owner_id: string }>`SELECT owner_id FROM activities WHERE account_id = ${accountId} AND owner_id IS NOT NULL LIMIT 1`))[0].owner_id;
    const from = new Date(Date.now() + 86_400_000);
    const to = new Date(from.getTime() + 86_400_000);
    const busy = busyQuery(server.handle.db, accountId, [host], from, to, { holds: true }).compile();
    const literal = (v: unknown) => `'${v instanceof Date ? v.toISOString() : String(v)}'`;
    // One connection: the prepared statement and the setting are the session's.
    const plan = await server.handle.db.connection().execute(async (conn) => {
      await sql.raw(`PREPARE busy_generic AS ${busy.sql}`).execute(conn);
      try {
        await sql`SET plan_cache_mode = force_generic_plan`.execute(conn);
        const explained = await sql.raw<{ "QUERY PLAN": string }>(`EXPLAIN EXECUTE busy_generic(${busy.parameters.map(literal).join(", ")})`).execute(conn);
        return explained.rows.map((r) => r["QUERY PLAN"]).join("\n");
      } finally {
        await sql`RESET plan_cache_mode`.execute(conn);
        await sql`DEALLOCATE busy_generic`.execute(conn);
      }
    });
    // A generic plan proves a partial index's predicate only from literals (the live-booking
    // condition is written as such): with it as parameters this read went through every activity of the host.
    expect(plan).toMatch(/Index Cond: \(\(account_id = \$1\) AND \(owner_id = \$2\) AND \((blocked && |start_at < )/);
    expect(plan).toMatch(/using activities_(owner_live_idx|no_double_booking) on activities\b/);
  });

  it("a load that drops and rebuilds the indexes puts back every index and foreign key of activities, history, relations and payment records", async () => {
    const definitions = () => loadedTablesSchema(server.handle.db);
    const partitionIndexes = () => rows(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_inherits p JOIN pg_index i ON i.indrelid = p.inhrelid WHERE p.inhparent = 'activity_history'::regclass`);
    const before = await definitions();
    const partitionsBefore = await partitionIndexes();
    expect(before.some((d) => d.includes("activity_history_activity_idx"))).toBe(true);
    const other = (await newAccount(server, "Bulk rebuilt")).accountId;
    const r = await bulkSeed(server.handle, { activities: 500, accountId: other, rebuildIndexes: true });
    expect(r.inserted).toBe(500);
    expect(await definitions()).toEqual(before);
    // Each partition has its indexes again (the parent's saved definition says ON ONLY).
    expect(await partitionIndexes()).toEqual(partitionsBefore);
    const made = await rows(sql<{ n: number }>`SELECT count(DISTINCT activity_id)::int AS n FROM activity_history WHERE account_id = ${other}`);
    expect(made[0].n).toBe(500);
    // The foreign keys are back and enforced: history naming no activity is refused.
    await expect(sql`INSERT INTO activity_history (account_id, activity_id, at, actor_type, action, to_status, to_detailed_status, data)
      VALUES (${other}, 'BKNG-NOSUCHACTIVITY', now(), 'system', 'complete', 'Completed', 'Completed (Set by System)', '{}'::jsonb)`.execute(server.handle.db)).rejects.toThrow(/foreign key/);
    await expect(sql`INSERT INTO activity_relations (account_id, from_id, to_id, kind)
      VALUES (${other}, 'BKNG-NOSUCHACTIVITY', 'TXN-NOSUCHONE', 'payment')`.execute(server.handle.db)).rejects.toThrow(/foreign key/);
    const paid = await rows(sql<{ n: number }>`SELECT count(*)::int AS n FROM payment_records WHERE account_id = ${other}`);
    expect(paid[0].n).toBeGreaterThan(0);
  }, 120_000);
});
