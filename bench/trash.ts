/**
 * Trash benchmark (issue 14), on PGlite in a temporary folder:
 *  - "Move 50 activities to Trash" (POST /api/v1/trash, 50 IDs, one transaction): p95 over
 *    BENCH_TRASH_MOVES rounds (default 100); target ≤ 100 ms.
 *  - Purge BENCH_TRASH_PURGE trashed activities (default 100,000, each with the seed's history, payment
 *    records and recent outbox events, and its move to the Trash: two or three history rows) with
 *    the scheduled purge (the one deleter): seconds, target ≤ 60 s; and the stream's first page p95
 *    while the purge runs against its p95 just before (target ≤ 2×), both at BENCH_TRASH_STREAM_RATE
 *    first pages a second (default 20, open loop). Then the VACUUM the job runs an hour later, timed on its own.
 *
 *   npx tsx bench/trash.ts            BENCH_TRASH_PURGE=0 skips the purge (its seed takes minutes)
 * `npm run bench` runs it last (BENCH_TRASH=0 skips it).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { runTrashPurge } from "../src/app/trash/run-trash-purge.js";
import { vacuumPurgedTables } from "../src/store/purge-repo.js";
import { createApiToken } from "../src/app/auth.js";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server.js";
import { insertUser } from "../src/store/accounts-repo.js";
import { bulkSeed } from "../src/store/bulk-seed.js";
import { httpClient, percentile } from "./measure.js";

const MOVE_TARGET_MS = 100;
const PURGE_TARGET_S = 60;

/** Each engine in turn: PGlite in a temporary folder; PostgreSQL in a database made afresh (bookstream_trash_bench). */
export async function runTrashBench(log: (line: string) => void, engines: string[] = ["pglite"], postgresUrl = "postgres://postgres@127.0.0.1:5432"): Promise<string> {
  let report = "";
  for (const engine of engines) report += await benchOn(engine, postgresUrl, log);
  return report;
}

