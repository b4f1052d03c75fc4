import { useMemo, useState } from "react";
import { useDetailReport } from "../api/reports";
import { Link } from "../app/router";
import { Checks } from "../stream/FilterPanel";
import { formatShort, zoneName } from "../ui/format";
import { reportApiParams, type ReportState } from "./report-params";
import { ReportNotice } from "./report-ui";
import { ReportToolbar, type ReportProps } from "./ReportToolbar";
import { DETAIL_COLUMN_IDS, DETAIL_COLUMNS, DETAIL_SORTS, type DetailColumn, type DetailSort } from "./report-words";

const TIME_COLUMNS = new Set<string>(["start", "end", "createdAt", "updatedAt"]);
const ID_PREFIX = /^(BKNG|PKG|TXN)-/;

/**
 * One row per activity, with the columns the user picks, sortable by clicking a column's heading.
 * A trashed activity says "(In Trash)": in its own column when picked, else next to the first cell.
 */
export function DetailReport(props: ReportProps) {
  const { state, go, zone } = props;
  const [picking, setPicking] = useState(false);
  // The table always asks for the Trash mark; the export has exactly the columns picked.
  const exportParams = useMemo(() => reportApiParams("detail", state, zone), [state, zone]);
  const params = useMemo(() => {
    const p = new URLSearchParams(exportParams);
    if (!state.show.includes("inTrash")) p.set("columns", [...state.show, "inTrash"].join(","));
    return p.toString();
  }, [exportParams, state.show]);
  const report = useDetailReport(params);
  const pages = report.data?.pages ?? [];
  const rows = pages.flatMap((p) => p.rows);
  const columns = pages[0]?.columns.filter((c) => c.id !== "inTrash" || state.show.includes("inTrash")) ?? [];
  const reportZone = pages[0]?.zone ?? zone;

  return (
    <>
      <ReportToolbar {...props} kind="detail" error={report.error} exportParams={exportParams}>
        <button type="button" className="button" aria-expanded={picking} aria-controls="detail-columns" onClick={() => setPicking((o) => !o)}>
          Columns<span className="count-pill">{state.show.length}</span>
        </button>
      </ReportToolbar>
      {picking && <ColumnPicker state={state} go={go} onDone={() => setPicking(false)} />}
      <ReportNotice query={report} empty={!report.isPending && rows.length === 0} what="activities" />
      {rows.length > 0 && (
        <section className={`report-table-section report-body${report.isPlaceholderData ? " is-stale" : ""}`} aria-busy={report.isFetching} aria-labelledby="detail-table-title">
          <div className="report-table-head">
            <h2 id="detail-table-title" className="section-title">
              Activities
            </h2>
            <p className="hint" aria-live="polite">
              <span data-testid="detail-count">{rows.length}</span> shown{report.hasNextPage ? " so far" : ""} · times in {zoneName(reportZone)}
            </p>
          </div>
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Activities (scrolls sideways)">
            <table className="report-table" data-testid="detail-table">
              <caption className="sr-only">
                Activities, sorted by {DETAIL_COLUMNS[state.sort as DetailColumn] ?? state.sort}, {state.order === "asc" ? "ascending" : "descending"}
              </caption>
              <thead>
                <tr>
                  {columns.map((c) => (
                    <SortableHeading key={c.id} id={c.id} label={c.label} state={state} go={go} />
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={`${r.id ?? i}`} data-id={r.id ?? ""} className={r.inTrash ? "in-trash" : undefined}>
                    {columns.map((c, j) => (
                      <td key={c.id} data-column={c.id}>
                        <Cell column={c.id} value={r[c.id] ?? null} zone={reportZone} />
                        {j === 0 && r.inTrash && !state.show.includes("inTrash") && <span className="tag">{r.inTrash}</span>}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.hasNextPage && (
            <button type="button" className="button load-more" disabled={report.isFetchingNextPage} onClick={() => report.fetchNextPage()}>
              {report.isFetchingNextPage ? "Loading…" : "Show more"}
            </button>
          )}
        </section>
      )}
    </>
  );
}

/** A value as people read it: times in the report's zone (the exact instant on hover), IDs linked to the activity. */
function Cell({ column, value, zone }: { column: string; value: string | null; zone: string }) {
  if (value === null || value === "") return <span className="muted">—</span>;
  if (TIME_COLUMNS.has(column)) {
    return (
      <time dateTime={value} title={value}>
        {formatShort(value, zone)}
      </time>
    );
  }
  if (column === "id" && ID_PREFIX.test(value)) return <Link to={`/activities?q=${encodeURIComponent(value)}&open=${encodeURIComponent(value)}`}>{value}</Link>;
  return <>{value}</>;
}

/** A column heading; sortable ones are buttons that sort by the column, then reverse the order. */
function SortableHeading({ id, label, state, go }: { id: string; label: string; state: ReportState; go: ReportProps["go"] }) {
  const sortable = (DETAIL_SORTS as readonly string[]).includes(id);
  const current = state.sort === id;
  const ariaSort = current ? (state.order === "asc" ? "ascending" : "descending") : undefined;
  if (!sortable) return <th scope="col">{label}</th>;
  const next = current ? (state.order === "asc" ? "desc" : "asc") : TIME_COLUMNS.has(id) || id === "amount" ? "desc" : "asc";
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" className="sort-heading" onClick={() => go({ ...state, sort: id as DetailSort, order: next })}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {current ? (state.order === "asc" ? "▲" : "▼") : "↕"}
        </span>
        <span className="sr-only">{current ? `, sorted ${ariaSort}; choose to reverse` : ", choose to sort by it"}</span>
      </button>
    </th>
  );
}

/** Which columns the report shows (in the API's order); at least one. */
function ColumnPicker({ state, go, onDone }: { state: ReportState; go: ReportProps["go"]; onDone: () => void }) {
  const options = DETAIL_COLUMN_IDS.map((c) => ({ value: c, label: c === "inTrash" ? "In Trash (shows “(In Trash)”)" : DETAIL_COLUMNS[c] }));
  return (
    <div id="detail-columns" className="filter-panel column-picker" role="group" aria-label="Columns">
      <Checks
        legend="Columns to show"
        options={options}
        value={state.show}
        onChange={(v) => v.length > 0 && go({ ...state, show: DETAIL_COLUMN_IDS.filter((c) => v.includes(c)) })}
        wide
      />
      <div className="filter-actions">
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
