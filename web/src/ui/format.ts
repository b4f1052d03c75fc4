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
const TIME: Intl.DateTimeFormatOptions = { hour: "numeric", minute: "2-digit", timeZoneName: "short" };

/** "Tue, Jan 19, 2027, 1:00 PM EST" */
export const formatDateTime = (iso: string, zone: string) => formatter(zone, DATE_TIME).format(new Date(iso));

/** "Jan 19, 1:00 PM" (the row's compact form; the zone is the user's, shown in the header). */
export const formatShort = (iso: string, zone: string) => formatter(zone, SHORT).format(new Date(iso));

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

export const plural = (n: number, one: string, many = one + "s") => `${n === 1 ? one : many}`;
