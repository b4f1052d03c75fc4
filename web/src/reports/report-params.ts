import { DateTime } from "luxon";
import type { ReportKind } from "../api/reports";
import type { FilterQuery } from "../api/types";
import {
  DEFAULT_DETAIL_COLUMNS,
  DETAIL_COLUMN_IDS,
  DETAIL_SORTS,
  INTERVALS,
  REVENUE_DIMENSIONS,
  SUMMARY_DIMENSIONS,
  TIME_BASES,
  type DetailColumn,
  type DetailSort,
  type Interval,
  type RevenueDimension,
  type SummaryDimension,
  type TimeBasis,
} from "./report-words";

/**
 * A report's state lives in its URL (/reports/summary?rows=owner&status=Canceled…), so a reload or
 * a shared link shows the same report. Days are calendar days ("to" inclusive) in the report's zone;
 * the API gets exact instants ("to" exclusive). Only values that differ from the defaults are written.
 */
export interface ReportState {
  status: string[];
  detailedStatus: string[];
  bookingPageId: string[];
  eventTypeId: string[];
  ownerId: string[];
  /** Detail: activity types; revenue: currencies. */
  type: string[];
  currency: string[];
  q: string;
  from: string;
  to: string;
  includeTrash: boolean;
  /** "" is the viewer's own zone. */
  zone: string;
  // Summary
  rows: SummaryDimension;
  columns: SummaryDimension | "";
  interval: Interval;
  /** Summary and detail: what the time dimension and the from/to range read (meeting or creation time). */
  timeBasis: TimeBasis;
  /** Which counts the summary's table shows: statuses or detailed statuses (the export has both). */
  counts: "statuses" | "detailed";
  // Revenue
  by: RevenueDimension;
  // Detail
  show: DetailColumn[];
  sort: DetailSort;
  order: "asc" | "desc";
}

type ListField = "status" | "detailedStatus" | "bookingPageId" | "eventTypeId" | "ownerId" | "type" | "currency";

/** The filters each report takes, as the API names them. */
const LISTS: Record<ReportKind, ListField[]> = {
  summary: ["status", "detailedStatus", "bookingPageId", "eventTypeId", "ownerId"],
  detail: ["type", "status", "detailedStatus", "bookingPageId", "eventTypeId", "ownerId"],
  revenue: ["bookingPageId", "eventTypeId", "ownerId", "currency"],
};
/** What a report's from/to range reads by default: the summary counts meetings, the detail lists what was made when. */
export const defaultTimeBasis = (kind: ReportKind): TimeBasis => (kind === "detail" ? "created" : "meeting");
/** Which reports take the stream's free-text search. */
const TAKES_SEARCH: Record<ReportKind, boolean> = { summary: true, detail: true, revenue: false };
export const takesSearch = (kind: ReportKind) => TAKES_SEARCH[kind];
export const listFieldsOf = (kind: ReportKind) => LISTS[kind];

export const DEFAULTS: ReportState = {
  status: [],
  detailedStatus: [],
  bookingPageId: [],
  eventTypeId: [],
  ownerId: [],
  type: [],
  currency: [],
  q: "",
  from: "",
  to: "",
  includeTrash: true,
  zone: "",
  rows: "time",
  columns: "",
  interval: "month",
  timeBasis: "meeting",
  counts: "statuses",
  by: "time",
  show: DEFAULT_DETAIL_COLUMNS,
  sort: "createdAt",
  order: "desc",
};

/** Which report a path shows (/reports is the summary), or null for any other page. */
export const reportKindOf = (pathname: string): ReportKind | null =>
  pathname === "/reports" || pathname === "/reports/summary" ? "summary" : pathname === "/reports/detail" ? "detail" : pathname === "/reports/revenue" ? "revenue" : null;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const oneOf = <T extends string>(all: readonly T[], v: string | null, fallback: T): T => (v !== null && (all as readonly string[]).includes(v) ? (v as T) : fallback);
/** A calendar day that exists ("2026-02-30" does not), else "". */
const existingDay = (v: string | null) => (v && DAY.test(v) && DateTime.fromISO(v).isValid ? v : "");
const validZone = (z: string) => z !== "" && DateTime.local().setZone(z).isValid;

