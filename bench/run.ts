/**
 * `npm run bench`: seeds a million activities in one account on each engine, starts the real
 * server for each in this process, and times each stream query over HTTP and as the repository's
 * SQL. A query's HTTP and SQL series are timed round-robin, so background load on the machine
 * weighs on both alike. The engines are timed one after the other: a PGlite query runs on this
 * process's own thread, and interleaved with PostgreSQL's it put its work and garbage collection
 * into PostgreSQL's figures (in production each server has its process to itself).
 *
 * Environment (the bench's own knobs; each server gets its config from loadConfig):
 *   BENCH_ACTIVITIES      how many activities (default 1,000,000)
 *   BENCH_ENGINES         pglite,postgres (default both)
 *   BENCH_POSTGRES_URL    PostgreSQL server (default postgres://postgres@127.0.0.1:5432); the data
 *                         goes into its database bookstream_bench, kept and reused between runs
 *   BENCH_POSTGRES_DB     another database for it (a 15,000,000 run kept beside the 1,000,000 one)
 *   BENCH_ITERATIONS      timed iterations per query and series (default 500)
 *   BENCH_EXTRAS=0        skip the scheduling, browser and settings benchmarks (bench/extras.ts, bench/settings.ts)
 *   BENCH_PAYMENTS=0      skip the payments benchmark (bench/payments.ts: BENCH_PAYMENTS_BOOKINGS, BENCH_PAYMENTS_EVENTS)
 *   BENCH_REPORTS=0       skip the reports benchmark on the seeded servers (bench/reports.ts: BENCH_REPORTS_ITERATIONS, BENCH_REPORTS_EXPORT=0)
 *   BENCH_TRASH=0         skip the Trash benchmark (bench/trash.ts: BENCH_TRASH_MOVES; BENCH_TRASH_PURGE=0 skips the 100,000-row purge)
 * Results: the console, bench-results/latest.json and bench-results/latest.md.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiToken } from "../src/app/auth.js";
import { loadConfig } from "../src/config.js";
import { startServer, type RunningServer } from "../src/server.js";
import { renderIntegrationsReport, runIntegrationsBench } from "./integrations.js";
import { BENCH_ADMIN_EMAIL } from "../src/store/bulk-seed.js";
import type { Engine } from "../src/store/database.js";
import { buildCases, type BenchCase } from "./cases.js";
import { preparePglite, preparePostgres, type PreparedEngine } from "./engines.js";
import { httpClient, timeRoundRobin } from "./measure.js";
import { renderReport, type EngineRun } from "./report.js";
import { ensureWebBuild, runExtraBenches } from "./extras.js";
import { runSettingsBench } from "./settings.js";
import { runPaymentsBench } from "./payments.js";
import { runSalesforceBench } from "./salesforce.js";
import { renderWebhookReport, runWebhookBench } from "./webhooks.js";
import { runTrashBench } from "./trash.js";
import { runReportsBench } from "./reports.js";

const env = process.env;
const ACTIVITIES = Number(env.BENCH_ACTIVITIES ?? 1_000_000);
const ENGINES = (env.BENCH_ENGINES ?? "pglite,postgres").split(",").map((s) => s.trim()).filter(Boolean);
const POSTGRES_URL = env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";
const POSTGRES_DB = env.BENCH_POSTGRES_DB ?? "bookstream_bench";
/**
 * 500: a p95 over 200 samples is the 10th-slowest, and on a shared two-core machine a few
 * scheduling hiccups decide it (the same query's p95 moved by a third between runs); over 500 it
 * is the 25th-slowest and moves much less.
 */
const ITERATIONS = Number(env.BENCH_ITERATIONS ?? 500);
/** Untimed rounds per query first: the server's code paths for it are compiled (JIT) by then. */
const WARMUP = 50;
/**
 * Untimed rounds of every query, before any is timed. Until V8 has optimised the hot paths (a
 * thousand or so requests), its unoptimised code keeps each answer's garbage alive through young
 * collections: scavenges then cost 3–6 ms instead of ~0.7 (--trace-gc-nvp; under --no-opt it never ends).
 * A server in production is past that phase within seconds; the bench measures that state.
 */
