import { DateTime, IANAZone } from "luxon";
import type { Weekday, WeeklyHours } from "./open-hours.js";

/**
 * Free slots, pure. Each host's working time comes from their weekly hours in their own time zone,
 * replaced on a date by that date's override; their busy time is what their bookings (and held
 * requests) take, buffers included. Slot starts are laid out on the booking page's wall clock, so
 * a 09:00 slot stays at 09:00 across a daylight-saving change: a start in the spring-forward gap
 * does not exist and is skipped, and a start in the repeated fall-back hour occurs twice.
 * Instants are epoch milliseconds; time zones are IANA names.
 */

export type HoursRange = [string, string];

export interface Interval {
  start: number;
  end: number;
}

export interface HostSchedule {
  hostId: string;
  timeZone: string;
  weekly: WeeklyHours;
  /** Local date (YYYY-MM-DD, in the host's zone) → that day's hours; [] is a day off. */
  overrides: Record<string, HoursRange[]>;
  /** Time already taken, sorted or not (buffers of existing bookings included). */
  busy: Interval[];
}

export interface SlotRules {
  pageTimeZone: string;
  durationMinutes: number;
  /** Distance between slot starts on the page's wall clock. */
  stepMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minNoticeMinutes: number;
  /** null: no limit. Otherwise through the end of the page's local day that many days from today. */
  maxDaysAhead: number | null;
  now: Date;
}

export interface Slot {
  start: Date;
  end: Date;
  /** The hosts free for this slot, in the order given. */
  hostIds: string[];
}

export type Unavailability = "past" | "notice" | "too_far" | "outside_hours" | "busy";

const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MINUTE = 60_000;
const DAY = 86_400_000;

/** The earliest and the (exclusive) latest start a customer may pick now. */
export function bookingWindow(rules: SlotRules): Interval {
  const now = rules.now.getTime();
  const earliest = now + rules.minNoticeMinutes * MINUTE;
  const latest =
    rules.maxDaysAhead === null
      ? Number.POSITIVE_INFINITY
      : DateTime.fromMillis(now, { zone: rules.pageTimeZone }).startOf("day").plus({ days: rules.maxDaysAhead + 1 }).toMillis();
  return { start: earliest, end: latest };
}

/** A host's working time within [from, to), merged into disjoint sorted intervals. */
export function workingIntervals(host: HostSchedule, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  let day = localDate(host.timeZone, from - DAY);
  const last = to + DAY;
  for (; ; day = nextDate(day)) {
    const midnight = wallClock(host.timeZone, day, 0, "earliest");
    if (midnight >= last) break;
    const ranges = host.overrides[isoDate(day)] ?? host.weekly[WEEKDAYS[weekdayIndex(day)]] ?? [];
    for (const [a, b] of ranges) {
      const start = wallClock(host.timeZone, day, minutesOf(a), "earliest");
      const end = b === "24:00" ? wallClock(host.timeZone, nextDate(day), 0, "earliest") : wallClock(host.timeZone, day, minutesOf(b), "latest");
      const s = Math.max(start, from);
      const e = Math.min(end, to);
      if (s < e) out.push({ start: s, end: e });
    }
  }
  return merge(out);
}

