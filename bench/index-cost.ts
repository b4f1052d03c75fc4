/**
 * What each index on `activities` costs a state change and what it serves (issue 16: "the cost of
 * each index on a state change measured and the index set justified").
 *
 *   npx tsx bench/index-cost.ts            # PostgreSQL, the bench database (seeded when missing)
 *
 * Cost: a sample of live bookings is canceled the way the lifecycle does (status, detailed status,
 * reason, updated_at, version; migration 002's trigger clears `blocked`), one UPDATE per booking,
 * in a transaction that is rolled back, each run on bookings no earlier run touched. The WAL those
 * changes wrote is read back (pg_walinspect) and attributed to the heap and to each index: an
 * index that gets an entry on a state change writes a record for it (the update cannot be
 * heap-only while updated_at, in most of them, changes). Timing each index by dropping it proved
 * noise (±40 µs on a ~500 µs change); its WAL is exact. Serves: the stream cases of `npm run bench` (bench/cases.ts) run one at a time
 * on one connection, and the indexes whose scan counters moved are recorded per case.
 *
 * Knobs: BENCH_ACTIVITIES (1,000,000), BENCH_INDEX_SAMPLE (1,000 changes per run), BENCH_INDEX_REPEAT (3 runs each).
 */
import { sql } from "kysely";
import pg from "pg";
import { buildCases } from "./cases.js";
import { preparePostgres } from "./engines.js";
import { openDatabase } from "../src/store/database.js";

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const POSTGRES_DB = process.env.BENCH_POSTGRES_DB ?? "bookstream_bench";
const ACTIVITIES = Number(process.env.BENCH_ACTIVITIES ?? 1_000_000);
const SAMPLE = Number(process.env.BENCH_INDEX_SAMPLE ?? 1_000);
const REPEAT = Number(process.env.BENCH_INDEX_REPEAT ?? 3);
const log = (s: string) => console.log(s);

const prepared = await preparePostgres(POSTGRES_URL, POSTGRES_DB, ACTIVITIES, log);
const databaseUrl = (prepared.location as { databaseUrl: string }).databaseUrl;
const accountId = prepared.accountId;
log(`index cost on PostgreSQL, ${prepared.activities.toLocaleString("en-US")} activities, ${SAMPLE} changes per run, best of ${REPEAT}`);

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
await client.query("SET max_parallel_workers_per_gather = 0");
await client.query("VACUUM (ANALYZE) activities");

const indexes = (
  await client.query<{ name: string; def: string; bytes: string }>(`
    SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def, pg_relation_size(i.indexrelid)::text AS bytes
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'activities'::regclass ORDER BY c.relname`)
).rows;
// Constraint-backed indexes (the primary key, the exclusion constraint) stay: nothing could drop them.
const constraintIndexes = new Set(
  (await client.query<{ name: string }>(`SELECT conindid::regclass::text AS name FROM pg_constraint WHERE conrelid = 'activities'::regclass AND conindid <> 0`)).rows.map((r) => r.name),
);

// Live bookings to cancel, in random order; each run takes the next SAMPLE.
const live = (
  await client.query<{ id: string }>(`
    SELECT id FROM activities WHERE account_id = $1 AND type = 'booking' AND status IN ('Scheduled', 'Rescheduled') AND trashed_at IS NULL
     ORDER BY md5(id) LIMIT $2`, [accountId, SAMPLE * (REPEAT + 1)])
).rows.map((r) => r.id);
let next = 0;
const takeSample = () => {
  if (next + SAMPLE > live.length) next = 0;
  const s = live.slice(next, next + SAMPLE);
  next += SAMPLE;
  return s;
};

// A named statement: parsed once, its plan replanned by the server after an index is dropped.
const cancelChange = (id: string) => client.query({
  name: "cancel_change",
  text: "UPDATE activities SET status = 'Canceled', detailed_status = 'Canceled (By user)', reason = 'Host unavailable', updated_at = clock_timestamp(), version = version + 1 WHERE account_id = $1 AND id = $2",
  values: [accountId, id],
});

/**
 * One run: SAMPLE bookings canceled, each its own UPDATE, in a transaction rolled back. Returns the
 * time per change and the WAL it wrote, attributed to the relation of each record's first block
 * (pg_walinspect), without full-page images (those depend on when the last checkpoint was, not
 * on the index): what each index adds to every state change.
 */
