import { freeSlotStarts } from "../domain/availability.js";
import { isoInZone, utcIso } from "../domain/zone-clock.js";
import { DomainError, invalid, notFound } from "../domain/errors.js";
import type { Db } from "../store/database.js";
import { findEventType } from "../store/pages-repo.js";
import { findPageWithTeam } from "../store/scheduling-repo.js";
import type { AppContext } from "./context.js";
import { addMinutes, type PageRow } from "./booking-rules.js";
import { loadHostSchedules, rulesFor, teamOrOwner } from "./host-schedules.js";
import { activityForToken } from "./manage-link.js";

export interface SlotsQuery {
  from: Date;
  to: Date;
  /** The customer's time zone: slots are given in it. */
  timeZone: string;
  eventTypeId?: string;
  /** Only this team member's slots (a master page routed the customer to them). */
  hostId?: string;
}

/** The widest range one request may ask for. */
export const MAX_SLOT_RANGE_DAYS = 62;

/** The free slots of a booking page in [from, to), computed in the page's zone, shown in the customer's. */
export async function getSlots(ctx: AppContext, slug: string, q: SlotsQuery, opts: { ignoreActivityId?: string; host?: string } = {}) {
  const page = await findPageWithTeam(ctx.db, slug);
  if (!page) throw notFound("Booking page", slug);
  if (q.to.getTime() <= q.from.getTime()) throw invalid("to", "must be after from");
  if (q.to.getTime() - q.from.getTime() > MAX_SLOT_RANGE_DAYS * 86_400_000) throw invalid("to", `at most ${MAX_SLOT_RANGE_DAYS} days after from`);
  const minutes = await durationOn(ctx.db, page, q.eventTypeId);
  const hosts = teamOrOwner(page, page.team_user_ids);
  if (q.hostId && !hosts.includes(q.hostId)) throw invalid("hostId", `${q.hostId} does not host booking page ${page.slug}`);
  // A booking being moved on its own page keeps its host, who may no longer be on the page's team.
  const chosen = opts.host ? [opts.host] : q.hostId ? [q.hostId] : hosts;
  const schedules = await loadHostSchedules(ctx.db, page, chosen, addMinutes(q.from, -1440), addMinutes(q.to, 1440 + minutes), {
    holds: true,
    ignoreActivityId: opts.ignoreActivityId,
  });
  const starts = freeSlotStarts(schedules, rulesFor(page, minutes, ctx.clock.now()), q.from, q.to);
  const duration = minutes * 60_000;
  const slots = new Array<{ start: string; end: string; startUtc: string }>(starts.length);
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i];
    slots[i] = { start: isoInZone(s, q.timeZone), end: isoInZone(s + duration, q.timeZone), startUtc: utcIso(s) };
  }
  return {
    bookingPage: { slug: page.slug, name: page.name, timeZone: page.time_zone },
    timeZone: q.timeZone,
    durationMinutes: minutes,
    slots,
  };
}

/** The meeting length on a page: the event type's, else the page's. */
export async function durationOn(conn: Db, page: PageRow, eventTypeId: string | undefined): Promise<number> {
  if (!eventTypeId) return page.duration_minutes;
  const et = await findEventType(conn, page.account_id, eventTypeId);
  if (!et || et.booking_page_id !== page.id) {
    throw new DomainError("validation_failed", `eventTypeId: ${eventTypeId} is not an event type of booking page ${page.slug}`, { field: "eventTypeId" });
  }
  return et.duration_minutes;
}

/**
 * Slots for moving the booking behind a manage link: on its own page, its host's free time (its
 * own current time counts as free); on another page, that page's usual slots.
 */
export async function getSlotsForManageLink(ctx: AppContext, token: string, q: Omit<SlotsQuery, "hostId"> & { pageSlug?: string }) {
  const a = await activityForToken(ctx.db, token);
  const slug = q.pageSlug ?? a.page_slug ?? "";
  const samePage = slug.toLowerCase() === (a.page_slug ?? "").toLowerCase();
  if (!samePage || !a.owner_id) return getSlots(ctx, slug, q);
  const answer = await getSlots(ctx, slug, q, { host: a.owner_id, ignoreActivityId: a.id });
  // Times overlapping the booking are free to move to, but its exact current time is no move at all.
  const sameAsNow = (startUtc: string) =>
    a.start_at !== null && a.end_at !== null && Date.parse(startUtc) === new Date(a.start_at).getTime() &&
    Date.parse(startUtc) + answer.durationMinutes * 60_000 === new Date(a.end_at).getTime();
  return { ...answer, slots: answer.slots.filter((s) => !sameAsNow(s.startUtc)) };
}
