/**
 * Integrations benchmark (issue 12), per engine, on a Bookstream process run as `npm start` runs it
 * (API + workers + demo account), with real peers in this process: an SMTP server (smtp-server),
 * Radicale for CalDAV, and a webhook receiver — each behind a gate that can make it hang.
 *
 * 1. Busy times in a slots answer: the public slots of the admin's page over 60 days, timed before
 *    the admin connects a calendar and after 100 busy events in it were read and cached (the
 *    difference is what the cached busy times add; target ≤ 5 ms).
 * 2. API answers with the peers down: customers book and the admin cancels at a steady pace, first
 *    with every peer answering, then with all three hanging (SMTP greets nobody, CalDAV and the
 *    webhook receiver never answer). The answers' p50/p95 are printed side by side, with what the
 *    consumers had pending meanwhile (so the peers were really being called).
 *
 *   BENCH_ENGINES=pglite,postgres npx tsx bench/integrations.ts
 * `npm run bench` runs it with the extras (bench/run.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SMTPServer } from "smtp-server";
import { percentile } from "./measure.js";
import { freshDatabase } from "./webhooks.js";
import { generateSecretKey } from "../src/app/secrets.js";
import { startRadicale, type Radicale } from "../test/support/radicale.js";
import { startReceiver, type Receiver } from "../test/support/webhook-receiver.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DB_NAME = "bookstream_integrations_bench";
const PAGE = "intro-call";
const DAY = 86_400_000;

export interface IntegrationsBenchResult {
  engine: string;
  slots: { withoutMs: { p50: number; p95: number }; withMs: { p50: number; p95: number }; busyTimes: number; slotsWithout: number; slotsWith: number };
  answers: { upMs: { p50: number; p95: number; n: number }; downMs: { p50: number; p95: number; n: number }; pendingWhileDown: Record<string, number> };
}

/** A TCP gate in front of the SMTP server: open, it pipes; closed, it accepts and never says a word. */
async function startSmtp() {
  const smtp = new SMTPServer({ authOptional: true, disabledCommands: ["STARTTLS", "AUTH"], logger: false, onData: (s, _session, cb) => s.on("end", () => cb()).resume() });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  const target = (smtp.server.address() as net.AddressInfo).port;
  let down = false;
  const held = new Set<net.Socket>();
  const gate = net.createServer((socket) => {
    held.add(socket);
    socket.on("close", () => held.delete(socket));
    socket.on("error", () => undefined);
    if (down) return;
    const up = net.connect(target, "127.0.0.1");
    up.on("error", () => socket.destroy());
    socket.pipe(up).pipe(socket);
  });
  await new Promise<void>((r) => gate.listen(0, "127.0.0.1", r));
  return {
    url: `smtp://127.0.0.1:${(gate.address() as net.AddressInfo).port}`,
    setDown: (d: boolean) => void (down = d),
    close: async () => {
      for (const s of held) s.destroy();
      await new Promise((r) => gate.close(r));
      await new Promise<void>((r) => smtp.close(() => r()));
    },
  };
}

/** An HTTP gate in front of Radicale: open, it forwards; closed, requests are read and never answered. */
async function startDavGate(radicale: Radicale) {
  const t = new URL(radicale.url);
  let down = false;
  const held = new Set<http.ServerResponse>();
  const srv = http.createServer((req, res) => {
    if (down) {
      held.add(res);
      req.resume();
      return;
    }
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
      const headers = { ...r.headers };
      if (headers.location) headers.location = headers.location.replace(radicale.url, url);
      res.writeHead(r.statusCode ?? 502, headers);
      r.pipe(res);
    });
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
  return {
    url,
    setDown: (d: boolean) => void (down = d),
    close: async () => {
      for (const r of held) r.destroy();
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    },
  };
}


