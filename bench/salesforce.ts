/**
 * Salesforce benchmark (issue 13): the real server (PGlite in a temporary folder, background workers
 * on) connected to the local Salesforce, lifecycle changes fired through the public and user API at
 * 50 per second from a process of their own (bench/salesforce-load-client.ts), and for each change the lag from its commit (the outbox event's time) to Salesforce
 * acknowledging the Event write (the delivery's time). Also Salesforce API calls per change. Targets:
 * lag p95 ≤ 1 s; ≤ 1 API call per change on average.
 *
 *   npx tsx bench/salesforce.ts                    # BENCH_SF_CHANGES=400 by default
 * `npm run bench` runs it after the other benchmarks (bench/run.ts).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { approveAuthorization } from "../peers/salesforce/consent-client.js";
import { startSalesforcePeer } from "../peers/salesforce/server.js";
import { createApiToken } from "../src/app/auth.js";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server.js";
import { insertAccount, insertUser } from "../src/store/accounts-repo.js";
import { insertBookingPage } from "../src/store/pages-repo.js";
import { httpClient, percentile } from "./measure.js";
import { withBenchDatabase } from "./settings.js";
import { generateSecretKey } from "../src/app/secrets.js";
import type { SalesforceLoadPlan } from "./salesforce-load-client.js";

const RATE_PER_S = 50;
/** Changes sent first and not measured (see the warm-up below). */
const WARM_UP_CHANGES = 100;
const TARGET_P95_MS = 1_000;
const ALL_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));

/** Both engines, PostgreSQL in a database of its own (BENCH_POSTGRES_URL's server). */
export async function runSalesforceBench(log: (line: string) => void, engines = ["pglite", "postgres"], postgresUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432"): Promise<string> {
  let report = "\n## Salesforce sync (issue 13)\n";
  for (const engine of engines) {
    report += engine === "postgres"
      ? await withBenchDatabase(postgresUrl, (databaseUrl) => benchSalesforce(log, "PostgreSQL", databaseUrl), "bookstream_bench_salesforce")
      : await benchSalesforce(log, "PGlite");
  }
  return report;
}

