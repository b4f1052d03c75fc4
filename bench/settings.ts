/**
 * Settings benchmark (issue 10): an account with 200 users and 500 booking pages (two event types
 * each, teams, editors and viewers, weekly hours and date overrides, master pages), then the load
 * time of each settings screen's API calls (each screen's calls fired together, as the web app
 * does), p50/p95 over many loads, as an admin and as a member; target p95 < 300 ms. With
 * Chromium, also the time until the booking-page list and the team show their content.
 *
 *   npx tsx bench/settings.ts                      # PGlite in memory, then PostgreSQL (BENCH_POSTGRES_URL)
 *   BENCH_ENGINES=pglite npx tsx bench/settings.ts
 *   BENCH_SETTINGS_LOADS=50 …                     # timed loads per screen (default 200)
 * `npm run bench` runs it after the other benchmarks (bench/run.ts).
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import argon2 from "argon2";
import { chromium } from "playwright-core";
import pg from "pg";
import { createApiToken } from "../src/app/auth.js";
import { loadConfig } from "../src/config.js";
import { startServer, type RunningServer } from "../src/server.js";
import type { Db } from "../src/store/database.js";
import { httpClient, percentile } from "./measure.js";

const USERS = 200;
const PAGES = 500;
const MASTERS = 20;
const TARGET_P95_MS = 300;
const ZONES = ["Europe/Berlin", "America/New_York", "Europe/London", "America/Chicago", "Asia/Tokyo", "Australia/Sydney"];
const WEEK = Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]]));

export interface ScreenTiming {
  screen: string;
  who: "admin" | "member";
  calls: number;
  p50Ms: number;
  p95Ms: number;
}

export interface SettingsBenchResult {
  engine: string;
  users: number;
  pages: number;
  loads: number;
  screens: ScreenTiming[];
  browser?: { screen: string; p50Ms: number; p95Ms: number; runs: number }[];
}

interface Seeded {
  accountId: string;
  adminEmail: string;
  memberEmail: string;
  memberId: string;
  userIds: string[];
  pageIds: string[];
}

/** The account, written straight through the database in a few multi-row statements. */
async function seedAccount(db: Db): Promise<Seeded> {
  const accountId = randomUUID();
  const tag = accountId.slice(0, 8);
  const hash = await argon2.hash("bench password");
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: randomUUID(), account_id: accountId, email: `user${i}-${tag}@bench.test`, name: `Person ${String(i).padStart(3, "0")}`,
    role: (i < 5 ? "admin" : "member") as "admin" | "member", password_hash: hash, time_zone: ZONES[i % ZONES.length],
  }));
  const pages = Array.from({ length: PAGES }, (_, i) => ({
    id: randomUUID(), account_id: accountId, slug: `bench-${tag}-${i}`, name: `Service ${String(i).padStart(3, "0")}`, owner_id: users[i % USERS].id,
    time_zone: ZONES[i % ZONES.length], duration_minutes: 30 + (i % 4) * 15, mode: (i % 5 === 0 ? "approval" : "automatic") as "approval" | "automatic",
    location: null, open_hours: JSON.stringify(WEEK), questions: JSON.stringify([{ id: "topic", label: "What is it about?", required: i % 2 === 0 }]),
  }));
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("accounts").values({ id: accountId, name: "Settings bench" }).execute();
    for (let i = 0; i < users.length; i += 100) await tx.insertInto("users").values(users.slice(i, i + 100)).execute();
    for (let i = 0; i < pages.length; i += 100) await tx.insertInto("booking_pages").values(pages.slice(i, i + 100)).execute();
    const eventTypes = pages.flatMap((p) => [
      { id: randomUUID(), account_id: accountId, booking_page_id: p.id, name: "Short", duration_minutes: 15 },
      { id: randomUUID(), account_id: accountId, booking_page_id: p.id, name: "Long", duration_minutes: 60 },
    ]);
    for (let i = 0; i < eventTypes.length; i += 200) await tx.insertInto("event_types").values(eventTypes.slice(i, i + 200)).execute();
    // Every fifth page has a team of four; every page an editor and a viewer.
    const hosts = pages.flatMap((p, i) => (i % 5 === 0 ? [0, 1, 2, 3].map((k) => ({ account_id: accountId, booking_page_id: p.id, user_id: users[(i + k * 7) % USERS].id, position: k })) : []));
    for (let i = 0; i < hosts.length; i += 200) await tx.insertInto("booking_page_hosts").values(hosts.slice(i, i + 200)).execute();
    const members = pages.flatMap((p, i) => [
      { account_id: accountId, booking_page_id: p.id, user_id: users[(i + 11) % USERS].id, role: "editor" as const },
      { account_id: accountId, booking_page_id: p.id, user_id: users[(i + 23) % USERS].id, role: "viewer" as const },
    ]).filter((m, i, all) => all.findIndex((x) => x.booking_page_id === m.booking_page_id && x.user_id === m.user_id) === i);
    for (let i = 0; i < members.length; i += 200) await tx.insertInto("booking_page_members").values(members.slice(i, i + 200)).execute();
    await tx.insertInto("user_weekly_hours").values(users.map((u) => ({ user_id: u.id, account_id: accountId, hours: JSON.stringify(WEEK) }))).execute();
    const today = new Date();
    const overrides = users.flatMap((u, i) => [3, 10, 17].map((d) => ({ account_id: accountId, user_id: u.id, day: new Date(today.getTime() + (d + (i % 5)) * 86_400_000).toISOString().slice(0, 10), ranges: "[]" })));
    for (let i = 0; i < overrides.length; i += 200) await tx.insertInto("user_date_overrides").values(overrides.slice(i, i + 200)).execute();
    for (let m = 0; m < MASTERS; m++) {
      const id = randomUUID();
      await tx.insertInto("master_pages").values({ id, account_id: accountId, slug: `bench-m-${tag}-${m}`, name: `Front door ${m}`, routing: m % 2 ? "round_robin" : "customer_choice" }).execute();
      await tx.insertInto("master_page_targets").values([0, 1, 2].map((k) => ({ id: randomUUID(), account_id: accountId, master_page_id: id, booking_page_id: pages[(m * 3 + k) % PAGES].id, user_id: null, position: k }))).execute();
    }
  });
  // The member: owns, edits or views a handful of pages, like most of a team.
  const member = users[11];
  return { accountId, adminEmail: users[0].email, memberEmail: member.email, memberId: member.id, userIds: users.map((u) => u.id), pageIds: pages.map((p) => p.id) };
}