/** Merges overlapping or touching intervals; returns them sorted. */
export function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((x, y) => x.start - y.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const prev = out[out.length - 1];
    if (prev && i.start <= prev.end) prev.end = Math.max(prev.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** Slot starts on the page's wall clock within [from, to), DST-correct, ascending. */
export function slotStarts(pageTimeZone: string, stepMinutes: number, from: number, to: number): number[] {
  const starts: number[] = [];
  for (let day = localDate(pageTimeZone, from); wallClock(pageTimeZone, day, 0, "earliest") < to; day = nextDate(day)) {
    const utcMidnight = Date.UTC(day.y, day.m - 1, day.d);
    const before = offsetMs(pageTimeZone, utcMidnight - 14 * HOUR);
    const after = offsetMs(pageTimeZone, utcMidnight + DAY + 12 * HOUR);
    for (let m = 0; m < 1440; m += stepMinutes) {
      // Most days keep one offset; on a change day a start in the spring-forward gap does not
      // exist (skipped) and one in the repeated fall-back hour exists twice (both are slots).
      if (before === after) starts.push(utcMidnight + m * MINUTE - before);
      else starts.push(...wallClockInstants(pageTimeZone, day, m));
    }
  }
  return starts.filter((t) => t >= from && t < to).sort((a, b) => a - b);
}

/** Why a host cannot take [start, end) under these rules, or null when they can. */
export function checkTime(host: HostSchedule, rules: SlotRules, start: Date, end: Date): Unavailability | null {
  const s = start.getTime();
  const e = end.getTime();
  if (s <= rules.now.getTime()) return "past";
  const window = bookingWindow(rules);
  if (s < window.start) return "notice";
  if (s >= window.end) return "too_far";
  return hostProblem(host, rules, s, e);
}

/** Hours and busy time only: what binds a user scheduling on someone's behalf. */
export function hostProblem(host: HostSchedule, rules: Pick<SlotRules, "bufferBeforeMinutes" | "bufferAfterMinutes">, s: number, e: number): "outside_hours" | "busy" | null {
  const working = workingIntervals(host, s - DAY, e + DAY);
  if (!covers(working, s, e)) return "outside_hours";
  const busy = merge(host.busy);
  if (overlapsAny(busy, s - rules.bufferBeforeMinutes * MINUTE, e + rules.bufferAfterMinutes * MINUTE)) return "busy";
  return null;
}

/** The free slots in [from, to) for any of the hosts, in the page's rules. */
export function computeSlots(hosts: HostSchedule[], rules: SlotRules, from: Date, to: Date): Slot[] {
  const window = bookingWindow(rules);
  const lo = Math.max(from.getTime(), window.start, rules.now.getTime() + 1);
  const hi = Math.min(to.getTime(), window.end);
  if (lo >= hi) return [];
  const duration = rules.durationMinutes * MINUTE;
  const before = rules.bufferBeforeMinutes * MINUTE;
  const after = rules.bufferAfterMinutes * MINUTE;
  const prepared = hosts.map((h) => ({
    id: h.hostId,
    working: workingIntervals(h, lo, hi + duration),
    busy: merge(h.busy),
  }));
  const slots: Slot[] = [];
  for (const s of slotStarts(rules.pageTimeZone, rules.stepMinutes, lo, hi)) {
    const e = s + duration;
    const free = prepared.filter((h) => covers(h.working, s, e) && !overlapsAny(h.busy, s - before, e + after)).map((h) => h.id);
    if (free.length > 0) slots.push({ start: new Date(s), end: new Date(e), hostIds: free });
  }
  return slots;
}

/** Whether one interval of the sorted, disjoint list contains [s, e). */
function covers(sorted: Interval[], s: number, e: number): boolean {
  const i = lastStartingAtOrBefore(sorted, s);
  return i >= 0 && sorted[i].end >= e;
}

/** Whether [s, e) overlaps any interval of the sorted, disjoint list. */
function overlapsAny(sorted: Interval[], s: number, e: number): boolean {
  const i = lastStartingAtOrBefore(sorted, e - 1);
  return i >= 0 && sorted[i].end > s;
}

function lastStartingAtOrBefore(sorted: Interval[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].start <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

const HOUR = 3_600_000;
const zones = new Map<string, IANAZone>();

const QUARTER = 15 * MINUTE;
const offsets = new Map<string, Map<number, number>>();

/**
 * The zone's UTC offset at an instant, in milliseconds. Offsets change only on quarter-hour
 * instants (true of every zone since 1970), so they are cached per zone and quarter hour
 * (numeric keys: this runs ~100,000 times for a 60-day team page).
 */
function offsetMs(zone: string, ts: number): number {
  let byQuarter = offsets.get(zone);
  if (!byQuarter) offsets.set(zone, (byQuarter = new Map()));
  const q = Math.floor(ts / QUARTER);
  const hit = byQuarter.get(q);
  if (hit !== undefined) return hit;
  let z = zones.get(zone);
  if (!z) zones.set(zone, (z = IANAZone.create(zone)));
  const o = z.offset(ts) * MINUTE;
  if (byQuarter.size > 100_000) byQuarter.clear();
  byQuarter.set(q, o);
  return o;
}

/** Every instant at which the zone's clock reads `minutes` past midnight of `day`: 0, 1 or 2. */
export function wallClockInstants(zone: string, day: LocalDate, minutes: number): number[] {
  const local = Date.UTC(day.y, day.m - 1, day.d) + minutes * MINUTE;
  // Offsets lie within −12 h…+14 h, so the instant lies in [local − 14 h, local + 12 h]; with at
  // most one change in that window, the offsets at its two ends are the only candidates.
  const found = new Set<number>();
  for (const o of [offsetMs(zone, local - 14 * HOUR), offsetMs(zone, local + 12 * HOUR)]) {
    if (offsetMs(zone, local - o) === o) found.add(local - o);
  }
  return [...found].sort((a, b) => a - b);
}

/** One instant for a range bound: in a gap, the time the clock jumps to; when repeated, the earliest or latest. */
function wallClock(zone: string, day: LocalDate, minutes: number, pick: "earliest" | "latest"): number {
  const all = wallClockInstants(zone, day, minutes);
  if (all.length === 0) return Date.UTC(day.y, day.m - 1, day.d) + minutes * MINUTE - offsetMs(zone, Date.UTC(day.y, day.m - 1, day.d) + minutes * MINUTE - 14 * HOUR);
  return pick === "earliest" ? all[0] : all[all.length - 1];
}

function localDate(zone: string, ts: number): LocalDate {
  const d = new Date(ts + offsetMs(zone, ts));
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

function nextDate(day: LocalDate): LocalDate {
  const d = new Date(Date.UTC(day.y, day.m - 1, day.d + 1));
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

const pad = (n: number) => String(n).padStart(2, "0");
const isoDate = (day: LocalDate) => `${day.y}-${pad(day.m)}-${pad(day.d)}`;
/** 0 = Monday … 6 = Sunday. */
const weekdayIndex = (day: LocalDate) => (new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay() + 6) % 7;

function minutesOf(hm: string): number {
  const [h, m] = hm.split(":").map(Number);
  return h * 60 + m;
}

/**
 * An instant as ISO 8601 local time with offset in `zone` (e.g. 2027-03-14T09:00:00-07:00).
 * Uses the cached offsets above: formatting thousands of slots through Intl costs tens of ms.
 */
export function isoInZone(ts: number, zone: string): string {
  const offset = offsetMs(zone, ts);
  const local = new Date(ts + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset) / MINUTE;
  return `${local}${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
