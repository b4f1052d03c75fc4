import { DateTime } from "luxon";
import type { HostSchedule, HoursRange, SlotRules } from "../domain/availability.js";
import type { WeeklyHours } from "../domain/open-hours.js";
import type { Db, Tx } from "../store/database.js";
import { listPageHosts, loadScheduleInputs } from "../store/scheduling-repo.js";
import type { PageRow } from "./booking-rules.js";

/**
 * Builds the pure availability inputs from the database: each host's weekly hours (in their time
 * zone) and date overrides, and their busy time. A host who has set no weekly hours is available
 * in the booking page's open hours, in the page's time zone (the core's simple rule).
 */

const DAY = 86_400_000;

/** Who hosts a page's meetings: its team in order, else its owner. */
export async function hostsOf(conn: Db | Tx, page: PageRow): Promise<string[]> {
  return teamOrOwner(page, await listPageHosts(conn, page.account_id, page.id));
}

/** hostsOf for a page whose team (listPageHosts) was read already. */
export function teamOrOwner(page: PageRow, team: string[]): string[] {
  return team.length > 0 ? team : [page.owner_id];
}

export interface LoadOptions {
  /** Count pending requests' holds as busy (customers are kept off held times). */
  holds: boolean;
  /** Count only checkouts' holds (a customer paying at PayPal) as busy. */
  checkoutHolds?: boolean;
  ignoreActivityId?: string;
  /** Count the connected calendar's busy times (default: yes). */
  calendar?: boolean;
}

/** Schedules of `hostIds` covering [from, to), in the order given (unknown users are left out). */
export async function loadHostSchedules(conn: Db | Tx, page: PageRow, hostIds: string[], from: Date, to: Date, opts: LoadOptions): Promise<HostSchedule[]> {
  // Local dates differ by at most a day between zones: read a day more on each side.
  const fromDay = new Date(from.getTime() - 2 * DAY).toISOString().slice(0, 10);
  const toDay = new Date(to.getTime() + 2 * DAY).toISOString().slice(0, 10);
  const { users, overrides, busy } = await loadScheduleInputs(conn, page.account_id, hostIds, { from: fromDay, to: toDay }, from, to, opts);
  const byId = new Map(users.map((u) => [u.userId, u]));
  const overridesOf = new Map<string, Record<string, HoursRange[]>>();
  for (const o of overrides) {
    let own = overridesOf.get(o.userId);
    if (!own) overridesOf.set(o.userId, (own = {}));
    own[o.day] = o.ranges;
  }
  return hostIds.flatMap((id) => {
    const u = byId.get(id);
    if (!u) return [];
    return [
      {
        hostId: id,
        timeZone: u.weekly ? u.timeZone : page.time_zone,
        weekly: (u.weekly ?? page.open_hours) as WeeklyHours,
        overrides: overridesOf.get(id) ?? {},
        busy: busy.get(id) ?? [],
      },
    ];
  });
}

/** The page's rules for a meeting of `minutes`. */
export function rulesFor(page: PageRow, minutes: number, now: Date): SlotRules {
  return {
    pageTimeZone: page.time_zone,
    durationMinutes: minutes,
    stepMinutes: page.slot_interval_minutes ?? minutes,
    bufferBeforeMinutes: page.buffer_before_minutes,
    bufferAfterMinutes: page.buffer_after_minutes,
    minNoticeMinutes: page.min_notice_minutes,
    maxDaysAhead: page.max_days_ahead,
    now,
  };
}

/** The last moment a customer may book on this page, for messages. */
export function latestBookable(rules: SlotRules): string | null {
  if (rules.maxDaysAhead === null) return null;
  return DateTime.fromJSDate(rules.now, { zone: rules.pageTimeZone }).startOf("day").plus({ days: rules.maxDaysAhead + 1 }).toISO();
}
