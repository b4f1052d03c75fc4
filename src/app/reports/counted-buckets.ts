import { DateTime } from "luxon";
import type { Interval } from "../../domain/reports.js";

/**
 * Time buckets for the kept counts (migrations 022, 023), which hold hours (UTC): a zone's day,
 * week or month is a range of whole hours when the zone's offsets are whole hours.
 */
export const HOUR = 3_600_000;
/** Beyond this many buckets (a day per bucket over 130 years) the counts are not worth it. */
const MAX_BUCKETS = 50_000;

/** A range the hourly counts can answer: each end, if any, on a whole hour. */
export const onWholeHours = (from?: Date, to?: Date) => (!from || from.getTime() % HOUR === 0) && (!to || to.getTime() % HOUR === 0);

/**
 * The starts of the zone's days, weeks (from Monday) or months from the one holding `first` to the
 * one holding `last`; null when one does not fall on a whole UTC hour (a zone offset by 30 or 45
 * minutes, then or at some point in the range) or there would be too many.
 */
export function bucketStarts(first: Date, last: Date, interval: Interval, zone: string): Date[] | null {
  const out: Date[] = [];
  let at = DateTime.fromJSDate(first, { zone }).startOf(interval);
  const end = last.getTime();
  while (at.toMillis() <= end) {
    if (at.toMillis() % HOUR !== 0 || out.length >= MAX_BUCKETS) return null;
    out.push(at.toJSDate());
    at = at.plus({ [`${interval}s`]: 1 }).startOf(interval);
  }
  return out;
}

/**
 * The bucket starts covering the kept hours `[first, last]` cut to the range `[from, to)`: [] when
 * nothing falls in it, null when the counts cannot answer (see bucketStarts).
 */
export function countedBounds(hours: { first: Date | null; last: Date | null }, from: Date | undefined, to: Date | undefined, interval: Interval, zone: string): Date[] | null {
  const first = latest(hours.first, from), last = earliest(hours.last, to ? new Date(to.getTime() - HOUR) : undefined);
  return first && last && first <= last ? bucketStarts(first, last, interval, zone) : [];
}

export const DAY = 24 * HOUR;
/** Beyond this many cut days (a day report in a zone whose midnight is not UTC's) the daily counts save nothing. */
const MAX_CUT_DAYS = 400;

/**
 * The UTC days the daily counts (migration 028) cannot answer for: those a bucket start or the
 * range's ends cut inside (not at midnight UTC). Their hours are read from the hourly counts; every
 * other day lies wholly in one bucket and wholly in or out of the range. Null: too many to be
 * worth it (read every hour instead). Ascending, no duplicates.
 */
export function cutDays(bounds: Date[], from?: Date, to?: Date): Date[] | null {
  const days = new Set<number>();
  for (const at of [...bounds, from, to]) {
    if (at && at.getTime() % DAY !== 0) days.add(Math.floor(at.getTime() / DAY) * DAY);
  }
  if (days.size > MAX_CUT_DAYS) return null;
  return [...days].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/** The first day ("YYYY-MM-DD") of bucket `bucket` (1-based, as width_bucket gives) in the zone. */
export const bucketDay = (bounds: Date[], bucket: number | null, zone: string): string | null =>
  bucket === null || bucket < 1 ? null : DateTime.fromJSDate(bounds[bucket - 1], { zone }).toISODate();

const latest = (a: Date | null, b?: Date) => (a && b ? (a > b ? a : b) : (a ?? b ?? null));
const earliest = (a: Date | null, b?: Date) => (a && b ? (a < b ? a : b) : (a ?? b ?? null));
