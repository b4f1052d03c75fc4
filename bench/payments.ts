/**
 * Payments benchmark (issue 11), against the local PayPal (peers/paypal) in this process:
 * - a paid booking end to end — the customer starts a checkout (Bookstream creates the PayPal
 *   order), approves at PayPal, comes back (Bookstream captures, books, records the payment):
 *   Bookstream's time per booking, p50/p95, target p95 ≤ 50 ms. PayPal's own latency is left out:
 *   the server's PayPal client is given a fetch that times every round trip to PayPal (request to
 *   the last byte of the answer), and each booking's figure is the wall time of its two requests to
 *   Bookstream (as the customer's client sees them) minus the PayPal round trips made meanwhile.
 *   Bookings run one at a time, so every round trip belongs to the booking being timed; the buyer's
 *   approval happens at PayPal and is not timed. PayPal's webhooks are held meanwhile (they would
 *   run our handlers inside the timed windows) and released afterwards.
 * - webhook ingestion: signed PayPal events (PAYMENT.CAPTURE.COMPLETED for the captures made,
 *   each a new event, signed with the local PayPal's key for the account's webhook id and
 *   prepared beforehand) POSTed by 16 concurrent senders from a separate process; every one verified (SHA256withRSA with
 *   the certificate from the PayPal host, cached), stored once and applied; events/s, target ≥ 300.
 *
 *   npx tsx bench/payments.ts                       # PGlite in memory, then PostgreSQL (BENCH_POSTGRES_URL)
 *   BENCH_ENGINES=pglite BENCH_PAYMENTS_BOOKINGS=50 BENCH_PAYMENTS_EVENTS=500 npx tsx bench/payments.ts
 * `npm run bench` runs it after the other benchmarks (bench/run.ts).
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { AppContext } from "../src/app/context.js";
import { createApiToken } from "../src/app/auth.js";
import { createSecretBox, generateSecretKey } from "../src/app/secrets.js";
import { systemClock } from "../src/domain/clock.js";
import { buildHttpApp } from "../src/http/app.js";
import { payPalGateways } from "../src/integrations/paypal/gateway.js";
import { tuneRuntimeForServer } from "../src/runtime-tuning.js";
import { insertAccount, insertUser } from "../src/store/accounts-repo.js";
import { openDatabase } from "../src/store/database.js";
import { insertBookingPage } from "../src/store/pages-repo.js";
import { CERT_NAME, WebhookSigner } from "../peers/paypal/webhook-signing.js";
import { startPayPalPeer } from "../peers/paypal/server.js";
import { percentile, runPostLoad } from "./measure.js";
import { withBenchDatabase } from "./settings.js";

const BOOKING_TARGET_P95_MS = 50;
const WEBHOOK_TARGET_PER_S = 300;
const ALL_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));

export interface PaymentsBenchResult {
  engine: string;
  bookings: number;
  serverMs: { p50: number; p95: number };
  /** CPU time of this process during a booking's two requests (server, PayPal peer and client alike): an upper bound that load elsewhere does not inflate. */
  cpuMs: { p50: number; p95: number };
  totalMs: { p50: number; p95: number };
  paypalMs: { p50: number; p95: number; callsPerBooking: number };
  webhooks: { events: number; seconds: number; perSecond: number; failed: number; applied: number; cpuMsPerEvent: number };
  loadAverage: number;
}

