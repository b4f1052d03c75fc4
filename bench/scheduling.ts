import { randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AppContext } from "../src/app/context.js";
import { getSlots } from "../src/app/get-slots.js";
import { systemClock } from "../src/domain/clock.js";
import { buildHttpApp } from "../src/http/app.js";
import { tuneRuntimeForServer } from "../src/runtime-tuning.js";
import type { LoadPlan } from "./booking-load-client.js";
import { insertAccount, insertUser } from "../src/store/accounts-repo.js";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { insertBookingPage } from "../src/store/pages-repo.js";
import { replacePageHosts, upsertOverride, upsertWeeklyHours } from "../src/store/scheduling-repo.js";

/**
 * Scheduling benchmarks (issue 3), for the bench runner to call; `tsx bench/scheduling.ts` prints them.
 * - slot computation: a team page with 20 members over 60 days, p50/p95 per request (100 timed
 *   requests by default: with 40, the p95 was the third-slowest request, one noisy neighbour away
 *   from another figure);
 * - booking throughput: 50 concurrent HTTP clients booking free slots, bookings/s, then a check
 *   that no host is double-booked.
 * Each makes its own account; pass a database URL to run on PostgreSQL (default: in-memory PGlite).
 */

const ZONES = ["Europe/Berlin", "America/New_York", "Europe/London", "America/Chicago", "Asia/Tokyo"];
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"];

export interface SlotBenchResult {
  members: number;
  days: number;
  iterations: number;
  slotsPerRequest: number;
  p50Ms: number;
  p95Ms: number;
}

export async function benchSlotComputation(opts: { databaseUrl?: string; members?: number; days?: number; iterations?: number } = {}): Promise<SlotBenchResult> {
  const members = opts.members ?? 20;
  const days = opts.days ?? 60;
  const iterations = opts.iterations ?? 100;
  const handle = await openDatabase({ databaseUrl: opts.databaseUrl, poolSize: 10 });
  try {
    const ctx: AppContext = { db: handle.db, clock: systemClock, publicUrl: "http://bench.test" };
    const accountId = randomUUID();
    await insertAccount(handle.db, { id: accountId, name: "Scheduling bench" });
    const users: string[] = [];
    for (let i = 0; i < members; i++) {
      const id = randomUUID();
      users.push(id);
      await insertUser(handle.db, { id, account_id: accountId, email: `slots-${i}-${accountId.slice(0, 8)}@bench.test`, name: `Host ${i}`, role: "member", password_hash: null, time_zone: ZONES[i % ZONES.length] });
    }
    const pageId = randomUUID();
    const slug = `bench-team-${accountId.slice(0, 8)}`;
    await insertBookingPage(handle.db, {
      id: pageId, account_id: accountId, slug, name: "Team", owner_id: users[0], time_zone: "Europe/Berlin",
      duration_minutes: 30, mode: "automatic", location: null, open_hours: {},
    });
    const now = new Date();
    await handle.db.transaction().execute(async (tx) => {
      await replacePageHosts(tx, accountId, pageId, users);
      for (const [i, id] of users.entries()) {
        const hours = Object.fromEntries(WEEKDAYS.map((d) => [d, i % 2 ? [["08:00", "12:00"], ["13:00", "17:00"]] : [["09:00", "17:00"]]])) as Record<string, [string, string][]>;
        await upsertWeeklyHours(tx, accountId, id, hours, now);
        for (let k = 0; k < 3; k++) await upsertOverride(tx, accountId, id, new Date(now.getTime() + (7 + i + k * 13) * 86_400_000).toISOString().slice(0, 10), k === 1 ? [["18:00", "20:00"]] : []);
      }
    });
    // Existing bookings: ~2 a working day per member, so busy time is real.
    await handle.executeSql(
      `INSERT INTO activities (id, account_id, type, status, detailed_status, booking_page_id, owner_id, start_at, end_at, created_at, updated_at)
       SELECT 'BKNG-' || upper(substr(md5(random()::text || g::text || u.id::text), 1, 12)), $1, 'booking', 'Scheduled', 'Scheduled (By customer)', $2, u.id,
              date_trunc('hour', now()) + (g * interval '11 hours'), date_trunc('hour', now()) + (g * interval '11 hours') + interval '30 minutes', now(), now()
       FROM unnest($3::uuid[]) AS u(id), generate_series(1, $4::int) AS g
       ON CONFLICT DO NOTHING`,
      [accountId, pageId, users, Math.floor((days * 24) / 11)],
    );
    const from = new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000);
    const to = new Date(from.getTime() + days * 86_400_000);
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < iterations + 3; i++) {
      const t0 = performance.now();
      const r = await getSlots(ctx, slug, { from, to, timeZone: "America/Los_Angeles" });
      if (i >= 3) times.push(performance.now() - t0); // the first runs warm up
      count = r.slots.length;
    }
    return { members, days, iterations, slotsPerRequest: count, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) };
  } finally {
    await handle.close();
  }
}