async function benchSalesforce(log: (line: string) => void, engineName: string, databaseUrl?: string, changes = Number(process.env.BENCH_SF_CHANGES ?? 400)): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-sf-bench-"));
  const sf = await startSalesforcePeer({ seed: 5 });
  const server = await startServer(loadConfig({}, { port: 0, dataDir: dir, databaseUrl, demo: false, workers: true, logLevel: "silent", ...(databaseUrl ? { secretKey: generateSecretKey() } : {}) }), () => {});
  try {
    const db = server.handle.db;
    const accountId = randomUUID();
    await insertAccount(db, { id: accountId, name: "Salesforce bench" });
    const email = `sf-bench-${accountId.slice(0, 8)}@example.test`;
    const adminId = randomUUID();
    await insertUser(db, { id: adminId, account_id: accountId, email, name: "Bench admin", role: "admin", password_hash: null, time_zone: "UTC" });
    const slug = `sf-bench-${accountId.slice(0, 8)}`;
    await insertBookingPage(db, { id: randomUUID(), account_id: accountId, slug, name: "Bench page", owner_id: adminId, time_zone: "UTC", duration_minutes: 30, mode: "automatic", location: null, open_hours: ALL_DAY });
    const token = await createApiToken(db, email, "bench");
    const admin = httpClient(server.url, token);
    const put = await fetch(`${server.url}/api/v1/account/salesforce`, {
      method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ loginUrl: sf.loginUrl, clientId: sf.connectedApp.clientId, clientSecret: sf.connectedApp.clientSecret }),
    });
    if (put.status !== 200) throw new Error(`configure: ${put.status} ${await put.text()}`);
    const start = await fetch(`${server.url}/api/v1/salesforce/connect`, { headers: { authorization: `Bearer ${token}` }, redirect: "manual" });
    const back = await approveAuthorization(start.headers.get("location")!);
    await fetch(`${server.url}/api/v1/salesforce/callback${back.search}`, { headers: { authorization: `Bearer ${token}` }, redirect: "manual" });
    sf.control.resetStats();

    const otherHostId = randomUUID();
    await insertUser(db, { id: otherHostId, account_id: accountId, email: `sf-bench-host-${accountId.slice(0, 8)}@example.test`, name: "Bench host", role: "member", password_hash: null, time_zone: "UTC" });
    const base = new Date(Date.now() + 3 * 86_400_000);
    base.setUTCMinutes(0, 0, 0);
    const runLoad = (n: number, firstSlot: Date) => {
      // The load from its own process (bench/salesforce-load-client.ts): in this one it took the CPU
      // the server and its workers need (on PGlite the database too).
      const plan: SalesforceLoadPlan = { url: server.url, token, slug, adminId, otherHostId, changes: n, perSecond: RATE_PER_S, firstSlot: firstSlot.toISOString() };
      const script = new URL("./salesforce-load-client.ts", import.meta.url).pathname;
      return new Promise<{ sent: number; statuses: Record<string, number> }>((resolve, reject) => {
        execFile(process.execPath, ["--import", "tsx", script, JSON.stringify(plan)], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`salesforce load client failed: ${stderr || err.message}`));
          else resolve(JSON.parse(stdout));
        });
      });
    };
    const drained = async () => {
      for (let waited = 0; waited < 60_000; waited += 100) {
        const left = await db.selectFrom("outbox_deliveries").select(({ fn }) => fn.countAll<string>().as("n")).where("consumer", "=", "salesforce").where("status", "=", "pending").executeTakeFirstOrThrow();
        if (Number(left.n) === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    // Warm-up, not measured: a server that has just started compiles its code and plans its
    // statements on the first requests; the target is about one that has been running.
    await runLoad(WARM_UP_CHANGES, base);
    await drained();
    sf.control.resetStats();
    const warmedUpTo = (await db.selectFrom("outbox_events").select(({ fn }) => fn.max("id").as("id")).executeTakeFirstOrThrow()).id ?? "0";
    const load = await runLoad(changes, new Date(base.getTime() + (WARM_UP_CHANGES + 1) * 3_600_000));
    if (process.env.BENCH_SF_DEBUG) log(`  load: ${JSON.stringify(load)}`);
    await drained();
    const rows = await db.selectFrom("outbox_deliveries as d").innerJoin("outbox_events as e", "e.id", "d.event_id")
      .select(["e.created_at", "d.delivered_at", "e.type"]).where("d.consumer", "=", "salesforce").where("d.account_id", "=", accountId).where("d.status", "=", "delivered")
      .where("d.event_id", ">", warmedUpTo).where("e.type", "in", ["activity.created", "activity.updated"]).execute();
    const retried = await db.selectFrom("outbox_deliveries").select(["attempts", "last_error"]).where("consumer", "=", "salesforce").where("account_id", "=", accountId).where("attempts", ">", 1).where("event_id", ">", warmedUpTo).execute();
    if (retried.length) log(`  ${retried.length} deliveries needed retries, e.g. ${retried.slice(0, 3).map((r) => r.last_error ?? "(succeeded on retry)").join(" | ")}`);
    const lags = rows.map((r) => new Date(r.delivered_at!).getTime() - new Date(r.created_at).getTime());
    if (process.env.BENCH_SF_DEBUG) {
      const sorted = [...rows].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime());
      const t0 = new Date(sorted[0]!.created_at).getTime();
      for (const r of sorted.filter((_, i) => i % Number(process.env.BENCH_SF_DEBUG) === 0)) log(`  created +${new Date(r.created_at).getTime() - t0} ms, delivered +${new Date(r.delivered_at!).getTime() - t0} ms`);
    }
    const stats = sf.control.stats();
    const p50 = percentile(lags, 50);
    const p95 = percentile(lags, 95);
    const perChange = stats.dataApi / Math.max(1, rows.length);
    void admin;
    const lines = [
      "",
      `${rows.length} lifecycle changes at ${RATE_PER_S}/s (answers ${JSON.stringify(load.statuses)}; after ${WARM_UP_CHANGES} not measured) on ${engineName}, local Salesforce, load average ${os.loadavg()[0].toFixed(1)}: sync lag p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (target ≤ ${TARGET_P95_MS} ms) ${p95 <= TARGET_P95_MS ? "PASS" : "FAIL"}`,
      `Salesforce data API calls: ${stats.dataApi} → ${perChange.toFixed(2)} per change (target ≤ 1) ${perChange <= 1 ? "PASS" : "FAIL"}; by endpoint ${JSON.stringify(stats.byEndpoint)}`,
    ];
    for (const l of lines) log(l);
    return lines.join("\n") + "\n";
  } finally {
    await server.stop();
    await sf.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runSalesforceBench(console.log, (process.env.BENCH_ENGINES ?? "pglite,postgres").split(",").map((e) => e.trim()).filter(Boolean));
}
