import { Fragment, useMemo } from "react";
import { useSummaryReport, type SummaryCounts, type SummaryReport as Summary } from "../api/reports";
import { zoneName } from "../ui/format";
import { StackedBars, type Point, type Series } from "./charts";
import { reportApiParams } from "./report-params";
import { ReportNotice, Select } from "./report-ui";
import { ReportToolbar, type ReportProps } from "./ReportToolbar";
import {
  DIMENSION_LABELS,
  formatRate,
  INTERVAL_LABELS,
  INTERVALS,
  RATES,
  SERIES_COLORS,
  STATUS_COLORS,
  SUMMARY_DIMENSIONS,
  TIME_BASES,
  TIME_BASIS_LABELS,
  type SummaryDimension,
} from "./report-words";

const DIMENSION_OPTIONS = SUMMARY_DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_LABELS[d] }));
/** A breakdown chart stacks at most this many column values; the rest are one "Other" segment. */
const MAX_SEGMENTS = 8;

/** Counts of bookings by status and detailed status across one or two dimensions, with rates. */
export function SummaryReport(props: ReportProps) {
  const { state, go, zone } = props;
  const params = useMemo(() => reportApiParams("summary", state, zone).toString(), [state, zone]);
  const report = useSummaryReport(params);
  const data = report.data;
  const usesTime = state.rows === "time" || state.columns === "time";
  const setRows = (rows: SummaryDimension) => go({ ...state, rows, columns: state.columns === rows ? "" : state.columns });
  return (
    <>
      <ReportToolbar {...props} kind="summary" error={report.error}>
        <Select label="Rows" value={state.rows} options={DIMENSION_OPTIONS} onChange={(v) => setRows(v as SummaryDimension)} />
        <Select
          label="Columns"
          value={state.columns}
          options={[{ value: "", label: "(none)" }, ...DIMENSION_OPTIONS.filter((o) => o.value !== state.rows)]}
          onChange={(v) => go({ ...state, columns: v as SummaryDimension | "" })}
        />
        {usesTime && <Select label="Interval" value={state.interval} options={INTERVALS.map((i) => ({ value: i, label: INTERVAL_LABELS[i] }))} onChange={(v) => go({ ...state, interval: v as typeof state.interval })} />}
        <Select label="Time basis" value={state.timeBasis} options={TIME_BASES.map((b) => ({ value: b, label: TIME_BASIS_LABELS[b] }))} onChange={(v) => go({ ...state, timeBasis: v as typeof state.timeBasis })} />
      </ReportToolbar>
      <ReportNotice query={report} empty={data?.totals.total === 0} what="bookings" />
      {data && data.totals.total > 0 && (
        <div className={`report-body${report.isPlaceholderData ? " is-stale" : ""}`} aria-busy={report.isFetching}>
          <div className="report-charts">
            <StackedBars caption={`Bookings by ${dimensionWords(data.rows, data.interval)}, by status`} data={statusPoints(data)} series={statusSeries(data)} unit="bookings" testId="chart-status" />
            {data.columns && data.columns !== "status" && <BreakdownChart data={data} />}
          </div>
          <SummaryTable data={data} counts={state.counts} onCounts={(counts) => go({ ...state, counts })} />
        </div>
      )}
    </>
  );
}

const dimensionWords = (d: string, interval: string) =>
  d === "time" ? interval : (DIMENSION_LABELS[d as SummaryDimension] ?? d).toLowerCase();

const statusSeries = (data: Summary): Series[] => data.statuses.map((s) => ({ key: s, label: s, color: STATUS_COLORS[s] ?? "#64748b" }));

/** One bar per row, its segments the row's counts by status. */
const statusPoints = (data: Summary): Point[] => data.rowTotals.map((r) => ({ label: r.row.label, ...r.statuses }));

