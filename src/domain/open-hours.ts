import { DateTime } from "luxon";

/** Weekly hours (a booking page's open hours, or a user's): {"mon":[["09:00","17:00"]], …} in a time zone. */
export type WeeklyHours = Partial<Record<Weekday, [string, string][]>>;
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export function isValidTimeZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}
