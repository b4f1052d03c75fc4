import { DateTime } from "luxon";

/** Time zones and days as the customer sees them. Pure helpers (no React). */

/** The browser's time zone, e.g. "Europe/Berlin" (UTC when it cannot tell). */
export function detectZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

let zoneCache: string[] | null = null;

/** Every IANA zone the browser knows, plus `include` (the detected or saved one) when missing. */
export function zoneList(include: string[] = []): string[] {
  if (!zoneCache) {
    let all: string[] = [];
    try {
      all = Intl.supportedValuesOf("timeZone");
    } catch {
      /* older browsers: the included zones only */
    }
    zoneCache = all;
  }
  const extra = include.filter((z) => z && !zoneCache!.includes(z));
  return extra.length ? [...extra, ...zoneCache].sort() : zoneCache;
}

const offsetFmt = new Map<string, Intl.DateTimeFormat>();

/** "GMT+1", "GMT-5", "GMT" now in `zone`. */
export function zoneOffset(zone: string, at = new Date()): string {
  let f = offsetFmt.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" });
    } catch {
      return "";
    }
    offsetFmt.set(zone, f);
  }
  return f.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "";
}

/** "Europe/Berlin" → "Europe / Berlin"; "America/Argentina/Buenos_Aires" → "America / Argentina / Buenos Aires". */
export const zoneTitle = (zone: string) => zone.replace(/_/g, " ").split("/").join(" / ");

export interface Week {
  /** Local dates (YYYY-MM-DD) of the seven days. */
  days: string[];
  /** UTC instants bounding the week in the zone, for the slots request. */
  from: string;
  to: string;
}

/** The seven days starting `offset` weeks from today, in `zone`. */
export function weekOf(zone: string, offset: number, now = new Date()): Week {
  const start = DateTime.fromJSDate(now, { zone }).startOf("day").plus({ days: 7 * offset });
  const days = Array.from({ length: 7 }, (_, i) => start.plus({ days: i }).toISODate()!);
  return { days, from: start.toUTC().toISO({ suppressMilliseconds: true })!, to: start.plus({ days: 7 }).toUTC().toISO({ suppressMilliseconds: true })! };
}

const dayFmt = new Map<string, Intl.DateTimeFormat>();
function dateFormat(style: "short" | "long" | "range"): Intl.DateTimeFormat {
  let f = dayFmt.get(style);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      style === "long" ? { weekday: "long", month: "long", day: "numeric" } : style === "short" ? { weekday: "short", month: "short", day: "numeric" } : { month: "short", day: "numeric" };
    f = new Intl.DateTimeFormat(undefined, { ...opts, timeZone: "UTC" });
    dayFmt.set(style, f);
  }
  return f;
}

/** A local date (YYYY-MM-DD) as words: short "Mon, Nov 23", long "Monday, November 23", range "Nov 23". */
export const dayLabel = (date: string, style: "short" | "long" | "range" = "short") => dateFormat(style).format(new Date(`${date}T12:00:00Z`));

const timeFmt = new Map<string, Intl.DateTimeFormat>();
/** "9:00 AM" in `zone`. */
export function timeLabel(iso: string, zone: string): string {
  let f = timeFmt.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: zone });
    timeFmt.set(zone, f);
  }
  return f.format(new Date(iso));
}

const whenFmt = new Map<string, Intl.DateTimeFormat>();
/** "Mon, Nov 23, 9:00 AM" in `zone` (chips, where the zone is shown nearby). */
export function whenLabel(iso: string, zone: string): string {
  let f = whenFmt.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: zone });
    whenFmt.set(zone, f);
  }
  return f.format(new Date(iso));
}

/** Slots by local date (their ISO start carries the asked zone's offset). */
export function byDay<T extends { start: string }>(slots: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const s of slots) {
    const d = s.start.slice(0, 10);
    const list = m.get(d);
    if (list) list.push(s);
    else m.set(d, [s]);
  }
  return m;
}
