/**
 * Reports benchmark (issue 15), on each engine's seeded account (`npm run bench` hands over its
 * servers: 1,000,000 activities by default), over HTTP with the admin's token:
 *  - summary over every booking by month × status (timeBasis=created, so every booking counts), p95 ≤ 200 ms on PostgreSQL;
 *  - revenue by month over every transaction, p95 ≤ 200 ms;
 *  - the detail report's first page (default columns and order), p95 ≤ 50 ms;
 *  - the CSV export of every activity (detail report, all rows), ≤ 30 s, with the server's memory
 *    growing by less than 100 MB. The server runs in this process, so the growth measured is this
 *    process's resident memory (sampled every 50 ms) over its level before the export; the client
 *    counts the bytes it receives and keeps none.
 * `npm run bench` runs it after the stream (BENCH_REPORTS=0 skips it; BENCH_REPORTS_EXPORT=0 skips the export).
 * On its own, over the PostgreSQL database an earlier `npm run bench` seeded (bookstream_bench):
 *   npx tsx bench/reports.ts
 */
import http from "node:http";
import v8 from "node:v8";
import vm from "node:vm";
import { fileURLToPath } from "node:url";
import { createApiToken } from "../src/app/auth.js";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server.js";
import { BENCH_ADMIN_EMAIL } from "../src/store/bulk-seed.js";
import { percentile } from "./measure.js";

export interface ReportsBenchTarget {
  engine: string;
  url: string;
  token: string;
  activities: number;
}

const TARGETS = { summary: 200, revenue: 200, detail: 50, exportSeconds: 30, exportMemoryMb: 100 };

export async function runReportsBench(targets: ReportsBenchTarget[], log: (line: string) => void): Promise<string> {
  const iterations = Number(process.env.BENCH_REPORTS_ITERATIONS ?? 40);
  let md = "\n## Reports (issue 15)\n\n| engine | activities | summary month × status p95 (≤ 200) | revenue by month p95 (≤ 200) | detail first page p95 (≤ 50) | CSV export of every row (≤ 30 s) | memory growth (< 100 MB) |\n|:--|--:|--:|--:|--:|--:|--:|\n";
  for (const t of targets) {
    log(`\n== reports on ${t.engine} (${t.activities.toLocaleString("en-US")} activities): ${iterations} rounds each`);
    const summary = await timed(t, "/api/v1/reports/summary?rows=time&columns=status&interval=month&timeBasis=created", iterations);
    log(`  summary month × status   p50 ${summary.p50.toFixed(1)} p95 ${summary.p95.toFixed(1)} ms`);
    const revenue = await timed(t, "/api/v1/reports/revenue?by=time&interval=month", iterations);
    log(`  revenue by month         p50 ${revenue.p50.toFixed(1)} p95 ${revenue.p95.toFixed(1)} ms`);
    const detail = await timed(t, "/api/v1/reports/detail", iterations * 5);
    log(`  detail first page        p50 ${detail.p50.toFixed(1)} p95 ${detail.p95.toFixed(1)} ms`);
    let exportCell = "skipped", memoryCell = "skipped";
    if (process.env.BENCH_REPORTS_EXPORT !== "0") {
      const e = await exportAll(t);
      log(`  CSV export               ${e.rows.toLocaleString("en-US")} rows, ${(e.bytes / 2 ** 20).toFixed(0)} MiB in ${e.seconds.toFixed(1)} s; resident memory +${e.growthMb.toFixed(0)} MB (JS heap and buffers +${e.heapGrowthMb.toFixed(0)} MB, garbage included; after a full collection +${e.retainedMb.toFixed(0)} MB)`);
      exportCell = `${e.seconds.toFixed(1)} s (${e.rows.toLocaleString("en-US")} rows) ${mark(e.seconds <= TARGETS.exportSeconds)}`;
      memoryCell = `+${e.growthMb.toFixed(0)} MB resident (heap +${e.heapGrowthMb.toFixed(0)}) ${mark(e.growthMb < TARGETS.exportMemoryMb)}`;
    }
    md += `| ${t.engine} | ${t.activities.toLocaleString("en-US")} | ${summary.p95.toFixed(1)} ms ${mark(summary.p95 <= TARGETS.summary)} | ${revenue.p95.toFixed(1)} ms ${mark(revenue.p95 <= TARGETS.revenue)} | ${detail.p95.toFixed(1)} ms ${mark(detail.p95 <= TARGETS.detail)} | ${exportCell} | ${memoryCell} |\n`;
  }
  return md;
}

const mark = (ok: boolean) => (ok ? "✓" : "✗");

async function timed(t: ReportsBenchTarget, path: string, iterations: number) {
  const warm = Math.max(3, Math.round(iterations / 10));
  const samples: number[] = [];
  for (let i = 0; i < warm + iterations; i++) {
    const start = performance.now();
    const r = await fetch(t.url + path, { headers: { authorization: `Bearer ${t.token}` } });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${t.engine} ${path}: ${r.status} ${body.slice(0, 300)}`);
    if (i >= warm) samples.push(performance.now() - start);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** A full collection (the flag is set at run time, so the bench needs no node option). */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (vm.runInNewContext("gc") as () => void)();
}

/** Streams the whole detail export, counting lines and bytes, while sampling this process's memory. */
function exportAll(t: ReportsBenchTarget): Promise<{ rows: number; bytes: number; seconds: number; growthMb: number; heapGrowthMb: number; retainedMb: number }> {
  collectGarbage();
  const start = process.memoryUsage();
  const before = start.rss, heapBefore = start.heapUsed + start.external;
  let peak = before, heapPeak = heapBefore;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed + m.external);
  }, 50);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const url = new URL(`${t.url}/api/v1/reports/detail/export?format=csv&columns=id,type,status,detailedStatus,customerName,bookingPage,owner,start,createdAt,amount,currency`);
    http.get(url, { headers: { authorization: `Bearer ${t.token}` } }, (res) => {
      if (res.statusCode !== 200) { clearInterval(sampler); reject(new Error(`export: ${res.statusCode}`)); return; }
      let bytes = 0, lines = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on("end", () => {
        clearInterval(sampler);
        const seconds = (performance.now() - started) / 1000;
        collectGarbage();
        const after = process.memoryUsage();
        resolve({ rows: lines - 1, bytes, seconds, growthMb: (peak - before) / 1e6, heapGrowthMb: (heapPeak - heapBefore) / 1e6, retainedMb: (after.heapUsed + after.external - heapBefore) / 1e6 });
      });
      res.on("error", (e) => { clearInterval(sampler); reject(e); });
    }).on("error", (e) => { clearInterval(sampler); reject(e); });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const databaseUrl = `${process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432"}/${process.env.BENCH_POSTGRES_DB ?? "bookstream_bench"}`;
  const server = await startServer(loadConfig({}, { port: 0, databaseUrl, demo: false, workers: false, logLevel: "silent" }), () => {});
  try {
    const token = await createApiToken(server.handle.db, BENCH_ADMIN_EMAIL, "bench");
    const n = Number((await server.handle.executeSql("SELECT count(*) AS n FROM activities", [])).rows[0].n);
    console.log(await runReportsBench([{ engine: "postgres", url: server.url, token, activities: n }], console.log));
  } finally {
    await server.stop();
  }
}
