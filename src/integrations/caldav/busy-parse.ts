import { DateTime, Duration } from "luxon";
import type { BusyEvent } from "./provider.js";
import { occurrencesIn, parseRule } from "./recurrence.js";

/**
 * The busy times in iCalendar text (RFC 5545) as a CalDAV calendar-query returns it: each VEVENT's
 * start and end in UTC. Events marked CANCELLED or TRANSPARENT (free) make nobody busy. All-day
 * and floating times are read in the user's zone; TZID names are read as IANA zones (what CalDAV
 * clients write), falling back to the user's zone.
 * Recurring events (RRULE, RDATE, EXDATE, and instances moved or canceled through RECURRENCE-ID)
 * are expanded into their occurrences within `window` (recurrence.ts); without a window, or with a
 * rule recurrence.ts does not support, a recurring event counts with its first occurrence only.
 */
export function parseBusyEvents(ics: string, zone: string, window?: { from: Date; to: Date }): BusyEvent[] {
  const events = readEvents(ics);
  // Instances a RECURRENCE-ID event replaces (moved or canceled), per UID: the master skips them.
  const replaced = new Map<string, Set<number>>();
  for (const ev of events) {
    const rid = ev.props.get("RECURRENCE-ID");
    const uid = ev.props.get("UID")?.value ?? "";
    const at = rid ? readTime(rid, zone) : null;
    if (at) replaced.set(uid, (replaced.get(uid) ?? new Set()).add(at.toMillis()));
  }
  const out: BusyEvent[] = [];
  for (const ev of events) {
    const span = toSpan(ev.props, zone);
    if (!span) continue;
    const uid = ev.props.get("UID")?.value ?? null;
    const rrule = ev.props.get("RRULE");
    const recurs = !ev.props.has("RECURRENCE-ID") && (rrule || ev.rdates.length > 0);
    if (!window || !recurs) {
      out.push({ uid, start: span.start.toJSDate(), end: span.end.toJSDate() });
      continue;
    }
    const dtstart = ev.props.get("DTSTART")!;
    const rule = rrule ? parseRule(rrule.value, (v) => readTime({ params: dtstart.params, value: v }, zone)) : null;
    if (rrule && !rule) {
      out.push({ uid, start: span.start.toJSDate(), end: span.end.toJSDate() });
      continue;
    }
    const length = span.end.diff(span.start, ["days", "hours", "minutes", "seconds"]).toObject();
    const excluded = new Set([...(replaced.get(uid ?? "") ?? []), ...ev.exdates.flatMap((p) => listTimes(p, zone)).map((t) => t.toMillis())]);
    const starts = rule
      ? occurrencesIn(span.start, length, rule, window.from, window.to, excluded)
      : span.start.plus(length).toMillis() > window.from.getTime() && span.start.toMillis() < window.to.getTime() ? [span.start] : [];
    const extra = ev.rdates.flatMap((p) => listTimes(p, zone))
      .filter((t) => !excluded.has(t.toMillis()) && t.toMillis() < window.to.getTime() && t.plus(length).toMillis() > window.from.getTime());
    const seen = new Set<number>();
    for (const s of [...starts, ...extra]) {
      if (seen.has(s.toMillis())) continue;
      seen.add(s.toMillis());
      out.push({ uid, start: s.toJSDate(), end: s.plus(length).toJSDate() });
    }
  }
  return out;
}

type Prop = { params: Record<string, string>; value: string };
interface RawEvent { props: Map<string, Prop>; exdates: Prop[]; rdates: Prop[] }

/** Each VEVENT's properties (the first of each name; every EXDATE and RDATE line). */
function readEvents(ics: string): RawEvent[] {
  const lines = ics.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  const out: RawEvent[] = [];
  let depth = 0;
  let ev: RawEvent | null = null;
  for (const line of lines) {
    if (/^BEGIN:VEVENT$/i.test(line)) {
      ev = { props: new Map(), exdates: [], rdates: [] };
      depth = 0;
      continue;
    }
    if (!ev) continue;
    if (/^BEGIN:/i.test(line)) depth++;
    else if (/^END:VEVENT$/i.test(line)) {
      out.push(ev);
      ev = null;
    } else if (/^END:/i.test(line)) depth--;
    else if (depth === 0) {
      const p = parseLine(line);
      if (p?.name === "EXDATE") ev.exdates.push(p);
      else if (p?.name === "RDATE") ev.rdates.push(p);
      else if (p && !ev.props.has(p.name)) ev.props.set(p.name, p);
    }
  }
  return out;
}

function parseLine(line: string): { name: string; params: Record<string, string>; value: string } | null {
  const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  if (colon < 0) return null;
  const [name, ...params] = line.slice(0, colon).split(";");
  const p: Record<string, string> = {};
  for (const kv of params) {
    const eq = kv.indexOf("=");
    if (eq > 0) p[kv.slice(0, eq).toUpperCase()] = kv.slice(eq + 1).replace(/^"|"$/g, "");
  }
  return { name: name.toUpperCase(), params: p, value: line.slice(colon + 1) };
}

/** The instants in an EXDATE or RDATE line (a comma-separated list; PERIOD values are skipped). */
function listTimes(p: Prop, zone: string): DateTime[] {
  if (p.params.VALUE === "PERIOD") return [];
  return p.value.split(",").map((v) => readTime({ params: p.params, value: v }, zone)).filter((t): t is DateTime => t !== null);
}

function toSpan(ev: Map<string, Prop>, zone: string): { start: DateTime; end: DateTime } | null {
  if (ev.get("STATUS")?.value.toUpperCase() === "CANCELLED") return null;
  if (ev.get("TRANSP")?.value.toUpperCase() === "TRANSPARENT") return null;
  const dtstart = ev.get("DTSTART");
  if (!dtstart) return null;
  const start = readTime(dtstart, zone);
  if (!start) return null;
  const allDay = dtstart.params.VALUE === "DATE" || /^\d{8}$/.test(dtstart.value);
  let end: DateTime | null = null;
  const dtend = ev.get("DTEND");
  if (dtend) end = readTime(dtend, zone);
  else if (ev.get("DURATION")) {
    const d = Duration.fromISO(ev.get("DURATION")!.value.replace(/^\+/, ""));
    if (d.isValid) end = start.plus(d);
  } else end = allDay ? start.plus({ days: 1 }) : start;
  if (!end || end <= start) return null;
  return { start, end };
}

function readTime(p: { params: Record<string, string>; value: string }, zone: string): DateTime | null {
  const v = p.value.trim();
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (date) return DateTime.fromObject({ year: +date[1], month: +date[2], day: +date[3] }, { zone });
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/i.exec(v);
  if (!m) return null;
  const parts = { year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5], second: +m[6] };
  if (m[7]) return DateTime.fromObject(parts, { zone: "utc" });
  const tz = p.params.TZID && DateTime.local().setZone(p.params.TZID).isValid ? p.params.TZID : zone;
  const t = DateTime.fromObject(parts, { zone: tz });
  return t.isValid ? t : null;
}