const SERVER_WARMUP_ROUNDS = 100;
const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bench-results");

const log = (line: string) => console.log(line);

/** One engine, seeded and served. */
interface Live {
  prepared: PreparedEngine;
  server: RunningServer;
  client: ReturnType<typeof httpClient>;
  cases: BenchCase[];
}

async function prepare(engine: Engine): Promise<PreparedEngine> {
  log(`\n== ${engine}: preparing ${ACTIVITIES.toLocaleString("en-US")} activities`);
  const prepared = engine === "pglite" ? await preparePglite(ACTIVITIES, log) : await preparePostgres(POSTGRES_URL, POSTGRES_DB, ACTIVITIES, log);
  const s = prepared.seed;
  if (!s.reused) log(`  ${engine}: seeded ${s.inserted.toLocaleString("en-US")} activities in ${s.seconds.toFixed(1)} s (${s.rowsPerSecond.toLocaleString("en-US")} rows/s; ${s.phases})`);
  return prepared;
}

async function serve(prepared: PreparedEngine): Promise<Live> {
  const config = loadConfig({}, { port: 0, ...prepared.location, demo: false, workers: false, logLevel: "silent" });
  const server = await startServer(config, () => {});
  const client = httpClient(server.url, await createApiToken(server.handle.db, BENCH_ADMIN_EMAIL, "bench"));
  const cases = await buildCases(server.handle.db, prepared.accountId, new Date());
  return { prepared, server, client, cases };
}

/** Checks one call each way: the HTTP answer is a 200 with the rows the repository returns. */
async function check(live: Live, c: BenchCase): Promise<number> {
  const body = await live.client.json(c.httpPath);
  const rows = await c.runSql();
  const httpRows = Array.isArray(body.items) ? body.items.length : body.id ? 1 : 0;
  if (httpRows !== rows) throw new Error(`${live.prepared.engine} ${c.name}: HTTP returned ${httpRows} rows, SQL ${rows}`);
  return rows;
}

async function measure(lives: Live[]): Promise<EngineRun[]> {
  const runs: EngineRun[] = [];
  for (const l of lives) {
    const engine = l.prepared.engine;
    const run: EngineRun = { engine, activities: l.prepared.activities, seed: l.prepared.seed, iterations: ITERATIONS, results: [] };
    runs.push(run);
    log(`\n== ${engine}: warming up (${SERVER_WARMUP_ROUNDS} untimed rounds of every query), then timing ${l.cases.length} queries × HTTP, SQL: ${ITERATIONS} rounds each`);
    for (let r = 0; r < SERVER_WARMUP_ROUNDS; r++) {
      for (const c of l.cases) {
        await l.client.fetchOnly(c.httpPath);
        await c.runSql();
      }
    }
    for (const c of l.cases) {
      const http = async () => {
        const status = await l.client.fetchOnly(c.httpPath);
        if (status !== 200) throw new Error(`${engine} ${c.name}: HTTP ${status}`);
      };
      const rows = await check(l, c);
      const [httpSummary, sqlSummary] = await timeRoundRobin([http, c.runSql], { warmup: WARMUP, iterations: ITERATIONS });
      run.results.push({ name: c.name, engine, target: c.target, params: c.params, rows, http: httpSummary, sql: sqlSummary });
      log(`  ${c.name.padEnd(26)} ${engine.padEnd(8)} HTTP p50 ${httpSummary.p50.toFixed(2).padStart(7)} p95 ${httpSummary.p95.toFixed(2).padStart(7)} | SQL p50 ${sqlSummary.p50.toFixed(2).padStart(7)} p95 ${sqlSummary.p95.toFixed(2).padStart(7)} ms  (${rows} rows)`);
    }
  }
  return runs;
}

