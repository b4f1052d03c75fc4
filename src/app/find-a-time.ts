import { DateTime } from "luxon";
import { hostProblem } from "../domain/availability.js";
import { notFound } from "../domain/errors.js";
import { listUsers } from "../store/accounts-repo.js";
import { findEventType, findActivePage } from "../store/pages-repo.js";
import { countLiveBookings, pagesHostedBy } from "../store/scheduling-repo.js";
import { addMinutes, type PageRow } from "./booking-rules.js";
import type { AppContext, Caller } from "./context.js";
import { hostsOf, loadHostSchedules } from "./host-schedules.js";
import { canSee, visibilityOf } from "./permissions.js";

export interface FindATimeQuery {
  start: Date;
  bookingPageId?: string;
  eventTypeId?: string;
  /** Meeting length when neither a page nor an event type is given (default 30). */
  durationMinutes?: number;
}

const ALL_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]]));

/**
 * "Find a time": the team members free at a date and time, ranked by fewest bookings that day (in
 * each member's own time zone), then by name. With a page (or an event type) the candidates are
 * its hosts and its length and buffers apply; without, every user of the account. Users
 * scheduling on someone's behalf are bound by the members' hours and bookings, not by the page's
 * notice or days ahead. Picking a member: POST /api/v1/bookings with their ownerId. A member (who
 * may book only themselves) is shown only their own time.
 */
export async function findATime(ctx: AppContext, caller: Caller, q: FindATimeQuery) {
  const vis = await visibilityOf(ctx.db, caller);
  let page: PageRow | undefined;
  let minutes = q.durationMinutes ?? 30;
  if (q.eventTypeId) {
    const et = await findEventType(ctx.db, caller.accountId, q.eventTypeId);
    if (!et || (q.bookingPageId && et.booking_page_id !== q.bookingPageId)) throw notFound("Event type", q.eventTypeId);
    page = await findActivePage(ctx.db, caller.accountId, et.booking_page_id);
    if (!page) throw notFound("Event type", q.eventTypeId); // its page was deleted
    minutes = et.duration_minutes;
  } else if (q.bookingPageId) {
    page = await findActivePage(ctx.db, caller.accountId, q.bookingPageId);
    if (page) minutes = page.duration_minutes;
  }
  const pageId = q.bookingPageId ?? page?.id;
  if (pageId && (!page || !canSee(vis, { booking_page_id: page.id, owner_id: null }))) throw notFound("Booking page", pageId);
  const users = await listUsers(ctx.db, caller.accountId);
  const everyone = page ? await hostsOf(ctx.db, page) : users.map((u) => u.id);
  // Members book only themselves (book-on-behalf.ts), so they see only their own time, not colleagues'.
  const candidates = vis.all ? everyone : everyone.filter((id) => id === caller.userId);
  // Without a page, a member who set no weekly hours counts as available all day.
  const basis = page ?? ({ account_id: caller.accountId, time_zone: "UTC", open_hours: ALL_DAY, buffer_before_minutes: 0, buffer_after_minutes: 0 } as unknown as PageRow);
  const end = addMinutes(q.start, minutes);
  const schedules = await loadHostSchedules(ctx.db, basis, candidates, addMinutes(q.start, -1440), addMinutes(end, 1440), { holds: false });
  const names = new Map(users.map((u) => [u.id, u]));
  const free = [];
  const unavailable = [];
  for (const s of schedules) {
    const problem = hostProblem(s, { bufferBeforeMinutes: basis.buffer_before_minutes, bufferAfterMinutes: basis.buffer_after_minutes }, q.start.getTime(), end.getTime());
    const user = names.get(s.hostId)!;
    if (problem) {
      unavailable.push({ userId: s.hostId, name: user.name, reason: problem });
      continue;
    }
    const zone = user.time_zone;
    const day = DateTime.fromJSDate(q.start, { zone }).startOf("day");
    const counts = await countLiveBookings(ctx.db, caller.accountId, [s.hostId], day.toJSDate(), day.plus({ days: 1 }).toJSDate());
    free.push({ userId: s.hostId, name: user.name, timeZone: zone, bookingsThatDay: counts.get(s.hostId) ?? 0 });
  }
  free.sort((a, b) => a.bookingsThatDay - b.bookingsThatDay || a.name.localeCompare(b.name));
  const hosted = await pagesHostedBy(ctx.db, caller.accountId, free.map((f) => f.userId));
  return {
    start: q.start.toISOString(),
    end: end.toISOString(),
    durationMinutes: minutes,
    bookingPage: page ? { id: page.id, name: page.name, slug: page.slug } : null,
    members: free.map((f) => ({
      ...f,
      bookingPages: page
        ? [{ id: page.id, name: page.name, slug: page.slug }]
        : hosted.filter((h) => h.host_id === f.userId && canSee(vis, { booking_page_id: h.id, owner_id: null })).map((h) => ({ id: h.id, name: h.name, slug: h.slug })),
    })),
    unavailable,
  };
}
