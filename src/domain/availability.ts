import { DateTime } from "luxon";
import type { Weekday, WeeklyHours } from "./open-hours.js";
import { DAY, HOUR, isoDate, localDay, MINUTE, offsetMs, wallClock, wallClockInstants, weekdayIndex, type LocalDate } from "./zone-clock.js";

export { isoInZone, wallClockInstants } from "./zone-clock.js";

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
  const zone = host.timeZone;
  const last = to + DAY;
  for (let day = localDay(zone, from - DAY); ; day++) {
    if (wallClock(zone, day, 0, "earliest") >= last) break;
    const ranges = host.overrides[isoDate(day)] ?? host.weekly[WEEKDAYS[weekdayIndex(day)]] ?? [];
    for (const [a, b] of ranges) {
      const start = wallClock(zone, day, minutesOf(a), "earliest");
      const end = b === "24:00" ? wallClock(zone, day + 1, 0, "earliest") : wallClock(zone, day, minutesOf(b), "latest");
      const s = Math.max(start, from);
      const e = Math.min(end, to);
      if (s < e) out.push({ start: s, end: e });
    }
  }
  return mergeOwn(out);
}

/** Merges overlapping or touching intervals; returns them sorted. */
export function merge(intervals: Interval[]): Interval[] {
  return mergeOwn(intervals.map((i) => ({ start: i.start, end: i.end })));
}

/** merge() for a list nobody else holds: sorts and merges it in place. */
function mergeOwn(list: Interval[]): Interval[] {
  if (!isSortedAndDisjoint(list)) list.sort((x, y) => x.start - y.start);
  let n = 0;
  for (const i of list) {
    const prev = n > 0 ? list[n - 1] : undefined;
    if (prev && i.start <= prev.end) prev.end = Math.max(prev.end, i.end);
    else list[n++] = i;
  }
  list.length = n;
  return list;
}

/** The list itself when merging would not change it (busy time usually is): no copy to read it. */
function merged(intervals: Interval[]): readonly Interval[] {
  return isSortedAndDisjoint(intervals) ? intervals : merge(intervals);
}

function isSortedAndDisjoint(list: readonly Interval[]): boolean {
  for (let k = 1; k < list.length; k++) {
    if (!(list[k].start >= list[k - 1].start && list[k].start > list[k - 1].end)) return false;
  }
  return true;
}

/** Slot starts on the page's wall clock within [from, to), DST-correct, ascending. */
export function slotStarts(pageTimeZone: string, stepMinutes: number, from: number, to: number): number[] {
  const starts: number[] = [];
  let ascending = true;
  const add = (t: number) => {
    if (t < from || t >= to) return;
    if (starts.length > 0 && t < starts[starts.length - 1]) ascending = false;
    starts.push(t);
  };
  for (let day = localDay(pageTimeZone, from); wallClock(pageTimeZone, day, 0, "earliest") < to; day++) {
    const utcMidnight = day * DAY;
    const before = offsetMs(pageTimeZone, utcMidnight - 14 * HOUR);
    const after = offsetMs(pageTimeZone, utcMidnight + DAY + 12 * HOUR);
    for (let m = 0; m < 1440; m += stepMinutes) {
      // Most days keep one offset; on a change day a start in the spring-forward gap does not
      // exist (skipped) and one in the repeated fall-back hour exists twice (both are slots).
      if (before === after) add(utcMidnight + m * MINUTE - before);
      else for (const t of wallClockInstants(pageTimeZone, dateOf(day), m)) add(t);
    }
  }
  // Only a fall-back day lists starts out of order (the repeated hour's second pass).
  return ascending ? starts : starts.sort((a, b) => a - b);
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
  const busy = merged(host.busy);
  if (overlapsAny(busy, s - rules.bufferBeforeMinutes * MINUTE, e + rules.bufferAfterMinutes * MINUTE)) return "busy";
  return null;
}

