import { useId } from "react";
import { ApiError } from "../api/client";

/** A labelled choice among a few (a dimension, an interval): the label stays visible above it. */
export function Select(props: { label: string; value: string; options: { value: string; label: string }[]; onChange: (v: string) => void }) {
  const { label, value, options, onChange } = props;
  const id = useId();
  return (
    <div className="report-select">
      <label htmlFor={id}>{label}</label>
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Loading, failure and "nothing matches" for a report. A search that does not parse is shown by
 * the search box itself (the server's message, where it went wrong), so it is not repeated here.
 */
export function ReportNotice({ query, empty, what }: { query: { isPending: boolean; error: unknown; refetch: () => unknown }; empty: boolean; what: string }) {
  if (query.isPending) return <div className="empty">Loading the report…</div>;
  if (query.error) {
    const err = query.error instanceof ApiError ? query.error : null;
    if (err?.code === "invalid_query") return <div className="empty">Fix the search above to see the report.</div>;
    return (
      <div className="notice notice-error" role="alert">
        <p>{err?.message ?? String(query.error)}</p>
        <button type="button" className="button" onClick={() => query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (empty) return <div className="empty">No {what} match these filters.</div>;
  return null;
}