async function run(): Promise<{ us: number; perRelation: Map<string, { records: number; bytes: number }> }> {
  const ids = takeSample();
  await client.query("BEGIN");
  let us = 0;
  let from = "";
  let to = "";
  try {
    from = (await client.query<{ l: string }>("SELECT pg_current_wal_insert_lsn()::text AS l")).rows[0].l;
    const t0 = performance.now();
    for (const id of ids) await cancelChange(id);
    us = ((performance.now() - t0) * 1000) / ids.length;
    to = (await client.query<{ l: string }>("SELECT pg_current_wal_insert_lsn()::text AS l")).rows[0].l;
  } finally {
    await client.query("ROLLBACK");
  }
  // WAL is readable once flushed (the WAL writer does it within wal_writer_delay).
  for (let i = 0; i < 100; i++) {
    const flushed = await client.query<{ ok: boolean }>("SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn AS ok", [to]);
    if (flushed.rows[0].ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const rows = (await client.query<{ rel: string; records: string; bytes: string }>(`
    SELECT c.relname AS rel, count(*)::text AS records, sum(w.record_length - w.fpi_length)::text AS bytes
      FROM pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn) w
      CROSS JOIN LATERAL (SELECT (regexp_match(w.block_ref, 'rel \\d+/\\d+/(\\d+)'))[1]::oid AS filenode) b
      JOIN pg_class c ON c.relfilenode = b.filenode
     GROUP BY c.relname`, [from, to])).rows;
  const perRelation = new Map(rows.map((r) => [r.rel, { records: Number(r.records) / ids.length, bytes: Number(r.bytes) / ids.length }]));
  return { us, perRelation };
}

await client.query("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
await run(); // warm the sample's pages and the indexes, untimed
const runs = [];
for (let r = 0; r < REPEAT; r++) runs.push(await run());
const best = runs.reduce((a, b) => (b.us < a.us ? b : a));
const total = [...best.perRelation.values()].reduce((t, v) => ({ records: t.records + v.records, bytes: t.bytes + v.bytes }), { records: 0, bytes: 0 });
log(`a state change (cancel) with all ${indexes.length} indexes: ${best.us.toFixed(1)} µs, ${total.records.toFixed(1)} WAL records, ${Math.round(total.bytes)} WAL bytes (full-page images aside)`);
log(`  the heap: ${(best.perRelation.get("activities")?.records ?? 0).toFixed(1)} records, ${Math.round(best.perRelation.get("activities")?.bytes ?? 0)} bytes`);

// What the stream cases read.
const handle = await openDatabase({ databaseUrl, poolSize: 1, migrate: false });
const usedBy = new Map<string, string[]>();
try {
  const cases = await buildCases(handle.db, accountId, new Date());
  const scans = async () => {
    await sql`SELECT pg_stat_force_next_flush()`.execute(handle.db);
    await new Promise((r) => setTimeout(r, 20));
    await sql`SELECT pg_stat_clear_snapshot()`.execute(handle.db);
    const rows = (await sql<{ name: string; n: string }>`SELECT indexrelname AS name, idx_scan::text AS n FROM pg_stat_user_indexes WHERE relname = 'activities'`.execute(handle.db)).rows;
    return new Map(rows.map((r) => [r.name, Number(r.n)]));
  };
  for (const c of cases) {
    const before = await scans();
    await c.runSql();
    const after = await scans();
    for (const [name, n] of after) if (n > (before.get(name) ?? 0)) usedBy.set(name, [...(usedBy.get(name) ?? []), c.name]);
  }
} finally {
  await handle.close();
}

log("");
log("| index | size MB | WAL records per change | WAL bytes per change | read by the stream cases |");
log("|:--|--:|--:|--:|:--|");
for (const ix of indexes) {
  const w = best.perRelation.get(ix.name);
  const size = (Number(ix.bytes) / 1048576).toFixed(1);
  log(`| ${ix.name}${constraintIndexes.has(ix.name) ? " (constraint)" : ""} | ${size} | ${(w?.records ?? 0).toFixed(2)} | ${Math.round(w?.bytes ?? 0)} | ${(usedBy.get(ix.name) ?? []).join("; ") || "—"} |`);
}
await client.end();
