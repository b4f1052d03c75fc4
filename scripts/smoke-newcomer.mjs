#!/usr/bin/env node
// A newcomer's first minutes, as CI replays them: a fresh clone, `npm install`, `npm start` on an
// empty data folder; wait for the printed URL, sign in with the printed credentials, and check that
// the stream holds the promised few hundred activities in every lifecycle status, with packages.
// Usage: node scripts/smoke-newcomer.mjs <repository> ; exits 0 when every check passes.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const repo = path.resolve(process.argv[2] ?? ".");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-newcomer-"));
const clone = path.join(work, "bookstream");
const dataDir = path.join(work, "data");
const checks = [];
const check = (name, ok, detail = "") => {
  checks.push({ name, ok });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });

let server;
try {
  console.log(`== git clone ${repo} ${clone}`);
  execFileSync("git", ["clone", "--quiet", repo, clone], { stdio: "inherit" });
  console.log("== npm install");
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: clone, stdio: "inherit" });
  const port = await freePort();
  console.log(`== npm start (DATA_DIR=${dataDir}, PORT=${port})`);
  server = spawn("npm", ["start"], { cwd: clone, env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "warn" }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  server.stdout.on("data", (d) => (out += d));
  server.stderr.on("data", (d) => (out += d));
  const started = Date.now();
  let url, email, password;
  while (Date.now() - started < 10 * 60_000) {
    url = out.match(/Bookstream is running at (\S+)/)?.[1];
    [, email, password] = out.match(/Sign in as (\S+) \/ (\S+)/) ?? [];
    if (url && email) break;
    if (server.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  check("npm start prints the URL and how to sign in", Boolean(url && email && password), url ? `${url} in ${Math.round((Date.now() - started) / 1000)} s` : out.slice(-2000));
  if (!url || !email) throw new Error("the server did not start");

  const signIn = await fetch(`${url}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify({ email, password }) });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];
  check("the printed credentials sign in", signIn.status === 200 && cookie.includes("="), `HTTP ${signIn.status}`);
  const get = async (p) => {
    const r = await fetch(url + p, { headers: { cookie } });
    return { status: r.status, body: await r.json() };
  };
  const all = await get("/api/v1/activities?limit=1&includeTotal=true");
  check("the stream holds a few hundred activities", all.status === 200 && all.body.total >= 250, `${all.body.total} activities`);
  for (const status of ["Requested", "Scheduled", "Rescheduled", "Canceled", "Completed", "No-show", "Expired"]) {
    const r = await get(`/api/v1/activities?type=booking&status=${encodeURIComponent(status)}&limit=1&includeTotal=true`);
    check(`bookings in status ${status}`, r.status === 200 && r.body.total > 0, `${r.body.total}`);
  }
  for (const status of ["Created", "Updated", "Completed"]) {
    const r = await get(`/api/v1/activities?type=package&status=${status}&limit=1&includeTotal=true`);
    check(`session packages in status ${status}`, r.status === 200 && r.body.total > 0, `${r.body.total}`);
  }
  // The demo's payments are made by real flows against the local PayPal once the server listens.
  const seven = ["PAYMENT (SCHEDULE)", "PAYMENT (RESCHEDULE)", "PAYMENT PENDING (SCHEDULE)", "AUTOMATIC REFUND (CANCELLATION)", "AUTOMATIC REFUND PENDING (CANCELLATION)", "MANUAL REFUND VIA BOOKSTREAM", "MANUAL REFUND VIA PAYPAL"];
  let missing = seven;
  for (let i = 0; i < 60 && missing.length; i++) {
    const t = await get("/api/v1/activities?type=transaction&limit=200");
    missing = seven.filter((d) => !t.body.items?.some((a) => a.detailedStatus === d));
    if (missing.length) await new Promise((r) => setTimeout(r, 1000));
  }
  check("transactions in all seven rows of the seed's table", missing.length === 0, missing.length ? `missing ${missing.join(", ")}` : "");
  const page = await fetch(url + "/activities");
  check("the web app is served", page.status === 200 && (await page.text()).includes("<div id=\"root\""));
} catch (err) {
  check("the newcomer's path completes", false, String(err?.message ?? err));
} finally {
  if (server?.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {}
    await new Promise((r) => setTimeout(r, 1500));
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {}
  }
  fs.rmSync(work, { recursive: true, force: true });
}
const failed = checks.filter((c) => !c.ok).length;
console.log(`newcomer smoke test: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
