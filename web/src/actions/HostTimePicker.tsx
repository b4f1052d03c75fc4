import { DateTime } from "luxon";
import { useId } from "react";
import { errorMessage } from "../api/client";
import { zoneName } from "../ui/format";
import { DateTimeField } from "./DateTimeField";
import { problemWords, refusalWords, shiftDate, today, type StartCheck, type TimeRefusal } from "./host-time";
import type { HostTime } from "./use-host-time";

const hhmm = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toFormat("HH:mm");

/** "Mon 9 Mar" (the year when it is not this one). */
function dayWords(date: string, zone: string): string {
  const d = DateTime.fromISO(date, { zone });
  return d.toFormat(d.year === DateTime.now().setZone(zone).year ? "ccc d LLL" : "ccc d LLL yyyy");
}

/** The host's hours of a day as "09:00–17:00", in their zone or seen from another. */
function rangesIn(date: string, hours: [string, string][], zone: string, seenFrom: string): string {
  const at = (hm: string) => {
    const [h, m] = hm.split(":").map(Number);
    return DateTime.fromISO(date, { zone }).startOf("day").plus({ hours: h, minutes: m }).setZone(seenFrom).toFormat("HH:mm");
  };
  return zone === seenFrom ? hours.map(([a, b]) => `${a}–${b}`).join(", ") : hours.map(([a, b]) => `${at(a)}–${at(b)}`).join(", ");
}

/**
 * The host's free times on one of their days, as Find a time shows members' time: a day to move
 * through, the host's hours that day, the free starts as buttons (in the host's zone, and the
 * user's when it differs), and a field to type any other time (in the user's zone).
 */
export function HostTimePicker(props: { ht: HostTime; value: string; onChange: (iso: string) => void; userZone: string; customerZone?: string | null }) {
  const { ht, value, onChange, userZone, customerZone } = props;
  const headingId = useId();
  const dayId = useId();
  const host = ht.host;
  const zone = ht.zone;
  const data = ht.view.data && ht.view.data.date === ht.shown ? ht.view.data : null;
  const otherZone = zone !== userZone;
  const first = today(zone);
  const name = host?.name ?? "The host";
  return (
    <section className="host-times" aria-labelledby={headingId} data-date={ht.shown} data-state={data ? "ready" : ht.view.isError ? "error" : "loading"}>
      <div className="host-times-head">
        <h3 id={headingId}>{host ? `${host.name}'s free times` : "The host's free times"}</h3>
        <div className="day-nav">
          <button type="button" className="icon-button" aria-label="Previous day" disabled={ht.shown <= first} onClick={() => ht.show(shiftDate(ht.shown, -1))}>
            <span aria-hidden="true">‹</span>
          </button>
          <label className="sr-only" htmlFor={dayId}>
            Day ({zoneName(zone)})
          </label>
          <input id={dayId} className="input day-input" type="date" min={first} value={ht.shown} onChange={(e) => e.target.value && ht.show(e.target.value < first ? first : e.target.value)} />
          <button type="button" className="icon-button" aria-label="Next day" onClick={() => ht.show(shiftDate(ht.shown, 1))}>
            <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      {ht.view.isError && (
        <p className="form-error" role="alert">
          Could not load {host ? `${host.name}'s` : "the host's"} free times: {errorMessage(ht.view.error)}
        </p>
      )}
      {data && (
        <p className="hint host-hours">
          {data.hours.length === 0
            ? `${name} does not work on ${dayWords(data.date, zone)} (${zoneName(zone)}).`
            : `Hours on ${dayWords(data.date, zone)}: ${rangesIn(data.date, data.hours, zone, zone)} (${zoneName(zone)})`}
          {otherZone && data.hours.length > 0 && `, ${rangesIn(data.date, data.hours, zone, userZone)} your time (${zoneName(userZone)})`}
          {data.hours.length > 0 && "."}
        </p>
      )}
      {data && data.slots.length > 0 && (
        <ul className="host-slots" aria-label={`Free times on ${dayWords(data.date, zone)}`}>
          {data.slots.map((s) => (
            <li key={s.start}>
              <button type="button" className="slot" aria-pressed={Date.parse(s.start) === Date.parse(value)} data-start={s.start} onClick={() => onChange(s.start)}>
                {hhmm(s.start, zone)}
                {otherZone && <span className="slot-sub">{hhmm(s.start, userZone)} yours</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      {data && data.slots.length === 0 && (
        <p className="muted host-none">
          No free times on {dayWords(data.date, zone)}.{" "}
          <button type="button" className="button button-small" onClick={() => ht.show(shiftDate(ht.shown, 1))}>
            Next day
          </button>
        </p>
      )}
      {!data && !ht.view.isError && (
        <ul className="host-slots" aria-hidden="true">
          {[0, 1, 2, 3].map((i) => (
            <li key={i}>
              <span className="slot-skeleton" />
            </li>
          ))}
        </ul>
      )}
      <DateTimeField
        label="Or type any time"
        value={value}
        onChange={(iso) => {
          onChange(iso);
          ht.show(null); // the days follow the typed time
        }}
        zone={userZone}
        alsoIn={otherZone && host ? [{ who: `${host.name}'s time`, zone }] : []}
        otherZone={customerZone}
      />
    </section>
  );
}

/**
 * The mark on a chosen start, before the user confirms: free; in the past (cannot be booked);
 * outside the host's hours or over their busy time (confirming books it anyway, with override).
 */
export function StartMark({ ht, start }: { ht: HostTime; start: string }) {
  if (!start || (ht.check === null && ht.failed)) return null;
  const check = ht.check;
  const name = ht.host?.name ?? "the host";
  const text = markWords(check, ht, name, start);
  return (
    <p className={`start-mark start-mark-${check ?? "checking"}`} role="status" data-check={check ?? "checking"}>
      {text}
    </p>
  );
}

function markWords(check: StartCheck | null, ht: HostTime, name: string, start: string): string {
  switch (check) {
    case null:
      return `Checking ${name}'s calendar…`;
    case "past":
      return "That time has already passed. Pick a time in the future.";
    case "free":
      return `Free in ${name}'s calendar.`;
    default: {
      const day = ht.startDay!;
      return `${problemWords(check, day.host, day.date, day.hours, day.host.timeZone)}. Confirming books it anyway.`;
    }
  }
}

/** True when confirming this start books it knowingly outside the host's hours or over busy time. */
export const needsOverride = (check: StartCheck | null) => check === "outside_hours" || check === "busy";

/**
 * The server refused the time: in the past, another booking (nothing to override), or outside the
 * hours / over busy time with the host's hours that day, and "Book anyway" to send it with override.
 */
export function RefusalNotice(props: { refusal: TimeRefusal; hostName: string; onBookAnyway: () => void; pending: boolean }) {
  const { refusal, hostName, onBookAnyway, pending } = props;
  const overridable = refusal.kind === "outside_hours" || refusal.kind === "busy";
  return (
    <div className={`refusal${overridable ? " refusal-warning" : ""}`} role="alert">
      <p>{refusalWords(refusal, hostName)}</p>
      {overridable && (
        <button type="button" className="button button-warning" onClick={onBookAnyway} disabled={pending}>
          {pending ? "Booking…" : "Book anyway"}
        </button>
      )}
    </div>
  );
}
