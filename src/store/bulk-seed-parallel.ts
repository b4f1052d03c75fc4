import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { rebuildReportCounts } from "./report-counts-repo.js";
import {
  createLoadedTable, insertHistory, insertOutbox, insertRelationsAndPayments, LOADED_COLUMNS, prepareRecords, type SeededRecords,
} from "./bulk-seed-records.js";
import { COLUMNS, generateBatch } from "./bulk-seed-generate.js";
import {
  addForeignKey, createIndex, DEFERRABLE_TABLES, dropIndexesAndForeignKeys, isMissing, validateForeignKey, type DeferredDefinition,
} from "./bulk-seed-indexes.js";
import { runTasks, type LoadTask, type TaskTiming } from "./load-tasks.js";

/**
 * A large load on PostgreSQL over several connections (issue 16: 15,000,000 activities in ten
 * minutes; one connection keeps one core busy and leaves the rest idle). bulk-seed.ts does the
 * same work in one transaction on one connection (the embedded database has one).
 *
 * 1. One transaction drops the secondary indexes and foreign keys of activities, history,
 *    relations and payment records, saving their definitions in `bulk_seed_deferred`, and stops
 *    the report counts' trigger.
 * 2. Each connection generates its share into its own unlogged staging table, then moves it into
 *    `activities` in creation order in one transaction of its own. Each draws its hosts from its
 *    own slice of the account's (bulk-seed-generate.ts says why).
 * 3. Tasks on all connections at once, each as soon as what it reads is there: the activities'
 *    index builds (the search index's GIN build, serial in PostgreSQL 15, first), history in one
 *    share per connection, relations with payment records, the outbox, the report counts; then
 *    the indexes of the tables just filled. Then the foreign keys: added NOT VALID, validated a
 *    table per connection.
 * 4. The trigger back on, the helper tables dropped.
 *
 * Not one transaction: a load that fails leaves the rows written so far, and puts back what it
 * dropped (`finishInterruptedLoad`); a process killed midway leaves `bulk_seed_deferred`, and the
 * next load puts them back before it starts. An advisory lock keeps a second load waiting: the
 * helper tables have fixed names. As before, a benchmark tool, not something to run on a database
 * in use.
 */

export interface ParallelLoadResult {
  inserted: number;
  records: SeededRecords;
  /** Wall-clock seconds: generating and moving, the tasks until the records are written, then until the keys are valid. */
  phases: { setup: number; generate: number; move: number; records: number; indexes: number; counts: number };
  tasks: TaskTiming[];
}

const LOAD_LOCK = 0x5eed_0016;
const stagingTable = (w: number) => `bulk_seed_staging_${w}`;

