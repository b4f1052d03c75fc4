import { randomBytes } from "node:crypto";
import { notFound } from "../../domain/errors.js";
import { calendarFile } from "../../integrations/ical/calendar-file.js";
import { listPages } from "../../store/pages-repo.js";
import { deleteFeed, findFeed, findFeedByHash, listFeedBookings, upsertFeed } from "../../store/calendar-repo.js";
import { findUser } from "../../store/accounts-repo.js";
import { hashToken, inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { activityForToken } from "../manage-link.js";
import { bookingEvent, isCalendarLive, type PageInfo } from "./event-content.js";
import { findPage } from "../../store/pages-repo.js";
import { findPackageIdOf, listPackageSessions } from "../../store/packages-repo.js";
import { findActivity } from "../../store/activities-repo.js";

/**
 * Each user's private ICS feed, for calendars that cannot write CalDAV: a secret URL (the token
 * stored hashed, shown once; a new one replaces the old), the meetings they host from 30 days
 * back, cancellations included as STATUS:CANCELLED so subscribed calendars drop them.
 */
export function feedUrl(ctx: AppContext, token: string): string {
  return `${ctx.publicUrl.replace(/\/$/, "")}/api/v1/feeds/${token}.ics`;
}

export async function createFeed(ctx: AppContext, caller: Caller) {
  const token = randomBytes(24).toString("base64url");
  const now = ctx.clock.now();
  await inTransaction(ctx, (tx) => upsertFeed(tx, { account_id: caller.accountId, user_id: caller.userId, token_hash: hashToken(token), created_at: now }));
  return { url: feedUrl(ctx, token), createdAt: now.toISOString() };
}

export async function getFeedState(ctx: AppContext, caller: Caller) {
  const f = await findFeed(ctx.db, caller.accountId, caller.userId);
  return f ? { active: true, createdAt: f.created_at.toISOString() } : { active: false, createdAt: null };
}

export async function revokeFeed(ctx: AppContext, caller: Caller): Promise<void> {
  if (!(await deleteFeed(ctx.db, caller.accountId, caller.userId))) throw notFound("Calendar feed of user", caller.userId);
}

const FEED_PAST_MS = 30 * 86_400_000;

export async function renderFeed(ctx: AppContext, token: string): Promise<string> {
  const f = /^[A-Za-z0-9_-]{20,64}$/.test(token) ? await findFeedByHash(ctx.db, hashToken(token)) : undefined;
  if (!f) throw notFound("Calendar feed", "");
  const since = new Date(ctx.clock.now().getTime() - FEED_PAST_MS);
  const [bookings, pages, user] = await Promise.all([
    listFeedBookings(ctx.db, f.account_id, f.user_id, since),
    listPages(ctx.db, f.account_id),
    findUser(ctx.db, f.account_id, f.user_id),
  ]);
  const byId = new Map(pages.map((p) => [p.id, p as unknown as PageInfo]));
  const events = bookings
    .filter((a) => a.start_at && a.end_at && (isCalendarLive(a.status) || a.status === "Canceled"))
    .map((a) => bookingEvent(a, (a.booking_page_id && byId.get(a.booking_page_id)) || null, { publicUrl: ctx.publicUrl, audience: "host" }));
  return calendarFile(events, { name: `Bookstream — ${user?.name ?? "meetings"}`, method: "publish" });
}

/**
 * The customer's "add to calendar" file behind their manage link: the booking, or — for a session
 * of a session package — every session of the package still on (one customer bought them together,
 * and the confirmation page offers them as one file). Canceled ones come as CANCELLED, so a
 * re-import removes them.
 */
export async function customerCalendarFile(ctx: AppContext, token: string): Promise<{ name: string; body: string }> {
  const a = await activityForToken(ctx.db, token);
  if (a.type !== "booking" || !a.start_at || !a.end_at || !(isCalendarLive(a.status) || a.status === "Canceled")) {
    throw notFound("Calendar event of booking", a.id);
  }
  const page = a.booking_page_id ? await findPage(ctx.db, a.account_id, a.booking_page_id) : undefined;
  const manageUrl = `${ctx.publicUrl.replace(/\/$/, "")}/manage/${token}`;
  const opts = { publicUrl: ctx.publicUrl, audience: "customer" as const };
  const events = [bookingEvent(a, (page as unknown as PageInfo) ?? null, { ...opts, manageUrl })];
  const packageId = await findPackageIdOf(ctx.db, a.account_id, a.id);
  if (packageId) {
    for (const s of await listPackageSessions(ctx.db, a.account_id, packageId)) {
      if (s.id === a.id || !isCalendarLive(s.status)) continue;
      const session = await findActivity(ctx.db, a.account_id, s.id);
      if (session?.start_at && session.end_at) events.push(bookingEvent(session, (page as unknown as PageInfo) ?? null, { ...opts, manageUrl: null }));
    }
    events.sort((x, y) => x.start.getTime() - y.start.getTime());
  }
  return { name: `${packageId ?? a.id}.ics`, body: calendarFile(events, { method: "publish" }) };
}