export interface BookingBenchResult {
  /** The account the run made (its own pages and hosts). */
  accountId: string;
  clients: number;
  bookings: number;
  seconds: number;
  bookingsPerSecond: number;
  failed: number;
  doubleBookings: number;
  /** CPU per booking of the server process (API and its database client) and of the load generator. */
  serverCpuMsPerBooking: number;
  clientCpuMsPerBooking: number;
  /**
   * Busy CPU of the whole machine per booking (Linux /proc/stat; null elsewhere): what is left
   * after the server and the load generator is PostgreSQL's (and the kernel's) share.
   */
  machineCpuMsPerBooking: number | null;
}

/** Busy milliseconds of all CPUs since boot (user + nice + system + irq + softirq + steal), or null off Linux. */
function machineBusyMs(): number | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    // USER_HZ is 100 on every Linux architecture Node runs on.
    return (user + nice + system + irq + softirq + (steal ?? 0)) * 10;
  } catch {
    return null;
  }
}

/**
 * Untimed bookings first, through the same server and clients: until V8 has optimised the booking
 * path (several hundred requests) it runs several times slower and collects garbage badly (see
 * SERVER_WARMUP_ROUNDS in bench/run.ts). A server in production is past that within seconds.
 */
const BOOKING_WARMUP = 600;

export interface BookingBenchOptions {
  databaseUrl?: string;
  clients?: number;
  bookings?: number;
  /**
   * Book into this (seeded) account, on ten pages and hosts the run adds to it; default: an account
   * of the run's own. At 15,000,000 activities in one account this is the load that matters: a new
   * small account beside it is one the planner's statistics do not know (README "Running at scale").
   */
  intoAccountId?: string;
  /**
   * The server's connections to PostgreSQL; default: the server's own (10, openDatabase). On two
   * cores 10 beat 20 by 7 % (2026-12-04, three alternated pairs at 1M): fewer backends to switch.
   */
  poolSize?: number;
}

