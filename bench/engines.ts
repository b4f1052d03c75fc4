import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { sql } from "kysely";
import { BENCH_ADMIN_EMAIL, bulkSeed, describeSeedPhases, type BulkSeedResult } from "../src/store/bulk-seed.js";
import { findUserByEmail } from "../src/store/accounts-repo.js";
import { openDatabase, type DatabaseHandle, type Engine } from "../src/store/database.js";

/** Where each engine's benchmark data lives, and how it got there. */
export interface PreparedEngine {
  engine: Engine;
  /** For startServer: dataDir (PGlite) or databaseUrl (PostgreSQL). */
  location: { dataDir: string } | { databaseUrl: string };
  accountId: string;
  activities: number;
  seed: { reused: boolean; inserted: number; seconds: number; rowsPerSecond: number; phases?: string };
  /** Removes what the run created (PGlite's temporary folder). */
  cleanup(): Promise<void>;
}

type Log = (line: string) => void;

const progress = (log: Log, label: string) => {
  let lastShown = 0;
  return (inserted: number, total: number) => {
    if ((inserted === total && lastShown !== total) || inserted - lastShown >= 200_000) {
      lastShown = inserted;
      log(`  ${label}: ${inserted.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} activities`);
    }
  };
};

/** A fresh embedded database in a temporary folder, seeded with `activities` rows. */
export async function preparePglite(activities: number, log: Log): Promise<PreparedEngine> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-bench-"));
  const cleanup = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  try {
    const handle = await openDatabase({ dataDir });
    try {
      const r = await bulkSeed(handle, { activities, onProgress: progress(log, "pglite") });
      return { engine: "pglite", location: { dataDir }, accountId: r.accountId, activities: r.inserted, seed: { reused: false, ...pick(r) }, cleanup };
    } finally {
      await handle.close();
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * The dedicated database `dbName` on the PostgreSQL server at `serverUrl`, created when missing.
 * Data already there is reused when its bench account holds at least `activities` rows (so a
 * rerun skips the load); otherwise the missing rows are added.
 */
export async function preparePostgres(serverUrl: string, dbName: string, activities: number, log: Log): Promise<PreparedEngine> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName]);
    if (exists.rowCount === 0) {
      log(`  postgres: creating database ${dbName}`);
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)}`);
    }
  } finally {
    await admin.end();
  }
  const databaseUrl = withDatabase(serverUrl, dbName);
  const handle = await openDatabase({ databaseUrl });
  try {
    const benchAdmin = await findUserByEmail(handle.db, BENCH_ADMIN_EMAIL);
    const have = benchAdmin ? await countActivities(handle, benchAdmin.account_id) : 0;
    if (!benchAdmin && (await sql<{ n: number }>`SELECT count(*)::int AS n FROM accounts`.execute(handle.db)).rows[0].n > 0) {
      throw new Error(`${dbName} holds accounts but no ${BENCH_ADMIN_EMAIL}: it is not a benchmark database (drop it to start over)`);
    }
    if (benchAdmin && have >= activities) {
      log(`  postgres: reusing ${have.toLocaleString("en-US")} activities in ${dbName}`);
      // Fresh statistics either way (cheap), so plans do not depend on when autovacuum last ran.
      await sql`ANALYZE activities`.execute(handle.db);
      return {
        engine: "postgres", location: { databaseUrl }, accountId: benchAdmin.account_id, activities: have,
        seed: { reused: true, inserted: 0, seconds: 0, rowsPerSecond: 0 }, cleanup: async () => {},
      };
    }
    const r = await bulkSeed(handle, { activities: activities - have, accountId: benchAdmin?.account_id, onProgress: progress(log, "postgres") });
    return {
      engine: "postgres", location: { databaseUrl }, accountId: r.accountId, activities: have + r.inserted,
      seed: { reused: false, ...pick(r) }, cleanup: async () => {},
    };
  } finally {
    await handle.close();
  }
}

const pick = (r: BulkSeedResult) => ({ inserted: r.inserted, seconds: r.seconds, rowsPerSecond: r.rowsPerSecond, phases: describeSeedPhases(r.phases) });

async function countActivities(handle: DatabaseHandle, accountId: string): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM activities WHERE account_id = ${accountId}`.execute(handle.db)).rows[0].n;
}

function withDatabase(serverUrl: string, dbName: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}