/** The free slots in [from, to) for any of the hosts, in the page's rules. */
export function computeSlots(hosts: HostSchedule[], rules: SlotRules, from: Date, to: Date): Slot[] {
  const slots: Slot[] = [];
  const scan = startScan(hosts, rules, from, to);
  if (!scan) return slots;
  for (const s of scan.starts) {
    const e = s + scan.duration;
    const free: string[] = [];
    for (const c of scan.cursors) if (scan.isFree(c, s, e)) free.push(c.id);
    if (free.length > 0) slots.push({ start: new Date(s), end: new Date(e), hostIds: free });
  }
  return slots;
}

/**
 * The starts of computeSlots' slots, without their host lists or Dates: a booking page shows
 * whether anyone is free, so the scan stops at the first free host.
 */
export function freeSlotStarts(hosts: HostSchedule[], rules: SlotRules, from: Date, to: Date): number[] {
  const out: number[] = [];
  const scan = startScan(hosts, rules, from, to);
  if (!scan) return out;
  for (const s of scan.starts) {
    const e = s + scan.duration;
    for (const c of scan.cursors) {
      if (scan.isFree(c, s, e)) {
        out.push(s);
        break;
      }
    }
  }
  return out;
}

/**
 * A host's working and busy time, with positions that only move forward: slot starts are visited
 * in ascending order, so each check continues where the last one stopped instead of searching.
 */
interface HostCursor {
  id: string;
  working: readonly Interval[];
  busy: readonly Interval[];
  /** The last working interval starting at or before the current start (-1: none yet). */
  w: number;
  /** The last busy interval starting before the current end plus buffer (-1: none yet). */
  b: number;
}

function startScan(hosts: HostSchedule[], rules: SlotRules, from: Date, to: Date) {
  const window = bookingWindow(rules);
  const lo = Math.max(from.getTime(), window.start, rules.now.getTime() + 1);
  const hi = Math.min(to.getTime(), window.end);
  if (lo >= hi) return null;
  const duration = rules.durationMinutes * MINUTE;
  const before = rules.bufferBeforeMinutes * MINUTE;
  const after = rules.bufferAfterMinutes * MINUTE;
  const cursors: HostCursor[] = hosts.map((h) => ({ id: h.hostId, working: workingIntervals(h, lo, hi + duration), busy: merged(h.busy), w: -1, b: -1 }));
  /** covers(working, s, e) && !overlapsAny(busy, s - before, e + after), for ascending s. */
  const isFree = (c: HostCursor, s: number, e: number): boolean => {
    const { working, busy } = c;
    while (c.w + 1 < working.length && working[c.w + 1].start <= s) c.w++;
    if (!(c.w >= 0 && working[c.w].end >= e)) return false;
    const last = e + after - 1;
    while (c.b + 1 < busy.length && busy[c.b + 1].start <= last) c.b++;
    return !(c.b >= 0 && busy[c.b].end > s - before);
  };
  return { starts: slotStarts(rules.pageTimeZone, rules.stepMinutes, lo, hi), duration, cursors, isFree };
}

/** Whether one interval of the sorted, disjoint list contains [s, e). */
function covers(sorted: readonly Interval[], s: number, e: number): boolean {
  const i = lastStartingAtOrBefore(sorted, s);
  return i >= 0 && sorted[i].end >= e;
}

/** Whether [s, e) overlaps any interval of the sorted, disjoint list. */
function overlapsAny(sorted: readonly Interval[], s: number, e: number): boolean {
  const i = lastStartingAtOrBefore(sorted, e - 1);
  return i >= 0 && sorted[i].end > s;
}

function lastStartingAtOrBefore(sorted: readonly Interval[], t: number): number {
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

const hoursAndMinutes = new Map<string, number>();

/** "09:30" → 570 (cached: every host's ranges are read for every day). */
function minutesOf(hm: string): number {
  let minutes = hoursAndMinutes.get(hm);
  if (minutes === undefined) {
    const [h, m] = hm.split(":").map(Number);
    minutes = h * 60 + m;
    if (hoursAndMinutes.size > 10_000) hoursAndMinutes.clear();
    hoursAndMinutes.set(hm, minutes);
  }
  return minutes;
}

function dateOf(dayNum: number): LocalDate {
  const d = new Date(dayNum * DAY);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}
