import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { rebuildReportCounts } from "./report-counts-repo.js";
import {
  createLoadedTable, insertHistory, insertOutbox, insertRelationsAndPayments, prepareRecords, type SeededRecords,
} from "./bulk-seed-records.js";
import { generateBatch, loadInRounds, moveStaged, tuneForLoad } from "./bulk-seed-generate.js";
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
 * 3. Tasks on all connections at once, each as soon as what it needs is there: history in one share
 *    per connection, relations with payment records, the outbox, the report counts.
 * 4. Every foreign key added NOT VALID (a partitioned table's on each partition), then the index
 *    builds of all four tables (the search index's GIN build, serial in PostgreSQL 15, first) and
 *    each table's (or partition's) key validation once its indexes are built; then a partitioned
 *    table's keys, which take over its partitions' without reading them again.
 * 5. The trigger back on, the helper tables dropped.
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
  /** Wall-clock seconds of each stage: generating, moving, the records (with the report counts), the indexes and keys. */
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
        try {
          await finishInterruptedLoad(db);
        } catch (cleanup) {
          // Both kept: the load's failure, and why what it dropped is not back yet (the next load puts it back).
          throw new AggregateError([err, cleanup], `bulk seed failed (${(err as Error).message}); putting back what it dropped failed too (${(cleanup as Error).message}): the next load puts it back first`);
        }
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

  const inserted = await loadInRounds(total, async (missing, done) => {
    const share = (w: number) => Math.floor(missing / k) + (w < missing % k ? 1 : 0);
    let generated = 0;
    await allOrFirstError(Array.from({ length: k }, async (_, w) => {
      for (let made = 0; made < share(w); ) {
        const n = Math.min(batch, share(w) - made);
        await db.transaction().execute(async (trx) => {
          await tune(trx);
          await generateBatch(trx, accountId, n, stagingTable(w), { slice: w, slices: k });
        });
        made += n;
        generated += n;
        onProgress?.(done + generated, total);
      }
    }));
    lap("generate");
    const moved = await allOrFirstError(Array.from({ length: k }, (_, w) => db.transaction().execute(async (trx) => {
      await tune(trx);
      return moveStaged(trx, stagingTable(w));
    })));
    lap("move");
    return moved.reduce((a, b) => a + b, 0);
  });

  const records: SeededRecords = { history: 0, relations: 0, payments: 0, outboxEvents: 0 };
  const hasRows = await db.transaction().execute((trx) => prepareRecords(trx, { timePartitions: true }));
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
  // The records first: with the activities' indexes and every key still to come, nothing slows
  // their inserts, and the indexes of the tables they fill can be built with the rest.
  const recordTimings = await runTasks(db, [...recordTasks, { name: "report counts", run: (trx) => rebuildReportCounts(trx, accountId) }], k, tune);
  lap("records");

  // Every foreign key added NOT VALID, a moment each (nothing read): adding one locks its tables
  // against index builds; validating it locks only its own table. A partitioned table's keys
  // cannot be added NOT VALID: they go on each partition, validated like a table's, and the
  // parent's key, added last, takes them over without reading anything again.
  const foreignKeys = deferred.filter((d) => d.kind === "foreign key");
  const partitions = await partitionsOf(db, DEFERRABLE_TABLES);
  const checked = foreignKeys.flatMap((d) => (partitions.get(d.table) ?? [d.table]).map((table) => ({ ...d, table })));
  await db.transaction().execute(async (trx) => {
    for (const d of checked) await addForeignKey(trx, d, false);
  });
  const indexes = deferred.filter((d) => d.kind === "index");
  const indexTask = (d: DeferredDefinition): LoadTask => ({ name: `index ${d.name}`, run: async (trx) => { await createIndex(trx, d); } });
  const indexesOf = (table: string) => indexes.filter((d) => d.table === table).map((d) => `index ${d.name}`);
  // Validating a table's keys and building its indexes lock each other out: keys after indexes.
  const keysTask = (table: string, parent = table): LoadTask => ({
    name: `keys of ${table}`,
    after: indexesOf(parent),
    run: async (trx) => {
      for (const d of checked.filter((c) => c.table === table)) await validateForeignKey(trx, d);
    },
  });
  const tasks: LoadTask[] = [
    // Longest first: a GIN build runs on one core from start to end (PostgreSQL 15 builds it serially).
    ...indexes.filter((d) => d.table === "activities").sort((a, b) => Number(isGin(b)) - Number(isGin(a))).map(indexTask),
    ...indexes.filter((d) => d.table !== "activities").map(indexTask),
    ...DEFERRABLE_TABLES.flatMap((table) => (partitions.get(table) ?? [table]).map((t) => keysTask(t, table))),
  ];
  const buildTimings = await runTasks(db, tasks, k, tune);
  await db.transaction().execute(async (trx) => {
    for (const d of foreignKeys.filter((f) => partitions.has(f.table))) await addForeignKey(trx, d);
  });
  lap("indexes");

  await finishInterruptedLoad(db);
  lap("counts");
  const offset = Math.max(0, ...recordTimings.map((t) => t.end));
  return { inserted, records, phases, tasks: [...recordTimings, ...buildTimings.map((t) => ({ ...t, start: t.start + offset, end: t.end + offset }))] };
}