async function benchOn(engine: string, postgresUrl: string, log: (line: string) => void): Promise<string> {
  const rounds = Number(process.env.BENCH_TRASH_MOVES ?? 100);
  const purgeN = Number(process.env.BENCH_TRASH_PURGE ?? 100_000);
  const streamRate = Number(process.env.BENCH_TRASH_STREAM_RATE ?? 20);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-trash-bench-"));
  const databaseUrl = engine === "postgres" ? await freshDatabase(postgresUrl, "bookstream_trash_bench") : undefined;
  const server = await startServer(loadConfig({}, { port: 0, ...(databaseUrl ? { databaseUrl } : { dataDir: dir }), demo: false, workers: false, logLevel: "silent" }), () => {});
  try {
    const db = server.handle.db;
    const total = rounds * 50 + purgeN + 20_000;
    log(`\n== trash on ${engine}: seeding ${total.toLocaleString("en-US")} activities`);
    const seeded = await bulkSeed(server.handle, { activities: total });
    const email = `trash-bench-${randomUUID().slice(0, 8)}@example.test`;
    await insertUser(db, { id: randomUUID(), account_id: seeded.accountId, email, name: "Trash bench", role: "admin", password_hash: null, time_zone: "UTC" });
    const token = await createApiToken(db, email, "bench");
    const client = httpClient(server.url, token);
    const ids = (await sql<{ id: string }>`SELECT id FROM activities WHERE account_id = ${seeded.accountId} ORDER BY id`.execute(db)).rows.map((r) => r.id);

    const moves: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const batch = ids.slice(i * 50, i * 50 + 50);
      const t = performance.now();
      const r = await fetch(`${server.url}/api/v1/trash`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ ids: batch }) });
      if (r.status !== 200) throw new Error(`move: ${r.status} ${await r.text()}`);
      moves.push(performance.now() - t);
    }
    const moveP95 = percentile(moves, 95);
    log(`  move 50 to Trash: p50 ${percentile(moves, 50).toFixed(1)} ms, p95 ${moveP95.toFixed(1)} ms (target ≤ ${MOVE_TARGET_MS} ms)`);
    let report = `\n## Trash (${engine})\n\n| Measure | Result | Target |\n| --- | --- | --- |\n| Move 50 activities to Trash, p95 (${rounds} rounds) | ${moveP95.toFixed(1)} ms | ≤ ${MOVE_TARGET_MS} ms |\n`;

    if (purgeN > 0) {
      const doomed = ids.slice(rounds * 50, rounds * 50 + purgeN);
      const longAgo = new Date(Date.now() - 31 * 86_400_000);
      for (let i = 0; i < doomed.length; i += 10_000) {
        const part = doomed.slice(i, i + 10_000);
        await db.updateTable("activities").set({ trashed_at: longAgo }).where("id", "in", part).execute();
        // The seed wrote each one's history (how it was made, and its change); then its move to the Trash.
        await sql`INSERT INTO activity_history (account_id, activity_id, at, actor_type, action, from_status, from_detailed_status, to_status, to_detailed_status)
          SELECT account_id, id, ${longAgo}, 'user', 'move-to-trash', status, detailed_status, status, detailed_status
          FROM activities WHERE id IN (${sql.join(part)})`.execute(db);
      }
      // The stream as people use it while the purge runs: first pages at a steady rate (open loop,
      // each timed from when it was due, so a wait behind the purge counts), the same before it.
      // A closed loop would keep the embedded database (one connection) busy with reads alone and
      // measure how it takes turns, not what a user waits.
      const firstPage = () => client.fetchOnly("/api/v1/activities?limit=50");
      const before = await pacedLoad(firstPage, streamRate, () => false, 10 * streamRate);
      let done = false;
      const t0 = performance.now();
      const purge = runTrashPurge(server.ctx, { vacuum: false }).finally(() => (done = true));
      const during = await pacedLoad(firstPage, streamRate, () => !done, 0);
      const result = await purge;
      const seconds = (performance.now() - t0) / 1000;
      // The VACUUM the job runs an hour later (run-trash-purge.ts), timed on its own.
      const v0 = performance.now();
      await vacuumPurgedTables(db, new Date());
      const vacuumSeconds = (performance.now() - v0) / 1000;
      const p95Before = percentile(before, 95);
      const p95During = percentile(during, 95);
      log(`  purge ${result.purged.toLocaleString("en-US")} trashed activities with their history: ${seconds.toFixed(1)} s (target ≤ ${PURGE_TARGET_S} s); the VACUUM after it: ${vacuumSeconds.toFixed(1)} s`);
      log(`  stream first page p95 at ${streamRate}/s: ${p95Before.toFixed(1)} ms before, ${p95During.toFixed(1)} ms during the purge (${during.length} requests; target ≤ 2×)`);
      report += `| Purge ${result.purged.toLocaleString("en-US")} trashed activities with their history | ${seconds.toFixed(1)} s | ≤ ${PURGE_TARGET_S} s |\n`;
      report += `| The VACUUM of the purged tables (the job runs it an hour after a purge) | ${vacuumSeconds.toFixed(1)} s | — |\n`;
      report += `| Stream first page p95 during the purge, ${streamRate} pages/s (before: ${p95Before.toFixed(1)} ms) | ${p95During.toFixed(1)} ms | ≤ ${(2 * p95Before).toFixed(1)} ms |\n`;
    } else {
      report += `| Purge (skipped: BENCH_TRASH_PURGE=0) | — | ≤ ${PURGE_TARGET_S} s |\n`;
    }
    client.close();
    return report;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Calls `request` every 1/perSecond s until `keepGoing` is false and at least `atLeast` were made;
 * each latency runs from when the call was due (one in flight at a time: a late one makes the next
 * late too, and both count it).
 */
async function pacedLoad(request: () => Promise<unknown>, perSecond: number, keepGoing: () => boolean, atLeast: number): Promise<number[]> {
  const interval = 1000 / perSecond;
  const start = performance.now();
  const latencies: number[] = [];
  for (let i = 0; keepGoing() || i < atLeast; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await request();
    latencies.push(performance.now() - due);
  }
  return latencies;
}

async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const at = (db: string) => {
    const u = new URL(serverUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const admin = new pg.Client({ connectionString: at("postgres") });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return at(name);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  runTrashBench(console.log, (process.env.BENCH_ENGINES ?? "pglite").split(","), process.env.BENCH_POSTGRES_URL).then((r) => console.log(r), (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
