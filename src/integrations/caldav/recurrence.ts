import { DateTime, type DurationLikeObject } from "luxon";

/**
 * Recurring events (RFC 5545 RRULE, RDATE, EXDATE) expanded into the occurrences that fall in a
 * window, for busy times. CalDAV's server-side `expand` is optional and missing from common servers
 * (Radicale before 3.2), so the client expands what the calendar-query returns.
 *
 * Occurrences are computed in wall-clock time in the event's zone, as calendars do: a weekly 09:00
 * meeting stays at 09:00 across daylight-saving changes, and a time a change skips moves forward.
 * The rule parts people's calendars write are supported — FREQ DAILY, WEEKLY, MONTHLY and YEARLY
 * with INTERVAL, COUNT, UNTIL, BYDAY (with ordinals such as 2TU or -1FR in monthly and yearly
 * rules), BYMONTHDAY and BYMONTH. A rule with any other part (BYSETPOS, BYWEEKNO, BYYEARDAY,
 * BYHOUR…, or an hourly frequency) is not expanded: parseRule answers null and only its first
 * occurrence counts, as before.
 */

export type Frequency = "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY";

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  /** Inclusive. */
  until: DateTime | null;
  byDay: { weekday: number; ordinal: number | null }[];
  byMonthDay: number[];
  byMonth: number[];
}

const WEEKDAYS: Record<string, number> = { MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6, SU: 7 };
const SUPPORTED_PARTS = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"]);
const UNIT: Record<Frequency, "day" | "week" | "month" | "year"> = { DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year" };
/** However long ago a rule began, its expansion stops after this many periods (a daily rule: 270 years). */
const MAX_PERIODS = 100_000;

/** The rule, or null when it has a part this expander does not support (then only DTSTART counts). */
export function parseRule(value: string, readUntil: (v: string) => DateTime | null): RecurrenceRule | null {
  const parts = new Map<string, string>();
  for (const kv of value.split(";")) {
    const eq = kv.indexOf("=");
    if (eq > 0) parts.set(kv.slice(0, eq).trim().toUpperCase(), kv.slice(eq + 1).trim().toUpperCase());
  }
  for (const name of parts.keys()) if (!SUPPORTED_PARTS.has(name)) return null;
  const freq = parts.get("FREQ");
  if (freq !== "DAILY" && freq !== "WEEKLY" && freq !== "MONTHLY" && freq !== "YEARLY") return null;
  const ints = (name: string, min: number, max: number) => {
    const raw = parts.get(name);
    if (!raw) return [];
    const list = raw.split(",").map(Number);
    return list.every((n) => Number.isInteger(n) && n !== 0 && Math.abs(n) >= min && Math.abs(n) <= max) ? list : null;
  };
  const interval = parts.has("INTERVAL") ? Number(parts.get("INTERVAL")) : 1;
  const count = parts.has("COUNT") ? Number(parts.get("COUNT")) : null;
  const byMonthDay = ints("BYMONTHDAY", 1, 31);
  const byMonth = ints("BYMONTH", 1, 12);
  const byDay: RecurrenceRule["byDay"] = [];
  for (const d of parts.get("BYDAY")?.split(",") ?? []) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(d);
    if (!m) return null;
    byDay.push({ weekday: WEEKDAYS[m[2]], ordinal: m[1] ? Number(m[1]) : null });
  }
  if (!Number.isInteger(interval) || interval < 1 || (count !== null && (!Number.isInteger(count) || count < 1)) || !byMonthDay || !byMonth) return null;
  // Ordinals count within a month (monthly rules, or yearly ones that name their months).
  if (byDay.some((d) => d.ordinal !== null) && !(freq === "MONTHLY" || (freq === "YEARLY" && byMonth.length > 0))) return null;
  const until = parts.has("UNTIL") ? readUntil(parts.get("UNTIL")!) : null;
  if (parts.has("UNTIL") && !until) return null;
  return { freq, interval, count, until, byDay, byMonthDay, byMonth };
}

/**
 * The starts of the occurrences of `rule` from `start` (DTSTART, always the first occurrence)
 * whose span (`length`) meets [from, to), in order, without those in `excluded` (EXDATE and
 * overridden instances, as epoch milliseconds).
 */
