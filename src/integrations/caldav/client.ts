import { DAVClient, fetchCalendarObjects, updateObject, deleteObject, type DAVCalendar } from "tsdav";
import { parseBusyEvents } from "./busy-parse.js";
import { guardedFetch } from "./guarded-fetch.js";
import { CalendarPeerError, type BusyEvent, type CalendarCredentials, type CalendarProvider, type CalendarProviders, type ChosenCalendar } from "./provider.js";

export interface CalDavOptions {
  /** Call servers on loopback and private networks (CALDAV_ALLOW_PRIVATE_NETWORKS=1; tests). */
  allowPrivateNetworks: boolean;
  /** Each request's time limit (default 10 s). */
  timeoutMs?: number;
}

/** CalDAV providers (tsdav), every request through the SSRF-guarded fetch. */
export function calDavProviders(opts: CalDavOptions): CalendarProviders {
  const fetchFn = guardedFetch({ allowPrivate: opts.allowPrivateNetworks, timeoutMs: opts.timeoutMs ?? 10_000 });
  return { forCredentials: (c) => new CalDavProvider(c, fetchFn) };
}

class CalDavProvider implements CalendarProvider {
  private readonly auth: Record<string, string>;
  constructor(private readonly c: CalendarCredentials, private readonly fetchFn: typeof fetch) {
    // RFC 7617 with UTF-8 (tsdav's helper uses btoa, which throws on anything beyond Latin-1).
    this.auth = { authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64")}` };
  }

  async connect(calendarUrl?: string | null): Promise<ChosenCalendar> {
    const client = new DAVClient({
      serverUrl: this.c.serverUrl,
      credentials: { username: this.c.username, password: this.c.password },
      authMethod: "Custom",
      authFunction: async () => this.auth,
      defaultAccountType: "caldav",
      fetch: this.fetchFn,
    });
    let calendars: DAVCalendar[];
    try {
      await client.login();
      calendars = await client.fetchCalendars();
    } catch (err) {
      throw asPeerError(err, "signing in to the calendar server failed");
    }
    const wanted = calendarUrl ? normalize(new URL(calendarUrl, this.c.serverUrl).href) : null;
    const pick = wanted
      ? calendars.find((cal) => normalize(new URL(cal.url, this.c.serverUrl).href) === wanted)
      : calendars.find((cal) => !cal.components || cal.components.includes("VEVENT"));
    if (!pick) {
      throw new CalendarPeerError(wanted ? `no calendar at ${calendarUrl} for this user` : "this account has no calendar that takes events; create one first", false);
    }
    const name = typeof pick.displayName === "string" && pick.displayName ? pick.displayName : null;
    return { url: new URL(pick.url, this.c.serverUrl).href, name };
  }

  async putEvent(calendarUrl: string, uid: string, ics: string): Promise<string> {
    const url = objectUrl(calendarUrl, uid);
    // No If-Match / If-None-Match: the object is named by the booking's UID, so a repeated PUT
    // (a retry after a lost answer) replaces it with the same content instead of failing or duplicating.
    const res = await updateObject({ url, data: ics, headers: { ...this.auth, "content-type": "text/calendar; charset=utf-8" }, fetch: this.fetchFn }).catch((err) => {
      throw asPeerError(err, "writing the event failed");
    });
    await res.body?.cancel();
    if (!res.ok) throw statusError(res.status, "writing the event");
    return url;
  }

  async removeEvent(url: string): Promise<void> {
    const res = await deleteObject({ url, headers: this.auth, fetch: this.fetchFn }).catch((err) => {
      throw asPeerError(err, "removing the event failed");
    });
    await res.body?.cancel();
    if (!res.ok && res.status !== 404 && res.status !== 410) throw statusError(res.status, "removing the event");
  }

  async busyTimes(calendarUrl: string, from: Date, to: Date, zone: string): Promise<BusyEvent[]> {
    try {
      const objects = await fetchCalendarObjects({
        calendar: { url: calendarUrl } as DAVCalendar,
        timeRange: { start: from.toISOString(), end: to.toISOString() },
        headers: this.auth,
        fetch: this.fetchFn,
      });
      return objects.flatMap((o) => (typeof o.data === "string" ? parseBusyEvents(o.data, zone, { from, to }) : []));
    } catch (err) {
      throw asPeerError(err, "reading busy times failed");
    }
  }
}

/** The object's URL in the calendar collection: the UID, percent-encoded, with .ics. */
export function objectUrl(calendarUrl: string, uid: string): string {
  const base = calendarUrl.endsWith("/") ? calendarUrl : `${calendarUrl}/`;
  return `${base}${encodeURIComponent(uid)}.ics`;
}

function normalize(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function statusError(status: number, what: string): CalendarPeerError {
  const retryable = status >= 500 || status === 429 || status === 408;
  const hint = status === 401 || status === 403 ? " (the calendar refused the username or app password)" : "";
  return new CalendarPeerError(`${what}: the calendar server answered ${status}${hint}`, retryable, status);
}

/** tsdav throws plain errors (some with the HTTP status in the text); keep ours, classify the rest. */
function asPeerError(err: unknown, what: string): CalendarPeerError {
  if (err instanceof CalendarPeerError) return err;
  const text = String((err as Error)?.message ?? err);
  const status = Number(/\b([45]\d\d)\b/.exec(text)?.[1] ?? NaN);
  if (Number.isFinite(status)) return statusError(status, what);
  if (/invalid credentials|unauthorized/i.test(text)) return new CalendarPeerError(`${what}: the calendar refused the username or app password`, false, 401);
  return new CalendarPeerError(`${what}: ${text.slice(0, 200)}`, /fetch failed|ECONN|socket|timeout/i.test(text));
}
