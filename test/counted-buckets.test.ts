import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketStarts, cutDays, DAY, HOUR } from "../src/app/reports/counted-buckets.js";
import type { Interval } from "../src/domain/reports.js";

/**
 * The daily roll-up (migration 028) answers for every day cutDays leaves out: each such day lies
 * wholly in one bucket and wholly in or out of the range, so counting its midnight stands for
 * counting each of its hours. Checked against counting every hour, in zones on whole hours across
 * their daylight-saving changes, with ranges on whole hours and on midnights.
 */
const ZONES = ["UTC", "Europe/Paris", "America/New_York", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo", "Asia/Tokyo"];
const INTERVALS: Interval[] = ["day", "week", "month"];
const START = Date.UTC(2025, 0, 1);
const SPAN_HOURS = 3 * 366 * 24;

/** width_bucket over ascending bounds: 0 before the first, else the 1-based index of the last bound at or before. */
function bucketOf(bounds: Date[], ms: number): number {
  let lo = 0, hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bounds[mid].getTime() <= ms) lo = mid + 1; else hi = mid;
  }
  return lo;
}

const inRange = (ms: number, from?: number, to?: number) => (from === undefined || ms >= from) && (to === undefined || ms < to);

describe("counted buckets", () => {
  it("cut days: reading every other day by its midnight gives each bucket what its hours give", () => {
    const hourAt = fc.integer({ min: 0, max: SPAN_HOURS }).map((h) => START + h * HOUR);
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES), fc.constantFrom(...INTERVALS),
        fc.array(hourAt, { minLength: 1, maxLength: 300 }),
        fc.option(hourAt, { nil: undefined }), fc.option(fc.integer({ min: 1, max: SPAN_HOURS }), { nil: undefined }),
        fc.boolean(),
        (zone, interval, hours, from, length, onMidnights) => {
          const snap = (ms: number | undefined) => (ms === undefined || !onMidnights ? ms : Math.floor(ms / DAY) * DAY);
          const f = snap(from), t = snap(from !== undefined && length !== undefined ? from + length * HOUR : undefined);
          const sorted = [...hours].sort((a, b) => a - b);
          const bounds = bucketStarts(new Date(sorted[0]), new Date(sorted[sorted.length - 1]), interval, zone);
          expect(bounds).not.toBeNull();
          const cut = cutDays(bounds!, f === undefined ? undefined : new Date(f), t === undefined ? undefined : new Date(t));
          if (cut === null) return;
          const cutSet = new Set(cut.map((d) => d.getTime()));
          const byHour = new Map<number, number>(), byDay = new Map<number, number>();
          const add = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
          for (const ms of hours) {
            if (inRange(ms, f, t)) add(byHour, bucketOf(bounds!, ms));
            const day = Math.floor(ms / DAY) * DAY;
            // A cut day's hour is read from the hourly counts; any other is read as its day's midnight.
            const at = cutSet.has(day) ? ms : day;
            if (inRange(at, f, t)) add(byDay, bucketOf(bounds!, at));
          }
          expect(byDay).toEqual(byHour);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("cut days: midnights UTC cut nothing; other bounds and range ends cut their day; too many give null", () => {
    const utcMonths = bucketStarts(new Date(Date.UTC(2025, 0, 5)), new Date(Date.UTC(2026, 11, 5)), "month", "UTC")!;
    expect(cutDays(utcMonths)).toEqual([]);
    const parisMonths = bucketStarts(new Date(Date.UTC(2025, 0, 5)), new Date(Date.UTC(2025, 11, 5)), "month", "Europe/Paris")!;
    // Paris' first of the month starts at 23:00 or 22:00 UTC the day before.
    expect(cutDays(parisMonths)).toEqual(parisMonths.map((b) => new Date(Math.floor(b.getTime() / DAY) * DAY)));
    expect(cutDays([], new Date(Date.UTC(2025, 2, 3, 5)), new Date(Date.UTC(2025, 2, 3, 9)))).toEqual([new Date(Date.UTC(2025, 2, 3))]);
    const nyDays = bucketStarts(new Date(Date.UTC(2025, 0, 1)), new Date(Date.UTC(2026, 6, 1)), "day", "America/New_York")!;
    expect(cutDays(nyDays)).toBeNull();
  });
});
