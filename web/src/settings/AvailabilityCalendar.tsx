import { DateTime } from "luxon";
import { useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useAvailabilityMutations, type Availability, type HoursRange, type WeeklyHours } from "../api/settings";
import { FormFooter } from "../actions/FormFooter";
import { Dialog } from "../ui/Dialog";
import { fieldErrors } from "./fields";
import { describeRanges } from "./WeeklyHoursEditor";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A day's hours: its override if it has one, else its weekday's weekly hours (null: the pages' hours). */
function hoursOn(day: DateTime, data: Availability): { ranges: HoursRange[] | null; override: boolean } {
  const o = data.overrides.find((x) => x.date === day.toISODate());
  if (o) return { ranges: o.ranges as HoursRange[], override: true };
  const weekly = data.weeklyHours as WeeklyHours | null;
  return { ranges: weekly ? (weekly[WEEKDAYS[day.weekday - 1]] ?? []) : null, override: false };
}

/**
 * A month of the person's hours, in their own zone, with the days that differ marked. Arrow keys
 * move between days (one tab stop for the month); Enter opens a day to set a day off or other hours.
 */
export function AvailabilityCalendar({ userId, data, readOnly }: { userId: string; data: Availability; readOnly: boolean }) {
  const today = DateTime.now().setZone(data.timeZone).startOf("day");
  const [month, setMonth] = useState<DateTime>(today.startOf("month"));
  const [focus, setFocus] = useState<DateTime>(today);
  const [open, setOpen] = useState<DateTime<boolean> | null>(null);
  const grid = useRef<HTMLTableElement>(null);
  const weeks = useMemo(() => {
    const first = month.startOf("week");
    const last = month.endOf("month").endOf("week");
    const days: DateTime<boolean>[] = [];
    for (let d = first; d <= last; d = d.plus({ days: 1 })) days.push(d);
    return Array.from({ length: days.length / 7 }, (_, i) => days.slice(i * 7, i * 7 + 7));
  }, [month]);
  const moveTo = (d: DateTime<boolean>) => {
    setFocus(d);
    if (!d.hasSame(month, "month")) setMonth(d.startOf("month"));
    requestAnimationFrame(() => grid.current?.querySelector<HTMLButtonElement>(`[data-day="${d.toISODate()}"]`)?.focus());
  };
  const onKey = (e: KeyboardEvent) => {
    const by: Record<string, object> = { ArrowLeft: { days: -1 }, ArrowRight: { days: 1 }, ArrowUp: { days: -7 }, ArrowDown: { days: 7 }, PageUp: { months: -1 }, PageDown: { months: 1 } };
    if (by[e.key]) {
      e.preventDefault();
      moveTo(focus.plus(by[e.key]));
    } else if (e.key === "Home") {
      e.preventDefault();
      moveTo(focus.startOf("week"));
    } else if (e.key === "End") {
      e.preventDefault();
      moveTo(focus.endOf("week").startOf("day"));
    }
  };
  const upcoming = data.overrides.filter((o) => o.date >= today.toISODate()!);
  return (
    <section className="settings-card" aria-labelledby="calendar-title">
      <div className="calendar-head">
        <h3 id="calendar-title">{month.toFormat("LLLL yyyy")}</h3>
        <div className="week-nav">
          <button type="button" className="icon-button" aria-label="Previous month" onClick={() => setMonth(month.minus({ months: 1 }))}>
            <span aria-hidden="true">‹</span>
          </button>
          <button type="button" className="button button-small" onClick={() => moveTo(today)}>
            Today
          </button>
          <button type="button" className="icon-button" aria-label="Next month" onClick={() => setMonth(month.plus({ months: 1 }))}>
            <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      <p className="muted calendar-legend">
        <span className="legend-item">
          <span className="legend legend-off" aria-hidden="true" /> Day off
        </span>
        <span className="legend-item">
          <span className="legend legend-other" aria-hidden="true" /> Other hours
        </span>
        {!readOnly && <span>Choose a day to change it.</span>}
      </p>
      <table className="calendar" ref={grid} onKeyDown={onKey} aria-labelledby="calendar-title">
        <thead>
          <tr>
            {weeks[0].map((d) => (
              <th key={d.weekday} scope="col" abbr={d.toFormat("cccc")}>
                {d.toFormat("ccc")}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w[0].toISODate()}>
              {w.map((d) => {
                const { ranges, override } = hoursOn(d, data);
                const off = ranges !== null && ranges.length === 0;
                const text = ranges === null ? "Page hours" : off ? "Off" : describeRanges(ranges);
                const outside = !d.hasSame(month, "month");
                const past = d < today;
                return (
                  <td key={d.toISODate()} className={`${outside ? "outside" : ""}`}>
                    <button
                      type="button"
                      data-day={d.toISODate()}
                      className={`cal-day${override ? (off ? " is-off" : " is-other") : off ? " is-closed" : ""}${d.equals(today) ? " is-today" : ""}${past ? " is-past" : ""}`}
                      tabIndex={d.equals(focus) ? 0 : -1}
                      aria-label={`${d.toFormat("cccc d LLLL yyyy")}: ${off ? "day off" : text}${override ? " (date override)" : ""}`}
                      aria-disabled={readOnly || past || undefined}
                      onFocus={() => setFocus(d)}
                      onClick={() => !readOnly && !past && setOpen(d)}
                    >
                      <span className="cal-day-number">{d.day}</span>
                      <span className="cal-day-hours">{text}</span>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Upcoming date overrides</h4>
      {upcoming.length === 0 ? (
        <p className="muted">None: every day follows the weekly hours.</p>
      ) : (
        <ul className="plain-list" data-testid="overrides">
          {upcoming.map((o) => (
            <li key={o.date}>
              {DateTime.fromISO(o.date).toFormat("ccc d LLL yyyy")}: {o.ranges.length === 0 ? "day off" : describeRanges(o.ranges as HoursRange[])}
            </li>
          ))}
        </ul>
      )}
      {open && <DayDialog userId={userId} day={open} data={data} onClose={() => setOpen(null)} />}
    </section>
  );
}

function DayDialog({ userId, day, data, onClose }: { userId: string; day: DateTime; data: Availability; onClose: () => void }) {
  const { override, removeOverride } = useAvailabilityMutations(userId);
  const current = hoursOn(day, data);
  const [kind, setKind] = useState<"usual" | "off" | "other">(!current.override ? "usual" : current.ranges?.length ? "other" : "off");
  const [ranges, setRanges] = useState<HoursRange[]>(current.override && current.ranges?.length ? current.ranges : [["09:00", "17:00"]]);
  const date = day.toISODate()!;
  const pending = override.isPending || removeOverride.isPending;
  const errs = fieldErrors(override.error ?? removeOverride.error, ["ranges"]);
  const save = () => {
    const done = { onSuccess: onClose };
    if (kind === "usual") return current.override ? removeOverride.mutate(date, done) : onClose();
    override.mutate({ date, ranges: kind === "off" ? [] : ranges }, done);
  };
  return (
    <Dialog open onClose={onClose} title={day.toFormat("cccc d LLLL yyyy")}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <fieldset className="choice-list">
          <legend>Hours that day</legend>
          {(
            [
              ["usual", "Usual hours", data.weeklyHours ? "The weekly hours of that weekday" : "The booking pages' open hours"],
              ["off", "Day off", "No bookings that day"],
              ["other", "Other hours", "Instead of the usual ones"],
            ] as const
          ).map(([value, label, sub]) => (
            <label key={value} className="choice">
              <input type="radio" name="day-kind" value={value} checked={kind === value} onChange={() => setKind(value)} />
              <span>
                {label}
                <span className="choice-sub muted">{sub}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {kind === "other" &&
          ranges.map(([from, to], i) => (
            <div key={i} className="hours-range">
              <input type="time" className="input input-time" aria-label={`From (${i + 1})`} value={from} onChange={(e) => setRanges(ranges.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
              <span aria-hidden="true">–</span>
              <input type="time" className="input input-time" aria-label={`To (${i + 1})`} value={to} onChange={(e) => setRanges(ranges.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} />
              {ranges.length > 1 && (
                <button type="button" className="icon-button" aria-label={`Remove ${from}–${to}`} onClick={() => setRanges(ranges.filter((_, j) => j !== i))}>
                  <span aria-hidden="true">×</span>
                </button>
              )}
            </div>
          ))}
        {kind === "other" && (
          <button type="button" className="button button-small button-ghost" onClick={() => setRanges([...ranges, ["18:00", "20:00"]])}>
            Add hours
          </button>
        )}
        {errs.of("ranges") && <p className="field-error" role="alert">{errs.of("ranges")}</p>}
        <FormFooter error={errs.general ? { message: errs.general } : null} onCancel={onClose} submitLabel="Save" pending={pending} />
      </form>
    </Dialog>
  );
}
