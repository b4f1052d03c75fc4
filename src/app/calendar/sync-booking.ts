import { calendarFile } from "../../integrations/ical/calendar-file.js";
import { findActivity } from "../../store/activities-repo.js";
import { accountsWithCalendars, deleteEventCopy, findCalendarConnection, listEventCopies, saveEventCopy } from "../../store/calendar-repo.js";
import { findPage } from "../../store/pages-repo.js";
import type { ClaimedDelivery } from "../../store/outbox-repo.js";
import type { AppContext } from "../context.js";
import { bookingEvent, isCalendarLive } from "./event-content.js";
import { providerFor } from "./providers.js";
import { KnownInUse } from "../known-in-use.js";

const TRASH_ACTIONS = new Set(["trash", "restore", "purge", "delete"]);

/**
 * Brings the host's calendar in line with a booking after one of its events. It works from the
 * booking as it is now (not from the event's snapshot), so a retry, a repeat or a late delivery
 * writes the same thing: the event is PUT under its Booking ID's UID (a repeat replaces it), with
 * SEQUENCE = the booking's version.
 * - live (Scheduled, Rescheduled, Completed, No-show): the event, confirmed, in the host's calendar;
 * - Canceled: an event that was written becomes STATUS:CANCELLED (kept, with SEQUENCE raised);
 *   one never written (a request canceled) is not created;
 * - a calendar other than the current host's that holds the event (a reassign): removed there;
 * - requests, expired requests, packages and payments: nothing (a package's sessions are bookings
 *   of their own, each with its own event). Trash and purge change nothing in calendars (the seed):
 *   a booking no longer there is left alone.
 * Hosts without a connected calendar: nothing to do.
 */
export async function syncBookingToCalendar(ctx: AppContext, delivery: ClaimedDelivery): Promise<"written" | "nothing"> {
  if (!mayTouchCalendars(delivery)) return "nothing";
  const a = await findActivity(ctx.db, delivery.account_id, delivery.activity_id!);
  if (!a || a.type !== "booking" || !a.start_at || !a.end_at) return "nothing";
  const copies = await listEventCopies(ctx.db, a.account_id, a.id);
  let did = false;
  // Another user's calendar holds it: the booking was reassigned away from them.
  for (const copy of copies.filter((c) => c.user_id !== a.owner_id)) {
    const conn = await findCalendarConnection(ctx.db, a.account_id, copy.user_id);
    if (conn) await providerFor(ctx, conn).removeEvent(copy.object_url);
    await deleteEventCopy(ctx.db, a.account_id, a.id, copy.user_id);
    did = true;
  }
  const held = copies.find((c) => c.user_id === a.owner_id);
  const write = isCalendarLive(a.status) || (a.status === "Canceled" && held);
  if (!write || !a.owner_id) return did ? "written" : "nothing";
  const conn = await findCalendarConnection(ctx.db, a.account_id, a.owner_id);
  if (!conn) return did ? "written" : "nothing";
  const page = a.booking_page_id ? await findPage(ctx.db, a.account_id, a.booking_page_id) : undefined;
  const event = bookingEvent(a, page ? { name: page.name, location: page.location, video_link: page.video_link, questions: page.questions } : null, { publicUrl: ctx.publicUrl, audience: "host" });
  const provider = providerFor(ctx, conn);
  // Written to another calendar of the same user before (they switched calendars): move it.
  if (held && !held.object_url.startsWith(conn.calendar_url)) await provider.removeEvent(held.object_url);
  const url = await provider.putEvent(conn.calendar_url, event.uid, calendarFile([event]));
  await saveEventCopy(ctx.db, { account_id: a.account_id, activity_id: a.id, user_id: a.owner_id, object_url: url, written_at: ctx.clock.now() });
  return "written";
}

/** A booking's own change (not Trash, restore or purge, which leave calendars alone: the seed). */
function mayTouchCalendars(d: ClaimedDelivery): boolean {
  if (d.type !== "activity.created" && d.type !== "activity.updated") return false;
  if (!d.activity_id?.startsWith("BKNG-")) return false;
  return !TRASH_ACTIONS.has(String((d.payload as { action?: unknown }).action ?? ""));
}

/** The events of a claimed lot that cannot touch any calendar: not a booking's change, or an account with no calendar in use. */
export async function idleCalendarEvents(ctx: AppContext, ds: ClaimedDelivery[]): Promise<Set<string>> {
  const maybe = ds.filter(mayTouchCalendars);
  const ask = IN_USE.unknown(maybe.map((d) => d.account_id));
  IN_USE.remember(await accountsWithCalendars(ctx.db, ask));
  return new Set(ds.filter((d) => !mayTouchCalendars(d) || !IN_USE.has(d.account_id)).map((d) => d.event_id));
}

/** Accounts recently found with a calendar in use (a claim then asks the database only about the others). */
const IN_USE = new KnownInUse();