async function main() {
  for (const e of ENGINES) if (e !== "pglite" && e !== "postgres") throw new Error(`BENCH_ENGINES: unknown engine ${e}`);
  const startedAt = new Date().toISOString();
  const prepared: PreparedEngine[] = [];
  const lives: Live[] = [];
  let report: string;
  let runs: EngineRun[];
  const loadAverage: number[] = [];
  try {
    if (env.BENCH_EXTRAS !== "0") ensureWebBuild();
    for (const engine of ENGINES as Engine[]) prepared.push(await prepare(engine));
    for (const p of prepared) lives.push(await serve(p));
    loadAverage.push(...os.loadavg());
    runs = await measure(lives);
    report = renderReport(runs, { startedAt, loadAverage, node: process.version, host: `${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB` });
    // The reports over the same seeded accounts (bench/reports.ts).
    if (env.BENCH_REPORTS !== "0") {
      report += await runReportsBench(lives.map((l) => ({ engine: l.prepared.engine, url: l.server.url, token: l.client.token, activities: l.prepared.activities })), log);
    }
    // The extras need only the PostgreSQL server (for the browser). The embedded million-row
    // database is closed first: its memory and collections would weigh on the processes timed next.
    for (const l of lives.filter((l) => l.prepared.engine !== "postgres")) {
      lives.splice(lives.indexOf(l), 1);
      l.client.close();
      await l.server.stop();
    }
    if (env.BENCH_EXTRAS !== "0") {
      const pgLive = lives.find((l) => l.prepared.engine === "postgres");
      report += await runExtraBenches(
        {
          engines: prepared.map((p) => ({ engine: p.engine, databaseUrl: p.engine === "postgres" ? `${POSTGRES_URL}/${POSTGRES_DB}` : undefined })),
          streamServer: pgLive ? { url: pgLive.server.url, token: pgLive.client.token } : undefined,
        },
        log,
      );
      // The settings screens on an account of their own (200 users, 500 booking pages).
      report += await runSettingsBench(ENGINES, POSTGRES_URL, log);
      // The Salesforce connector: sync lag at 50 changes/s and API calls per change.
      report += await runSalesforceBench(log, ENGINES, POSTGRES_URL);
      // Webhooks: two processes on PostgreSQL delivering to a local receiver (bench/webhooks.ts).
      if (ENGINES.includes("postgres")) report += renderWebhookReport(await runWebhookBench(POSTGRES_URL, log));
      // Busy times in a slots answer, and API answers with SMTP, CalDAV and the webhook receiver hanging (bench/integrations.ts).
      const integrations = [];
      for (const e of ENGINES as Engine[]) integrations.push(await runIntegrationsBench(e, POSTGRES_URL, log));
      report += renderIntegrationsReport(integrations);
    }
    // Paid bookings and PayPal's webhooks against the local PayPal (bench/payments.ts).
    if (env.BENCH_PAYMENTS !== "0") report += await runPaymentsBench(ENGINES, POSTGRES_URL, log);
    // Moving 50 to the Trash, and purging 100,000 trashed activities while the stream is read (bench/trash.ts).
    if (env.BENCH_TRASH !== "0") report += await runTrashBench(log, ENGINES, POSTGRES_URL);
  } finally {
    for (const l of lives) {
      l.client.close();
      await l.server.stop();
    }
    for (const p of prepared) await p.cleanup();
  }
  log(`\n${report}`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, "latest.md"), report);
  fs.writeFileSync(path.join(RESULTS_DIR, "latest.json"), JSON.stringify({ startedAt, loadAverage, activities: ACTIVITIES, runs }, null, 2));
  log(`Wrote ${path.relative(process.cwd(), path.join(RESULTS_DIR, "latest.md"))} and latest.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
