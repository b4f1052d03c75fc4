import { useMemo, useRef } from "react";
import { useRevenueReport, type MoneyCount, type RevenueLine, type RevenueReport as Revenue } from "../api/reports";
import { formatDecimalMoney } from "../ui/money";
import { zoneName } from "../ui/format";
import { MoneyBars, type Point } from "./charts";
import { reportApiParams } from "./report-params";
import { ReportNotice, Select } from "./report-ui";
import { ReportToolbar, type ReportProps } from "./ReportToolbar";
import { DIMENSION_LABELS, INTERVAL_LABELS, INTERVALS, REVENUE_DIMENSIONS, type RevenueDimension } from "./report-words";

/** Payments, refunds and net by period, page, owner or event type: one currency at a time, never summed across. */
export function RevenueReport(props: ReportProps) {
  const { state, go, zone } = props;
  const params = useMemo(() => reportApiParams("revenue", state, zone).toString(), [state, zone]);
  const report = useRevenueReport(params);
  const data = report.data;
  // The currency filter offers every currency this report has shown (a filtered answer shows fewer).
  const seen = useRef(new Set<string>());
  for (const t of data?.totals ?? []) seen.current.add(t.currency);
  state.currency.forEach((c) => seen.current.add(c));
  const currencies = [...seen.current].sort();
  const dim = DIMENSION_LABELS[(data?.by ?? state.by) as RevenueDimension] ?? state.by;
  return (
    <>
      <ReportToolbar {...props} kind="revenue" error={report.error} currencies={currencies}>
        <Select label="By" value={state.by} options={REVENUE_DIMENSIONS.map((d) => ({ value: d, label: DIMENSION_LABELS[d] }))} onChange={(v) => go({ ...state, by: v as RevenueDimension })} />
        {state.by === "time" && <Select label="Interval" value={state.interval} options={INTERVALS.map((i) => ({ value: i, label: INTERVAL_LABELS[i] }))} onChange={(v) => go({ ...state, interval: v as typeof state.interval })} />}
      </ReportToolbar>
      <ReportNotice query={report} empty={data?.groups.length === 0} what="payments or refunds" />
      {data && data.groups.length > 0 && (
        <div className={`report-body${report.isPlaceholderData ? " is-stale" : ""}`} aria-busy={report.isFetching}>
          <div className="report-charts">
            {data.totals.map((t) => (
              <MoneyBars
                key={t.currency}
                caption={`${t.currency}: payments, refunds and net by ${data.by === "time" ? data.interval : dim.toLowerCase()}`}
                currency={t.currency}
                data={pointsOf(data, t.currency)}
                testId={`chart-revenue-${t.currency}`}
              />
            ))}
          </div>
          <RevenueTable data={data} dim={dim} />
        </div>
      )}
    </>
  );
}

/** Chart points of one currency (amounts as numbers for drawing only; the table shows the exact decimals). */
const pointsOf = (data: Revenue, currency: string): Point[] =>
  data.groups.filter((g) => g.currency === currency).map((g) => ({ label: g.label, payments: Number(g.payments.amount), refunds: Number(g.refunds.amount), net: Number(g.net) }));

function RevenueTable({ data, dim }: { data: Revenue; dim: string }) {
  const money = (v: string, currency: string) => formatDecimalMoney(v, currency);
  const countAndAmount = (m: MoneyCount, currency: string) => (
    <>
      <td className="num">{m.count}</td>
      <td className="num">{money(m.amount, currency)}</td>
    </>
  );
  const cells = (l: RevenueLine) => (
    <>
      <td>{l.currency}</td>
      {countAndAmount(l.payments, l.currency)}
      {countAndAmount(l.refunds, l.currency)}
      <td className="num">
        <strong>{money(l.net, l.currency)}</strong>
      </td>
      <td className="num">{l.purged.count > 0 ? `${l.purged.count} · ${money(l.purged.amount, l.currency)}` : "—"}</td>
    </>
  );
  return (
    <section className="report-table-section" aria-labelledby="revenue-table-title">
      <div className="report-table-head">
        <h2 id="revenue-table-title" className="section-title">
          Figures
        </h2>
        <p className="hint">Paid payments and refunded refunds; pending, denied and failed ones are not money. Each currency on its own lines.</p>
      </div>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Revenue figures (scrolls sideways)">
        <table className="report-table" data-testid="revenue-table">
          <caption className="sr-only">
            Revenue by {dim.toLowerCase()} and currency; days in {zoneName(data.zone)}
          </caption>
          <thead>
            <tr>
              <th scope="col">{dim}</th>
              <th scope="col">Currency</th>
              <th scope="col" className="num">Payments</th>
              <th scope="col" className="num">Paid</th>
              <th scope="col" className="num">Refunds</th>
              <th scope="col" className="num">Refunded</th>
              <th scope="col" className="num">Net</th>
              <th scope="col" className="num" title="Payments and refunds permanently deleted since: counted above, kept without personal data">
                Of which deleted
              </th>
            </tr>
          </thead>
          <tbody>
            {data.groups.map((g) => (
              <tr key={`${g.key ?? "(none)"} ${g.currency}`} data-row={g.label}>
                <th scope="row">{g.label}</th>
                {cells(g)}
              </tr>
            ))}
          </tbody>
          <tfoot>
            {data.totals.map((t) => (
              <tr key={t.currency} data-row="Total">
                <th scope="row">Total</th>
                {cells(t)}
              </tr>
            ))}
          </tfoot>
        </table>
      </div>
    </section>
  );
}