export async function loadInParallel(
  db: Kysely<Database>,
  p: { accountId: string; total: number; batch: number; connections: number; onProgress?: (done: number, total: number) => void },
): Promise<ParallelLoadResult> {
  const k = Math.max(1, Math.floor(p.connections));
  return db.connection().execute(async (lock) => {
    await sql`SELECT pg_advisory_lock(${LOAD_LOCK})`.execute(lock);
    try {
      await finishInterruptedLoad(db);
      try {
        return await load(db, p.accountId, p.total, p.batch, k, p.onProgress);
      } catch (err) {
        await finishInterruptedLoad(db);
        throw err;
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${LOAD_LOCK})`.execute(lock);
    }
  });
}

async function load(
  db: Kysely<Database>, accountId: string, total: number, batch: number, k: number, onProgress?: (done: number, total: number) => void,
): Promise<ParallelLoadResult> {
  const phases = { setup: 0, generate: 0, move: 0, records: 0, indexes: 0, counts: 0 };
  let lapStart = performance.now();
  const lap = (phase: keyof typeof phases) => {
    const now = performance.now();
    phases[phase] += (now - lapStart) / 1000;
    lapStart = now;
  };

  const deferred = await db.transaction().execute(async (trx) => {
    await sql`CREATE TABLE bulk_seed_deferred (table_name text, kind text, name text, def text)`.execute(trx);
    const all: DeferredDefinition[] = [];
    for (const table of DEFERRABLE_TABLES) all.push(...(await dropIndexesAndForeignKeys(trx, table)));
    for (const d of all) {
      await sql`INSERT INTO bulk_seed_deferred VALUES (${d.table}, ${d.kind}, ${d.name}, ${d.def})`.execute(trx);
    }
    // The report counts are rebuilt once after (two delta rows per booking otherwise).
    await sql`ALTER TABLE activities DISABLE TRIGGER activities_report_counts`.execute(trx);
    await createLoadedTable(trx, "unlogged");
    for (let w = 0; w < k; w++) await sql`CREATE UNLOGGED TABLE ${sql.table(stagingTable(w))} (LIKE activities INCLUDING DEFAULTS)`.execute(trx);
    return all;
  });
  lap("setup");

  let inserted = 0;
  for (let emptyRounds = 0; inserted < total; ) {
    const missing = total - inserted;
    const share = (w: number) => Math.floor(missing / k) + (w < missing % k ? 1 : 0);
    let generated = 0;
    await allOrFirstError(Array.from({ length: k }, async (_, w) => {
      for (let done = 0; done < share(w); ) {
        const n = Math.min(batch, share(w) - done);
        await db.transaction().execute(async (trx) => {
          await tuneForLoad(trx);
          await generateBatch(trx, accountId, n, stagingTable(w), { slice: w, slices: k });
        });
        done += n;
        generated += n;
        onProgress?.(inserted + generated, total);
      }
    }));
    lap("generate");
    const moved = await allOrFirstError(Array.from({ length: k }, (_, w) => db.transaction().execute(async (trx) => {
      await tuneForLoad(trx);
      // In creation order: the heap grows the way a live table's does (bulk-seed.ts).
      const r = await sql`
        WITH moved AS (
          INSERT INTO activities (${sql.raw(COLUMNS.join(", "))})
          SELECT ${sql.raw(COLUMNS.join(", "))} FROM ${sql.table(stagingTable(w))} ORDER BY created_at, id
          ON CONFLICT DO NOTHING
          RETURNING ${sql.raw(LOADED_COLUMNS)})
        INSERT INTO bulk_seed_loaded (${sql.raw(LOADED_COLUMNS)}) SELECT ${sql.raw(LOADED_COLUMNS)} FROM moved`.execute(trx);
      await sql`TRUNCATE ${sql.table(stagingTable(w))}`.execute(trx);
      return Number(r.numAffectedRows ?? 0);
    })));
    lap("move");
    const got = moved.reduce((a, b) => a + b, 0);
    inserted += got;
    // Collisions are rare; a round that adds nothing means the hosts' calendars are full.
    emptyRounds = got === 0 ? emptyRounds + 1 : 0;
    if (emptyRounds >= 3) throw new Error(`bulk seed: no room for more activities after ${inserted}`);
  }

  const records: SeededRecords = { history: 0, relations: 0, payments: 0, outboxEvents: 0 };
  const hasRows = await db.transaction().execute((trx) => prepareRecords(trx, { timePartitions: true }));
  const indexes = deferred.filter((d) => d.kind === "index");
  const indexTask = (d: DeferredDefinition, after: string[]): LoadTask => ({ name: `index ${d.name}`, after, run: async (trx) => { await createIndex(trx, d); } });
  const historyShares = Array.from({ length: k }, (_, part) => `history ${part + 1}/${k}`);
  const recordTasks: LoadTask[] = hasRows ? [
    ...historyShares.map((name, part) => ({ name, run: async (trx: Kysely<Database>) => {
      // Read after the await: shares finish in any order.
      const written = await insertHistory(trx, accountId, { part, parts: k });
      records.history += written;
    } })),
    { name: "relations and payments", run: async (trx) => { Object.assign(records, await insertRelationsAndPayments(trx, accountId, "unlogged")); } },
    { name: "outbox", run: async (trx) => { records.outboxEvents = await insertOutbox(trx, accountId); } },
  ] : [];
  const tasks: LoadTask[] = [
    // Longest first: a GIN build runs on one core from start to end.
    ...indexes.filter((d) => d.table === "activities").sort((a, b) => Number(isGin(b)) - Number(isGin(a))).map((d) => indexTask(d, [])),
    ...recordTasks,
    { name: "report counts", run: (trx) => rebuildReportCounts(trx, accountId) },
    ...indexes.filter((d) => d.table === "activity_history").map((d) => indexTask(d, hasRows ? historyShares : [])),
    ...indexes.filter((d) => d.table === "activity_relations" || d.table === "payment_records").map((d) => indexTask(d, hasRows ? ["relations and payments"] : [])),
  ];
  const recordNames = new Set([...recordTasks.map((t) => t.name), "report counts"]);
  const timings = await runTasks(db, tasks, k, tuneForLoad);
  const recordsEnd = Math.max(0, ...timings.filter((t) => recordNames.has(t.name)).map((t) => t.end));
  phases.records += recordsEnd;
  phases.indexes += Math.max(...timings.map((t) => t.end)) - recordsEnd;
  lapStart = performance.now();

  // Foreign keys: adding one locks both tables against the index builds, so all come after them.
  // A partitioned table's keys cannot be added NOT VALID: each is added and checked in one step.
  const foreignKeys = deferred.filter((d) => d.kind === "foreign key");
  const partitioned = new Set((await sql<{ name: string }>`
    SELECT relname AS name FROM pg_class WHERE relkind = 'p' AND relnamespace = current_schema()::regnamespace`.execute(db)).rows.map((r) => r.name));
  await db.transaction().execute(async (trx) => {
    for (const d of foreignKeys.filter((f) => !partitioned.has(f.table))) await addForeignKey(trx, d, false);
  });
  const validations = await runTasks(db, DEFERRABLE_TABLES.map((table): LoadTask => ({
    name: `keys of ${table}`,
    run: async (trx) => {
      for (const d of foreignKeys.filter((f) => f.table === table)) await (partitioned.has(table) ? addForeignKey(trx, d) : validateForeignKey(trx, d));
    },
  })), k, tuneForLoad);
  lap("indexes");

  await finishInterruptedLoad(db);
  lap("counts");
  const offset = timings.length ? Math.max(...timings.map((t) => t.end)) : 0;
  return { inserted, records, phases, tasks: [...timings, ...validations.map((t) => ({ ...t, start: t.start + offset, end: t.end + offset }))] };
}

const isGin = (d: DeferredDefinition) => / USING gin /i.test(d.def);

/** Sorts and CTEs of a batch in memory, index builds with room to sort; no JIT (seconds per generated statement, nothing gained). */
async function tuneForLoad(trx: Kysely<Database>): Promise<void> {
  await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
  // A GIN build gathers its entries in maintenance_work_mem and merges less with more.
  await sql`SET LOCAL maintenance_work_mem = '1GB'`.execute(trx);
  // Each connection is one core's work already: a B-tree build's parallel workers would take the others'.
  await sql`SET LOCAL max_parallel_maintenance_workers = 0`.execute(trx);
  await sql`SET LOCAL jit = off`.execute(trx);
}

/**
 * Puts back what a load dropped and is not there (indexes, then keys, validated), turns the
 * trigger back on and drops the helper tables. Nothing to do when no load was interrupted.
 */
export async function finishInterruptedLoad(db: Kysely<Database>): Promise<void> {
  const saved = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE oid = to_regclass('bulk_seed_deferred')`.execute(db);
  if (saved.rows[0].n === 0) return;
  await db.transaction().execute(async (trx) => {
    await tuneForLoad(trx);
    const rows = (await sql<{ table_name: string; kind: string; name: string; def: string }>`
      SELECT table_name, kind, name, def FROM bulk_seed_deferred ORDER BY kind DESC, name`.execute(trx)).rows;
    for (const r of rows) {
      const d: DeferredDefinition = { table: r.table_name as DeferredDefinition["table"], kind: r.kind as DeferredDefinition["kind"], name: r.name, def: r.def };
      if (!(await isMissing(trx, d))) continue;
      await (d.kind === "index" ? createIndex(trx, d) : addForeignKey(trx, d));
    }
    // Added NOT VALID by a load that stopped before validating them.
    for (const r of rows.filter((x) => x.kind === "foreign key")) {
      const valid = await sql<{ v: boolean }>`SELECT convalidated AS v FROM pg_constraint WHERE conrelid = to_regclass(${r.table_name}) AND conname = ${r.name}`.execute(trx);
      if (valid.rows[0] && !valid.rows[0].v) await sql`ALTER TABLE ${sql.table(r.table_name)} VALIDATE CONSTRAINT ${sql.id(r.name)}`.execute(trx);
    }
    await sql`ALTER TABLE activities ENABLE TRIGGER activities_report_counts`.execute(trx);
    const helpers = await sql<{ name: string }>`
      SELECT relname AS name FROM pg_class
       WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'
         AND (relname IN ('bulk_seed_loaded', 'bulk_seed_paid_for') OR relname LIKE 'bulk\\_seed\\_staging\\_%')`.execute(trx);
    for (const h of helpers.rows) await sql`DROP TABLE ${sql.table(h.name)}`.execute(trx);
    await sql`DROP TABLE bulk_seed_deferred`.execute(trx);
  });
}

/** Waits for all (no connection is left writing while the caller cleans up), then throws the first failure. */
async function allOrFirstError<T>(work: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
