import { DateTime } from "luxon";

/** Dates, times and numbers as people read them, always in a named time zone. */
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = zone + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(undefined, { ...opts, timeZone: zone });
    } catch {
      f = new Intl.DateTimeFormat(undefined, { ...opts, timeZone: "UTC" });
    }
    cache.set(key, f);
  }
  return f;
}

const DATE_TIME: Intl.DateTimeFormatOptions = { weekday: "short", month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
const SHORT: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
const SHORT_YEAR: Intl.DateTimeFormatOptions = { ...SHORT, year: "numeric" };
const DAY: Intl.DateTimeFormatOptions = { month: "short", day: "numeric" };
const DAY_YEAR: Intl.DateTimeFormatOptions = { ...DAY, year: "numeric" };
const TIME: Intl.DateTimeFormatOptions = { hour: "numeric", minute: "2-digit", timeZoneName: "short" };

/** The viewer's current year in `zone`, as instants [from, to); worked out again once it is over. */
const years = new Map<string, { from: number; to: number }>();
function thisYear(zone: string): { from: number; to: number } {
  const now = Date.now();
  let y = years.get(zone);
  if (!y || now < y.from || now >= y.to) {
    let d = DateTime.fromMillis(now, { zone });
    if (!d.isValid) d = DateTime.fromMillis(now, { zone: "UTC" });
    y = { from: d.startOf("year").toMillis(), to: d.startOf("year").plus({ years: 1 }).toMillis() };
    years.set(zone, y);
  }
  return y;
}

/** Is this instant in the current year, in `zone`? Short dates name the year only when it is not. */
export function inThisYear(iso: string, zone: string): boolean {
  const t = Date.parse(iso);
  const y = thisYear(zone);
  return t >= y.from && t < y.to;
}

/** "Tue, Jan 19, 2027, 1:00 PM EST" */
export const formatDateTime = (iso: string, zone: string) => formatter(zone, DATE_TIME).format(new Date(iso));

/** "Jan 19, 1:00 PM", or "Jan 19, 2027, 1:00 PM" in another year (the row's compact form; the zone is the user's, shown in the header). */
export const formatShort = (iso: string, zone: string) => formatter(zone, inThisYear(iso, zone) ? SHORT : SHORT_YEAR).format(new Date(iso));

/** "Mar 4 – 18", "Mar 4 – Apr 2", "Dec 28, 2026 – Jan 4, 2027": days only, the year when one is not this year's. */
export function formatDayRange(fromIso: string, toIso: string, zone: string): string {
  const f = formatter(zone, inThisYear(fromIso, zone) && inThisYear(toIso, zone) ? DAY : DAY_YEAR);
  return f.formatRange(new Date(fromIso), new Date(toIso));
}

/** "Tue, Jan 19, 2027, 1:00 PM – 1:30 PM EST" */
export function formatRange(start: string, end: string | null, zone: string): string {
  if (!end) return formatDateTime(start, zone);
  const s = formatter(zone, { ...DATE_TIME, timeZoneName: undefined }).format(new Date(start));
  return `${s} – ${formatter(zone, TIME).format(new Date(end))}`;
}

export const zoneName = (zone: string) => zone.replace(/_/g, " ");

export const formatCount = (n: number, lowerBound?: boolean) => `${n.toLocaleString("en-US")}${lowerBound ? "+" : ""}`;

/** "request-new-times" → "Request new times": the label for an action the app has no words for yet. */
export const labelFromName = (name: string) => {
  const words = name.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The noun for a count: plural(1, "package") → "package", plural(2, "activity", "activities") → "activities". */
export const plural = (n: number, one: string, many = one + "s") => `${n === 1 ? one : many}`;

/** A count with its noun: "1 package", "2 packages", "1,204 activities", "10,000+ activities". */
export const countOf = (n: number, one: string, many = one + "s", lowerBound?: boolean) => `${formatCount(n, lowerBound)} ${lowerBound ? many : plural(n, one, many)}`;
