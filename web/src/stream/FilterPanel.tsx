import { useEffect, useId, useState, type ReactNode } from "react";
import { BOOKING_STATUSES, DETAILED_STATUS_LIST } from "../../../src/domain/lifecycle";
import { PACKAGE_STATUSES } from "../../../src/domain/package-status";
import { TRANSACTION_STATUSES, TRANSACTION_TYPE_LIST } from "../../../src/domain/transactions";
import { useBookingPages, useUsers } from "../api/queries";
import { emptyFilters, type Filters } from "./filters";

/** Bookings' statuses, then session packages' ("Completed" is both). */
const STATUSES = [
  ...BOOKING_STATUSES.map((s) => ({ value: s, label: s })),
  ...PACKAGE_STATUSES.filter((s) => !(BOOKING_STATUSES as readonly string[]).includes(s)).map((s) => ({ value: s, label: `${s} (packages)` })),
  ...TRANSACTION_STATUSES.map((s) => ({ value: s, label: `${s} (transactions)` })),
];
/** Bookings' detailed statuses, then transactions' types (a transaction's detailed status is its type). */
const DETAILED = [...DETAILED_STATUS_LIST.map((s) => ({ value: s, label: s })), ...TRANSACTION_TYPE_LIST.map((s) => ({ value: s, label: `Transaction: ${s}` }))];
const PACKAGE_ONLY = PACKAGE_STATUSES.map((s) => ({ value: s, label: s }));

const TYPES = [
  { value: "booking", label: "Bookings" },
  { value: "package", label: "Session packages" },
  { value: "transaction", label: "Transactions" },
];

/** Every filter the stream supports; each change applies at once (and lands in the URL). */
export function FilterPanel({ filters, onChange, hideType, onDone }: { filters: Filters; onChange: (f: Filters) => void; hideType?: boolean; onDone: () => void }) {
  const pages = useBookingPages();
  const users = useUsers();
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => onChange({ ...filters, [k]: v });
  const eventTypes = (pages.data ?? []).flatMap((p) => p.eventTypes.map((e) => ({ value: e.id, label: `${e.name} (${p.name})` })));
  return (
    <div className="filter-panel" role="group" aria-label="Filters">
      <div className="filter-grid">
        {!hideType && <Checks legend="Type" options={TYPES} value={filters.type} onChange={(v) => set("type", v)} />}
        <Checks legend="Status" options={hideType ? PACKAGE_ONLY : STATUSES} value={filters.status} onChange={(v) => set("status", v)} />
        {!hideType && <Checks legend="Detailed status" options={DETAILED} value={filters.detailedStatus} onChange={(v) => set("detailedStatus", v)} wide />}
        <Checks legend="Booking page" options={(pages.data ?? []).map((p) => ({ value: p.id, label: p.name }))} value={filters.bookingPageId} onChange={(v) => set("bookingPageId", v)} />
        <Checks legend="Event type" options={eventTypes} value={filters.eventTypeId} onChange={(v) => set("eventTypeId", v)} empty="No event types" />
        <Checks legend="Owner" options={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} value={filters.ownerId} onChange={(v) => set("ownerId", v)} />
        <fieldset className="filter-group">
          <legend>Meeting time</legend>
          <DateRange from={filters.startFrom} to={filters.startTo} onChange={(from, to) => onChange({ ...filters, startFrom: from, startTo: to })} what="Meeting" />
        </fieldset>
        <fieldset className="filter-group">
          <legend>Created</legend>
          <DateRange from={filters.createdFrom} to={filters.createdTo} onChange={(from, to) => onChange({ ...filters, createdFrom: from, createdTo: to })} what="Created" />
        </fieldset>
        <fieldset className="filter-group">
          <legend>Customer</legend>
          {filters.customerId ? (
            <div className="chip">
              <span>{filters.customerName || "One customer"}</span>
              <button type="button" className="icon-button" aria-label="Remove the customer filter" onClick={() => onChange({ ...filters, customerId: "", customerName: "" })}>
                <span aria-hidden="true">×</span>
              </button>
            </div>
          ) : (
            <p className="hint">Open an activity and choose “All activities of this customer”, or search by name or email.</p>
          )}
        </fieldset>
      </div>
      <div className="filter-actions">
        <button type="button" className="button" onClick={() => onChange({ ...emptyFilters(), view: filters.view, q: filters.q })}>
          Clear filters
        </button>
        <button type="button" className="button button-primary" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

/** A list of checkboxes; `wide` (the detailed statuses) takes two columns of the grid and lays its options out in two. Reports use it too. */
export function Checks(props: { legend: string; options: { value: string; label: string }[]; value: string[]; onChange: (v: string[]) => void; wide?: boolean; empty?: string }) {
  const { legend, options, value, onChange, wide, empty } = props;
  const toggle = (v: string, on: boolean) => onChange(on ? [...value, v] : value.filter((x) => x !== v));
  return (
    <fieldset className={`filter-group${wide ? " filter-wide" : ""}`}>
      <legend>
        {legend}
        {value.length > 0 && <span className="count-pill">{value.length}</span>}
      </legend>
      {options.length === 0 && <p className="hint">{empty ?? "Loading…"}</p>}
      <div className="filter-options">
        {options.map((o) => (
          <label key={o.value} className="check">
            <input type="checkbox" checked={value.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * Two calendar days, "to" inclusive. A "to" before "from" is refused here, next to the field, and
 * not applied: the stream (or report) keeps the last range that made sense until it is corrected.
 */
export function DateRange({ from, to, onChange, what }: { from: string; to: string; onChange: (from: string, to: string) => void; what: string }): ReactNode {
  const id = useId();
  const [draft, setDraft] = useState({ from, to });
  useEffect(() => setDraft({ from, to }), [from, to]);
  const inverted = Boolean(draft.from && draft.to && draft.to < draft.from);
  const change = (next: { from: string; to: string }) => {
    setDraft(next);
    if (!(next.from && next.to && next.to < next.from)) onChange(next.from, next.to);
  };
  return (
    <div className="date-range">
      <label htmlFor={`${id}-from`}>From</label>
      <input id={`${id}-from`} className={`input${inverted ? " is-invalid" : ""}`} type="date" value={draft.from} aria-label={`${what} from`} aria-invalid={inverted} aria-describedby={inverted ? `${id}-error` : undefined} onChange={(e) => change({ ...draft, from: e.target.value })} />
      <label htmlFor={`${id}-to`}>To</label>
      <input id={`${id}-to`} className={`input${inverted ? " is-invalid" : ""}`} type="date" value={draft.to} aria-label={`${what} to`} aria-invalid={inverted} aria-describedby={inverted ? `${id}-error` : undefined} onChange={(e) => change({ ...draft, to: e.target.value })} />
      {inverted && (
        <p id={`${id}-error`} className="field-error" role="alert">
          “To” is before “From”: choose a “To” on or after {draft.from}.
        </p>
      )}
    </div>
  );
}
