import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { checkTime, computeSlots, workingIntervals, type HostSchedule, type SlotRules } from "../src/domain/availability.js";
import { rangeProblems } from "../src/domain/hours-validation.js";

const ALL_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]])) as HostSchedule["weekly"];
const NINE_TO_FIVE = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["09:00", "17:00"]]])) as HostSchedule["weekly"];

const host = (over: Partial<HostSchedule> = {}): HostSchedule => ({ hostId: "h1", timeZone: "UTC", weekly: ALL_DAY, overrides: {}, busy: [], ...over });
const rules = (over: Partial<SlotRules> = {}): SlotRules => ({
  pageTimeZone: "UTC",
  durationMinutes: 60,
  stepMinutes: 60,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minNoticeMinutes: 0,
  maxDaysAhead: null,
  now: new Date("2027-01-01T00:00:00Z"),
  ...over,
});

/** The page-local day [00:00, next 00:00) as instants. */
function localDay(zone: string, isoDate: string) {
  const start = DateTime.fromISO(isoDate, { zone }).startOf("day");
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}
const wallClock = (zone: string, d: Date) => DateTime.fromJSDate(d, { zone }).toFormat("HH:mm ZZ");

describe("slots across daylight-saving changes", () => {
  const cases = [
    { zone: "America/New_York", date: "2027-03-14", kind: "spring-forward", count: 23, missing: "02:00", twice: null },
    { zone: "America/New_York", date: "2027-11-07", kind: "fall-back", count: 25, missing: null, twice: "01:00" },
    { zone: "Europe/Berlin", date: "2027-03-28", kind: "spring-forward", count: 23, missing: "02:00", twice: null },
    { zone: "Europe/Berlin", date: "2027-10-31", kind: "fall-back", count: 25, missing: null, twice: "02:00" },
  ];
  it.each(cases)("$zone on its $kind day ($date) has $count hourly slots", ({ zone, date, count, missing, twice }) => {
    const { from, to } = localDay(zone, date);
    const slots = computeSlots([host({ timeZone: zone })], rules({ pageTimeZone: zone }), from, to);
    expect(slots).toHaveLength(count);
    const times = slots.map((s) => DateTime.fromJSDate(s.start, { zone }).toFormat("HH:mm"));
    if (missing) expect(times).not.toContain(missing);
    if (twice) {
      const both = slots.filter((s) => DateTime.fromJSDate(s.start, { zone }).toFormat("HH:mm") === twice);
      expect(both).toHaveLength(2);
      expect(both[1].start.getTime() - both[0].start.getTime()).toBe(3_600_000);
      expect(new Set(both.map((s) => wallClock(zone, s.start).slice(6)))).toHaveProperty("size", 2);
    }
    // Every slot is an hour long in real time, and consecutive starts never go backwards.
    for (const s of slots) expect(s.end.getTime() - s.start.getTime()).toBe(3_600_000);
    for (let i = 1; i < slots.length; i++) expect(slots[i].start > slots[i - 1].start).toBe(true);
  });

  it("keeps 09:00–17:00 at the same wall-clock hours on both sides of the change (New York)", () => {
    const zone = "America/New_York";
    const day = (d: string) => {
      const { from, to } = localDay(zone, d);
      return computeSlots([host({ timeZone: zone, weekly: NINE_TO_FIVE })], rules({ pageTimeZone: zone }), from, to);
    };
    const before = day("2027-03-13");
    const after = day("2027-03-14");
    expect(before.map((s) => wallClock(zone, s.start))[0]).toBe("09:00 -05:00");
    expect(after.map((s) => wallClock(zone, s.start))[0]).toBe("09:00 -04:00");
    expect(before.map((s) => s.start.toISOString().slice(11, 16))).toEqual(["14:00", "15:00", "16:00", "17:00", "18:00", "19:00", "20:00", "21:00"]);
    expect(after.map((s) => s.start.toISOString().slice(11, 16))).toEqual(["13:00", "14:00", "15:00", "16:00", "17:00", "18:00", "19:00", "20:00"]);
  });

  it("shows a Berlin host's hours on a New York page correctly while only one zone has changed", () => {
    const ny = "America/New_York";
    const berlinHost = host({ timeZone: "Europe/Berlin", weekly: { mon: [["09:00", "17:00"]] } });
    const first = (date: string) => {
      const { from, to } = localDay(ny, date);
      const slots = computeSlots([berlinHost], rules({ pageTimeZone: ny, durationMinutes: 30, stepMinutes: 30 }), from, to);
      return [wallClock(ny, slots[0].start), wallClock(ny, slots[slots.length - 1].start), slots.length];
    };
    // 8 March: neither zone on summer time: Berlin is 6 hours ahead.
    expect(first("2027-03-08")).toEqual(["03:00 -05:00", "10:30 -05:00", 16]);
    // 15 March: New York on summer time, Berlin not yet: 5 hours ahead.
    expect(first("2027-03-15")).toEqual(["04:00 -04:00", "11:30 -04:00", 16]);
    // 29 March: both on summer time: 6 hours again.
    expect(first("2027-03-29")).toEqual(["03:00 -04:00", "10:30 -04:00", 16]);
  });

  it("gives a Berlin night-shift host the right hours across the Berlin fall-back night", () => {
    const zone = "Europe/Berlin";
    const h = host({ timeZone: zone, weekly: { sun: [["00:00", "04:00"]] } });
    const work = workingIntervals(h, Date.parse("2027-10-30T12:00:00Z"), Date.parse("2027-11-01T00:00:00Z"));
    // 00:00 CEST (22:00Z on the 30th) to 04:00 CET (03:00Z): five real hours in a four-hour wall-clock range.
    expect(work).toEqual([{ start: Date.parse("2027-10-30T22:00:00Z"), end: Date.parse("2027-10-31T03:00:00Z") }]);
  });
});