export function occurrencesIn(start: DateTime, length: DurationLikeObject, rule: RecurrenceRule, from: Date, to: Date, excluded: Set<number>): DateTime[] {
  const out: DateTime[] = [];
  const unit = UNIT[rule.freq];
  const first = start.startOf(unit);
  let emitted = 0;
  // Without COUNT nothing before the window matters: start a period before it (a rule begun years
  // ago is not walked day by day). With COUNT, occurrences are counted from DTSTART.
  const skip = rule.count === null ? Math.max(0, Math.floor(DateTime.fromJSDate(from, { zone: start.zone }).diff(first, `${unit}s`).as(`${unit}s`) / rule.interval) - 1) : 0;
  for (let k = skip; k < skip + MAX_PERIODS; k++) {
    const period = first.plus({ [`${unit}s`]: k * rule.interval });
    if (period.toMillis() >= to.getTime()) break;
    for (const day of daysIn(period, start, rule)) {
      const at = day.set({ hour: start.hour, minute: start.minute, second: start.second, millisecond: 0 });
      if (at < start) continue;
      if (rule.until && at > rule.until) return out;
      emitted++;
      if (rule.count !== null && emitted > rule.count) return out;
      if (at.toMillis() >= to.getTime()) return out;
      if (at.plus(length).toMillis() > from.getTime() && !excluded.has(at.toMillis())) out.push(at);
    }
  }
  return out;
}

/** The days of one period (a day, a week from Monday, a month or a year) the rule picks, in order. */
function daysIn(period: DateTime, start: DateTime, rule: RecurrenceRule): DateTime[] {
  const inMonths = (d: DateTime) => rule.byMonth.length === 0 || rule.byMonth.includes(d.month);
  const onWeekdays = (d: DateTime) => rule.byDay.length === 0 || rule.byDay.some((b) => b.ordinal === null && b.weekday === d.weekday);
  const onMonthDays = (d: DateTime) => rule.byMonthDay.length === 0 || rule.byMonthDay.some((n) => monthDay(d, n) === d.day);
  switch (rule.freq) {
    case "DAILY":
      return [period].filter((d) => inMonths(d) && onWeekdays(d) && onMonthDays(d));
    case "WEEKLY": {
      const weekdays = rule.byDay.length ? [...new Set(rule.byDay.map((b) => b.weekday))].sort() : [start.weekday];
      return weekdays.map((w) => period.plus({ days: w - 1 })).filter(inMonths);
    }
    case "MONTHLY":
      return inMonths(period) ? daysOfMonth(period, start, rule) : [];
    case "YEARLY": {
      const months = rule.byMonth.length ? [...rule.byMonth].sort((a, b) => a - b) : [start.month];
      return months.flatMap((m) => daysOfMonth(period.set({ month: m }), start, rule));
    }
  }
}

/** The days of the month starting at `month` that the rule's BYMONTHDAY / BYDAY pick (or DTSTART's day). */
function daysOfMonth(month: DateTime, start: DateTime, rule: RecurrenceRule): DateTime[] {
  const n = month.daysInMonth ?? 31;
  const all = Array.from({ length: n }, (_, i) => month.set({ day: i + 1 }));
  let days: DateTime[];
  if (rule.byMonthDay.length) {
    days = all.filter((d) => rule.byMonthDay.some((x) => monthDay(d, x) === d.day));
    if (rule.byDay.length) days = days.filter((d) => rule.byDay.some((b) => b.weekday === d.weekday));
  } else if (rule.byDay.length) {
    days = all.filter((d) => rule.byDay.some((b) => {
      if (b.weekday !== d.weekday) return false;
      if (b.ordinal === null) return true;
      const same = all.filter((x) => x.weekday === b.weekday);
      return same[b.ordinal > 0 ? b.ordinal - 1 : same.length + b.ordinal]?.day === d.day;
    }));
  } else {
    // A month without DTSTART's day (the 31st in April) has no occurrence.
    days = start.day <= n ? [month.set({ day: start.day })] : [];
  }
  return days;
}

/** BYMONTHDAY's n in this month (-1 = the last day). */
function monthDay(d: DateTime, n: number): number {
  return n > 0 ? n : (d.daysInMonth ?? 31) + 1 + n;
}
