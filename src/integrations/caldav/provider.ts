/**
 * What the calendar consumer and the busy-time refresh need from a calendar service. CalDAV
 * (client.ts) is the one implemented; Google Calendar or Microsoft 365 would be another
 * implementation of the same interface (OAuth tokens instead of an app password, their REST APIs'
 * events.insert/patch and freeBusy), picked by the connection's `provider` column.
 */
export interface CalendarCredentials {
  serverUrl: string;
  username: string;
  password: string;
}

export interface BusyEvent {
  uid: string | null;
  start: Date;
  end: Date;
}

export interface ChosenCalendar {
  url: string;
  name: string | null;
}

export interface CalendarProvider {
  /** Signs in and picks the calendar: the one at `calendarUrl`, else the first that takes events. */
  connect(calendarUrl?: string | null): Promise<ChosenCalendar>;
  /** Writes the event with this UID (creates or replaces it: a repeat is harmless); returns its URL. */
  putEvent(calendarUrl: string, uid: string, ics: string): Promise<string>;
  /** Removes an event written earlier (already gone is fine). */
  removeEvent(objectUrl: string): Promise<void>;
  /** The events overlapping [from, to) that make the user busy (cancelled and free ones left out). */
  busyTimes(calendarUrl: string, from: Date, to: Date, zone: string): Promise<BusyEvent[]>;
}

export interface CalendarProviders {
  forCredentials(c: CalendarCredentials): CalendarProvider;
}

/**
 * The calendar service failed. `retryable`: it did not answer, timed out or answered 5xx/429 (try
 * again later); otherwise it refused (bad credentials, no such calendar, an address we do not call).
 */
export class CalendarPeerError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly status?: number) {
    super(message);
    this.name = "CalendarPeerError";
  }
}
