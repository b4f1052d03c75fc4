import { DateTime } from "luxon";
import { ApiError } from "../api/client";

/**
 * The guardrails on a time a user picks for someone else's calendar (approve, reschedule), as the
 * web app shows them: the host's hours and free times for one of their days (from the API), a mark
 * on a chosen time that is outside those hours or not free, and the server's refusals in words.
 * Pure helpers, no React; the server stays the judge (it answers 422 or 409 whatever we marked).
 */

/** GET /api/v1/activities/{id}/free-times */
export interface HostFreeTimes {
  host: { id: string; name: string; timeZone: string };
  /** The host's local day (YYYY-MM-DD). */
  date: string;
  durationMinutes: number;
  /** The host's local hours that day, e.g. [["09:00","17:00"]]; [] = not working. */
  hours: [string, string][];
  slots: { start: string; end: string }[];
}

/** What a chosen start is for the host: free, past, outside their hours, or over busy time. */
export type StartCheck = "free" | "past" | "outside_hours" | "busy";

/** The local day (YYYY-MM-DD) of an instant in `zone`. */
export const localDate = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toISODate()!;

/** Today in `zone`, or a day before or after it. */
export const today = (zone: string, plusDays = 0) => DateTime.now().setZone(zone).plus({ days: plusDays }).toISODate()!;

export const shiftDate = (date: string, days: number) => DateTime.fromISO(date).plus({ days }).toISODate()!;

/** A local "HH:mm" (or "24:00") on a local date in `zone`, as epoch milliseconds. */
function at(date: string, hhmm: string, zone: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return DateTime.fromISO(date, { zone }).startOf("day").plus({ hours: h, minutes: m }).toMillis();
}

/**
 * Marks a start against the host's day (the day of `start` in the host's zone): past, outside the
 * hours, inside the hours but not covered by free slots (busy: a booking, a held request, a buffer),
 * or free. Free means one of the free starts, or inside the span the free slots cover together
 * (a typed 10:05 between free 10:00 and 10:30 slots).
 */
export function checkStart(start: string, day: HostFreeTimes, now = Date.now()): StartCheck {
  const s = Date.parse(start);
  if (s <= now) return "past";
  const e = s + day.durationMinutes * 60_000;
  const zone = day.host.timeZone;
  const inHours = day.hours.some(([from, to]) => at(day.date, from, zone) <= s && e <= at(day.date, to, zone));
  if (!inHours) return "outside_hours";
  if (day.slots.some((x) => Date.parse(x.start) === s)) return "free";
  // Free slots as one timeline: merge overlapping or touching ones, then look for one holding [s, e).
  const spans = day.slots.map((x) => [Date.parse(x.start), Date.parse(x.end)] as const).sort((a, b) => a[0] - b[0]);
  let from = NaN;
  let to = NaN;
  for (const [a, b] of spans) {
    if (a <= to) to = Math.max(to, b);
    else [from, to] = [a, b];
    if (from <= s && e <= to) return "free";
  }
  return "busy";
}

/** "Mon 9 Mar: 09:00–17:00, America/New_York" (or "Sat 7 Mar: not working, …"); the year when it is not this one. */
export function hoursPhrase(date: string, hours: [string, string][], zone: string): string {
  const d = DateTime.fromISO(date, { zone });
  const label = d.toFormat(d.year === DateTime.now().setZone(zone).year ? "ccc d LLL" : "ccc d LLL yyyy");
  const ranges = hours.length ? hours.map(([a, b]) => `${a}–${b}`).join(", ") : "not working";
  return `${label}: ${ranges}, ${zone}`;
}

/** The words for a marked start: "Outside Ada Admin's hours (Mon 9 Mar: 09:00–17:00, America/New_York)". */
export function problemWords(kind: "outside_hours" | "busy", host: { name: string }, date: string, hours: [string, string][], zone: string): string {
  const phrase = hoursPhrase(date, hours, zone);
  return kind === "outside_hours" ? `Outside ${host.name}'s hours (${phrase})` : `Over ${host.name}'s busy time (hours ${phrase})`;
}

/** A refusal of the chosen time by the server, in a shape the dialogs can show and act on. */
export type TimeRefusal =
  | { kind: "past" }
  | { kind: "outside_hours" | "busy"; host: { name: string; timeZone: string }; date: string; hours: [string, string][] }
  | { kind: "taken" };

/**
 * The server's answers about a time: 422 past (no override), 422 outside_hours/busy with the
 * host's hours (an override may book it), 409 slot_unavailable (another booking; no override).
 * Anything else is not about the time (null).
 */
export function timeRefusal(err: unknown): TimeRefusal | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 409 && err.code === "slot_unavailable") return { kind: "taken" };
  if (err.status !== 422) return null;
  const d = err.details;
  if (d.reason === "past") return { kind: "past" };
  if (d.reason === "outside_hours" || d.reason === "busy") {
    const host = (d.host ?? {}) as { name?: string; timeZone?: string };
    return {
      kind: d.reason,
      host: { name: host.name ?? "the host", timeZone: host.timeZone ?? "UTC" },
      date: typeof d.date === "string" ? d.date : "",
      hours: Array.isArray(d.hours) ? (d.hours as [string, string][]) : [],
    };
  }
  return null;
}

/** What to tell the user about a refusal. */
export function refusalWords(r: TimeRefusal, hostName: string): string {
  switch (r.kind) {
    case "past":
      return "That time has already passed. Pick a time in the future.";
    case "taken":
      return `${hostName} is already booked then. Pick another time; this one cannot be booked anyway.`;
    default:
      return `${problemWords(r.kind, r.host, r.date, r.hours, r.host.timeZone)}.`;
  }
}
