import type { CalendarEventData } from "../../integrations/ical/calendar-file.js";
import { eventUid } from "../../integrations/ical/calendar-file.js";
import type { ActivityRow } from "../../store/activities-repo.js";
import type { PageQuestion } from "../../store/schema.js";

/** A booking's statuses that put it in a calendar, and which of them mean "cancelled there". */
export const CALENDAR_STATUSES = ["Scheduled", "Rescheduled", "Completed", "No-show", "Canceled"] as const;
export function isCalendarLive(status: string): boolean {
  return status === "Scheduled" || status === "Rescheduled" || status === "Completed" || status === "No-show";
}

export interface PageInfo {
  name: string;
  location: string | null;
  video_link: string | null;
  questions: PageQuestion[];
}

/**
 * A booking as a calendar event: the same text in the host's CalDAV calendar, their feed and
 * the customer's file. The UID is the Booking ID's (stable across reschedules of the same
 * booking); SEQUENCE is the activity's version, which rises with every change, so calendars
 * always take the newer copy. The Booking ID is in the summary's description (the seed: "on
 * calendar events").
 */
export function bookingEvent(
  a: Pick<ActivityRow, "id" | "status" | "start_at" | "end_at" | "customer_name" | "customer_email" | "customer_phone" | "event_type_name" | "page_name" | "owner_name" | "answers" | "reason" | "version" | "updated_at">,
  page: PageInfo | null,
  opts: { publicUrl: string; audience: "host" | "customer"; manageUrl?: string | null },
): CalendarEventData {
  const pageName = a.page_name ?? page?.name ?? "Meeting";
  const what = a.event_type_name ? `${pageName} – ${a.event_type_name}` : pageName;
  // The host sees whom they meet; the customer sees the title of their confirmation page.
  const summary = opts.audience === "host" ? `${what} with ${a.customer_name ?? "a customer"}` : `${what}${a.owner_name ? ` with ${a.owner_name}` : ""}`;
  const lines = [`Booking ID: ${a.id}`];
  if (opts.audience === "host") {
    const who = [a.customer_name, a.customer_email ? `<${a.customer_email}>` : null, a.customer_phone].filter(Boolean).join(" ");
    if (who) lines.push(`Customer: ${who}`);
    const labels = new Map((page?.questions ?? []).map((q) => [q.id, q.label]));
    for (const [k, v] of Object.entries(a.answers ?? {})) if (v) lines.push(`${labels.get(k) ?? k}: ${v}`);
  } else if (a.owner_name) lines.push(`With: ${a.owner_name}`);
  if (page?.location) lines.push(`Location: ${page.location}`);
  if (page?.video_link) lines.push(`Video link: ${page.video_link}`);
  if (a.status === "Canceled") lines.push(`Canceled${a.reason ? `: ${a.reason}` : ""}`);
  const base = opts.publicUrl.replace(/\/$/, "");
  const url = opts.audience === "host" ? `${base}/activities?open=${encodeURIComponent(a.id)}` : (opts.manageUrl ?? null);
  if (url) lines.push(opts.audience === "host" ? `Open in Bookstream: ${url}` : `Manage your booking: ${url}`);
  return {
    uid: eventUid(a.id, opts.publicUrl),
    sequence: a.version,
    start: new Date(a.start_at!),
    end: new Date(a.end_at!),
    summary,
    description: lines.join("\n"),
    location: page?.location ?? page?.video_link ?? null,
    url,
    status: a.status === "Canceled" ? "cancelled" : "confirmed",
    stamp: new Date(a.updated_at),
  };
}

/**
 * Is this UID one Bookstream wrote (a Booking ID's, see eventUid)? Its time is already busy as the
 * booking itself, so reading it back as calendar busy time would count it twice — and would block
 * the booking's own reschedule.
 */
export function isOwnUid(uid: string | null): boolean {
  return uid != null && /^BKNG-[A-Z0-9]{12}@[^@]+$/.test(uid);
}
