import { describe, expect, it } from "vitest";
import { parseFilters, toApiParams } from "../web/src/stream/filters";

/** The stream's filters in the URL (web/src/stream/filters.ts): a day that does not exist is no filter, never "null" sent to the API. */
describe("stream filter dates", () => {
  const q = (s: string) => new URLSearchParams(s);
  const now = new Date("2026-06-15T12:00:00Z");

  it("keeps real days and turns them into the zone's day bounds, the 'to' day included", () => {
    const f = parseFilters(q("startFrom=2028-02-29&startTo=2028-03-01"));
    expect([f.startFrom, f.startTo]).toEqual(["2028-02-29", "2028-03-01"]);
    const p = toApiParams(f, "Europe/Paris", now);
    expect(p.get("startFrom")).toBe("2028-02-28T23:00:00Z");
    expect(p.get("startTo")).toBe("2028-03-01T23:00:00Z");
  });

  it("drops impossible or malformed days instead of sending them", () => {
    const f = parseFilters(q("startFrom=2026-02-30&startTo=2027-02-29&createdFrom=2026-13-01&createdTo=26-1-1"));
    expect([f.startFrom, f.startTo, f.createdFrom, f.createdTo]).toEqual(["", "", "", ""]);
    const p = toApiParams(f, "UTC", now);
    for (const k of ["startFrom", "startTo", "createdFrom", "createdTo"]) expect(p.has(k)).toBe(false);
    expect(p.toString()).not.toContain("null");
  });
});
