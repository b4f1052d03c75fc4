import { IANAZone } from "luxon";

/**
 * Wall clocks of IANA time zones, fast enough to run for every slot of a 60-day team page (tens of
 * thousands of calls per request): UTC offsets are cached, local dates are whole day numbers (days
 * since 1970-01-01 on the local calendar) and ISO strings are assembled from cached pieces instead
 * of going through Intl or Date on every call. Instants are epoch milliseconds.
 */

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface LocalDate {
  y: number;
  m: number;
  d: number;
}

const zones = new Map<string, IANAZone>();
const QUARTER = 15 * MINUTE;
const offsets = new Map<string, Map<number, number>>();
// Most calls in a row ask about the same zone: skip the lookup by name then.
let lastZone = "";
let lastOffsets = new Map<number, number>();

/**
 * The zone's UTC offset at an instant, in milliseconds. Offsets change only on quarter-hour
 * instants (true of every zone since 1970), so they are cached per zone and quarter hour
 * (numeric keys: this runs ~100,000 times for a 60-day team page).
 */
export function offsetMs(zone: string, ts: number): number {
  let byQuarter: Map<number, number> | undefined;
  if (zone === lastZone) byQuarter = lastOffsets;
  else {
    byQuarter = offsets.get(zone);
    if (!byQuarter) offsets.set(zone, (byQuarter = new Map()));
    lastZone = zone;
    lastOffsets = byQuarter;
  }
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

/**
 * One instant at which the zone's clock reads `minutes` past midnight of local day `dayNum`, for a
 * range bound: in a gap, the time the clock jumps to; when repeated, the earliest or the latest.
 * The same candidates as wallClockInstants, without its arrays (it runs for every host and day).
 */
export function wallClock(zone: string, dayNum: number, minutes: number, pick: "earliest" | "latest"): number {
  const local = dayNum * DAY + minutes * MINUTE;
  const o1 = offsetMs(zone, local - 14 * HOUR);
  const o2 = offsetMs(zone, local + 12 * HOUR);
  const first = offsetMs(zone, local - o1) === o1;
  const second = o2 !== o1 && offsetMs(zone, local - o2) === o2;
  if (first && second) return pick === "earliest" ? Math.min(local - o1, local - o2) : Math.max(local - o1, local - o2);
  if (second) return local - o2;
  // One valid instant, or none (a time in a gap): read with the offset before the change.
  return local - o1;
}

/** The local day (days since 1970-01-01 on the zone's calendar) of an instant. */
export function localDay(zone: string, ts: number): number {
  return Math.floor(Math.trunc(ts + offsetMs(zone, ts)) / DAY);
}

/** 0 = Monday … 6 = Sunday (day 0, 1970-01-01, was a Thursday). */
export function weekdayIndex(dayNum: number): number {
  return (((dayNum + 3) % 7) + 7) % 7;
}

const pad = (n: number) => String(n).padStart(2, "0");
const dates = new Map<number, string>();

/** A local day as YYYY-MM-DD. */
export function isoDate(dayNum: number): string {
  let s = dates.get(dayNum);
  if (s === undefined) {
    const d = new Date(dayNum * DAY);
    s = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (dates.size > 100_000) dates.clear();
    dates.set(dayNum, s);
  }
  return s;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => pad(i));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
/** Where toISOString writes a four-digit year (0000–9999), the range the fast paths below handle. */
const FIRST_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const LAST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const isoDates = new Map<number, string>();
const suffixes = new Map<number, string>();
/**
 * The rest of the string after the date, per minute of the day ("T09:30:00-07:00" per offset,
 * "T16:30:00.000Z" in UTC): slots start on whole minutes, so a slot's strings are two cached
 * pieces joined, with no per-slot garbage from assembling them.
 */
const localTails = new Map<number, (string | undefined)[]>();
const utcTails = new Array<string | undefined>(1440);

/** YYYY-MM-DD of a UTC day number, as toISOString writes it. */
function isoDayPrefix(dayNum: number): string {
  let s = isoDates.get(dayNum);
  if (s === undefined) {
    s = new Date(dayNum * DAY).toISOString().slice(0, 10);
    if (isoDates.size > 100_000) isoDates.clear();
    isoDates.set(dayNum, s);
  }
  return s;
}

/** hh:mm:ss of a millisecond of the day. */
function clockTime(msOfDay: number): string {
  const seconds = Math.floor(msOfDay / 1000);
  return `${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`;
}

const fastPath = (t: number) => Number.isInteger(t) && t >= FIRST_MS && t <= LAST_MS;

/** The same string as `new Date(ts).toISOString()` (e.g. 2027-03-14T16:00:00.000Z). */
export function utcIso(ts: number): string {
  if (!fastPath(ts)) return new Date(ts).toISOString();
  const day = Math.floor(ts / DAY);
  const ms = ts - day * DAY;
  if (ms % MINUTE === 0) {
    const m = ms / MINUTE;
    return isoDayPrefix(day) + (utcTails[m] ??= `T${clockTime(ms)}.000Z`);
  }
  return `${isoDayPrefix(day)}T${clockTime(ms)}.${THREE_DIGITS[ms % 1000]}Z`;
}

/**
 * An instant as ISO 8601 local time with offset in `zone` (e.g. 2027-03-14T09:00:00-07:00).
 * Uses the cached offsets above: formatting thousands of slots through Intl costs tens of ms.
 */
export function isoInZone(ts: number, zone: string): string {
  const offset = offsetMs(zone, ts);
  const local = ts + offset;
  if (!fastPath(local)) return slowIsoInZone(local, offset);
  const day = Math.floor(local / DAY);
  const ms = local - day * DAY;
  if (ms % MINUTE === 0) {
    let tails = localTails.get(offset);
    if (!tails) {
      if (localTails.size > 1_000) localTails.clear();
      localTails.set(offset, (tails = new Array<string | undefined>(1440)));
    }
    return isoDayPrefix(day) + (tails[ms / MINUTE] ??= `T${clockTime(ms)}${offsetSuffix(offset)}`);
  }
  return `${isoDayPrefix(day)}T${clockTime(ms)}${offsetSuffix(offset)}`;
}

function slowIsoInZone(local: number, offset: number): string {
  return `${new Date(local).toISOString().slice(0, 19)}${offsetSuffix(offset)}`;
}

/** "Z", or ±hh:mm. */
function offsetSuffix(offset: number): string {
  let s = suffixes.get(offset);
  if (s === undefined) {
    const abs = Math.abs(offset) / MINUTE;
    s = offset === 0 ? "Z" : `${offset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    if (suffixes.size > 1_000) suffixes.clear();
    suffixes.set(offset, s);
  }
  return s;
}
