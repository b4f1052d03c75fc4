import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/server.js";
import { benchPublicPage } from "./public-page.js";
import { benchBookingThroughput, benchSlotComputation } from "./scheduling.js";
import { benchWeb } from "./web.js";

/**
 * The benchmarks of the scheduling and web-app issues, run by `npm run bench` after the stream
 * queries: slot computation and booking throughput on each engine, then the browser figures
 * (the stream on the million-activity server; the public booking page on a demo server).
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface ExtraTargets {
  /** Per engine: a database URL (PostgreSQL) or undefined (a fresh in-memory PGlite). */
  engines: { engine: string; databaseUrl?: string }[];
  /** The running stream server with the million activities and a token for it, for the browser. */
  streamServer?: { url: string; token: string };
}

/**
 * Builds the web app when missing or stale. Called before any server starts: a server only serves
 * the web app if the build was there when it started.
 */
export function ensureWebBuild(): void {
  execFileSync(process.execPath, [path.join(ROOT, "scripts/ensure-web-build.mjs")], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
}

export async function runExtraBenches(t: ExtraTargets, log: (line: string) => void): Promise<string> {
  const lines: string[] = ["", "## Scheduling (issue 3)", "", "| engine | slots: 20 members × 60 days p50 | p95 | target p95 ≤ 50 ms (PostgreSQL) | bookings/s, 50 HTTP clients | failed | double bookings | target ≥ 300/s (PostgreSQL) |", "|:--|--:|--:|:--|--:|--:|--:|:--|"];
  for (const e of t.engines) {
    log(`\n== scheduling on ${e.engine}`);
    const slots = await benchSlotComputation({ databaseUrl: e.databaseUrl });
    log(`  slots: ${slots.slotsPerRequest} slots per request; p50 ${slots.p50Ms.toFixed(1)} ms, p95 ${slots.p95Ms.toFixed(1)} ms`);
    const booking = await benchBookingThroughput({ databaseUrl: e.databaseUrl });
    log(
      `  booking: ${booking.bookingsPerSecond.toFixed(0)} bookings/s (${booking.bookings} in ${booking.seconds.toFixed(1)} s), failed ${booking.failed}, double bookings ${booking.doubleBookings}; ` +
        `CPU per booking: server ${booking.serverCpuMsPerBooking.toFixed(2)} ms, load generator ${booking.clientCpuMsPerBooking.toFixed(2)} ms` +
        (booking.machineCpuMsPerBooking === null ? "" : `, the whole machine ${booking.machineCpuMsPerBooking.toFixed(2)} ms`),
    );
    const pg = e.engine === "postgres";
    lines.push(
      `| ${e.engine} | ${slots.p50Ms.toFixed(1)} | ${slots.p95Ms.toFixed(1)} | ${pg ? (slots.p95Ms <= 50 ? "yes" : "NO") : "n/a"} | ${booking.bookingsPerSecond.toFixed(0)} | ${booking.failed} | ${booking.doubleBookings} | ${pg ? (booking.bookingsPerSecond >= 300 ? "yes" : "NO") : "n/a"} |`,
    );
  }
  if (!fs.existsSync("/usr/bin/chromium")) {
    lines.push("", "Browser figures skipped: /usr/bin/chromium is not installed (apt-get install -y chromium).");
    return lines.join("\n");
  }
  lines.push("", "## Web app (issues 3 and 4)", "");
  if (t.streamServer) {
    log("\n== web app on the million-activity PostgreSQL server");
    const w = await benchWeb(t.streamServer.url, t.streamServer.token, { scrollRows: 10_000 }).catch((err: Error) => {
      // One failed measurement is reported, not allowed to lose the whole report.
      log(`  web bench failed: ${err.message.split("\n")[0]}`);
      lines.push(`Stream browser figures failed: ${err.message.split("\n")[0]}`);
      return undefined;
    });
    if (w) {
      log(`  first rows ${w.firstRowsMs.toFixed(0)} ms; filter change p95 ${w.filterChange.p95Ms.toFixed(0)} ms; scroll ${w.scroll.rows} rows, ${w.scroll.droppedFrames}/${w.scroll.frames} frames over 20 ms`);
      log(`  longest frames: ${w.scroll.longestFrames.map((f) => `${f.ms} ms (${f.rowsLoaded} rows loaded${f.pageArrived ? ", a page arrived" : ""})`).join(", ")}`);
      lines.push(
        "| measure | figure | target |",
        "|:--|--:|:--|",
        `| stream: first rows visible after navigation | ${w.firstRowsMs.toFixed(0)} ms | ≤ 1000 ms: ${w.firstRowsMs <= 1000 ? "yes" : "NO"} |`,
        `| stream: filter change reflected, p50 / p95 (${w.filterChange.samples} changes) | ${w.filterChange.p50Ms.toFixed(0)} / ${w.filterChange.p95Ms.toFixed(0)} ms | p95 ≤ 300 ms: ${w.filterChange.p95Ms <= 300 ? "yes" : "NO"} |`,
        `| stream: scrolling ${w.scroll.rows.toLocaleString("en-US")} rows | ${w.scroll.droppedFrames} of ${w.scroll.frames} frames over 20 ms (${w.scroll.droppedPct.toFixed(1)}%), longest ${w.scroll.maxFrameMs.toFixed(0)} ms | no dropped frames: ${w.scroll.droppedFrames === 0 ? "yes" : "NO"} |`,
      );
    }
  }
  log("\n== public booking page on a demo server");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-bench-demo-"));
  const demo = await startServer(loadConfig({}, { port: 0, dataDir, demo: true, workers: false, logLevel: "silent" }), () => {});
  try {
    for (const phone of [false, true]) {
      const r = await benchPublicPage(demo.url, { runs: 10, viewport: phone ? { width: 375, height: 812 } : { width: 1280, height: 800 } });
      log(`  first slots on screen (${phone ? "phone" : "desktop"}): p50 ${r.firstSlotsMs.p50.toFixed(0)} ms, p95 ${r.firstSlotsMs.p95.toFixed(0)} ms`);
      lines.push(`| public page: first slots on screen, ${phone ? "phone" : "desktop"} p50 / p95 | ${r.firstSlotsMs.p50.toFixed(0)} / ${r.firstSlotsMs.p95.toFixed(0)} ms | < 1000 ms: ${r.firstSlotsMs.p95 < 1000 ? "yes" : "NO"} |`);
    }
  } finally {
    await demo.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return lines.join("\n");
}