/** Each screen's API calls, as the web app makes them on opening it. */
function screens(s: Seeded, who: "admin" | "member", pick: (n: number) => number): { screen: string; paths: () => string[] }[] {
  const self = who === "admin" ? s.userIds[0] : s.memberId;
  return [
    { screen: "Your profile", paths: () => ["/api/v1/me"] },
    { screen: "Team", paths: () => (who === "admin" ? ["/api/v1/users?status=all", "/api/v1/invitations"] : ["/api/v1/users?status=active"]) },
    { screen: "Booking pages (list)", paths: () => ["/api/v1/booking-pages", "/api/v1/account"] },
    { screen: "Booking page (editor)", paths: () => [`/api/v1/booking-pages/${who === "admin" ? s.pageIds[pick(PAGES)] : s.pageIds[11]}`, "/api/v1/users"] },
    { screen: "Availability", paths: () => [`/api/v1/users/${who === "admin" ? s.userIds[pick(USERS)] : self}/availability`, "/api/v1/users"] },
    { screen: "Master pages", paths: () => ["/api/v1/master-pages", "/api/v1/booking-pages", "/api/v1/users"] },
    { screen: "Account", paths: () => ["/api/v1/account"] },
  ];
}

export async function benchSettings(opts: { engine: "pglite" | "postgres"; databaseUrl?: string; loads?: number; browser?: boolean; log?: (l: string) => void }): Promise<SettingsBenchResult> {
  const log = opts.log ?? console.log;
  const loads = opts.loads ?? Number(process.env.BENCH_SETTINGS_LOADS ?? 200);
  // PGlite: a data folder of its own, removed after.
  const dataDir = opts.databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-bench-settings-"));
  const location = opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { dataDir: dataDir! };
  const server: RunningServer = await startServer(loadConfig({}, { port: 0, ...location, demo: false, workers: false, logLevel: "silent" }), () => {});
  try {
    const t0 = performance.now();
    const seeded = await seedAccount(server.handle.db);
    log(`  ${opts.engine}: ${USERS} users, ${PAGES} booking pages (${PAGES * 2} event types), ${MASTERS} master pages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const result: SettingsBenchResult = { engine: opts.engine, users: USERS, pages: PAGES, loads, screens: [] };
    let seed = 1;
    const pick = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (const who of ["admin", "member"] as const) {
      const token = await createApiToken(server.handle.db, who === "admin" ? seeded.adminEmail : seeded.memberEmail, "bench");
      // A browser keeps up to six connections to a server: the screen's calls go out together,
      // one connection each (a bench client runs one request at a time).
      const parallel = Array.from({ length: 4 }, () => httpClient(server.url, token));
      for (const sc of screens(seeded, who, pick)) {
        const load = async () => {
          const statuses = await Promise.all(sc.paths().map((p, i) => parallel[i % parallel.length].fetchOnly(p)));
          if (statuses.some((st) => st !== 200)) throw new Error(`${sc.screen} (${who}): HTTP ${statuses.join(",")} for ${sc.paths().join(" ")}`);
        };
        for (let i = 0; i < 20; i++) await load();
        const samples: number[] = [];
        for (let i = 0; i < loads; i++) {
          const t = performance.now();
          await load();
          samples.push(performance.now() - t);
        }
        const timing = { screen: sc.screen, who, calls: sc.paths().length, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95) };
        result.screens.push(timing);
        log(`  ${opts.engine.padEnd(8)} ${who.padEnd(6)} ${sc.screen.padEnd(24)} p50 ${timing.p50Ms.toFixed(1).padStart(6)} ms  p95 ${timing.p95Ms.toFixed(1).padStart(6)} ms`);
      }
      for (const c of parallel) c.close();
    }
    if (opts.browser !== false && fs.existsSync("/usr/bin/chromium") && fs.existsSync(fileURLToPath(new URL("../web/dist/index.html", import.meta.url)))) {
      result.browser = await browserLoads(server.url, await createApiToken(server.handle.db, seeded.adminEmail, "bench browser"), log);
    }
    return result;
  } finally {
    await server.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Time from navigation until the screen shows its content: the list of 500 pages, the team of 200. */
async function browserLoads(url: string, token: string, log: (l: string) => void) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    // tsx/esbuild wraps named functions in __name(); the functions evaluated in the page need it too.
    await context.addInitScript("globalThis.__name = globalThis.__name || ((fn) => fn);");
    const page = await context.newPage();
    const out = [];
    for (const [screen, path, ready] of [
      ["Booking pages (browser)", "/settings/booking-pages", ".page-list .page-card"],
      ["Team (browser)", "/settings/team", ".team-list .team-row"],
    ] as const) {
      const samples: number[] = [];
      for (let i = 0; i < 12; i++) {
        await page.goto(`${url}/activities`);
        await page.waitForSelector("[data-testid=account]");
        // In-app navigation, as a click on the settings link does; timed inside the page, from the
        // navigation to the first frame that shows the content (no round trips to the driver).
        const ms = await page.evaluate(
          ([p, sel]) =>
            new Promise<number>((resolve) => {
              const t = performance.now();
              window.history.pushState(null, "", p);
              window.dispatchEvent(new PopStateEvent("popstate"));
              const check = () => (document.querySelector(sel) ? resolve(performance.now() - t) : requestAnimationFrame(check));
              requestAnimationFrame(check);
            }),
          [path, ready] as const,
        );
        if (i >= 2) samples.push(ms);
      }
      const r = { screen, p50Ms: percentile(samples, 50), p95Ms: percentile(samples, 95), runs: samples.length };
      log(`  browser  admin  ${screen.padEnd(24)} p50 ${r.p50Ms.toFixed(0).padStart(6)} ms  p95 ${r.p95Ms.toFixed(0).padStart(6)} ms`);
      out.push(r);
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** The report's section: one row per screen and engine. */
export function renderSettings(results: SettingsBenchResult[]): string {
  const lines = [
    "",
    `## Settings screens (issue 10): ${USERS} users, ${PAGES} booking pages`,
    "",
    `| engine | who | screen | API calls | p50 | p95 | target p95 < ${TARGET_P95_MS} ms |`,
    "|:--|:--|:--|--:|--:|--:|:--|",
  ];
  for (const r of results) {
    for (const s of r.screens) lines.push(`| ${r.engine} | ${s.who} | ${s.screen} | ${s.calls} | ${s.p50Ms.toFixed(1)} ms | ${s.p95Ms.toFixed(1)} ms | ${s.p95Ms < TARGET_P95_MS ? "yes" : "NO"} |`);
    for (const b of r.browser ?? []) lines.push(`| ${r.engine} | admin | ${b.screen}: content shown after navigation | — | ${b.p50Ms.toFixed(0)} ms | ${b.p95Ms.toFixed(0)} ms | ${b.p95Ms < TARGET_P95_MS ? "yes" : "NO"} |`);
  }
  return lines.join("\n");
}

/** PostgreSQL: a database of its own, made fresh for each run and dropped after. */
export async function withBenchDatabase<T>(serverUrl: string, work: (url: string) => Promise<T>, name = "bookstream_bench_settings"): Promise<T> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    return await work(`${serverUrl}/${name}`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

export async function runSettingsBench(engines: string[], postgresUrl: string, log: (l: string) => void): Promise<string> {
  const results: SettingsBenchResult[] = [];
  for (const engine of engines) {
    log(`\n== settings screens on ${engine}`);
    if (engine === "postgres") results.push(await withBenchDatabase(postgresUrl, (databaseUrl) => benchSettings({ engine, databaseUrl, log })));
    else results.push(await benchSettings({ engine: "pglite", log }));
  }
  return renderSettings(results);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const engines = (process.env.BENCH_ENGINES ?? "pglite,postgres").split(",").map((s) => s.trim()).filter(Boolean);
  runSettingsBench(engines, process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432", console.log)
    .then((report) => console.log(report))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
