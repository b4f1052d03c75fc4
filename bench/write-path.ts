/**
 * The write path on a large table (issue 16: "booking throughput ≥ 300/s with 50 clients and 0
 * double bookings" at 15,000,000 activities) and what the report counts' trigger costs it
 * (issue 15: the reports' pre-aggregated counts are kept by a trigger on `activities`).
 *
 *   npx tsx bench/write-path.ts              # PostgreSQL, the bench database (seeded when missing)
 *
 * Runs the booking benchmark of bench/scheduling.ts (50 HTTP clients booking free slots through
 * the real API, then a check that no host is double-booked) in the bench database's seeded
 * account, alternately with the trigger `activities_report_counts` on and off, so a drift of the
 * machine weighs on both alike. Each run adds ten hosts with a page each to that account and books
 * them; a run made with the trigger off has the account's counts rebuilt afterwards, and the
 * trigger is back on whatever happens. Disabling a trigger locks `activities`: a bench database
 * only, never one in use.
 *
 * Knobs: BENCH_ACTIVITIES (1,000,000), BENCH_WRITE_ROUNDS (3 pairs; 0 only seeds), BENCH_WRITE_BOOKINGS
 * (2,000 per run), BENCH_WRITE_POOL (the server's connections; default the server's own, 10).
 * BENCH_POSTGRES_URL may name a Unix socket (postgres://root@localhost/postgres?host=/var/run/postgresql):
 * a server on the database's machine would connect so; the header says which was used.
 */
import { sql } from "kysely";
import { preparePostgres } from "./engines.js";
import { benchBookingThroughput, type BookingBenchResult } from "./scheduling.js";
import { openDatabase } from "../src/store/database.js";
import { rebuildReportCounts } from "../src/store/report-counts-repo.js";

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const POSTGRES_DB = process.env.BENCH_POSTGRES_DB ?? "bookstream_bench";
const ACTIVITIES = Number(process.env.BENCH_ACTIVITIES ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_WRITE_ROUNDS ?? 3);
const BOOKINGS = Number(process.env.BENCH_WRITE_BOOKINGS ?? 2_000);
const POOL = process.env.BENCH_WRITE_POOL ? Number(process.env.BENCH_WRITE_POOL) : undefined;
const log = (s: string) => console.log(s);

const prepared = await preparePostgres(POSTGRES_URL, POSTGRES_DB, ACTIVITIES, log);
const databaseUrl = (prepared.location as { databaseUrl: string }).databaseUrl;
if (!prepared.seed.reused) log(`  seeded ${prepared.seed.inserted.toLocaleString("en-US")} activities in ${prepared.seed.seconds.toFixed(1)} s (${prepared.seed.phases ?? "phases not kept"})`);
const handle = await openDatabase({ databaseUrl });
const total = (await sql<{ n: string }>`SELECT count(*) AS n FROM activities`.execute(handle.db)).rows[0].n;
const via = new URL(databaseUrl).searchParams.get("host")?.startsWith("/") ? "a Unix socket" : "TCP";
log(`write path on PostgreSQL: ${Number(total).toLocaleString("en-US")} activities in the table; ${ROUNDS} pairs of runs, ${BOOKINGS} bookings each, 50 clients; the server's pool ${POOL ?? "10 (its default)"}, over ${via}`);

/** The machine's busy CPU per booking beyond the server and the load generator: PostgreSQL's share, mostly. */
const restOfMachine = (r: BookingBenchResult) =>
  r.machineCpuMsPerBooking === null ? "" : `, the rest of the machine (PostgreSQL, the kernel) ${(r.machineCpuMsPerBooking - r.serverCpuMsPerBooking - r.clientCpuMsPerBooking).toFixed(2)} ms/booking`;
const setTrigger = (on: boolean) => sql.raw(`ALTER TABLE activities ${on ? "ENABLE" : "DISABLE"} TRIGGER activities_report_counts`).execute(handle.db);
const runs: { trigger: boolean; r: BookingBenchResult }[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always runs on a warmer machine.
    for (const trigger of round % 2 === 0 ? [true, false] : [false, true]) {
      await setTrigger(trigger);
      let r: BookingBenchResult;
      try {
        r = await benchBookingThroughput({ databaseUrl, bookings: BOOKINGS, intoAccountId: prepared.accountId, poolSize: POOL });
      } finally {
        await setTrigger(true);
      }
      if (!trigger) await rebuildReportCounts(handle.db, r.accountId);
      runs.push({ trigger, r });
      log(`  trigger ${trigger ? "on " : "off"}: ${r.bookingsPerSecond.toFixed(0)} bookings/s (${r.bookings} in ${r.seconds.toFixed(2)} s), failed ${r.failed}, double bookings ${r.doubleBookings}, server CPU ${r.serverCpuMsPerBooking.toFixed(2)} ms/booking${restOfMachine(r)}`);
    }
  }
} finally {
  await setTrigger(true);
  await handle.close();
}

if (runs.length === 0) {
  log("no runs (BENCH_WRITE_ROUNDS=0): the database is seeded and left as it is");
  process.exit(0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const of = (trigger: boolean) => runs.filter((x) => x.trigger === trigger).map((x) => x.r);
const on = of(true);
const off = of(false);
const rates = (rs: BookingBenchResult[]) => rs.map((r) => r.bookingsPerSecond);
const span = (rs: BookingBenchResult[]) => `${Math.min(...rates(rs)).toFixed(0)}–${Math.max(...rates(rs)).toFixed(0)}`;
const cpu = (rs: BookingBenchResult[]) => median(rs.map((r) => r.serverCpuMsPerBooking));
const doubles = runs.reduce((n, x) => n + x.r.doubleBookings, 0);
const failed = runs.reduce((n, x) => n + x.r.failed, 0);
const withTrigger = median(rates(on));
log(`\nBooking throughput at ${Number(total).toLocaleString("en-US")} activities, median of ${ROUNDS} (range): ` +
  `${withTrigger.toFixed(0)}/s (${span(on)}) with the report counts' trigger, ${median(rates(off)).toFixed(0)}/s (${span(off)}) without; ` +
  `server CPU ${cpu(on).toFixed(2)} vs ${cpu(off).toFixed(2)} ms/booking; target ≥ 300/s ${withTrigger >= 300 ? "✓" : "✗"}; ${failed} failed, ${doubles} double bookings`);
if (doubles > 0 || failed > 0) process.exitCode = 1;
