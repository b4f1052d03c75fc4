import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { checkStart, hoursPhrase, problemWords, refusalWords, timeRefusal, type HostFreeTimes } from "../web/src/actions/host-time.js";
import { ApiError } from "../web/src/api/client.js";

/**
 * How the approve and reschedule dialogs mark a chosen time against the host's day, and read the
 * server's refusals. Days are worked out from "now" (a day two weeks ahead in the host's zone), so
 * these hold on any date, across daylight-saving changes.
 */
const ZONE = "America/New_York";
const day = DateTime.now().setZone(ZONE).plus({ weeks: 2 }).startOf("day");
const at = (hour: number, minute = 0) => day.set({ hour, minute }).toUTC().toISO()!;
const slot = (hour: number, minute = 0) => ({ start: at(hour, minute), end: day.set({ hour, minute }).plus({ minutes: 30 }).toUTC().toISO()! });

/** 09:00–17:00; free 09:00–10:30 and 14:00–15:00 (busy between). */
const freeTimes: HostFreeTimes = {
  host: { id: "h", name: "Ada Admin", timeZone: ZONE },
  date: day.toISODate()!,
  durationMinutes: 30,
  hours: [["09:00", "17:00"]],
  slots: [slot(9), slot(9, 30), slot(10), slot(14), slot(14, 30)],
};

describe("marking a chosen time against the host's day", () => {
  it("a free start, or a time inside the span the free slots cover together, is free", () => {
    expect(checkStart(at(9, 30), freeTimes)).toBe("free");
    expect(checkStart(at(9, 35), freeTimes)).toBe("free");
    expect(checkStart(at(10), freeTimes)).toBe("free");
  });

  it("a time in the hours but over a gap in the free slots is busy", () => {
    expect(checkStart(at(10, 15), freeTimes)).toBe("busy"); // ends 10:45, past the last free minute (10:30)
    expect(checkStart(at(12), freeTimes)).toBe("busy");
  });

  it("before, after or across the edge of the hours is outside them; a day off has no hours", () => {
    expect(checkStart(at(3), freeTimes)).toBe("outside_hours");
    expect(checkStart(at(8, 45), freeTimes)).toBe("outside_hours");
    expect(checkStart(at(16, 45), freeTimes)).toBe("outside_hours");
    expect(checkStart(at(10), { ...freeTimes, hours: [], slots: [] })).toBe("outside_hours");
  });

  it("a time already passed is past, whatever the hours", () => {
    expect(checkStart(at(10), freeTimes, Date.parse(at(10)))).toBe("past");
  });

  it("names the host's day, hours and zone, with the year only outside this one", () => {
    const label = day.toFormat(day.year === DateTime.now().setZone(ZONE).year ? "ccc d LLL" : "ccc d LLL yyyy");
    expect(problemWords("outside_hours", freeTimes.host, freeTimes.date, freeTimes.hours, ZONE)).toBe(`Outside Ada Admin's hours (${label}: 09:00–17:00, America/New_York)`);
    expect(hoursPhrase(freeTimes.date, [], ZONE)).toBe(`${label}: not working, America/New_York`);
    const later = day.plus({ years: 1 });
    expect(hoursPhrase(later.toISODate()!, [["09:00", "12:00"], ["13:00", "17:00"]], ZONE)).toBe(`${later.toFormat("ccc d LLL yyyy")}: 09:00–12:00, 13:00–17:00, America/New_York`);
  });
});

describe("the server's refusals of a time", () => {
  it("reads past, outside hours (with the host's day) and taken; other errors are not about the time", () => {
    expect(timeRefusal(new ApiError(422, "unprocessable", "…", { reason: "past" }))).toEqual({ kind: "past" });
    const outside = timeRefusal(new ApiError(422, "unprocessable", "…", { reason: "outside_hours", host: { id: "h", name: "Ada Admin", timeZone: ZONE }, date: freeTimes.date, hours: [["09:00", "17:00"]] }));
    expect(outside).toEqual({ kind: "outside_hours", host: { name: "Ada Admin", timeZone: ZONE }, date: freeTimes.date, hours: [["09:00", "17:00"]] });
    expect(refusalWords(outside!, "Ada Admin")).toMatch(/^Outside Ada Admin's hours \(.+: 09:00–17:00, America\/New_York\)\.$/);
    expect(timeRefusal(new ApiError(409, "slot_unavailable", "…"))).toEqual({ kind: "taken" });
    expect(refusalWords({ kind: "taken" }, "Ada Admin")).toContain("Ada Admin is already booked then");
    expect(timeRefusal(new ApiError(409, "conflict", "…", { detailedStatus: "Canceled (By user)" }))).toBeNull();
    expect(timeRefusal(new ApiError(422, "unprocessable", "…", { reason: "not_started" }))).toBeNull();
    expect(timeRefusal(new Error("network"))).toBeNull();
  });
});
