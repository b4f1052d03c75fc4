import { DateTime } from "luxon";
import { freeSlotStarts } from "../domain/availability.js";
import { DomainError, invalid } from "../domain/errors.js";
import { utcIso } from "../domain/zone-clock.js";
import { findActivity } from "../store/activities-repo.js";
import { findPage } from "../store/pages-repo.js";
import { loadUserAvailability } from "../store/scheduling-repo.js";
import { meetingLength } from "./booking-rules.js";
import type { AppContext, Caller } from "./context.js";
import { loadHostSchedules, rulesFor } from "./host-schedules.js";
import { canSee, visibilityOf } from "./permissions.js";
import { dayHours } from "./staff-time-check.js";

/**
 * The host's free times on one of their local days, for a user about to approve or reschedule
 * an activity (the dialogs show them as Find a time does). Slots follow the booking page's step
 * and buffers; the page's notice and days ahead do not bind users; the activity's own time is
 * free (it is the one being moved).
 */
export async function hostFreeTimes(ctx: AppContext, caller: Caller, id: string, q: { date: string; eventTypeId?: string }) {
  const a = await findActivity(ctx.db, caller.accountId, id);
  if (!a || !canSee(await visibilityOf(ctx.db, caller), a)) throw new DomainError("not_found", `Activity ${id} was not found`, { id });
  if (a.type !== "booking" || !a.owner_id || !a.booking_page_id) {
    throw new DomainError("action_not_allowed", `${a.id} is a ${a.type}: it has no host to find times with.`, { activityId: a.id, status: a.status, detailedStatus: a.detailed_status });
  }
  const page = (await findPage(ctx.db, caller.accountId, a.booking_page_id))!;
  const { minutes } = await meetingLength(ctx.db, page, q.eventTypeId ?? a.event_type_id);
  // The host's own zone when they keep weekly hours; else they work the page's hours in its zone.
  const [host] = await loadUserAvailability(ctx.db, caller.accountId, [a.owner_id]);
  const zone = host?.weekly ? host.timeZone : page.time_zone;
  const day = DateTime.fromISO(q.date, { zone });
  if (!day.isValid) throw invalid("date", `${q.date} is not a date (YYYY-MM-DD)`);
  const from = day.startOf("day").toJSDate();
  const to = day.plus({ days: 1 }).startOf("day").toJSDate();
  const [schedule] = await loadHostSchedules(ctx.db, page, [a.owner_id], new Date(from.getTime() - 86_400_000), new Date(to.getTime() + 86_400_000), { holds: true, ignoreActivityId: a.id });
  const rules = { ...rulesFor(page, minutes, ctx.clock.now()), minNoticeMinutes: 0, maxDaysAhead: null };
  const starts = schedule ? freeSlotStarts([schedule], rules, from, to) : [];
  return {
    host: { id: a.owner_id, name: a.owner_name ?? "", timeZone: zone },
    date: q.date,
    durationMinutes: minutes,
    hours: schedule ? dayHours(schedule, new Date(from.getTime() + 12 * 3_600_000)).ranges : [],
    slots: starts.map((s) => ({ start: utcIso(s), end: utcIso(s + minutes * 60_000) })),
  };
}
