import type { Engine } from "../src/store/database.js";
import type { Target } from "./cases.js";
import type { Summary } from "./measure.js";

/** Targets from the issue: on PostgreSQL, and PGlite relative to PostgreSQL. */
export const TARGETS = { filterP95Ms: 30, lookupP95Ms: 5, httpOverSql: 1.5, pgliteOverPostgres: 3 } as const;

export interface CaseResult {
  name: string;
  engine: Engine;
  target: Target;
  params: string;
  rows: number;
  http: Summary;
  sql: Summary;
}

export interface EngineRun {
  engine: Engine;
  activities: number;
  seed: { reused: boolean; inserted: number; seconds: number; rowsPerSecond: number; phases?: string };
  iterations: number;
  results: CaseResult[];
}

export interface Verdict {
  met: boolean | null;
  why: string;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : "–");
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "–");

/**
 * PostgreSQL rows: HTTP p95 ≤ 30 ms (first page, one filter) or ≤ 5 ms (ID lookup), and HTTP p95
 * ≤ 1.5 × SQL p95. PGlite rows: HTTP p95 within 3 × PostgreSQL's (when PostgreSQL ran too).
 */
export function verdict(r: CaseResult, postgresTwin: CaseResult | undefined): Verdict {
  const check = (ok: boolean, text: string) => `${text} ${ok ? "✓" : "✗"}`;
  if (r.engine === "pglite") {
    if (!postgresTwin) return { met: null, why: "no PostgreSQL run to compare" };
    const k = ratio(r.http.p95, postgresTwin.http.p95);
    const ok = k <= TARGETS.pgliteOverPostgres;
    return { met: ok, why: check(ok, `${x(k)} PostgreSQL (≤ ${TARGETS.pgliteOverPostgres}×)`) };
  }
  const checks: string[] = [];
  let met = true;
  if (r.target !== "none") {
    const limit = r.target === "lookup" ? TARGETS.lookupP95Ms : TARGETS.filterP95Ms;
    const ok = r.http.p95 <= limit;
    met &&= ok;
    checks.push(check(ok, `p95 ≤ ${limit} ms`));
  }
  const ok = ratio(r.http.p95, r.sql.p95) <= TARGETS.httpOverSql;
  met &&= ok;
  checks.push(check(ok, `HTTP/SQL ≤ ${TARGETS.httpOverSql}`));
  return { met, why: checks.join(", ") };
}

const mark = (v: Verdict) => (v.met === null ? `n/a (${v.why})` : `${v.met ? "yes" : "NO"} (${v.why})`);

function table(header: string[], rows: string[][], align: ("l" | "r")[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (align[i] === "r" ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (align[i] === "r" ? `${"-".repeat(w + 1)}:` : `:${"-".repeat(w + 1)}`)).join("|")}|`;
  return [fmt(header), rule, ...rows.map(fmt)];
}

/** The report as Markdown (also what the console shows: Markdown tables read fine as text). */
export function renderReport(runs: EngineRun[], meta: { startedAt: string; loadAverage: number[]; node: string; host: string }): string {
  const pgRun = runs.find((r) => r.engine === "postgres");
  const twin = (r: CaseResult) => pgRun?.results.find((p) => p.name === r.name);
  const lines: string[] = [];
  lines.push(`# Bookstream benchmark — ${meta.startedAt}`, "");
  lines.push(`Node ${meta.node} on ${meta.host}; load average when timing began ${meta.loadAverage.map((l) => l.toFixed(2)).join(" / ")} (1/5/15 min).`, "");
  lines.push("## Data", "");
  for (const r of runs) {
    const s = r.seed.reused
      ? "reused existing data"
      : `seeded ${r.seed.inserted.toLocaleString("en-US")} in ${r.seed.seconds.toFixed(1)} s (${r.seed.rowsPerSecond.toLocaleString("en-US")} rows/s${r.seed.phases ? `: ${r.seed.phases}` : ""})`;
    lines.push(`- ${r.engine}: ${r.activities.toLocaleString("en-US")} activities in the account; ${s}; ${r.iterations} timed iterations per query`);
  }
  lines.push("", "## Latency (ms)", "");
  const rows: string[][] = [];
  for (const name of runs[0]?.results.map((r) => r.name) ?? []) {
    for (const run of runs) {
      const r = run.results.find((c) => c.name === name);
      if (!r) continue;
      rows.push([r.name, r.engine, ms(r.http.p50), ms(r.http.p95), ms(r.sql.p50), ms(r.sql.p95), x(ratio(r.http.p95, r.sql.p95)), mark(verdict(r, twin(r)))]);
    }
  }
  lines.push(...table(["query", "engine", "HTTP p50", "HTTP p95", "SQL p50", "SQL p95", "HTTP/SQL ratio", "target met?"], rows, ["l", "l", "r", "r", "r", "r", "r", "l"]));
  lines.push("", "HTTP/SQL ratio = HTTP p95 / SQL p95. Targets: PostgreSQL first page with one filter p95 ≤ 30 ms, ID lookup p95 ≤ 5 ms (HTTP), HTTP p95 ≤ 1.5 × SQL p95; PGlite HTTP p95 ≤ 3 × PostgreSQL.");
  const pglite = runs.find((r) => r.engine === "pglite");
  if (pglite && pgRun) {
    lines.push("", "## PGlite / PostgreSQL", "");
    const ratios = pglite.results.map((r) => {
      const p = twin(r);
      return [r.name, p ? x(ratio(r.http.p50, p.http.p50)) : "–", p ? x(ratio(r.http.p95, p.http.p95)) : "–", p ? x(ratio(r.sql.p50, p.sql.p50)) : "–", p ? x(ratio(r.sql.p95, p.sql.p95)) : "–"];
    });
    lines.push(...table(["query", "HTTP p50", "HTTP p95", "SQL p50", "SQL p95"], ratios, ["l", "r", "r", "r", "r"]));
  }
  lines.push("", "## Queries", "");
  const detail = (runs[0]?.results ?? []).map((r) => [r.name, r.params, runs.map((run) => `${run.engine}: ${run.results.find((c) => c.name === r.name)?.rows ?? "–"}`).join(", ")]);
  lines.push(...table(["query", "parameters", "rows returned"], detail, ["l", "l", "l"]));
  const missed = runs.flatMap((run) => run.results.filter((r) => verdict(r, twin(r)).met === false).map((r) => `${r.name} (${r.engine})`));
  lines.push("", missed.length ? `**Targets missed:** ${missed.join(", ")}` : "All targets met.", "");
  return lines.join("\n");
}
