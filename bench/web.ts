/**
 * Browser measurements of the web app against a running server (built web app at /):
 *  - first stream rows visible after navigation (the app's `bookstream:first-rows` mark, ms since
 *    navigation start),
 *  - a filter change reflected in the list (URL change → rows for the new filter painted), p50/p95
 *    over ~20 distinct filters,
 *  - scrolling 10,000 rows (loading pages as it goes): frames whose requestAnimationFrame delta is
 *    over 20 ms count as dropped.
 *
 *   npx tsx bench/web.ts http://127.0.0.1:3000 --token bst_…
 *   npx tsx bench/web.ts http://127.0.0.1:3000 --email admin@demo.bookstream.test --password bookstream-demo
 */
import { fileURLToPath } from "node:url";
import { chromium, type Page } from "playwright-core";

export type WebBenchAuth = string | { token: string } | { email: string; password: string };

export interface WebBenchOptions {
  chromiumPath?: string;
  /** Rows to scroll through (fewer when the stream has fewer). */
  scrollRows?: number;
  filterChanges?: number;
  viewport?: { width: number; height: number };
}

export interface WebBenchResult {
  firstRowsMs: number;
  filterChange: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
  scroll: {
    rows: number;
    frames: number;
    droppedFrames: number;
    droppedPct: number;
    maxFrameMs: number;
    durationMs: number;
    /** Diagnostics: the five longest frames (ms), the rows loaded when each ended and whether a page arrived in it. */
    longestFrames: { ms: number; rowsLoaded: number; pageArrived: boolean }[];
  };
}

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/** Filters a user might pick, all different, so none is answered from the cache. */
const FILTERS = [
  "view=requests", "view=upcoming", "view=today", "status=Scheduled", "status=Canceled", "status=Completed", "status=Requested",
  "status=Rescheduled", "status=No-show", "status=Expired", "type=booking", "type=package", "type=booking,package",
  "detailedStatus=Canceled%20(By%20user)", "detailedStatus=Canceled%20(By%20customer)", "detailedStatus=Scheduled%20(By%20customer)",
  "detailedStatus=Rescheduled%20(By%20customer)", "status=Scheduled,Rescheduled", "q=ann", "q=john", "q=a*", "status=Canceled&q=lee",
];

export async function benchWeb(url: string, auth: WebBenchAuth, opts: WebBenchOptions = {}): Promise<WebBenchResult> {
  const base = url.replace(/\/$/, "");
  const a = typeof auth === "string" ? { token: auth } : auth;
  const browser = await chromium.launch({ executablePath: opts.chromiumPath ?? "/usr/bin/chromium", args: ARGS });
  try {
    const context = await browser.newContext({
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      ...("token" in a ? { extraHTTPHeaders: { authorization: `Bearer ${a.token}` } } : {}),
    });
    // tsx/esbuild wraps named functions in __name(); the functions evaluated in the page need it too.
    await context.addInitScript("globalThis.__name = globalThis.__name || ((fn) => fn);");
    if ("email" in a) {
      const r = await context.request.post(`${base}/api/v1/auth/sign-in`, { data: { email: a.email, password: a.password } });
      if (!r.ok()) throw new Error(`sign-in failed: ${r.status()} ${await r.text()}`);
    }
    const page = await context.newPage();

    await page.goto(`${base}/activities`);
    await page.locator("[role=listbox] [role=option]").first().waitFor({ timeout: 60_000 });
    const firstRowsMs = await page.evaluate(() => performance.getEntriesByName("bookstream:first-rows")[0]?.startTime ?? Number.NaN);

    const samples: number[] = [];
    const n = Math.min(opts.filterChanges ?? 20, FILTERS.length);
    for (const qs of FILTERS.slice(0, n)) samples.push(await filterChange(page, qs));
    await filterChange(page, "");

    const scroll = await scrollRows(page, opts.scrollRows ?? 10_000);
    return { firstRowsMs: round(firstRowsMs), filterChange: { samples: samples.length, p50Ms: round(pct(samples, 50)), p95Ms: round(pct(samples, 95)), maxMs: round(Math.max(...samples)) }, scroll };
  } finally {
    await browser.close();
  }
}

