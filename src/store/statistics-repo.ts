import { sql } from "kysely";
import { waitUntilQuiet, type Db } from "./database.js";

/**
 * The planner's statistics on the embedded database, which runs no autovacuum: PGlite is one
 * backend without the launcher, so no table is ever analyzed on its own (pg_stat_user_tables
 * shows last_autoanalyze null however much changes). Left alone, every table keeps the statistics
 * it had when it was small, and plans chosen for a few rows run on many: the purge's work list read
 * and sorted the whole Trash for every round that way.
 *
 * The same rule as PostgreSQL's autovacuum (autovacuum_analyze_threshold 50 +
 * autovacuum_analyze_scale_factor 0.1 × the table's rows), applied by housekeeping every ten
 * minutes. Each ANALYZE waits for a quiet moment on the one connection, as the purge's batches do.
 */
const THRESHOLD = 50;
const SCALE_FACTOR = 0.1;
/** The connection has been free this long before an ANALYZE starts (store/database.ts waitUntilQuiet). */
const QUIET_MS = 2;

/** The tables changed enough since their last ANALYZE, most changed first. */
export async function tablesDueForAnalyze(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`
    SELECT s.relname AS name
    FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
    WHERE s.schemaname = current_schema()
      AND s.n_mod_since_analyze > ${THRESHOLD} + ${SCALE_FACTOR} * greatest(c.reltuples, s.n_live_tup, 0)
    ORDER BY s.n_mod_since_analyze DESC`.execute(db);
  return r.rows.map((row) => row.name);
}

/** Analyzes the tables due (see above); returns their names. */
export async function analyzeChangedTables(db: Db): Promise<string[]> {
  const due = await tablesDueForAnalyze(db);
  for (const table of due) {
    await waitUntilQuiet(db, QUIET_MS);
    await sql`ANALYZE ${sql.table(table)}`.execute(db);
  }
  return due;
}