/** The state a URL describes; anything unknown or malformed falls back to its default. */
export function parseReport(kind: ReportKind, search: URLSearchParams): ReportState {
  // Detailed statuses repeat (a value may contain a comma); the other lists are comma-separated.
  const list = (k: ListField) => search.getAll(k).flatMap((v) => (k === "detailedStatus" ? [v] : v.split(","))).map((v) => v.trim()).filter(Boolean);
  const s: ReportState = { ...DEFAULTS };
  for (const k of LISTS[kind]) s[k] = list(k);
  if (TAKES_SEARCH[kind]) s.q = search.get("q") ?? "";
  s.from = existingDay(search.get("from"));
  s.to = existingDay(search.get("to"));
  if (s.from && s.to && s.to < s.from) s.to = "";
  s.includeTrash = search.get("includeTrash") !== "false";
  s.zone = validZone(search.get("zone") ?? "") ? search.get("zone")! : "";
  if (kind !== "revenue") s.timeBasis = oneOf(TIME_BASES, search.get("timeBasis"), defaultTimeBasis(kind));
  if (kind === "summary") {
    s.rows = oneOf(SUMMARY_DIMENSIONS, search.get("rows"), DEFAULTS.rows);
    const columns = oneOf<SummaryDimension | "">(SUMMARY_DIMENSIONS, search.get("columns"), "");
    s.columns = columns === s.rows ? "" : columns;
    s.counts = search.get("counts") === "detailed" ? "detailed" : "statuses";
  }
  if (kind === "summary" || kind === "revenue") s.interval = oneOf(INTERVALS, search.get("interval"), DEFAULTS.interval);
  if (kind === "revenue") s.by = oneOf(REVENUE_DIMENSIONS, search.get("by"), DEFAULTS.by);
  if (kind === "detail") {
    const show = (search.get("columns") ?? "").split(",").filter((c): c is DetailColumn => (DETAIL_COLUMN_IDS as string[]).includes(c));
    s.show = show.length ? [...new Set(show)] : DEFAULTS.show;
    s.sort = oneOf(DETAIL_SORTS, search.get("sort"), DEFAULTS.sort);
    s.order = search.get("order") === "asc" ? "asc" : "desc";
  }
  return s;
}

/** The URL parameters of a state (what differs from the defaults), in a stable order. */
export function reportToSearch(kind: ReportKind, s: ReportState): URLSearchParams {
  const p = new URLSearchParams();
  const put = (k: string, v: string, dflt: string) => v !== dflt && p.set(k, v);
  if (kind === "summary") {
    put("rows", s.rows, DEFAULTS.rows);
    if (s.columns && s.columns !== s.rows) p.set("columns", s.columns);
    put("counts", s.counts, DEFAULTS.counts);
  }
  if (kind !== "revenue") put("timeBasis", s.timeBasis, defaultTimeBasis(kind));
  if (kind === "revenue") put("by", s.by, DEFAULTS.by);
  if (kind === "summary" || kind === "revenue") put("interval", s.interval, DEFAULTS.interval);
  if (kind === "detail") {
    put("columns", s.show.join(","), DEFAULTS.show.join(","));
    put("sort", s.sort, DEFAULTS.sort);
    put("order", s.order, DEFAULTS.order);
  }
  for (const k of LISTS[kind]) {
    if (k === "detailedStatus") s[k].forEach((v) => p.append(k, v));
    else if (s[k].length) p.set(k, s[k].join(","));
  }
  if (TAKES_SEARCH[kind] && s.q.trim()) p.set("q", s.q);
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  if (!s.includeTrash) p.set("includeTrash", "false");
  if (s.zone) p.set("zone", s.zone);
  return p;
}

/** The API query of a state, in `zone` (the report's, or the viewer's). */
export function reportApiParams(kind: ReportKind, s: ReportState, zone: string): URLSearchParams {
  const p = new URLSearchParams();
  if (kind === "summary") {
    p.set("rows", s.rows);
    if (s.columns) p.set("columns", s.columns);
    p.set("interval", s.interval);
  }
  if (kind !== "revenue") p.set("timeBasis", s.timeBasis);
  if (kind === "revenue") {
    p.set("by", s.by);
    p.set("interval", s.interval);
  }
  if (kind === "detail") {
    p.set("columns", s.show.join(","));
    p.set("sort", s.sort);
    p.set("order", s.order);
    p.set("limit", "100");
  }
  for (const k of LISTS[kind]) {
    if (k === "detailedStatus") s[k].forEach((v) => p.append(k, v));
    else if (s[k].length) p.set(k, s[k].join(","));
  }
  if (TAKES_SEARCH[kind] && s.q.trim()) p.set("q", s.q.trim());
  const day = (d: string, plusDays = 0) => DateTime.fromISO(d, { zone }).startOf("day").plus({ days: plusDays }).toUTC().toISO({ suppressMilliseconds: true })!;
  if (s.from) p.set("from", day(s.from));
  if (s.to) p.set("to", day(s.to, 1)); // "to" is inclusive on screen, exclusive in the API
  p.set("includeTrash", String(s.includeTrash));
  p.set("zone", zone);
  return p;
}

/** How many filters are set (the "Filters (3)" badge): lists, the date range, the Trash switch. */
export const countReportFilters = (kind: ReportKind, s: ReportState) =>
  LISTS[kind].filter((k) => s[k].length).length + (s.from || s.to ? 1 : 0) + (s.includeTrash ? 0 : 1);

/** A saved report is a saved filter whose query names the report, next to its URL parameters. */
export function toSavedQuery(kind: ReportKind, s: ReportState): FilterQuery {
  const q: FilterQuery = { report: kind };
  for (const [k, v] of reportToSearch(kind, s)) {
    const prev = q[k];
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return q;
}

/** The page a saved report opens: its report's path and parameters. */
export function savedReportHref(query: FilterQuery, savedId: string): string | null {
  const kind = query.report;
  if (kind !== "summary" && kind !== "detail" && kind !== "revenue") return null;
  const raw = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== "report") (Array.isArray(v) ? v : [v]).forEach((x) => raw.append(k, x));
  const p = reportToSearch(kind, parseReport(kind, raw));
  p.set("saved", savedId);
  return `/reports/${kind}?${p}`;
}
