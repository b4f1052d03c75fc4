import { useId } from "react";
import { BOOKING_STATUSES, DETAILED_STATUS_LIST } from "../../../src/domain/lifecycle";
import { PACKAGE_STATUSES } from "../../../src/domain/package-status";
import { TRANSACTION_STATUSES, TRANSACTION_TYPE_LIST } from "../../../src/domain/transactions";
import type { ReportKind } from "../api/reports";
import { useBookingPages, useUsers } from "../api/queries";
import { zoneList } from "../public/time";
import { Checks, DateRange } from "../stream/FilterPanel";
import { DEFAULTS, type ReportState } from "./report-params";
import { Select } from "./report-ui";
import { TIME_BASES, TIME_BASIS_LABELS, type TimeBasis } from "./report-words";

const option = (s: string) => ({ value: s, label: s });
/** The summary counts bookings only; the detail report lists every type, as the stream does. */
const STATUS_OPTIONS: Record<"summary" | "detail", { value: string; label: string }[]> = {
  summary: BOOKING_STATUSES.map(option),
  detail: [
    ...BOOKING_STATUSES.map(option),
    ...PACKAGE_STATUSES.filter((s) => !(BOOKING_STATUSES as readonly string[]).includes(s)).map((s) => ({ value: s, label: `${s} (packages)` })),
    ...TRANSACTION_STATUSES.map((s) => ({ value: s, label: `${s} (transactions)` })),
  ],
};
const DETAILED_OPTIONS: Record<"summary" | "detail", { value: string; label: string }[]> = {
  summary: DETAILED_STATUS_LIST.map(option),
  detail: [...DETAILED_STATUS_LIST.map(option), ...TRANSACTION_TYPE_LIST.map((s) => ({ value: s, label: `Transaction: ${s}` }))],
};
const TYPES = [
  { value: "booking", label: "Bookings" },
  { value: "package", label: "Session packages" },
  { value: "transaction", label: "Transactions" },
];

/** What the date range reads, in the words of each report. */
function rangeLegend(kind: ReportKind, s: ReportState): string {
  if (kind === "revenue") return "Transaction date";
  return s.timeBasis === "created" ? "Created" : "Meeting time";
}

/**
 * A report's filters (the stream's, where they apply), each change applied at once and kept in
 * the URL. `currencies`: the currencies the revenue report has shown (its filter's choices).
 */
export function ReportFilters(props: { kind: ReportKind; state: ReportState; onChange: (s: ReportState) => void; onDone: () => void; userZone: string; currencies: string[] }) {
  const { kind, state, onChange, onDone, userZone, currencies } = props;
  const pages = useBookingPages();
  const users = useUsers();
  const zoneId = useId();
  const set = <K extends keyof ReportState>(k: K, v: ReportState[K]) => onChange({ ...state, [k]: v });
  const eventTypes = (pages.data ?? []).flatMap((p) => p.eventTypes.map((e) => ({ value: e.id, label: `${e.name} (${p.name})` })));
  const zone = state.zone || userZone;
  const clear = () =>
    onChange({ ...state, status: [], detailedStatus: [], bookingPageId: [], eventTypeId: [], ownerId: [], type: [], currency: [], from: "", to: "", includeTrash: DEFAULTS.includeTrash });
  return (
    <div className="filter-panel" role="group" aria-label="Report filters">
      <div className="filter-grid">
        {kind === "detail" && <Checks legend="Type" options={TYPES} value={state.type} onChange={(v) => set("type", v)} />}
        {kind !== "revenue" && (
          <>
            <Checks legend="Status" options={STATUS_OPTIONS[kind]} value={state.status} onChange={(v) => set("status", v)} />
            <Checks legend="Detailed status" options={DETAILED_OPTIONS[kind]} value={state.detailedStatus} onChange={(v) => set("detailedStatus", v)} wide />
          </>
        )}
        {kind === "revenue" && (
          <Checks legend="Currency" options={currencies.map(option)} value={state.currency} onChange={(v) => set("currency", v)} empty="No payments yet" />
        )}
        <Checks legend="Booking page" options={(pages.data ?? []).map((p) => ({ value: p.id, label: p.name }))} value={state.bookingPageId} onChange={(v) => set("bookingPageId", v)} />
        <Checks legend="Event type" options={eventTypes} value={state.eventTypeId} onChange={(v) => set("eventTypeId", v)} empty="No event types" />
        <Checks legend="Owner" options={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} value={state.ownerId} onChange={(v) => set("ownerId", v)} />
        <fieldset className="filter-group">
          <legend>{rangeLegend(kind, state)}</legend>
          {kind === "detail" && (
            <Select label="Range over" value={state.timeBasis} options={TIME_BASES.map((b) => ({ value: b, label: TIME_BASIS_LABELS[b] }))} onChange={(v) => set("timeBasis", v as TimeBasis)} />
          )}
          <DateRange from={state.from} to={state.to} onChange={(from, to) => onChange({ ...state, from, to })} what={rangeLegend(kind, state)} />
        </fieldset>
        <fieldset className="filter-group">
          <legend>Time zone and Trash</legend>
          <label className="field" htmlFor={zoneId}>
            <span>Days and times in</span>
          </label>
          <select id={zoneId} className="input" value={zone} onChange={(e) => set("zone", e.target.value === userZone ? "" : e.target.value)}>
            {zoneList([zone, userZone]).map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, " ")}
                {z === userZone ? " (yours)" : ""}
              </option>
            ))}
          </select>
          <label className="check">
            <input type="checkbox" checked={state.includeTrash} onChange={(e) => set("includeTrash", e.target.checked)} />
            <span>Include activities in the Trash</span>
          </label>
        </fieldset>
      </div>
      <div className="filter-actions">
        <button type="button" className="button" onClick={clear}>
          Clear filters
        </button>
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
