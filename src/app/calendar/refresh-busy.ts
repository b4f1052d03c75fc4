import { CalendarPeerError } from "../../integrations/caldav/provider.js";
import { findUser } from "../../store/accounts-repo.js";
import { findCalendarConnection, listCalendarConnections, recordBusyError, replaceBusyTimes } from "../../store/calendar-repo.js";
import type { AppContext } from "../context.js";
import { inTransaction } from "../activity-writes.js";
import { isOwnUid } from "./event-content.js";
import { providerFor } from "./providers.js";

/** How far busy times are read: a day back (meetings under way) and 90 days ahead (the booking horizon). */
export const BUSY_WINDOW = { backMs: 86_400_000, aheadMs: 90 * 86_400_000 };

/**
 * Reads a user's busy times from their connected calendar (a time-range calendar-query) and
 * replaces the cached copy that scheduling reads. Events Bookstream wrote itself (its Booking ID
 * UIDs) are left out: their time is already busy as the booking. The calendar call runs outside
 * any transaction; only the swap of the cached rows is one.
 */
export async function refreshBusyTimes(ctx: AppContext, accountId: string, userId: string): Promise<{ ok: boolean; busy: number; error: string | null }> {
  const conn = await findCalendarConnection(ctx.db, accountId, userId);
  if (!conn) return { ok: false, busy: 0, error: "not connected" };
  const user = await findUser(ctx.db, accountId, userId);
  const now = ctx.clock.now();
  const from = new Date(now.getTime() - BUSY_WINDOW.backMs);
  const to = new Date(now.getTime() + BUSY_WINDOW.aheadMs);
  try {
    const events = await providerFor(ctx, conn).busyTimes(conn.calendar_url, from, to, user?.time_zone ?? "UTC");
    const busy = events.filter((e) => !isOwnUid(e.uid));
    await inTransaction(ctx, (tx) => replaceBusyTimes(tx, accountId, userId, conn.updated_at, from, to, busy, ctx.clock.now()));
    return { ok: true, busy: busy.length, error: null };
  } catch (err) {
    if (!(err instanceof CalendarPeerError)) throw err;
    // The last good copy stays in use; the error is shown beside the connection.
    await recordBusyError(ctx.db, accountId, userId, err.message);
    return { ok: false, busy: 0, error: err.message };
  }
}

/** The scheduled refresh: every connected calendar, a few at a time. */
export async function refreshAllBusyTimes(ctx: AppContext): Promise<number> {
  const all = await listCalendarConnections(ctx.db);
  let done = 0;
  for (let i = 0; i < all.length; i += 4) {
    const batch = await Promise.all(all.slice(i, i + 4).map((c) => refreshBusyTimes(ctx, c.account_id, c.user_id).catch(() => ({ ok: false }))));
    done += batch.filter((r) => r.ok).length;
  }
  return done;
}
