/**
 * `npm run bench`: seeds a million activities in one account on each engine, starts the real
 * server in this process, and times each stream query over HTTP and as the repository's SQL.
 *
 * Environment (the bench's own knobs; the server itself gets its config from loadConfig):
 *   BENCH_ACTIVITIES      how many activities (default 1,000,000)
 *   BENCH_ENGINES         pglite,postgres (default both)
 *   BENCH_POSTGRES_URL    PostgreSQL server (default postgres://postgres@127.0.0.1:5432); the data
 *                         goes into its database bookstream_bench, kept between runs
 *   BENCH_ITERATIONS      timed iterations per query (default 200; PGlite drops to 50 for a query
 *                         whose warm-up is slower than 40 ms)
 * Results: the console, bench-results/latest.json and bench-results/latest.md.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApiToken } from "../src/app/auth.js";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server.js";
import { BENCH_ADMIN_EMAIL } from "../src/store/bulk-seed.js";
import type { Engine } from "../src/store/database.js";
import { buildCases } from "./cases.js";
import { preparePglite, preparePostgres, type PreparedEngine } from "./engines.js";
import { httpClient, timePair } from "./measure.js";
import { renderReport, type CaseResult, type EngineRun } from "./report.js";

const env = process.env;
const ACTIVITIES = Number(env.BENCH_ACTIVITIES ?? 1_000_000);
const ENGINES = (env.BENCH_ENGINES ?? "pglite,postgres").split(",").map((s) => s.trim()).filter(Boolean) as Engine[];
const POSTGRES_URL = env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432";
const POSTGRES_DB = "bookstream_bench";
const ITERATIONS = Number(env.BENCH_ITERATIONS ?? 200);
const MIN_ITERATIONS = 50;
const WARMUP = 10;
const SLOW_WARMUP_MS = 40;
const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../bench-results");

const log = (line: string) => console.log(line);

async function runEngine(engine: Engine): Promise<EngineRun> {
  log(`\n== ${engine}: preparing ${ACTIVITIES.toLocaleString("en-US")} activities`);
  const prepared: PreparedEngine =
    engine === "pglite" ? await preparePglite(ACTIVITIES, log) : await preparePostgres(POSTGRES_URL, POSTGRES_DB, ACTIVITIES, log);
  if (!prepared.seed.reused) {
    log(`  ${engine}: seeded ${prepared.seed.inserted.toLocaleString("en-US")} activities in ${prepared.seed.seconds.toFixed(1)} s (${prepared.seed.rowsPerSecond.toLocaleString("en-US")} rows/s)`);
  }
  try {
    const config = loadConfig({}, {
      port: 0,
      ...prepared.location,
      demo: false,
      workers: false,
      logLevel: "silent",
    });
    const server = await startServer(config, () => {});
    const client = httpClient(server.url, await createApiToken(server.handle.db, BENCH_ADMIN_EMAIL, "bench"));
    try {
      const cases = await buildCases(server.handle.db, prepared.accountId, new Date());
      const results: CaseResult[] = [];
      let fewest = ITERATIONS;
      for (const c of cases) {
        // One checked call each way: the HTTP answer must be a 200 with the rows the SQL returns.
        const body = await client.json(c.httpPath);
        const rows = await c.runSql();
        const httpRows = Array.isArray(body.items) ? body.items.length : body.id ? 1 : 0;
        if (httpRows !== rows) throw new Error(`${c.name}: HTTP returned ${httpRows} rows, SQL ${rows}`);
        const t = performance.now();
        await c.runSql();
        const slow = engine === "pglite" && performance.now() - t > SLOW_WARMUP_MS;
        const iterations = slow ? Math.min(ITERATIONS, MIN_ITERATIONS) : ITERATIONS;
        fewest = Math.min(fewest, iterations);
        const http = async () => {
          const r = await client.get(c.httpPath);
          if (r.status !== 200) throw new Error(`${c.name}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
        };
        const { a, b } = await timePair(http, c.runSql, { warmup: WARMUP, iterations });
        results.push({ name: c.name, engine, target: c.target, params: c.params, rows, http: a, sql: b });
        log(`  ${c.name.padEnd(26)} HTTP p50 ${a.p50.toFixed(2).padStart(7)} p95 ${a.p95.toFixed(2).padStart(7)} | SQL p50 ${b.p50.toFixed(2).padStart(7)} p95 ${b.p95.toFixed(2).padStart(7)} ms  (${rows} rows, n=${iterations})`);
      }
      return { engine, activities: prepared.activities, seed: prepared.seed, iterations: fewest, results };
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    await prepared.cleanup();
  }
}

async function main() {
  const startedAt = new Date().toISOString();
  const loadAverage = os.loadavg();
  const runs: EngineRun[] = [];
  for (const engine of ENGINES) {
    if (engine !== "pglite" && engine !== "postgres") throw new Error(`BENCH_ENGINES: unknown engine ${engine}`);
    runs.push(await runEngine(engine));
  }
  const report = renderReport(runs, { startedAt, loadAverage, node: process.version, host: `${os.cpus().length} CPUs, ${Math.round(os.totalmem() / 2 ** 30)} GiB` });
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
