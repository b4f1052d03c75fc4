import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkSeed } from "../src/store/bulk-seed.js";
import { dropIndexesAndForeignKeys } from "../src/store/bulk-seed-indexes.js";
import { runTasks } from "../src/store/load-tasks.js";
import { ENGINES, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { loadedTablesSchema } from "./support/load-schema.js";

/**
 * A large load on PostgreSQL works on several connections at once (src/store/bulk-seed-parallel.ts):
 * each connection loads its share, then index builds, history shares, relations, the outbox and
 * the report counts run side by side. What it leaves must be what the one-transaction load leaves
 * (test/bulk-seed.test.ts checks that load's records on both engines); a load that fails midway,
 * or whose process was killed, must put back every index, key and trigger it took away.
 */
const postgres = ENGINES.find((e) => e.name === "postgres");

describe.skipIf(!postgres)("a bulk load over several connections (PostgreSQL)", () => {
  let server: TestServer;
  const rows = async <T,>(q: ReturnType<typeof sql<T>>) => (await q.execute(server.handle.db)).rows;
  const schemaState = () => loadedTablesSchema(server.handle.db);

  beforeAll(async () => {
    server = await startTestServer(postgres!);
    await server.handle.db.insertInto("outbox_consumers").values({ name: "parallel-seed-test" }).onConflict((oc) => oc.column("name").doNothing()).execute();
  }, 60_000);
  afterAll(async () => server?.close());

  it("writes each activity once with its history, payment records, outbox events and report counts, and puts back every index, key and the trigger", async () => {
    const before = await schemaState();
    expect(before).toContain("trigger activities_report_counts O");
    const { accountId } = await newAccount(server, "Parallel load");
    // Three connections: shares of unequal size, three host and customer slices.
    const r = await bulkSeed(server.handle, { activities: 3_001, accountId, rebuildIndexes: true, connections: 3 });
    expect(r.inserted).toBe(3_001);
    expect(await schemaState()).toEqual(before);
    // The tasks ran side by side: some task started before another had ended.
    const tasks = r.tasks ?? [];
    expect(tasks.map((t) => t.name)).toEqual(expect.arrayContaining(["history 1/3", "history 2/3", "history 3/3", "relations and payments", "outbox", "report counts", "index activities_search_idx"]));
    expect(tasks.some((a) => tasks.some((b) => a !== b && a.start < b.end && b.start < a.end))).toBe(true);
    // History's index is built after every share of history is written, and its keys, checked on
    // each partition, after that index (each locks the other out).
    const historyDone = Math.max(...tasks.filter((t) => t.name.startsWith("history ")).map((t) => t.end));
    const historyIndex = tasks.find((t) => t.name === "index activity_history_activity_idx")!;
    expect(historyIndex.start).toBeGreaterThanOrEqual(historyDone);
    const partitionKeys = tasks.filter((t) => t.name.startsWith("keys of activity_history_"));
    expect(partitionKeys.length).toBeGreaterThan(1);
    expect(Math.min(...partitionKeys.map((t) => t.start))).toBeGreaterThanOrEqual(historyIndex.end);
    const activityIndexesDone = Math.max(...tasks.filter((t) => t.name.startsWith("index activities_")).map((t) => t.end));
    expect(tasks.find((t) => t.name === "keys of activities")!.start).toBeGreaterThanOrEqual(activityIndexesDone);

    const [counts] = await rows(sql<{ activities: number; with_history: number; history: number; txns: number; paid: number; related: number; events: number; delivered: number }>`
      SELECT
        (SELECT count(*) FROM activities WHERE account_id = ${accountId})::int AS activities,
        (SELECT count(DISTINCT activity_id) FROM activity_history WHERE account_id = ${accountId})::int AS with_history,
        (SELECT count(*) FROM activity_history WHERE account_id = ${accountId})::int AS history,
        (SELECT count(*) FROM activities WHERE account_id = ${accountId} AND type = 'transaction')::int AS txns,
        (SELECT count(*) FROM payment_records WHERE account_id = ${accountId})::int AS paid,
        (SELECT count(*) FROM activity_relations WHERE account_id = ${accountId} AND kind = 'payment')::int AS related,
        (SELECT count(*) FROM outbox_events WHERE account_id = ${accountId})::int AS events,
        (SELECT count(*) FROM outbox_deliveries WHERE account_id = ${accountId} AND consumer = 'parallel-seed-test' AND status = 'delivered')::int AS delivered`);
    expect(counts.activities).toBe(3_001);
    expect(counts.with_history).toBe(3_001);
    // The shares' counts add up (each share's count is added when it finishes).
    expect(r.records.history).toBe(counts.history);
    expect(counts.txns).toBeGreaterThan(300);
    expect([counts.paid, counts.related, r.records.payments, r.records.relations]).toEqual([counts.txns, counts.txns, counts.txns, counts.txns]);
    expect(counts.events).toBe(r.records.outboxEvents);
    expect(counts.delivered).toBe(counts.events);
    // The report counts were rebuilt while the trigger was off: each booking counted once by creation.
    const [report] = await rows(sql<{ counted: number; bookings: number }>`
      SELECT (SELECT coalesce(sum(n), 0) FROM report_booking_counts WHERE account_id = ${accountId} AND basis = 'created')::int AS counted,
             (SELECT count(*) FROM activities WHERE account_id = ${accountId} AND type = 'booking')::int AS bookings`);
    expect(report.counted).toBe(report.bookings);
    // No host double-booked across the connections' slices.
    const [overlaps] = await rows(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM activities a JOIN activities b
        ON b.account_id = a.account_id AND b.owner_id = a.owner_id AND b.id < a.id AND b.blocked && a.blocked
       WHERE a.account_id = ${accountId} AND a.type = 'booking' AND a.status IN ('Scheduled', 'Rescheduled')
         AND b.type = 'booking' AND b.status IN ('Scheduled', 'Rescheduled')`);
    expect(overlaps.n).toBe(0);
  }, 180_000);

  it("a load that fails midway keeps the rows it wrote and puts back every index, key and the trigger", async () => {
    const before = await schemaState();
    const { accountId } = await newAccount(server, "Failing load");
    // A table in the way of the relations' task: it fails after the activities and history are written.
    await sql`CREATE TABLE bulk_seed_paid_for (x int)`.execute(server.handle.db);
    await expect(bulkSeed(server.handle, { activities: 800, accountId, rebuildIndexes: true, connections: 2 })).rejects.toThrow(/bulk_seed_paid_for/);
    expect(await schemaState()).toEqual(before);
    const [left] = await rows(sql<{ n: number }>`SELECT count(*)::int AS n FROM activities WHERE account_id = ${accountId}`);
    expect(left.n).toBe(800);
  }, 180_000);

  it("a load whose process was killed is finished by the next one: what it dropped is built again before loading", async () => {
    const before = await schemaState();
    const { accountId } = await newAccount(server, "After a killed load");
    // History's year partitions, as any load makes them (this test may run alone).
    await sql`SELECT ensure_time_partitions('activity_history', 'year', now() - interval '2 years', now())`.execute(server.handle.db);
    // What a killed load leaves: indexes and keys gone, their definitions saved, the trigger off, helpers.
    await server.handle.db.transaction().execute(async (trx) => {
      const dropped = [...(await dropIndexesAndForeignKeys(trx, "activities")), ...(await dropIndexesAndForeignKeys(trx, "activity_history"))];
      await sql`CREATE TABLE bulk_seed_deferred (table_name text, kind text, name text, def text)`.execute(trx);
      for (const d of dropped) await sql`INSERT INTO bulk_seed_deferred VALUES (${d.table}, ${d.kind}, ${d.name}, ${d.def})`.execute(trx);
      // Killed while checking history's keys: on its partitions, NOT VALID, the parent's not yet added.
      const partitions = (await sql<{ name: string }>`
        SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'activity_history'::regclass`.execute(trx)).rows;
      expect(partitions.length).toBeGreaterThan(1);
      for (const d of dropped.filter((x) => x.kind === "foreign key" && x.table === "activity_history")) {
        for (const p of partitions) await sql`ALTER TABLE ${sql.table(p.name)} ADD CONSTRAINT ${sql.id(d.name)} ${sql.raw(d.def)} NOT VALID`.execute(trx);
      }
      await sql`ALTER TABLE activities DISABLE TRIGGER activities_report_counts`.execute(trx);
      await sql`CREATE UNLOGGED TABLE bulk_seed_staging_0 (LIKE activities)`.execute(trx);
    });
    expect(await schemaState()).not.toEqual(before);
    const r = await bulkSeed(server.handle, { activities: 400, accountId, rebuildIndexes: true, connections: 2 });
    expect(r.inserted).toBe(400);
    expect(await schemaState()).toEqual(before);
    const [unchecked] = await rows(sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_constraint WHERE connamespace = current_schema()::regnamespace AND NOT convalidated`);
    expect(unchecked.n).toBe(0);
  }, 180_000);

  it("runs a task once what it waits for is done, others beside it, and starts none after a failure", async () => {
    const order: string[] = [];
    const step = (name: string, seconds: number, fail = false) => async (trx: Parameters<Parameters<typeof runTasks>[1][number]["run"]>[0]) => {
      order.push(`${name} start`);
      await sql`SELECT pg_sleep(${seconds})`.execute(trx);
      if (fail) await sql`SELECT 1 / 0`.execute(trx);
      order.push(`${name} end`);
    };
    const none = async () => undefined;
    const timings = await runTasks(server.handle.db, [
      { name: "slow", run: step("slow", 0.3) },
      { name: "after slow", after: ["slow"], run: step("after slow", 0) },
      { name: "beside", run: step("beside", 0) },
    ], 2, none);
    expect(order.indexOf("beside end")).toBeLessThan(order.indexOf("slow end"));
    expect(order.indexOf("after slow start")).toBeGreaterThan(order.indexOf("slow end"));
    expect(timings.map((t) => t.name).sort()).toEqual(["after slow", "beside", "slow"]);

    order.length = 0;
    await expect(runTasks(server.handle.db, [
      { name: "long", run: step("long", 0.3) },
      { name: "broken", run: step("broken", 0, true) },
      { name: "later", run: step("later", 0) },
    ], 2, none)).rejects.toThrow(/division by zero/);
    // The running task finished before the failure was thrown; the waiting one never started.
    expect(order).toContain("long end");
    expect(order).not.toContain("later start");
    await expect(runTasks(server.handle.db, [{ name: "a", after: ["nothing"], run: none }], 2, none)).rejects.toThrow(/unknown tasks: nothing/);
  });
});
