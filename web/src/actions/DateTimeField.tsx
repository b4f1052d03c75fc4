import { DateTime } from "luxon";
import { useId } from "react";
import { formatDateTime, zoneName } from "../ui/format";

/**
 * A date and time picked in the user's zone; `value` is an ISO instant (UTC) or "". The same
 * instant is shown for the customer (`otherZone`) and for anyone else named in `alsoIn` (the host).
 */
export function DateTimeField(props: {
  label: string;
  value: string;
  onChange: (iso: string) => void;
  zone: string;
  otherZone?: string | null;
  alsoIn?: { who: string; zone: string }[];
  required?: boolean;
  disabled?: boolean;
}) {
  const { label, value, onChange, zone, otherZone, alsoIn = [], required, disabled } = props;
  const id = useId();
  const local = value ? DateTime.fromISO(value, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") : "";
  const others = [...alsoIn, ...(otherZone && otherZone !== zone ? [{ who: "For the customer", zone: otherZone }] : [])];
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
      {value &&
        others.map((o) => (
          <p key={o.who} className="hint">
            {o.who}: {formatDateTime(value, o.zone)}
          </p>
        ))}
    </div>
  );
}
