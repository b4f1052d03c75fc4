import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { sessionsText } from "../web/src/stream/StreamRow.js";
import { countOf, formatDayRange, formatShort, inThisYear } from "../web/src/ui/format.js";

/**
 * The back office's short dates name the year only when it is not the viewer's current one (in
 * their time zone), and counts agree with their nouns. Times are worked out from "now", so these
 * hold on any day.
 */
describe("short dates and counts in the back office", () => {
  for (const zone of ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/New_York"]) {
    it(`names the year only outside the current one, at the year's edges in ${zone}`, () => {
      const nextYear = DateTime.now().setZone(zone).startOf("year").plus({ years: 1 });
      const lastMinute = nextYear.minus({ minutes: 1 }).toUTC().toISO()!;
      const firstMinute = nextYear.plus({ minutes: 1 }).toUTC().toISO()!;
      expect(inThisYear(lastMinute, zone)).toBe(true);
      expect(inThisYear(firstMinute, zone)).toBe(false);
      expect(formatShort(lastMinute, zone)).not.toContain(String(nextYear.year - 1));
      expect(formatShort(firstMinute, zone)).toContain(String(nextYear.year));
      const lastYear = nextYear.minus({ years: 1, days: 3 }).toUTC().toISO()!;
      expect(formatShort(lastYear, zone)).toContain(String(nextYear.year - 2));
    });
  }

  it("shows a package's sessions as a count and a range of days", () => {
    const zone = "Europe/Berlin";
    const y = DateTime.now().setZone(zone).year;
    const march = (d: number) => DateTime.fromObject({ year: y, month: 3, day: d, hour: 10 }, { zone }).toUTC().toISO()!;
    expect(sessionsText({ count: 3, firstStart: march(4), lastStart: march(18) }, zone)).toMatch(/^3 sessions · Mar 4\s*–\s*18$/);
    expect(sessionsText({ count: 1, firstStart: march(4), lastStart: march(4) }, zone)).toBe("1 session · Mar 4");
    expect(sessionsText({ count: 0, firstStart: null, lastStart: null }, zone)).toBe("No sessions left");
    const across = formatDayRange(DateTime.fromObject({ year: y, month: 12, day: 28 }, { zone }).toUTC().toISO()!, DateTime.fromObject({ year: y + 1, month: 1, day: 4 }, { zone }).toUTC().toISO()!, zone);
    expect(across).toContain(String(y + 1));
  });

  it("agrees counts with their nouns", () => {
    expect(countOf(1, "package")).toBe("1 package");
    expect(countOf(2, "package")).toBe("2 packages");
    expect(countOf(0, "booking")).toBe("0 bookings");
    expect(countOf(1, "activity", "activities")).toBe("1 activity");
    expect(countOf(1204, "activity", "activities")).toBe("1,204 activities");
    expect(countOf(10_000, "activity", "activities", true)).toBe("10,000+ activities");
  });
});
