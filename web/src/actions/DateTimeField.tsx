import { DateTime } from "luxon";
import { useId } from "react";
import { formatDateTime, zoneName } from "../ui/format";

/** A date and time picked in the user's zone; `value` is an ISO instant (UTC) or "". */
export function DateTimeField(props: { label: string; value: string; onChange: (iso: string) => void; zone: string; otherZone?: string | null; required?: boolean; disabled?: boolean }) {
  const { label, value, onChange, zone, otherZone, required, disabled } = props;
  const id = useId();
  const local = value ? DateTime.fromISO(value, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") : "";
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} <span className="muted">({zoneName(zone)})</span>
      </label>
      <input
        id={id}
        className="input"
        type="datetime-local"
        step={300}
        value={local}
        required={required}
        disabled={disabled}
        onChange={(e) => {
          const d = e.target.value ? DateTime.fromISO(e.target.value, { zone }) : null;
          onChange(d?.isValid ? d.toUTC().toISO()! : "");
        }}
      />
      {value && otherZone && otherZone !== zone && (
        <p className="hint">
          For the customer: {formatDateTime(value, otherZone)}
        </p>
      )}
    </div>
  );
}
