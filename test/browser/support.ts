import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import lockfile from "proper-lockfile";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { createApiToken } from "../../src/app/auth.js";
import { DEMO_ADMIN } from "../../src/app/demo/seed.js";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server.js";

/**
 * Browser tests: a real server (demo data, background jobs) on a fresh embedded database, the
 * built web app, and Debian's Chromium driven by playwright-core.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SCREENSHOTS = path.join(ROOT, "test-results/screenshots");
export const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

function newestMtime(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }, 0);
}

/** Builds web/dist when missing or older than web/src (once, even with test files in parallel). */
export async function ensureWebBuild() {
  const web = path.join(ROOT, "web");
  const release = await lockfile.lock(web, { retries: { retries: 120, minTimeout: 500, maxTimeout: 1000 }, stale: 120_000 });
  try {
    const dist = path.join(web, "dist/index.html");
    const sources = Math.max(newestMtime(path.join(web, "src")), fs.statSync(path.join(web, "index.html")).mtimeMs, fs.statSync(path.join(web, "vite.config.ts")).mtimeMs);
    if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < sources) {
      execSync("npx vite build --config web/vite.config.ts --logLevel warn", { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    }
  } finally {
    await release();
  }
}

export interface BrowserEnv {
  server: RunningServer;
  browser: Browser;
  token: string;
  dataDir: string;
  api<T = any>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** The built web app (ensureWebBuild makes it), for servers started by the test harness. */
export const WEB_DIST = path.join(ROOT, "web/dist");

/** Debian's Chromium, headless; the web app built first. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await ensureWebBuild();
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export async function startBrowserEnv(): Promise<BrowserEnv> {
  const browser = await launchBrowser();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-browser-"));
  const server = await startServer(loadConfig({}, { port: 0, dataDir, demo: true, workers: true, testClock: false, logLevel: "silent" }), () => undefined);
  const token = await createApiToken(server.handle.db, DEMO_ADMIN.email, "browser test");
  const api = async <T = any>(method: string, p: string, body?: unknown) => {
    const res = await fetch(server.url + p, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    server,
    browser,
    token,
    dataDir,
    api,
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function newPage(env: { browser: Browser; server: { url: string } }, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await env.browser.newContext({ viewport, baseURL: env.server.url, hasTouch: viewport.width < 1100, reducedMotion: "reduce" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

export async function signIn(page: Page, email = DEMO_ADMIN.email, password = DEMO_ADMIN.password) {
  await page.goto("/activities");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await rows(page).first().waitFor();
}

export const rows = (page: Page) => page.locator("[role=listbox] [role=option]");
export const pane = (page: Page) => page.getByRole("complementary", { name: "Activity details" });

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Waits until the locator's text contains `text` (the page updates on its own; no sleeps). */
export async function waitForText(locator: Locator, text: string | RegExp) {
  await locator.filter({ hasText: text }).first().waitFor();
}

/**
 * Picks activities for a test through the API, never the same one twice in a file, so each
 * flow works on its own booking.
 */
export function picker(env: BrowserEnv) {
  const used = new Set<string>();
  return async (params: string, accept: (a: any) => boolean = () => true): Promise<any> => {
    const r = await env.api<{ items: any[] }>("GET", `/api/v1/activities?limit=200&${params}`);
    const a = r.body.items.find((x) => !used.has(x.id) && accept(x));
    if (!a) throw new Error(`No unused activity for ${params}`);
    used.add(a.id);
    return a;
  };
}

export const future = (a: { start: string | null }) => a.start !== null && Date.parse(a.start) > Date.now() + 3_600_000;
export const hasFutureProposal = (a: { proposedTimes: string[] | null }) => (a.proposedTimes ?? []).some((t) => Date.parse(t) > Date.now() + 3_600_000);
