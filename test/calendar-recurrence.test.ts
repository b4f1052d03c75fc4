import { describe, expect, it } from "vitest";
import { parseBusyEvents } from "../src/integrations/caldav/busy-parse.js";

/**
 * Recurring events in a connected calendar block every occurrence in the window (RRULE, RDATE,
 * EXDATE, RECURRENCE-ID), in wall-clock time of the event's zone across daylight-saving changes.
 * Fixed dates: nothing here depends on today.
 */
const cal = (...events: string[][]) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", ...events.flatMap((e) => ["BEGIN:VEVENT", ...e, "END:VEVENT"]), "END:VCALENDAR", ""].join("\r\n");
const window = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const starts = (ics: string, w: { from: Date; to: Date }, zone = "UTC") => parseBusyEvents(ics, zone, w).map((b) => b.start.toISOString()).sort();

describe("recurring busy times", () => {
  it("weekly on Monday and Wednesday at 09:00 Berlin stays at 09:00 across the spring change (UTC moves an hour)", () => {
    const ics = cal(["UID:standup", "DTSTART;TZID=Europe/Berlin:20260302T090000", "DTEND;TZID=Europe/Berlin:20260302T093000", "RRULE:FREQ=WEEKLY;BYDAY=MO,WE"]);
    const busy = parseBusyEvents(ics, "UTC", window("2026-03-23T00:00:00Z", "2026-04-06T00:00:00Z"));
    expect(busy.map((b) => [b.start.toISOString(), b.end.toISOString()])).toEqual([
      ["2026-03-23T08:00:00.000Z", "2026-03-23T08:30:00.000Z"],
      ["2026-03-25T08:00:00.000Z", "2026-03-25T08:30:00.000Z"],
      ["2026-03-30T07:00:00.000Z", "2026-03-30T07:30:00.000Z"],
      ["2026-04-01T07:00:00.000Z", "2026-04-01T07:30:00.000Z"],
    ]);
    expect(busy.every((b) => b.uid === "standup")).toBe(true);
  });

  it("every other week, and an occurrence that began before the window but still runs counts", () => {
    const ics = cal(["UID:biweekly", "DTSTART:20260105T220000Z", "DTEND:20260106T020000Z", "RRULE:FREQ=WEEKLY;INTERVAL=2"]);
    expect(starts(ics, window("2026-01-19T23:00:00Z", "2026-02-03T00:00:00Z"))).toEqual(["2026-01-19T22:00:00.000Z", "2026-02-02T22:00:00.000Z"]);
  });

  it("monthly on the last Friday, three times; monthly on the 31st skips short months", () => {
    const lastFriday = cal(["UID:review", "DTSTART:20260130T150000Z", "DURATION:PT1H", "RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"]);
    expect(starts(lastFriday, window("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"))).toEqual([
      "2026-01-30T15:00:00.000Z", "2026-02-27T15:00:00.000Z", "2026-03-27T15:00:00.000Z",
    ]);
    const thirtyFirst = cal(["UID:close", "DTSTART:20260131T100000Z", "DURATION:PT1H", "RRULE:FREQ=MONTHLY"]);
    expect(starts(thirtyFirst, window("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"))).toEqual([
      "2026-01-31T10:00:00.000Z", "2026-03-31T10:00:00.000Z", "2026-05-31T10:00:00.000Z",
    ]);
    const secondTuesday = cal(["UID:board", "DTSTART:20260113T090000Z", "DURATION:PT2H", "RRULE:FREQ=YEARLY;BYMONTH=1,7;BYDAY=2TU"]);
    expect(starts(secondTuesday, window("2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z"))).toEqual([
      "2026-01-13T09:00:00.000Z", "2026-07-14T09:00:00.000Z", "2027-01-12T09:00:00.000Z", "2027-07-13T09:00:00.000Z",
    ]);
  });

  it("daily until a date, without the excluded day; a moved instance is busy at its new time; a canceled one is free", () => {
    const ics = cal(
      ["UID:daily", "DTSTART;TZID=America/New_York:20261101T090000", "DTEND;TZID=America/New_York:20261101T100000", "RRULE:FREQ=DAILY;UNTIL=20261105T140000Z",
        "EXDATE;TZID=America/New_York:20261102T090000"],
      ["UID:daily", "RECURRENCE-ID;TZID=America/New_York:20261103T090000", "DTSTART;TZID=America/New_York:20261103T160000", "DTEND;TZID=America/New_York:20261103T170000"],
      ["UID:daily", "RECURRENCE-ID;TZID=America/New_York:20261104T090000", "DTSTART;TZID=America/New_York:20261104T090000", "DTEND;TZID=America/New_York:20261104T100000", "STATUS:CANCELLED"],
    );
    // New York leaves summer time on 1 November 2026: 09:00 is 13:00 UTC that day, 14:00 UTC after.
    expect(starts(ics, window("2026-10-30T00:00:00Z", "2026-11-10T00:00:00Z"))).toEqual([
      "2026-11-01T14:00:00.000Z", "2026-11-03T21:00:00.000Z", "2026-11-05T14:00:00.000Z",
    ]);
  });

  it("all-day yearly events on 29 February occur in leap years only; RDATE adds days; free and unsupported rules", () => {
    const leap = cal(["UID:leap", "DTSTART;VALUE=DATE:20240229", "RRULE:FREQ=YEARLY"]);
    const busy = parseBusyEvents(leap, "Europe/Paris", window("2025-01-01T00:00:00Z", "2029-01-01T00:00:00Z"));
    expect(busy.map((b) => [b.start.toISOString(), b.end.toISOString()])).toEqual([["2028-02-28T23:00:00.000Z", "2028-02-29T23:00:00.000Z"]]);
    const extra = cal(["UID:extra", "DTSTART:20260601T080000Z", "DURATION:PT1H", "RDATE:20260603T080000Z,20260610T080000Z"]);
    expect(starts(extra, window("2026-06-02T00:00:00Z", "2026-06-30T00:00:00Z"))).toEqual(["2026-06-03T08:00:00.000Z", "2026-06-10T08:00:00.000Z"]);
    const free = cal(["UID:free", "DTSTART:20260601T080000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY", "TRANSP:TRANSPARENT"]);
    expect(starts(free, window("2026-06-01T00:00:00Z", "2026-06-10T00:00:00Z"))).toEqual([]);
    // A rule part not expanded (BYSETPOS) keeps the first occurrence only, as before.
    const setpos = cal(["UID:setpos", "DTSTART:20260601T080000Z", "DURATION:PT1H", "RRULE:FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=-1"]);
    expect(starts(setpos, window("2026-06-01T00:00:00Z", "2026-12-01T00:00:00Z"))).toEqual(["2026-06-01T08:00:00.000Z"]);
  });

  it("a rule that began years ago with no end is expanded only inside the window", () => {
    const ics = cal(["UID:old", "DTSTART:20100104T120000Z", "DURATION:PT30M", "RRULE:FREQ=DAILY"]);
    expect(starts(ics, window("2026-12-01T00:00:00Z", "2026-12-04T00:00:00Z"))).toEqual([
      "2026-12-01T12:00:00.000Z", "2026-12-02T12:00:00.000Z", "2026-12-03T12:00:00.000Z",
    ]);
  });
});
