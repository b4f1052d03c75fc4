import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";

/**
 * The one iCalendar generator (RFC 5545) of the product: e-mail attachments, the CalDAV events,
 * each user's subscribable feed and the customer pages' "add to calendar" file all come from here,
 * so a booking looks the same everywhere and re-importing updates rather than duplicates.
 * Times are written in UTC: every reader converts them, and no VTIMEZONE block can go stale.
 */
export interface CalendarEventData {
  /** Stable per booking: the Booking ID plus the host's domain (see `eventUid`). */
  uid: string;
  /** Raised on every change of the same UID so calendars accept the update (RFC 5546). */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string | null;
  /** The manage link or the stream link, depending on the reader. */
  url?: string | null;
  status: "confirmed" | "tentative" | "cancelled";
  organizer?: { name: string; email: string } | null;
  attendees?: { name: string; email: string }[];
  /** When this version of the event was made (the clock's now, not the wall clock). */
  stamp: Date;
}

export type CalendarMethod = "publish" | "request" | "cancel";

const STATUS: Record<CalendarEventData["status"], ICalEventStatus> = {
  confirmed: ICalEventStatus.CONFIRMED,
  tentative: ICalEventStatus.TENTATIVE,
  cancelled: ICalEventStatus.CANCELLED,
};

const METHOD: Record<CalendarMethod, ICalCalendarMethod> = {
  publish: ICalCalendarMethod.PUBLISH,
  request: ICalCalendarMethod.REQUEST,
  cancel: ICalCalendarMethod.CANCEL,
};

/** A UID that is globally unique and stable for one booking (RFC 5545 recommends a domain part). */
export function eventUid(bookingId: string, publicUrl: string): string {
  const host = safeHost(publicUrl);
  return `${bookingId}@${host}`;
}

export function calendarFile(events: CalendarEventData[], opts: { name?: string; method?: CalendarMethod } = {}): string {
  const cal = ical({ name: opts.name ?? "Bookstream", prodId: { company: "Bookstream", product: "Bookstream", language: "EN" } });
  if (opts.method) cal.method(METHOD[opts.method]);
  for (const e of events) {
    const ev = cal.createEvent({
      id: e.uid,
      sequence: e.sequence,
      start: e.start,
      end: e.end,
      stamp: e.stamp,
      summary: e.summary,
      description: e.description ?? null,
      location: e.location ?? null,
      url: e.url ?? null,
      status: STATUS[e.status],
    });
    if (e.organizer) ev.organizer({ name: e.organizer.name, email: e.organizer.email });
    for (const a of e.attendees ?? []) ev.createAttendee({ name: a.name, email: a.email });
  }
  // RFC 5545: every content line ends with CRLF, the last one too (ical-generator leaves it off).
  const text = cal.toString();
  return text.endsWith("\r\n") ? text : `${text}\r\n`;
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname || "bookstream.invalid";
  } catch {
    return "bookstream.invalid";
  }
}