/** The second dimension as a chart: one bar per row, its segments the column values (a breakdown). */
function BreakdownChart({ data }: { data: Summary }) {
  const { series, points } = useMemo(() => {
    const byTotal = new Map<string, { label: string; total: number }>();
    for (const g of data.groups) {
      const k = g.column?.label ?? "(none)";
      byTotal.set(k, { label: k, total: (byTotal.get(k)?.total ?? 0) + g.total });
    }
    const ranked = [...byTotal.values()].sort((a, b) => b.total - a.total);
    const kept = ranked.slice(0, ranked.length > MAX_SEGMENTS ? MAX_SEGMENTS - 1 : MAX_SEGMENTS);
    const keyOf = new Map(kept.map((c, i) => [c.label, `c${i}`]));
    const series: Series[] = kept.map((c, i) => ({ key: `c${i}`, label: c.label, color: SERIES_COLORS[i % SERIES_COLORS.length] }));
    if (ranked.length > kept.length) series.push({ key: "other", label: "Other", color: "#94a3b8" });
    const points = data.rowTotals.map((r) => {
      const p: Point = { label: r.row.label };
      for (const s of series) p[s.key] = 0;
      for (const g of data.groups) {
        if (g.row.key !== r.row.key) continue;
        const key = keyOf.get(g.column?.label ?? "(none)") ?? "other";
        p[key] = Number(p[key]) + g.total;
      }
      return p;
    });
    return { series, points };
  }, [data]);
  const col = DIMENSION_LABELS[data.columns as SummaryDimension]?.toLowerCase() ?? data.columns;
  return <StackedBars caption={`Bookings by ${dimensionWords(data.rows, data.interval)}, by ${col}`} data={points} series={series} unit="bookings" testId="chart-breakdown" />;
}

/** The figures: a line per row (and per row × column, with the row's total after its columns). */
function SummaryTable({ data, counts, onCounts }: { data: Summary; counts: "statuses" | "detailed"; onCounts: (c: "statuses" | "detailed") => void }) {
  // Detailed statuses are many: the table shows those that occur (the export has every one).
  const names = counts === "statuses" ? data.statuses : data.detailedStatuses.filter((s) => data.totals.detailedStatuses[s] > 0);
  const pick = (c: SummaryCounts) => (counts === "statuses" ? c.statuses : c.detailedStatuses);
  const rowLabel = DIMENSION_LABELS[data.rows as SummaryDimension] ?? data.rows;
  const colLabel = data.columns ? (DIMENSION_LABELS[data.columns as SummaryDimension] ?? data.columns) : null;
  const cells = (c: SummaryCounts) => (
    <>
      <td className="num">{c.total}</td>
      {names.map((s) => (
        <td key={s} className="num">
          {pick(c)[s] ?? 0}
        </td>
      ))}
      {RATES.map((r) => (
        <td key={r.key} className="num">
          {formatRate(c.rates[r.key])}
        </td>
      ))}
    </>
  );
  return (
    <section className="report-table-section" aria-labelledby="summary-table-title">
      <div className="report-table-head">
        <h2 id="summary-table-title" className="section-title">
          Figures
        </h2>
        <fieldset className="segmented">
          <legend className="sr-only">Counts shown</legend>
          {(["statuses", "detailed"] as const).map((c) => (
            <label key={c} className="segment">
              <input type="radio" name="summary-counts" checked={counts === c} onChange={() => onCounts(c)} />
              <span>{c === "statuses" ? "Statuses" : "Detailed statuses"}</span>
            </label>
          ))}
        </fieldset>
      </div>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Summary figures (scrolls sideways)">
        <table className="report-table" data-testid="summary-table">
          <caption className="sr-only">
            Bookings by {rowLabel.toLowerCase()}
            {colLabel ? ` and ${colLabel.toLowerCase()}` : ""}: counts by {counts === "statuses" ? "status" : "detailed status"} and rates; days in {zoneName(data.zone)}
          </caption>
          <thead>
            <tr>
              <th scope="col">{rowLabel}</th>
              {colLabel && <th scope="col">{colLabel}</th>}
              <th scope="col" className="num">
                Total
              </th>
              {names.map((s) => (
                <th key={s} scope="col" className="num">
                  {s}
                </th>
              ))}
              {RATES.map((r) => (
                <th key={r.key} scope="col" className="num" title={r.help}>
                  {r.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rowTotals.map((r) => {
              const groups = colLabel ? data.groups.filter((g) => g.row.key === r.row.key) : [];
              return (
                <Fragment key={r.row.key ?? "(none)"}>
                  {groups.map((g, i) => (
                    <tr key={g.column?.key ?? "(none)"} data-row={r.row.label} data-column={g.column?.label ?? ""}>
                      {i === 0 ? <th scope="rowgroup" rowSpan={groups.length + 1}>{r.row.label}</th> : null}
                      <td>{g.column?.label ?? "(none)"}</td>
                      {cells(g)}
                    </tr>
                  ))}
                  <tr className={colLabel ? "subtotal" : undefined} data-row={r.row.label}>
                    {!colLabel && <th scope="row">{r.row.label}</th>}
                    {colLabel && <td>All</td>}
                    {cells(r)}
                  </tr>
                </Fragment>
              );
            })}
          </tbody>
          <tfoot>
            <tr data-row="Total">
              <th scope="row" colSpan={colLabel ? 2 : 1}>
                Total
              </th>
              {cells(data.totals)}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
