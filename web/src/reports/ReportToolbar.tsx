import { useId, useState, type ReactNode } from "react";
import { ApiError, errorMessage } from "../api/client";
import { downloadReport, type ReportKind } from "../api/reports";
import { SearchBox } from "../stream/SearchBox";
import { useToast } from "../ui/Toasts";
import { countReportFilters, reportApiParams, takesSearch, type ReportState } from "./report-params";
import { ReportFilters } from "./ReportFilters";

export interface ReportProps {
  state: ReportState;
  /** Shows another state of this report (its URL); `replace` for typing in the search box. */
  go: (s: ReportState, opts?: { replace?: boolean }) => void;
  /** The zone the report is in: the one picked, else the viewer's. */
  zone: string;
  userZone: string;
}

/**
 * What every report has above its figures: the free-text search (where the report takes it), the
 * report's own choices (`children`: dimensions, interval…), the filters, and the exports.
 */
export function ReportToolbar(props: ReportProps & { kind: ReportKind; error: unknown; children: ReactNode; currencies?: string[]; exportParams?: URLSearchParams }) {
  const { kind, state, go, zone, userZone, error, children, currencies = [], exportParams } = props;
  const [panelOpen, setPanelOpen] = useState(false);
  const n = countReportFilters(kind, state);
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div className="report-toolbar">
      <div className="report-controls">
        {takesSearch(kind) && <SearchBox value={state.q} onChange={(q) => go({ ...state, q }, { replace: true })} error={apiError} />}
        {children}
        <button type="button" className="button" aria-expanded={panelOpen} aria-controls={`${kind}-filters`} onClick={() => setPanelOpen((o) => !o)}>
          Filters{n > 0 && <span className="count-pill">{n}</span>}
        </button>
      </div>
      {panelOpen && (
        <div id={`${kind}-filters`}>
          <ReportFilters kind={kind} state={state} onChange={(s) => go(s)} onDone={() => setPanelOpen(false)} userZone={userZone} currencies={currencies} />
        </div>
      )}
      <ExportButtons kind={kind} params={exportParams ?? reportApiParams(kind, state, zone)} />
    </div>
  );
}

/** CSV (optionally with a byte-order mark, which spreadsheet programs need to read UTF-8) and XLSX. */
function ExportButtons({ kind, params }: { kind: ReportKind; params: URLSearchParams }) {
  const toast = useToast();
  const bomId = useId();
  const [bom, setBom] = useState(false);
  const [busy, setBusy] = useState<"csv" | "xlsx" | null>(null);
  const download = (format: "csv" | "xlsx") => {
    setBusy(format);
    const p = new URLSearchParams(params);
    p.delete("limit");
    downloadReport(kind, p.toString(), format, bom)
      .catch((err) => toast({ tone: "error", message: `Could not export: ${errorMessage(err)}` }))
      .finally(() => setBusy(null));
  };
  return (
    <div className="report-export" role="group" aria-label="Export">
      <span className="muted">Export</span>
      <button type="button" className="button button-small" disabled={busy !== null} onClick={() => download("csv")}>
        {busy === "csv" ? "Preparing CSV…" : "Download CSV"}
      </button>
      <label className="check" htmlFor={bomId}>
        <input id={bomId} type="checkbox" checked={bom} onChange={(e) => setBom(e.target.checked)} />
        <span>For spreadsheets (BOM)</span>
      </label>
      <button type="button" className="button button-small" disabled={busy !== null} onClick={() => download("xlsx")}>
        {busy === "xlsx" ? "Preparing XLSX…" : "Download XLSX"}
      </button>
    </div>
  );
}
