import { useId, useState } from "react";
import { zoneList, zoneOffset, zoneTitle } from "./time";

/**
 * The customer's time zone: detected from the browser, changeable from the full IANA list. The
 * list (about 400 zones, each with its offset) is built only when the customer reaches for it, so
 * nothing competes with the first slots.
 */
export function TimeZonePicker(props: { zone: string; onChange: (zone: string) => void; detected: string; hint?: string }) {
  const { zone, onChange, detected, hint } = props;
  const id = useId();
  const hintId = useId();
  const [full, setFull] = useState(false);
  const open = () => setFull(true);
  const zones = full ? zoneList([zone, detected]) : [zone];
  return (
    <div className="tz-picker">
      <label htmlFor={id}>
        <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
          <circle cx="12" cy="12" r="9" />
          <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
        </svg>
        <span>Time zone</span>
      </label>
      <select
        id={id}
        className="input"
        value={zone}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.target.value)}
        onFocus={open}
        onPointerDown={open}
        onMouseEnter={open}
        onTouchStart={open}
      >
        {zones.map((z) => (
          <option key={z} value={z}>
            {zoneTitle(z)} ({zoneOffset(z) || "GMT"})
          </option>
        ))}
      </select>
      <span id={hintId} className="hint">
        {hint ?? (zone === detected ? "Detected from your device. Times are shown in this zone." : "Times are shown in this zone.")}
      </span>
    </div>
  );
}