describe("free slots", () => {
  const day = { from: new Date("2027-02-01T00:00:00Z"), to: new Date("2027-02-02T00:00:00Z") };
  const at = (hm: string) => Date.parse(`2027-02-01T${hm}:00Z`);

  it("takes busy time out, widened by the page's buffers", () => {
    const h = host({ weekly: NINE_TO_FIVE, busy: [{ start: at("10:00"), end: at("11:00") }] });
    const r = rules({ durationMinutes: 30, stepMinutes: 30, bufferBeforeMinutes: 15, bufferAfterMinutes: 15 });
    const starts = computeSlots([h], r, day.from, day.to).map((s) => s.start.toISOString().slice(11, 16));
    expect(starts).toContain("09:00");
    expect(starts).not.toContain("09:30"); // its after-buffer runs into 10:00
    expect(starts).not.toContain("10:00");
    expect(starts).not.toContain("10:30");
    expect(starts).not.toContain("11:00"); // its before-buffer starts at 10:45
    expect(starts).toContain("11:30");
    expect(starts[starts.length - 1]).toBe("16:30");
  });

  it("applies date overrides: a day off and extra hours", () => {
    const h = host({ weekly: NINE_TO_FIVE, overrides: { "2027-02-01": [], "2027-02-02": [["18:00", "20:00"]] } });
    expect(computeSlots([h], rules(), day.from, day.to)).toEqual([]);
    const next = computeSlots([h], rules(), new Date("2027-02-02T00:00:00Z"), new Date("2027-02-03T00:00:00Z"));
    expect(next.map((s) => s.start.toISOString().slice(11, 16))).toEqual(["18:00", "19:00"]);
  });

  it("respects minimum notice and maximum days ahead", () => {
    const now = new Date("2027-02-01T09:10:00Z");
    const slots = computeSlots([host({ weekly: NINE_TO_FIVE })], rules({ now, minNoticeMinutes: 120, maxDaysAhead: 1 }), day.from, new Date("2027-02-05T00:00:00Z"));
    const starts = slots.map((s) => s.start.toISOString().slice(0, 16));
    expect(starts[0]).toBe("2027-02-01T12:00");
    expect(starts[starts.length - 1]).toBe("2027-02-02T16:00");
  });

  it("lists a slot once with every host free for it", () => {
    const a = host({ hostId: "a", weekly: { mon: [["09:00", "11:00"]] } });
    const b = host({ hostId: "b", weekly: { mon: [["10:00", "12:00"]] }, busy: [{ start: at("11:00"), end: at("12:00") }] });
    const slots = computeSlots([a, b], rules(), day.from, day.to);
    expect(slots.map((s) => [s.start.toISOString().slice(11, 16), s.hostIds])).toEqual([
      ["09:00", ["a"]],
      ["10:00", ["a", "b"]],
    ]);
  });

  it("says why a time cannot be booked", () => {
    const h = host({ weekly: NINE_TO_FIVE, busy: [{ start: at("12:00"), end: at("13:00") }] });
    const r = rules({ now: new Date("2027-02-01T08:00:00Z"), minNoticeMinutes: 120, maxDaysAhead: 3 });
    const check = (iso: string) => checkTime(h, r, new Date(iso), new Date(Date.parse(iso) + 3_600_000));
    expect(check("2027-02-01T07:00:00Z")).toBe("past");
    expect(check("2027-02-01T09:00:00Z")).toBe("notice");
    expect(check("2027-02-01T10:00:00Z")).toBeNull();
    expect(check("2027-02-01T16:30:00Z")).toBe("outside_hours");
    expect(check("2027-02-01T11:30:00Z")).toBe("busy");
    expect(check("2027-02-04T10:00:00Z")).toBeNull();
    expect(check("2027-02-05T10:00:00Z")).toBe("too_far");
  });
});

describe("hours given by people", () => {
  it("finds inverted, malformed and overlapping ranges", () => {
    expect(rangeProblems([["09:00", "12:00"], ["13:00", "24:00"]])).toEqual([]);
    expect(rangeProblems([["12:00", "09:00"]])[0]).toMatchObject({ path: [0], message: expect.stringContaining("ends before it starts") });
    expect(rangeProblems([["9:00", "12:00"]])[0]).toMatchObject({ path: [0, 0] });
    expect(rangeProblems([["13:00", "15:00"], ["09:00", "13:30"]])[0]).toMatchObject({ path: [0], message: expect.stringContaining("overlaps") });
  });
});

describe("isoInZone", () => {
  it("formats like Luxon's ISO output, across both DST changes and in UTC", async () => {
    const { DateTime } = await import("luxon");
    const { isoInZone } = await import("../src/domain/availability.js");
    const zones = ["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"];
    const start = Date.UTC(2027, 0, 1);
    for (const zone of zones) {
      for (let ts = start; ts < start + 366 * 86_400_000; ts += 7 * 3_600_000 + 13 * 60_000) {
        const expected = DateTime.fromMillis(ts, { zone }).set({ millisecond: 0 }).toISO({ suppressMilliseconds: true })!.replace("+00:00", "Z");
        expect(isoInZone(ts - (ts % 1000), zone)).toBe(expected);
      }
    }
  });
});
