import { DateTime } from "luxon";

/** Weekly open hours of a booking page, in its time zone: {"mon":[["09:00","17:00"]], …}. */
export type WeeklyHours = Partial<Record<Weekday, [string, string][]>>;
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** True when [start, end) lies inside one open range of the page's local day. */
export function isWithinOpenHours(hours: WeeklyHours, timeZone: string, start: Date, end: Date): boolean {
  const s = DateTime.fromJSDate(start, { zone: timeZone });
  const e = DateTime.fromJSDate(end, { zone: timeZone });
  if (!s.isValid || !e.isValid || !s.hasSame(e.minus({ milliseconds: 1 }), "day")) return false;
  const ranges = hours[WEEKDAYS[s.weekday - 1]] ?? [];
  return ranges.some(([from, to]) => {
    const open = s.set(parseHm(from));
    const close = to === "24:00" ? s.startOf("day").plus({ days: 1 }) : s.set(parseHm(to));
    return s >= open && e <= close;
  });
}

function parseHm(hm: string) {
  const [hour, minute] = hm.split(":").map(Number);
  return { hour, minute, second: 0, millisecond: 0 };
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