async function json(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function benchPayments(opts: { engine: string; databaseUrl?: string; bookings?: number; events?: number; log?: (l: string) => void }): Promise<PaymentsBenchResult> {
  const log = opts.log ?? console.log;
  const bookings = opts.bookings ?? Number(process.env.BENCH_PAYMENTS_BOOKINGS ?? 300);
  const events = opts.events ?? Number(process.env.BENCH_PAYMENTS_EVENTS ?? 3000);
  const warmup = Math.min(30, Math.ceil(bookings / 5));
  tuneRuntimeForServer();
  const handle = await openDatabase({ databaseUrl: opts.databaseUrl, poolSize: 20 });
  const paypal = await startPayPalPeer();
  // Every round trip of the server's PayPal client, timed to the last byte of the answer.
  let paypalMs = 0;
  let paypalCalls = 0;
  const timedFetch: typeof fetch = async (input, init) => {
    const t0 = performance.now();
    const res = await fetch(input, init);
    const body = await res.arrayBuffer();
    paypalMs += performance.now() - t0;
    paypalCalls += 1;
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  const secrets = createSecretBox({ current: generateSecretKey() });
  const ctx: AppContext = { db: handle.db, clock: systemClock, publicUrl: "http://bench.test", secrets, payments: payPalGateways(handle.db, secrets, { fetch: timedFetch }) };
  const app = await buildHttpApp(ctx, { logLevel: "silent", webDist: "/nonexistent", validateResponses: false });
  try {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    ctx.publicUrl = base;

    // An account with an admin, a priced page, connected to the local PayPal through the API.
    const accountId = randomUUID();
    const tag = accountId.slice(0, 8);
    await insertAccount(handle.db, { id: accountId, name: "Payments bench" });
    const adminId = randomUUID();
    const adminEmail = `payments-admin-${tag}@bench.test`;
    await insertUser(handle.db, { id: adminId, account_id: accountId, email: adminEmail, name: "Admin", role: "admin", password_hash: null, time_zone: "UTC" });
    const token = await createApiToken(handle.db, adminEmail, "bench");
    const pageId = randomUUID();
    const slug = `paid-${tag}`;
    await insertBookingPage(handle.db, { id: pageId, account_id: accountId, slug, name: "Paid consultation", owner_id: adminId, time_zone: "UTC", duration_minutes: 30, mode: "automatic", location: null, open_hours: ALL_DAY });
    const app_ = { clientId: `bench-${tag}`, clientSecret: `secret-${accountId}` };
    paypal.control.addClient(app_);
    const connected = await json(base, "PUT", "/api/v1/account/paypal", { mode: "sandbox", baseUrl: paypal.url, ...app_ }, token);
    if (connected.status !== 200 || !connected.body.webhookId) throw new Error(`connecting PayPal: ${connected.status} ${JSON.stringify(connected.body)}`);
    const priced = await json(base, "PUT", `/api/v1/booking-pages/${pageId}/payments`, { currency: "USD", price: "50.00", packageSessionPrice: null, rescheduleFee: null, refundPolicy: "automatic" }, token);
    if (priced.status !== 200) throw new Error(`pricing the page: ${priced.status} ${JSON.stringify(priced.body)}`);

    // 1. Paid bookings, one at a time; PayPal's webhooks wait until the timing is done.
    paypal.control.holdWebhooks();
    const first = new Date(Date.now() + 48 * 3_600_000);
    first.setUTCMinutes(0, 0, 0);
    const server: number[] = [];
    const total: number[] = [];
    const peer: number[] = [];
    const cpu: number[] = [];
    const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
    const captures: string[] = [];
    for (let i = 0; i < warmup + bookings; i++) {
      const start = new Date(first.getTime() + i * 30 * 60_000).toISOString();
      const ms0 = paypalMs;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const started = await json(base, "POST", `/api/v1/public/pages/${slug}/checkouts`, { start, customer: { name: `Customer ${i}`, email: `c${i}-${tag}@example.com` } });
      const t1 = performance.now();
      const c1 = cpuMs(process.cpuUsage(c0));
      if (started.status !== 201) throw new Error(`checkout ${i}: ${started.status} ${JSON.stringify(started.body)}`);
      const orderId = new URL(started.body.approveUrl).searchParams.get("token")!;
      paypal.control.approveOrder(orderId, { email: `c${i}-${tag}@example.com` });
      const c2 = process.cpuUsage();
      const t2 = performance.now();
      const done = await json(base, "POST", `/api/v1/public/checkouts/${started.body.checkoutId}/complete`, { orderId });
      const t3 = performance.now();
      const c3 = cpuMs(process.cpuUsage(c2));
      if (done.status !== 200 || done.body.state !== "completed") throw new Error(`complete ${i}: ${done.status} ${JSON.stringify(done.body)}`);
      const wall = t1 - t0 + (t3 - t2);
      const inPayPal = paypalMs - ms0;
      if (i >= warmup) {
        total.push(wall);
        peer.push(inPayPal);
        server.push(wall - inPayPal);
        cpu.push(c1 + c3);
      }
      const order = paypal.control.order(orderId) as { purchase_units: { payments: { captures: { id: string }[] } }[] };
      captures.push(order.purchase_units[0].payments.captures[0].id);
    }
    const callsPerBooking = paypalCalls / (warmup + bookings);
    paypal.control.releaseWebhooks("fifo");
    await paypal.control.waitForWebhooks();

    // 2. Webhook ingestion: signed events prepared first, then sent by 16 senders at once.
    const key = (await handle.db.selectFrom("payment_connections").select("webhook_key").where("account_id", "=", accountId).executeTakeFirstOrThrow()).webhook_key;
    const webhookId = connected.body.webhookId as string;
    const template = (paypal.control.webhookEvents() as any[]).find((e) => e.event_type === "PAYMENT.CAPTURE.COMPLETED");
    if (!template) throw new Error("no PAYMENT.CAPTURE.COMPLETED event to model the bench's events on");
    const signer = new WebhookSigner();
    const certUrl = `${paypal.url}/v1/notifications/certs/${CERT_NAME}`;
    const prepared = Array.from({ length: events }, (_, i) => {
      const capture = captures[i % captures.length];
      const e = JSON.parse(JSON.stringify(template).split(template.resource.id).join(capture));
      e.id = `WH-BENCH${String(i).padStart(9, "0")}-${tag.toUpperCase()}`;
      const raw = JSON.stringify(e);
      const transmissionId = randomUUID();
      const transmissionTime = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      return {
        raw,
        headers: {
          "content-type": "application/json", "paypal-transmission-id": transmissionId, "paypal-transmission-time": transmissionTime,
          "paypal-transmission-sig": signer.sign(transmissionId, transmissionTime, webhookId, raw), "paypal-cert-url": certUrl, "paypal-auth-algo": "SHA256withRSA",
        },
      };
    });
    const loadAverage = os.loadavg()[0];
    const wc0 = process.cpuUsage();
    const sent = await runPostLoad({
      url: base,
      senders: 16,
      okStatus: 200,
      requests: prepared.map((p) => ({ path: `/api/v1/webhooks/paypal/${key}`, headers: p.headers, body: p.raw })),
    });
    const { seconds, failed } = sent;
    const webhookCpu = cpuMs(process.cpuUsage(wc0));
    const stored = await handle.db.selectFrom("paypal_webhook_events").select((eb) => eb.fn.countAll<number>().as("n")).where("account_id", "=", accountId).where("event_id", "like", "WH-BENCH%").where("processed_at", "is not", null).executeTakeFirstOrThrow();

    const r: PaymentsBenchResult = {
      engine: opts.engine,
      bookings,
      serverMs: { p50: percentile(server, 50), p95: percentile(server, 95) },
      cpuMs: { p50: percentile(cpu, 50), p95: percentile(cpu, 95) },
      totalMs: { p50: percentile(total, 50), p95: percentile(total, 95) },
      paypalMs: { p50: percentile(peer, 50), p95: percentile(peer, 95), callsPerBooking },
      webhooks: { events, seconds, perSecond: events / seconds, failed, applied: Number(stored.n), cpuMsPerEvent: webhookCpu / events },
      loadAverage,
    };
    log(`  paid booking (${bookings} timed): Bookstream p50 ${r.serverMs.p50.toFixed(1)} ms, p95 ${r.serverMs.p95.toFixed(1)} ms (wall p95 ${r.totalMs.p95.toFixed(1)} ms, PayPal round trips p95 ${r.paypalMs.p95.toFixed(1)} ms, ${callsPerBooking.toFixed(1)} calls per booking); CPU per booking p50 ${r.cpuMs.p50.toFixed(1)} ms, p95 ${r.cpuMs.p95.toFixed(1)} ms`);
    log(`  webhooks: ${events} verified events in ${seconds.toFixed(2)} s = ${r.webhooks.perSecond.toFixed(0)}/s, ${failed} not answered 200, ${r.webhooks.applied} stored and processed; server CPU ${r.webhooks.cpuMsPerEvent.toFixed(2)} ms per event (senders in their own process, ${(sent.clientCpuMs / events).toFixed(2)} ms per event); load average ${loadAverage.toFixed(1)}`);
    return r;
  } finally {
    await paypal.close();
    await app.close();
    await handle.close();
  }
}

export function renderPayments(results: PaymentsBenchResult[]): string {
  const lines = [
    "", "## Payments (issue 11), against the local PayPal", "",
    "Bookstream's time per paid booking = wall time of its two requests (start checkout, complete) minus the PayPal round trips made meanwhile (timed in the server's PayPal client). CPU figures: this process's CPU time (server, local PayPal and load generator together), which other load on the machine does not inflate.", "",
    "| engine | paid booking: Bookstream p50 | p95 | target p95 ≤ 50 ms | wall p95 (with PayPal) | CPU per booking p95 | webhooks: verified events/s | not 200 | target ≥ 300/s | CPU per event | load average |",
    "|:--|--:|--:|:--|--:|--:|--:|--:|:--|--:|--:|",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.engine} | ${r.serverMs.p50.toFixed(1)} ms | ${r.serverMs.p95.toFixed(1)} ms | ${r.serverMs.p95 <= BOOKING_TARGET_P95_MS ? "yes" : "NO"} | ${r.totalMs.p95.toFixed(1)} ms | ${r.cpuMs.p95.toFixed(1)} ms | ${r.webhooks.perSecond.toFixed(0)} | ${r.webhooks.failed} | ${r.webhooks.perSecond >= WEBHOOK_TARGET_PER_S && r.webhooks.failed === 0 ? "yes" : "NO"} | ${r.webhooks.cpuMsPerEvent.toFixed(2)} ms | ${r.loadAverage.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}

export async function runPaymentsBench(engines: string[], postgresUrl: string, log: (l: string) => void): Promise<string> {
  const results: PaymentsBenchResult[] = [];
  for (const engine of engines) {
    log(`\n== payments on ${engine}`);
    if (engine === "postgres") results.push(await withBenchDatabase(postgresUrl, (databaseUrl) => benchPayments({ engine, databaseUrl, log }), "bookstream_bench_payments"));
    else results.push(await benchPayments({ engine: "pglite", log }));
  }
  return renderPayments(results);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const engines = (process.env.BENCH_ENGINES ?? "pglite,postgres").split(",").map((s) => s.trim()).filter(Boolean);
  runPaymentsBench(engines, process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432", console.log)
    .then((report) => console.log(report))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
