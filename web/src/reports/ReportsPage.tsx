import { useCallback, useMemo } from "react";
import type { ReportKind } from "../api/reports";
import type { Me } from "../api/types";
import { Link, setSearch, useLocation } from "../app/router";
import { DetailReport } from "./DetailReport";
import { parseReport, reportToSearch, toSavedQuery, type ReportState } from "./report-params";
import { RevenueReport } from "./RevenueReport";
import { SavedReports } from "./SavedReports";
import { SummaryReport } from "./SummaryReport";
import "./reports.css";

const REPORTS: { kind: ReportKind; label: string; blurb: string }[] = [
  { kind: "summary", label: "Summary", blurb: "Bookings counted by status across one or two dimensions, with rates." },
  { kind: "detail", label: "Detail", blurb: "One row per activity, with the columns you pick." },
  { kind: "revenue", label: "Revenue", blurb: "Payments, refunds and net, each currency on its own." },
];

/**
 * Reports (all signed-in users; the server counts only what the user may see): Summary, Detail and
 * Revenue, each with its state in the URL, a chart where one helps, the figures, and exports.
 */
export default function ReportsPage({ me, kind }: { me: Me; kind: ReportKind }) {
  const { search } = useLocation();
  const userZone = me.user.timeZone;
  const savedId = search.get("saved");
  const stateString = useMemo(() => reportToSearch(kind, parseReport(kind, search)).toString(), [kind, search]);
  const state = useMemo(() => parseReport(kind, new URLSearchParams(stateString)), [kind, stateString]);
  const zone = state.zone || userZone;
  const go = useCallback(
    (next: ReportState, opts: { replace?: boolean } = {}) => {
      const s = reportToSearch(kind, next);
      // The saved report stays named while it is what is on screen.
      if (savedId && s.toString() === stateString) s.set("saved", savedId);
      setSearch(s, opts);
    },
    [kind, savedId, stateString],
  );
  const about = REPORTS.find((r) => r.kind === kind)!;
  const props = { state, go, zone, userZone };

  return (
    <section className="reports-page" aria-labelledby="reports-title">
      <header className="reports-head">
        <div>
          <h1 id="reports-title" className="page-title">
            Reports
          </h1>
          <p className="hint">{about.blurb}</p>
        </div>
        <SavedReports kind={kind} currentQuery={toSavedQuery(kind, state)} savedId={savedId} onDeleted={() => setSearch(new URLSearchParams(stateString))} />
      </header>
      <nav className="report-switch" aria-label="Reports">
        {REPORTS.map((r) => (
          <Link key={r.kind} to={`/reports/${r.kind}`} className="report-switch-item" aria-current={r.kind === kind ? "page" : undefined}>
            {r.label}
          </Link>
        ))}
      </nav>
      <h2 className="sr-only">{about.label} report</h2>
      {kind === "summary" && <SummaryReport key="summary" {...props} />}
      {kind === "detail" && <DetailReport key="detail" {...props} />}
      {kind === "revenue" && <RevenueReport key="revenue" {...props} />}
      {me.user.role !== "admin" && <p className="hint reports-scope">These reports count what you can see in the Activity stream: your bookings and your booking pages’.</p>}
    </section>
  );
}