/** The partitions of those of `tables` that are partitioned (one level: history by year). */
async function partitionsOf(db: Kysely<Database>, tables: string[]): Promise<Map<string, string[]>> {
  const rows = (await sql<{ parent: string; leaf: string }>`
    SELECT p.relname AS parent, c.relname AS leaf
      FROM pg_class p JOIN pg_inherits i ON i.inhparent = p.oid JOIN pg_class c ON c.oid = i.inhrelid
     WHERE p.relkind = 'p' AND p.relnamespace = current_schema()::regnamespace AND p.relname IN (${sql.join(tables)})
     ORDER BY 1, 2`.execute(db)).rows;
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.parent, [...(map.get(r.parent) ?? []), r.leaf]);
  return map;
}

const isGin = (d: DeferredDefinition) => / USING gin /i.test(d.def);

const tune = (trx: Kysely<Database>) => tuneForLoad(trx, { embedded: false, serialBuilds: true });

/**
 * Puts back what a load dropped and is not there (indexes, then keys, validated), turns the
 * trigger back on and drops the helper tables. Nothing to do when no load was interrupted.
 */
export async function finishInterruptedLoad(db: Kysely<Database>): Promise<void> {
  const saved = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE oid = to_regclass('bulk_seed_deferred')`.execute(db);
  if (saved.rows[0].n === 0) return;
  await db.transaction().execute(async (trx) => {
    await tune(trx);
    const rows = (await sql<{ table_name: string; kind: string; name: string; def: string }>`
      SELECT table_name, kind, name, def FROM bulk_seed_deferred ORDER BY kind DESC, name`.execute(trx)).rows;
    // Keys added NOT VALID by a load that stopped before validating them, on a table or its
    // partitions (validated first, so a partitioned table's key added below takes them over).
    for (const r of rows.filter((x) => x.kind === "foreign key")) {
      const unchecked = await sql<{ rel: string }>`
        SELECT c.relname AS rel FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
         WHERE k.conname = ${r.name} AND NOT k.convalidated
           AND (k.conrelid = to_regclass(${r.table_name}) OR k.conrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass(${r.table_name})))`.execute(trx);
      for (const u of unchecked.rows) await sql`ALTER TABLE ${sql.table(u.rel)} VALIDATE CONSTRAINT ${sql.id(r.name)}`.execute(trx);
    }
    for (const r of rows) {
      const d: DeferredDefinition = { table: r.table_name, kind: r.kind as DeferredDefinition["kind"], name: r.name, def: r.def };
      if (!(await isMissing(trx, d))) continue;
      await (d.kind === "index" ? createIndex(trx, d) : addForeignKey(trx, d));
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
