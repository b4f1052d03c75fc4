/**
 * Webhooks benchmark (issues 12 and 16): two API processes (`serve` with BOOKSTREAM_WORKERS=0) and
 * two worker processes (`bookstream worker`, nudged over LISTEN/NOTIFY) on one PostgreSQL database
 * deliver to a local webhook receiver in this process.
 *
 * 1. Throughput: BENCH_WEBHOOK_EVENTS outbox events (over 2,000 activities) are committed at once
 *    for an account with two endpoints; the figure is webhook deliveries received per second,
 *    from the first to the last (target ≥ 1,000/s).
 * 2. Lag: customers book through the two API processes' public API at 100 bookings a second for
 *    BENCH_WEBHOOK_LAG_SECONDS; each booking's `activity.created` webhook is timed from its event's
 *    time (the message's `timestamp`, taken in the booking's transaction just before it commits)
 *    to its arrival at the receiver (commit → delivery; target p95 ≤ 1 s). The API's own answer
 *    time under that load is printed beside it.
 *
 *   npx tsx bench/webhooks.ts                 # BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432), database bookstream_webhooks_bench
 * `npm run bench` runs it after the other benchmarks (bench/run.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createSecretBox, generateSecretKey } from "../src/app/secrets.js";
import { binding } from "../src/app/webhooks/endpoint-secret.js";
import { generateWebhookSecret } from "../src/integrations/webhooks/signer.js";
import { openDatabase } from "../src/store/database.js";
import { insertAccount, insertUser } from "../src/store/accounts-repo.js";
import { insertBookingPage } from "../src/store/pages-repo.js";
import { enqueueEvents } from "../src/store/outbox-repo.js";
import { percentile } from "./measure.js";
import { startReceiver, type Received } from "../test/support/webhook-receiver.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DB_NAME = "bookstream_webhooks_bench";
const ALL_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));

export interface WebhookBenchResult {
  events: number;
  deliveries: number;
  seconds: number;
  perSecond: number;
  lag: { bookings: number; received: number; p50Ms: number; p95Ms: number; maxMs: number };
}

/** A new, empty database `name` on the server at `baseUrl` (dropped first if a run left it). */
export async function freshDatabase(baseUrl: string, name = DB_NAME): Promise<string> {
  const admin = new pg.Client({ connectionString: `${baseUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return `${baseUrl}/${name}`;
}

/** `bookstream serve` without workers (an API process), or `bookstream worker` (jobs and outbox consumers only). */
function startProcess(kind: "api" | "worker", databaseUrl: string, secretKey: string, log: (l: string) => void): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", "src/cli/main.ts", kind === "api" ? "serve" : "worker"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", BOOKSTREAM_DEMO: "0", BOOKSTREAM_WORKERS: "0", BOOKSTREAM_SECRET_KEY: secretKey, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = kind === "api" ? /running at (http:\/\/\S+)/.exec(out) : /worker running/.exec(out);
      if (m) resolve({ proc, url: m[1] ?? "" });
    });
    proc.stderr!.on("data", (d: Buffer) => log(`  [worker] ${d.toString().trim()}`));
    proc.on("exit", (code) => reject(new Error(`worker exited (${code}): ${out}`)));
  });
}

export async function runWebhookBench(baseUrl: string, log: (l: string) => void): Promise<WebhookBenchResult> {
  const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
  const LAG_SECONDS = Number(process.env.BENCH_WEBHOOK_LAG_SECONDS ?? 10);
  const ENDPOINTS = 2;
  const HOSTS = 10;
  const databaseUrl = await freshDatabase(baseUrl);
  const key = generateSecretKey();
  const keyText = key.bytes.toString("base64");
  const box = createSecretBox({ current: key });
  let onReceive: ((r: Received) => void) | undefined;
  const receiver = await startReceiver((r) => onReceive?.(r));
  const handle = await openDatabase({ databaseUrl });
  const workers: ChildProcess[] = [];
  try {
    const accountId = randomUUID();
    await insertAccount(handle.db, { id: accountId, name: "Webhook bench" });
    const adminId = randomUUID();
    await insertUser(handle.db, { id: adminId, account_id: accountId, email: "bench-hooks@example.test", name: "Bench", role: "admin", password_hash: null, time_zone: "UTC" });
    // Ten hosts, each with a page: one host's bookings are serialized by its scheduling lock, and
    // a hundred a second for one person is not a load anyone has.
    const slugs: string[] = [];
    for (let h = 0; h < HOSTS; h++) {
      const hostId = h === 0 ? adminId : randomUUID();
      if (h > 0) await insertUser(handle.db, { id: hostId, account_id: accountId, email: `bench-host-${h}@example.test`, name: `Host ${h}`, role: "member", password_hash: null, time_zone: "UTC" });
      slugs.push(`hooks-${accountId.slice(0, 8)}-${h}`);
      await insertBookingPage(handle.db, { id: randomUUID(), account_id: accountId, slug: slugs[h]!, name: `Bench page ${h}`, owner_id: hostId, time_zone: "UTC", duration_minutes: 30, mode: "automatic", location: null, open_hours: ALL_DAY as never });
    }
    const now = new Date();
    for (let i = 0; i < ENDPOINTS; i++) {
      const id = randomUUID();
      await handle.db.insertInto("webhook_endpoints").values({
        id, account_id: accountId, url: `${receiver.url}/hook-${i}`, description: `bench ${i}`, event_types: ["activity.created", "activity.updated"],
        secret_sealed: box.sealSecret(generateWebhookSecret(), binding(accountId, id)), enabled: true, created_at: now, updated_at: now,
      }).execute();
    }
    log(`\n== webhooks: 2 API processes and 2 worker processes on PostgreSQL ${DB_NAME} (README "Running at scale")`);
    // One after the other: the first migrates the database, the first worker pg-boss's schema.
    const started = [await startProcess("api", databaseUrl, keyText, log)];
    started.push(await startProcess("api", databaseUrl, keyText, log));
    const workerProcs = [await startProcess("worker", databaseUrl, keyText, log)];
    workerProcs.push(await startProcess("worker", databaseUrl, keyText, log));
    workers.push(...started.map((s) => s.proc), ...workerProcs.map((s) => s.proc));

    // 1. Throughput.
    const expected = EVENTS * ENDPOINTS;
    let got = 0;
    let first = 0;
    let last = 0;
    const allIn = new Promise<void>((resolve) => {
      onReceive = (r) => {
        if (!r.path.startsWith("/hook-")) return;
        if (got === 0) first = r.at;
        last = r.at;
        if (++got >= expected) resolve();
      };
    });
    const payload = (i: number) => ({
      type: "activity.updated", action: "reschedule", actor: "user", reason: null, from: { status: "Scheduled", detailedStatus: "By customer" },
      previous: { start: now.toISOString(), end: now.toISOString(), ownerId: adminId },
      activity: { id: `BKNG-BENCH${String(i % 2000).padStart(7, "0")}`, type: "booking", status: "Rescheduled", detailedStatus: "Initiated by user", bookingPageId: null, eventTypeId: null, ownerId: adminId, customer: { name: "Ada", email: "ada@example.com", timeZone: "UTC" }, start: now.toISOString(), end: now.toISOString(), reason: null },
    });
    log(`  committing ${EVENTS.toLocaleString("en-US")} events (${ENDPOINTS} endpoints: ${expected.toLocaleString("en-US")} deliveries)`);
    for (let i = 0; i < EVENTS; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, EVENTS - i) }, (_, j) => ({ accountId, activityId: `BKNG-BENCH${String((i + j) % 2000).padStart(7, "0")}`, type: "activity.updated", payload: payload(i + j), at: now }));
      await handle.db.transaction().execute((tx) => enqueueEvents(tx, batch));
    }
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`throughput: ${got} of ${expected} delivered in 5 minutes`)), 300_000).unref());
    await Promise.race([allIn, timeout]);
    const seconds = (last - first) / 1000;
    const perSecond = Math.round(got / Math.max(seconds, 0.001));
    log(`  throughput: ${got.toLocaleString("en-US")} deliveries in ${seconds.toFixed(2)} s = ${perSecond.toLocaleString("en-US")} deliveries/s (target ≥ 1,000/s)`);

    // 2. Lag at 100 changes a second, through the API.
    const sentAt = new Map<string, number>();
    const lags: number[] = [];
    onReceive = (r) => {
      if (r.path !== "/hook-0") return;
      const body = JSON.parse(r.body);
      if (body.type !== "activity.created") return;
      if (sentAt.has(body.data.activity.customer.email)) lags.push(r.at - Date.parse(body.timestamp));
    };
    const base = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 24 * 3_600_000;
    const total = 100 * LAG_SECONDS;
    const requests: Promise<number>[] = [];
    const answers: number[] = [];
    const startedLag = Date.now();
    for (let i = 0; i < total; i++) {
      const due = startedLag + i * 10;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const email = `lag-${i}@example.com`;
      const target = started[i % 2]!.url;
      const sent = Date.now();
      sentAt.set(email, sent);
      requests.push(fetch(`${target}/api/v1/public/pages/${slugs[i % HOSTS]}/bookings`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ start: new Date(base + i * 30 * 60_000).toISOString(), customer: { name: `Lag ${i}`, email } }),
      }).then((r) => {
        answers.push(Date.now() - sent);
        return r.status;
      }));
    }
    const statuses = await Promise.all(requests);
    const created = statuses.filter((s) => s === 201).length;
    const settle = Date.now() + 15_000;
    while (lags.length < created && Date.now() < settle) await new Promise((r) => setTimeout(r, 100));
    lags.sort((a, b) => a - b);
    const lag = { bookings: created, received: lags.length, p50Ms: Math.round(percentile(lags, 50)), p95Ms: Math.round(percentile(lags, 95)), maxMs: lags[lags.length - 1] ?? NaN };
    log(`  lag commit → delivery at 100 bookings/s for ${LAG_SECONDS} s: ${lag.received} of ${created} webhooks, p50 ${lag.p50Ms} ms, p95 ${lag.p95Ms} ms, max ${lag.maxMs} ms (target p95 ≤ 1,000 ms)`);
    log(`  (the booking API's answers meanwhile: p50 ${Math.round(percentile(answers, 50))} ms, p95 ${Math.round(percentile(answers, 95))} ms; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})`);
    return { events: EVENTS, deliveries: got, seconds, perSecond, lag };
  } finally {
    for (const w of workers) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)))));
    await handle.close();
    await receiver.close();
  }
}

export function renderWebhookReport(r: WebhookBenchResult): string {
  return `\n## Webhooks (2 processes, PostgreSQL, local receiver)\n\n| Figure | Result | Target |\n| --- | --- | --- |\n` +
    `| Throughput | ${r.perSecond.toLocaleString("en-US")} deliveries/s (${r.deliveries.toLocaleString("en-US")} in ${r.seconds.toFixed(2)} s) | ≥ 1,000/s |\n` +
    `| Lag commit → delivery at 100 changes/s | p50 ${r.lag.p50Ms} ms, p95 ${r.lag.p95Ms} ms (${r.lag.received}/${r.lag.bookings}) | p95 ≤ 1,000 ms |\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  runWebhookBench(process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432", console.log)
    .then((r) => console.log(renderWebhookReport(r)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