export async function benchBookingThroughput(opts: BookingBenchOptions = {}): Promise<BookingBenchResult> {
  tuneRuntimeForServer();
  const clients = opts.clients ?? 50;
  const total = opts.bookings ?? 2000;
  const handle: DatabaseHandle = await openDatabase({ databaseUrl: opts.databaseUrl, poolSize: opts.poolSize });
  const ctx: AppContext = { db: handle.db, clock: systemClock, publicUrl: "http://bench.test" };
  // As a production server runs (BOOKSTREAM_VALIDATE_RESPONSES unset).
  const app = await buildHttpApp(ctx, { logLevel: "silent", webDist: "/nonexistent", validateResponses: false });
  try {
    await app.listen({ port: 0, host: "127.0.0.1" });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
    const accountId = opts.intoAccountId ?? randomUUID();
    if (!opts.intoAccountId) await insertAccount(handle.db, { id: accountId, name: "Booking bench" });
    const run = randomUUID().slice(0, 8);
    const slug = `bench-book-${run}`;
    const hostIds: string[] = [];
    // Ten hosts, each with their own page, so clients book in parallel, as on a real account.
    const slugs: string[] = [];
    for (let h = 0; h < 10; h++) {
      const ownerId = randomUUID();
      hostIds.push(ownerId);
      await insertUser(handle.db, { id: ownerId, account_id: accountId, email: `book-${h}-${run}@bench.test`, name: `Host ${h}`, role: "member", password_hash: null, time_zone: "UTC" });
      const allDay = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]])) as Record<string, [string, string][]>;
      await insertBookingPage(handle.db, {
        id: randomUUID(), account_id: accountId, slug: `${slug}-${h}`, name: `Page ${h}`, owner_id: ownerId, time_zone: "UTC",
        duration_minutes: 30, mode: "automatic", location: null, open_hours: allDay,
      });
      slugs.push(`${slug}-${h}`);
    }
    const base = Math.ceil((Date.now() + 2 * 86_400_000) / 3_600_000) * 3_600_000;
    // Job i books page i mod 10 at the (i div 10)-th half hour from `base`. The clients run in
    // their own process, so the server under test keeps its CPU.
    const plan = { url, clients, slugs, baseMs: base, slotMs: 1_800_000, tag: run.slice(0, 6) };
    const warmup = await runLoadClient({ ...plan, first: total, count: BOOKING_WARMUP });
    if (warmup.failed > 0) throw new Error(`booking bench: ${warmup.failed} of the ${BOOKING_WARMUP} warm-up bookings failed: ${JSON.stringify(warmup.statuses)}`);
    const cpu0 = process.cpuUsage();
    const machine0 = machineBusyMs();
    const load = await runLoadClient({ ...plan, first: 0, count: total });
    const serverCpu = process.cpuUsage(cpu0);
    const machine1 = machineBusyMs();
    const failed = load.failed;
    const seconds = load.seconds;
    const dup = await handle.executeSql(
      `SELECT count(*)::int AS n FROM activities a JOIN activities b ON a.owner_id = b.owner_id AND a.id < b.id
         AND a.start_at < b.end_at AND b.start_at < a.end_at
       WHERE a.account_id = $1 AND b.account_id = $1 AND a.owner_id = ANY($2::uuid[])
         AND a.status IN ('Scheduled','Rescheduled') AND b.status IN ('Scheduled','Rescheduled')`,
      [accountId, hostIds],
    );
    return {
      accountId, clients, bookings: total - failed, seconds, bookingsPerSecond: (total - failed) / seconds, failed, doubleBookings: Number(dup.rows[0].n),
      serverCpuMsPerBooking: (serverCpu.user + serverCpu.system) / 1000 / total, clientCpuMsPerBooking: load.clientCpuMs / total,
      machineCpuMsPerBooking: machine0 !== null && machine1 !== null ? (machine1 - machine0) / total : null,
    };
  } finally {
    await app.close();
    await handle.close();
  }
}

function runLoadClient(input: LoadPlan) {
  const script = fileURLToPath(new URL("./booking-load-client.ts", import.meta.url));
  return new Promise<{ seconds: number; ok: number; failed: number; statuses: Record<string, number>; clientCpuMs: number }>((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", script, JSON.stringify(input)], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`load client failed: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const databaseUrl = process.argv[2];
  const slots = await benchSlotComputation({ databaseUrl });
  console.log(`slots: ${slots.members} members × ${slots.days} days → ${slots.slotsPerRequest} slots; p50 ${slots.p50Ms.toFixed(1)} ms, p95 ${slots.p95Ms.toFixed(1)} ms`);
  const booking = await benchBookingThroughput({ databaseUrl });
  console.log(`booking: ${booking.clients} clients, ${booking.bookings} bookings in ${booking.seconds.toFixed(2)} s → ${booking.bookingsPerSecond.toFixed(0)} bookings/s; failed ${booking.failed}; double bookings ${booking.doubleBookings}`);
  if (booking.doubleBookings !== 0 || booking.failed !== 0) process.exitCode = 1;
}