/** Changes the URL's filter as the app's own navigation does; resolves when the new rows are painted. */
function filterChange(page: Page, qs: string): Promise<number> {
  return page.evaluate(async (search) => {
    const before = document.querySelector<HTMLElement>("[role=listbox]")?.dataset.filterKey;
    const t0 = performance.now();
    history.pushState(null, "", `/activities${search ? `?${search}` : ""}`);
    dispatchEvent(new PopStateEvent("popstate"));
    return new Promise<number>((resolve, reject) => {
      const ready = () => {
        const l = document.querySelector<HTMLElement>("[role=listbox]");
        return Boolean(l && l.dataset.filterKey !== before && l.dataset.state === "ready");
      };
      const finish = () => requestAnimationFrame(() => resolve(performance.now() - t0));
      if (ready()) return finish();
      const timer = setTimeout(() => (obs.disconnect(), reject(new Error(`filter ${search} not reflected in 30 s`))), 30_000);
      const obs = new MutationObserver(() => {
        if (!ready()) return;
        obs.disconnect();
        clearTimeout(timer);
        finish();
      });
      obs.observe(document.body, { attributes: true, subtree: true, childList: true, attributeFilter: ["data-state", "data-filter-key"] });
    });
  }, qs);
}

/** Scrolls the list by a few rows every frame until `target` rows have passed (or the end). */
function scrollRows(page: Page, target: number): Promise<WebBenchResult["scroll"]> {
  return page.evaluate(async (targetRows) => {
    const list = document.querySelector<HTMLElement>("[role=listbox]")!;
    const rowH = list.querySelector("[role=option]")!.getBoundingClientRect().height;
    const step = rowH * 6;
    const start = performance.now();
    let last = start;
    let frames = 0;
    let dropped = 0;
    let maxFrame = 0;
    let stuckSince = 0;
    const longest: { ms: number; rowsLoaded: number; pageArrived: boolean }[] = [];
    let loaded = Number(list.dataset.loaded);
    return new Promise<WebBenchResult["scroll"]>((resolve) => {
      const tick = (t: number) => {
        const d = t - last;
        last = t;
        if (frames++ > 0) {
          if (d > 20) dropped++;
          maxFrame = Math.max(maxFrame, d);
          const nowLoaded = Number(list.dataset.loaded);
          if (longest.length < 5 || d > longest[longest.length - 1].ms) {
            longest.push({ ms: d, rowsLoaded: nowLoaded, pageArrived: nowLoaded !== loaded });
            longest.sort((a, b) => b.ms - a.ms).splice(5);
          }
          loaded = nowLoaded;
        }
        const reachable = list.scrollHeight - list.clientHeight;
        if (list.scrollTop < reachable - 1) {
          list.scrollTop = Math.min(list.scrollTop + step, reachable);
          stuckSince = 0;
        } else if (!list.querySelector(".row-loader")) stuckSince ||= t; // the end: nothing more to load
        const rows = Math.floor((list.scrollTop + list.clientHeight) / rowH);
        if (rows >= targetRows || (stuckSince && t - stuckSince > 1_000) || t - start > 180_000) {
          const r = (x: number) => Math.round(x * 10) / 10;
          resolve({ rows: Math.min(rows, targetRows), frames, droppedFrames: dropped, droppedPct: r((100 * dropped) / Math.max(1, frames - 1)), maxFrameMs: r(maxFrame), durationMs: Math.round(t - start), longestFrames: longest.map((f) => ({ ...f, ms: r(f.ms) })) });
        } else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  }, target);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [url, ...rest] = process.argv.slice(2);
  const flag = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (!url) {
    console.error("usage: tsx bench/web.ts URL (--token TOKEN | --email E --password P) [--rows N]");
    process.exit(2);
  }
  const token = flag("token");
  const auth: WebBenchAuth = token ? { token } : { email: flag("email") ?? "admin@demo.bookstream.test", password: flag("password") ?? "bookstream-demo" };
  const r = await benchWeb(url, auth, { scrollRows: Number(flag("rows") ?? 10_000) });
  console.log(`web: first rows visible      ${r.firstRowsMs} ms after navigation start`);
  console.log(`web: filter change reflected p50 ${r.filterChange.p50Ms} ms, p95 ${r.filterChange.p95Ms} ms, max ${r.filterChange.maxMs} ms (${r.filterChange.samples} changes)`);
  console.log(`web: scrolled ${r.scroll.rows} rows in ${r.scroll.durationMs} ms: ${r.scroll.frames} frames, ${r.scroll.droppedFrames} over 20 ms (${r.scroll.droppedPct}%), worst ${r.scroll.maxFrameMs} ms`);
  const frame = (f: WebBenchResult["scroll"]["longestFrames"][number]) => `${f.ms} ms (${f.rowsLoaded} rows loaded${f.pageArrived ? ", a page arrived" : ""})`;
  console.log(`web: longest frames ${r.scroll.longestFrames.map(frame).join(", ")}`);
}
