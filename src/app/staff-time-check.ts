import { DateTime } from "luxon";
import { hostProblem, type HostSchedule, type HoursRange } from "../domain/availability.js";
import { DomainError, unprocessable } from "../domain/errors.js";
import type { Weekday } from "../domain/open-hours.js";
import type { Tx } from "../store/database.js";
import { lockHost } from "../store/scheduling-repo.js";
import { addMinutes, type PageRow } from "./booking-rules.js";
import { loadHostSchedules } from "./host-schedules.js";

/**
 * The guardrails on a time a user picks (approve, reschedule, book on a customer's behalf).
 * Users may reschedule a booking whose time has passed (the seed says so), but nobody books the
 * past. Outside the host's hours, or over their busy time, a user may book only by saying so
 * (`override: true`): the answer otherwise names the host's hours that day. A time another booking
 * of the host already takes stays impossible either way (the database refuses double booking).
 */
export interface StaffTimeInput {
  page: PageRow;
  host: { id: string; name: string };
  start: Date;
  end: Date;
  now: Date;
  override?: boolean;
  /** The activity being moved or approved: its own time and holds are not in the way. */
  ignoreActivityId?: string;
}

export async function assertStaffMayBook(tx: Tx, t: StaffTimeInput): Promise<void> {
  if (t.start.getTime() <= t.now.getTime()) {
    throw unprocessable(`${t.start.toISOString()} has already passed; pick a time in the future.`, { field: "start", reason: "past", start: t.start.toISOString() });
  }
  await lockHost(tx, t.host.id);
  const [schedule] = await loadHostSchedules(tx, t.page, [t.host.id], addMinutes(t.start, -1440), addMinutes(t.end, 1440), { holds: true, ignoreActivityId: t.ignoreActivityId });
  if (!schedule) throw new DomainError("validation_failed", `ownerId: no user ${t.host.id} in this account`, { field: "ownerId" });
  const buffers = { bufferBeforeMinutes: t.page.buffer_before_minutes, bufferAfterMinutes: t.page.buffer_after_minutes };
  const problem = hostProblem(schedule, buffers, t.start.getTime(), t.end.getTime());
  if (!problem) return;
  if (problem === "busy") {
    // Busy with another booking, or with a customer paying for this time at PayPal, is not for
    // overriding; busy only with a held request's proposed time, or in the host's connected
    // calendar (the user may know that meeting can move), is.
    const [bookingsOnly] = await loadHostSchedules(tx, t.page, [t.host.id], addMinutes(t.start, -1440), addMinutes(t.end, 1440), { holds: false, checkoutHolds: true, calendar: false, ignoreActivityId: t.ignoreActivityId });
    if (hostProblem(bookingsOnly, buffers, t.start.getTime(), t.end.getTime()) === "busy") {
      throw new DomainError("slot_unavailable", `That time is no longer available: ${t.host.name} is already booked between ${t.start.toISOString()} and ${t.end.toISOString()}; choose another time.`, {
        field: "start",
        start: t.start.toISOString(),
        end: t.end.toISOString(),
      });
    }
  }
  if (t.override) return;
  const day = dayHours(schedule, t.start);
  const hours = day.ranges.length ? day.ranges.map(([a, b]) => `${a}–${b}`).join(", ") : "not working";
  const what = problem === "outside_hours" ? "is outside the hours of" : "is over busy time of";
  throw unprocessable(
    `${t.start.toISOString()} ${what} ${t.host.name} (on ${day.label} in ${schedule.timeZone}: ${hours}). Send override: true to book it anyway.`,
    { field: "start", reason: problem, host: { id: t.host.id, name: t.host.name, timeZone: schedule.timeZone }, date: day.date, hours: day.ranges },
  );
}

const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** The host's hours on the local day of `at`: that date's override, else the weekday's hours. */
export function dayHours(s: HostSchedule, at: Date): { date: string; label: string; ranges: HoursRange[] } {
  const local = DateTime.fromJSDate(at, { zone: s.timeZone });
  const date = local.toISODate()!;
  const ranges = s.overrides[date] ?? s.weekly[WEEKDAYS[local.weekday - 1]] ?? [];
  return { date, label: local.toFormat("ccc d LLL yyyy"), ranges: ranges as HoursRange[] };
}
