import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { zonedIso } from "../src/app/reports/detail-report.js";

/** The reports' fast time formatting writes what Luxon writes, in zones with odd offsets and across their changes. */
describe("report times", () => {
  it("match Luxon's ISO with offset, to the minute around every change of 2025–2027", () => {
    for (const zone of ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Europe/London", "UTC", "Etc/UTC"]) {
      for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 6 * 3_600_000 + 61_001) {
        expect(zonedIso(ms, zone)).toBe(DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }));
      }
      // Each minute of the day of every offset change.
      const changes = new Set<number>();
      for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 3_600_000) {
        if (DateTime.fromMillis(ms, { zone }).offset !== DateTime.fromMillis(ms + 3_600_000, { zone }).offset) changes.add(ms);
      }
      for (const c of changes) for (let ms = c - 7_200_000; ms < c + 7_200_000; ms += 60_000) {
        expect(zonedIso(ms, zone)).toBe(DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }));
      }
    }
  });
});
