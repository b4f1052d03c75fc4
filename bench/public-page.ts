/**
 * "First slots on screen" on a public booking page: ms from navigation start to the web app's
 * `bookstream:first-slots` mark (set when the first week's slot buttons are rendered). Each run is
 * a first visit (fresh browser context: no cache, no cookies); three warm-up runs are not counted.
 *
 *   npx tsx bench/public-page.ts http://127.0.0.1:3000 [slug=intro-call] [--runs 10] [--phone]
 */
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export interface PublicPageBenchOptions {
  slug?: string;
  runs?: number;
  chromiumPath?: string;
  viewport?: { width: number; height: number };
}

export interface PublicPageBenchResult {
  slug: string;
  runs: number;
  firstSlotsMs: { p50: number; p95: number; min: number; max: number };
  /** The same runs, split: the HTML and app assets, then the API answers the page waits for. */
  navigationMs: { domContentLoadedP50: number; slotsResponseEndP50: number };
  samples: number[];
}

const WARM_UP = 3;
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export async function benchPublicPage(url: string, opts: PublicPageBenchOptions = {}): Promise<PublicPageBenchResult> {
  const base = url.replace(/\/$/, "");
  const slug = opts.slug ?? "intro-call";
  const runs = opts.runs ?? 10;
  const browser = await chromium.launch({ executablePath: opts.chromiumPath ?? "/usr/bin/chromium", args: ARGS });
  const samples: number[] = [];
  const dcl: number[] = [];
  const slotsEnd: number[] = [];
  try {
    for (let i = 0; i < runs + WARM_UP; i++) {
      const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/book/${encodeURIComponent(slug)}`);
      await page.locator("button[data-start]").first().waitFor({ timeout: 30_000 });
      const t = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
        const slots = performance.getEntriesByType("resource").find((e) => e.name.includes("/slots?"));
        return {
          mark: performance.getEntriesByName("bookstream:first-slots")[0]?.startTime ?? Number.NaN,
          dcl: nav?.domContentLoadedEventEnd ?? Number.NaN,
          slots: (slots as PerformanceResourceTiming | undefined)?.responseEnd ?? Number.NaN,
        };
      });
      await context.close();
      if (i < WARM_UP) continue; // the server's first answers include JIT and cache fills
      samples.push(t.mark);
      dcl.push(t.dcl);
      slotsEnd.push(t.slots);
    }
  } finally {
    await browser.close();
  }
  return {
    slug,
    runs,
    firstSlotsMs: { p50: round(pct(samples, 50)), p95: round(pct(samples, 95)), min: round(Math.min(...samples)), max: round(Math.max(...samples)) },
    navigationMs: { domContentLoadedP50: round(pct(dcl, 50)), slotsResponseEndP50: round(pct(slotsEnd, 50)) },
    samples: samples.map(round),
  };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};
const round = (x: number) => Math.round(x * 10) / 10;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const [url, slug] = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--runs"));
  if (!url) {
    console.error("usage: tsx bench/public-page.ts URL [slug] [--runs N] [--phone]");
    process.exit(2);
  }
  const phone = args.includes("--phone");
  const r = await benchPublicPage(url, { slug: slug ?? "intro-call", runs: Number(flag("runs") ?? 10), viewport: phone ? { width: 375, height: 812 } : undefined });
  console.log(`public page /book/${r.slug} (${phone ? "375×812" : "1280×800"}), ${r.runs} first visits after ${WARM_UP} warm-up visits:`);
  console.log(`  first slots on screen   p50 ${r.firstSlotsMs.p50} ms, p95 ${r.firstSlotsMs.p95} ms (min ${r.firstSlotsMs.min}, max ${r.firstSlotsMs.max}) after navigation start`);
  console.log(`  DOMContentLoaded p50 ${r.navigationMs.domContentLoadedP50} ms; slots answer received p50 ${r.navigationMs.slotsResponseEndP50} ms`);
}
