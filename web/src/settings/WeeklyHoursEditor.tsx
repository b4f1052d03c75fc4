import type { HoursRange, WeeklyHours } from "../api/settings";

export const DAYS = [
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
  ["sun", "Sunday"],
] as const;
export type Day = (typeof DAYS)[number][0];

/**
 * Weekly hours: for each day, closed or one or more time ranges. `errorOf(day)` is the server's
 * message for that day (e.g. "overlaps 09:00–12:00"), shown on the day's row.
 */
export function WeeklyHoursEditor(props: { value: WeeklyHours; onChange: (v: WeeklyHours) => void; errorOf?: (day: Day) => string | undefined; disabled?: boolean; legend: string }) {
  const { value, onChange, errorOf, disabled } = props;
  const setDay = (day: Day, ranges: HoursRange[]) => onChange({ ...value, [day]: ranges });
  return (
    <fieldset className="hours" disabled={disabled}>
      <legend>{props.legend}</legend>
      {DAYS.map(([day, label]) => {
        const ranges = value[day] ?? [];
        const open = ranges.length > 0;
        const err = errorOf?.(day);
        return (
          <div key={day} className={`hours-day${err ? " has-error" : ""}`} role="group" aria-label={label}>
            <label className="hours-open">
              <input type="checkbox" checked={open} onChange={(e) => setDay(day, e.target.checked ? [["09:00", "17:00"]] : [])} />
              <span>{label}</span>
            </label>
            <div className="hours-ranges">
              {!open && <span className="muted">Closed</span>}
              {ranges.map(([from, to], i) => (
                <span key={i} className="hours-range">
                  <input
                    type="time"
                    className="input input-time"
                    aria-label={`${label} from${ranges.length > 1 ? ` (${i + 1})` : ""}`}
                    value={from}
                    onChange={(e) => setDay(day, ranges.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
                  />
                  <span aria-hidden="true">–</span>
                  <input
                    type="time"
                    className="input input-time"
                    aria-label={`${label} to${ranges.length > 1 ? ` (${i + 1})` : ""}`}
                    value={to === "24:00" ? "23:59" : to}
                    onChange={(e) => setDay(day, ranges.map((r, j) => (j === i ? [r[0], e.target.value === "23:59" ? "24:00" : e.target.value] : r)))}
                  />
                  <button type="button" className="icon-button" aria-label={`Remove ${label} ${from}–${to}`} onClick={() => setDay(day, ranges.filter((_, j) => j !== i))}>
                    <span aria-hidden="true">×</span>
                  </button>
                </span>
              ))}
              {open && (
                <button type="button" className="button button-small button-ghost" onClick={() => setDay(day, [...ranges, nextRange(ranges)])}>
                  Add hours<span className="sr-only"> on {label}</span>
                </button>
              )}
            </div>
            {err && (
              <span className="field-error" role="alert">
                {label}: {err}
              </span>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** A new range after the last one (an hour's gap, two hours long), kept within the day. */
function nextRange(ranges: HoursRange[]): HoursRange {
  const last = ranges[ranges.length - 1];
  const start = last ? Math.min(toMinutes(last[1]) + 60, 22 * 60) : 9 * 60;
  return [fromMinutes(start), fromMinutes(Math.min(start + 120, 24 * 60))];
}

const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const fromMinutes = (m: number) => (m >= 24 * 60 ? "24:00" : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);

/** Drops closed days, so the API gets only open ones. */
export function compactHours(h: WeeklyHours): WeeklyHours {
  return Object.fromEntries(Object.entries(h).filter(([, r]) => r && r.length > 0)) as WeeklyHours;
}

/** "Mon–Fri 09:00–17:00"-like summary for lists. */
export function describeRanges(ranges: HoursRange[]): string {
  return ranges.length === 0 ? "Closed" : ranges.map(([a, b]) => `${a}–${b}`).join(", ");
}
