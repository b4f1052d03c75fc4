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

/** The customer's "add to calendar" file behind their manage link. */
export async function customerCalendarFile(ctx: AppContext, token: string): Promise<string> {
  const a = await activityForToken(ctx.db, token);
  if (a.type !== "booking" || !a.start_at || !a.end_at || !(isCalendarLive(a.status) || a.status === "Canceled")) {
    throw notFound("Calendar event of booking", a.id);
  }
  const page = a.booking_page_id ? await findPage(ctx.db, a.account_id, a.booking_page_id) : undefined;
  const manageUrl = `${ctx.publicUrl.replace(/\/$/, "")}/manage/${token}`;
  const event = bookingEvent(a, (page as unknown as PageInfo) ?? null, { publicUrl: ctx.publicUrl, audience: "customer", manageUrl });
  return calendarFile([event], { method: "publish" });
}