/** `npm start`'s server (API, workers, demo account) in a process of its own. */
function startBookstream(env: Record<string, string>, log: (l: string) => void): Promise<{ proc: ChildProcess; url: string; token: string }> {
  const proc = spawn(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", "src/cli/main.ts", "serve"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", BOOKSTREAM_DEMO: "1", BOOKSTREAM_WORKERS: "1", CALDAV_ALLOW_PRIVATE_NETWORKS: "1", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const url = /running at (http:\/\/\S+)/.exec(out)?.[1];
      const token = /API token for scripts: (\S+)/.exec(out)?.[1];
      if (url && token) resolve({ proc, url, token });
    });
    proc.stderr!.on("data", (d: Buffer) => log(`  [bookstream] ${d.toString().trim()}`));
    proc.on("exit", (code) => reject(new Error(`bookstream exited (${code}): ${out}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One JSON request; resolves with the status, the body and the milliseconds it took. */
function call(base: string, token: string | null, method: string, p: string, body?: unknown): Promise<{ status: number; body: any; ms: number }> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${p}`, {
      method, agent,
      headers: { ...(data ? { "content-type": "application/json", "content-length": String(data.length) } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, ms: performance.now() - started });
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}

const summary = (xs: number[]) => ({ p50: round(percentile([...xs].sort((a, b) => a - b), 50)), p95: round(percentile([...xs].sort((a, b) => a - b), 95)), n: xs.length });
const round = (x: number) => Math.round(x * 100) / 100;
const icsTime = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");

export async function runIntegrationsBench(engine: "pglite" | "postgres", postgresUrl: string, log: (l: string) => void): Promise<IntegrationsBenchResult> {
  const SLOT_ITERATIONS = Number(process.env.BENCH_INTEGRATIONS_SLOTS ?? 200);
  const ACTIONS = Number(process.env.BENCH_INTEGRATIONS_ACTIONS ?? 150);
  const dataDir = engine === "pglite" ? fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-integrations-")) : undefined;
  const databaseUrl = engine === "postgres" ? await freshDatabase(postgresUrl, DB_NAME) : undefined;
  const smtp = await startSmtp();
  const radicale = await startRadicale();
  const dav = await startDavGate(radicale);
  const receiver: Receiver = await startReceiver();
  let proc: ChildProcess | undefined;
  try {
    log(`\n== integrations on ${engine}: Bookstream (API, workers, demo account) with SMTP, Radicale and a webhook receiver`);
    const bs = await startBookstream({ SMTP_URL: smtp.url, BOOKSTREAM_SECRET_KEY: generateSecretKey().bytes.toString("base64"), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir! }) }, log);
    proc = bs.proc;
    const api = (method: string, p: string, body?: unknown) => call(bs.url, bs.token, method, p, body);
    const from = new Date(Math.ceil(Date.now() / DAY) * DAY + DAY);
    const to = new Date(from.getTime() + 60 * DAY);
    const slotsPath = `/api/v1/public/pages/${PAGE}/slots?from=${from.toISOString()}&to=${to.toISOString()}&timeZone=UTC`;
    const timeSlots = async (n: number) => {
      const ms: number[] = [];
      let count = 0;
      for (let i = 0; i < n; i++) {
        const r = await call(bs.url, null, "GET", slotsPath);
        if (r.status !== 200) throw new Error(`slots: ${r.status} ${JSON.stringify(r.body)}`);
        ms.push(r.ms);
        count = r.body.slots.length;
      }
      return { ms, count };
    };

    // 1. Busy times in the slots answer.
    await timeSlots(100); // warm-up
    const without = await timeSlots(SLOT_ITERATIONS);
    const user = `bench${randomUUID().slice(0, 6)}`;
    const password = "bench-app-password";
    await radicale.addUser(user, password, ["work"]);
    const connected = await api("PUT", "/api/v1/me/calendar-connection", { serverUrl: dav.url, username: user, password });
    if (connected.status !== 200) throw new Error(`calendar connection: ${connected.status} ${JSON.stringify(connected.body)}`);
    const dav1 = await radicale.client(user, password);
    for (let i = 0; i < 100; i++) {
      // Spread over the window, each an hour long at a different time of day.
      const start = new Date(from.getTime() + Math.floor((i * 60) / 100) * DAY + ((7 + (i % 10)) % 24) * 3_600_000);
      await dav1.createCalendarObject({
        calendar: { url: `${radicale.url}/${user}/work/` }, filename: `busy-${i}.ics`,
        iCalString: ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "BEGIN:VEVENT", `UID:busy-${i}`, `DTSTAMP:${icsTime(start)}`, `DTSTART:${icsTime(start)}`, `DTEND:${icsTime(new Date(start.getTime() + 3_600_000))}`, "SUMMARY:Busy", "END:VEVENT", "END:VCALENDAR", ""].join("\r\n"),
      });
    }
    const refreshed = await api("POST", "/api/v1/me/calendar-connection/refresh");
    const busyTimes = Number(refreshed.body?.connection?.busyTimes ?? 0);
    if (refreshed.status !== 200 || busyTimes < 100) throw new Error(`busy refresh: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
    await timeSlots(50);
    const withBusy = await timeSlots(SLOT_ITERATIONS);
    const slots = { withoutMs: summary(without.ms), withMs: summary(withBusy.ms), busyTimes, slotsWithout: without.count, slotsWith: withBusy.count };
    log(`  slots over 60 days: without a calendar p50 ${slots.withoutMs.p50} p95 ${slots.withoutMs.p95} ms (${without.count} slots); with ${busyTimes} cached busy times p50 ${slots.withMs.p50} p95 ${slots.withMs.p95} ms (${withBusy.count} slots): +${round(slots.withMs.p50 - slots.withoutMs.p50)} ms p50, +${round(slots.withMs.p95 - slots.withoutMs.p95)} ms p95 (target ≤ 5 ms)`);

    // 2. API answers with the peers up, then down.
    const hook = await api("POST", "/api/v1/webhook-endpoints", { url: `${receiver.url}/hook`, eventTypes: ["activity.created", "activity.updated"], description: "bench" });
    if (hook.status !== 201) throw new Error(`webhook endpoint: ${hook.status} ${JSON.stringify(hook.body)}`);
    const free: string[] = (await call(bs.url, null, "GET", slotsPath)).body.slots.map((s: { startUtc: string }) => s.startUtc);
    if (free.length < ACTIONS + 10) throw new Error(`only ${free.length} free slots for ${ACTIONS} actions`);
    let next = 0;
    const phase = async (label: string) => {
      const answers: number[] = [];
      const booked: string[] = [];
      const started = Date.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < ACTIONS; i++) {
        const wait = started + i * 100 - Date.now(); // 10 actions a second
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const cancel = i % 3 === 2 && booked.length > 0;
        const p = cancel
          ? api("POST", `/api/v1/activities/${booked.shift()}/actions/cancel`, { reason: "Bench" })
          : call(bs.url, null, "POST", `/api/v1/public/pages/${PAGE}/bookings`, { start: free[next++], customer: { name: `Bench ${i}`, email: `bench-${label}-${i}@example.com`, timeZone: "UTC" } });
        pending.push(p.then((r) => {
          if (r.status !== 200 && r.status !== 201) throw new Error(`${label}: ${r.status} ${JSON.stringify(r.body)}`);
          answers.push(r.ms);
          if (r.status === 201) booked.push(r.body.activity.id);
        }));
        if (!cancel) await pending[pending.length - 1]; // the cancel needs the booking's id
      }
      await Promise.all(pending);
      return answers;
    };
    await phase("warm");
    const up = await phase("up");
    smtp.setDown(true);
    dav.setDown(true);
    receiver.behave("/hook", { status: 204, delayMs: 3_600_000 });
    const down = await phase("down");
    const log1 = await api("GET", "/api/v1/deliveries?limit=200");
    const pendingWhileDown: Record<string, number> = {};
    for (const d of log1.body?.items ?? []) if (d.state !== "delivered") pendingWhileDown[d.consumer.split(":")[0]] = (pendingWhileDown[d.consumer.split(":")[0]] ?? 0) + 1;
    const answers = { upMs: summary(up), downMs: summary(down), pendingWhileDown };
    log(`  answers at 10 actions/s (bookings and cancels): peers up p50 ${answers.upMs.p50} p95 ${answers.upMs.p95} ms; all three peers hanging p50 ${answers.downMs.p50} p95 ${answers.downMs.p95} ms (of the last 200 deliveries, not delivered meanwhile: ${JSON.stringify(pendingWhileDown)})`);
    return { engine, slots, answers };
  } finally {
    smtp.setDown(false);
    dav.setDown(false);
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc!.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }
    agent.destroy();
    await receiver.close();
    await dav.close();
    await radicale.close();
    await smtp.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderIntegrationsReport(rs: IntegrationsBenchResult[]): string {
  let out = `\n## Integrations (npm start's server; SMTP, Radicale, webhook receiver)\n\n| Engine | Slots, 60 days: without → with 100 cached busy times (p95) | Added | Answers, peers up (p50 / p95) | Peers hanging (p50 / p95) |\n| --- | --- | --- | --- | --- |\n`;
  for (const r of rs) {
    out += `| ${r.engine} | ${r.slots.withoutMs.p95} → ${r.slots.withMs.p95} ms | ${round(r.slots.withMs.p95 - r.slots.withoutMs.p95)} ms (target ≤ 5) | ${r.answers.upMs.p50} / ${r.answers.upMs.p95} ms | ${r.answers.downMs.p50} / ${r.answers.downMs.p95} ms |\n`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const engines = (process.env.BENCH_ENGINES ?? "pglite,postgres").split(",").map((s) => s.trim()) as ("pglite" | "postgres")[];
  (async () => {
    const results: IntegrationsBenchResult[] = [];
    for (const e of engines) results.push(await runIntegrationsBench(e, process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432", console.log));
    console.log(renderIntegrationsReport(results));
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
