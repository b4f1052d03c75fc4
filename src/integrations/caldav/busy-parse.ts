import { DateTime, Duration } from "luxon";
import type { BusyEvent } from "./provider.js";

/**
 * The busy times in iCalendar text (RFC 5545) as a CalDAV calendar-query returns it: each VEVENT's
 * start and end in UTC. Events marked CANCELLED or TRANSPARENT (free) make nobody busy. All-day
 * and floating times are read in the user's zone; TZID names are read as IANA zones (what CalDAV
 * clients write), falling back to the user's zone.
 * Recurring events count with their first occurrence only (a server-side `expand` is not
 * everywhere); see the README's Calendars section.
 */
export function parseBusyEvents(ics: string, zone: string): BusyEvent[] {
  const lines = ics.replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
  const out: BusyEvent[] = [];
  let depth = 0;
  let ev: Map<string, { params: Record<string, string>; value: string }> | null = null;
  for (const line of lines) {
    if (/^BEGIN:VEVENT$/i.test(line)) {
      ev = new Map();
      depth = 0;
      continue;
    }
    if (!ev) continue;
    if (/^BEGIN:/i.test(line)) depth++;
    else if (/^END:VEVENT$/i.test(line)) {
      const b = toBusy(ev, zone);
      if (b) out.push(b);
      ev = null;
    } else if (/^END:/i.test(line)) depth--;
    else if (depth === 0) {
      const p = parseLine(line);
      if (p && !ev.has(p.name)) ev.set(p.name, p);
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

function toBusy(ev: Map<string, { params: Record<string, string>; value: string }>, zone: string): BusyEvent | null {
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
  return { uid: ev.get("UID")?.value ?? null, start: start.toJSDate(), end: end.toJSDate() };
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
