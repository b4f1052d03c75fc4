import { IANAZone } from "luxon";
import { ACTIVITY_ID_PATTERN } from "../../domain/activity-id.js";
import { DomainError } from "../../domain/errors.js";
import {
  answersCell, DEFAULT_DETAIL_COLUMNS, DETAIL_COLUMNS, DETAIL_SORTS, IN_TRASH, type DetailColumn, type DetailSort, type TimeBasis,
} from "../../domain/reports.js";
import { detailPage, type DetailCursor, type DetailRow } from "../../store/report-detail-repo.js";
import type { AppContext, Caller } from "../context.js";
import { readerOf } from "../context.js";
import { resolveReport, type ReportInput, type ResolvedReport } from "./report-scope.js";
import { decimal } from "./revenue-report.js";

export interface DetailInput extends ReportInput {
  columns?: DetailColumn[];
  sort?: DetailSort;
  order?: "asc" | "desc";
  limit?: number;
  cursor?: string;
  /** What from/to range over: the meeting or the creation (default). */
  timeBasis?: TimeBasis;
}

export type DetailValues = Partial<Record<DetailColumn, string | null>>;

/** One page of the detail report: one row per activity, the chosen columns, in the chosen order. */
export async function detailReport(ctx: AppContext, caller: Caller, input: DetailInput) {
  const r = await resolveReport(ctx, caller, input);
  const plan = detailPlan(input);
  const cursor = input.cursor ? decodeCursor(input.cursor, plan.sort, plan.order) : undefined;
  const limit = input.limit ?? 50;
  const rows = await detailPage(readerOf(ctx), r.scope, r.filters, r.search, plan.rangeColumn, plan, limit + 1, cursor);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    zone: r.zone,
    columns: plan.columns.map((id) => ({ id, label: DETAIL_COLUMNS[id] })),
    rows: page.map((row) => detailValues(row, plan.columns, r.zone)),
    nextCursor: more && last ? encodeCursor(plan.sort, plan.order, { value: last.sort_value, id: last.id }) : null,
  };
}

export interface DetailPlan {
  columns: DetailColumn[];
  sort: DetailSort;
  order: "asc" | "desc";
  rangeColumn: "start_at" | "created_at";
}

export function detailPlan(input: DetailInput): DetailPlan {
  return {
    columns: input.columns?.length ? [...new Set(input.columns)] : DEFAULT_DETAIL_COLUMNS,
    sort: input.sort ?? "createdAt",
    order: input.order ?? "desc",
    rangeColumn: input.timeBasis === "meeting" ? "start_at" : "created_at",
  };
}

/**
 * Every row of the detail report in order, a page at a time (the export's read): memory stays
 * that of one page whatever the report's size.
 */
export async function* allDetailLines(ctx: AppContext, r: ResolvedReport, plan: DetailPlan, pageSize = 5_000): AsyncGenerator<(string | null)[][]> {
  let cursor: DetailCursor | undefined;
  for (;;) {
    const rows = await detailPage(readerOf(ctx), r.scope, r.filters, r.search, plan.rangeColumn, plan, pageSize, cursor);
    if (rows.length > 0) yield rows.map((row) => detailLine(row, plan.columns, r.zone));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    cursor = { value: last.sort_value, id: last.id };
  }
}

const at = (d: Date | null, zone: string) => (d ? zonedIso(new Date(d).getTime(), zone) : null);

/**
 * An instant as ISO 8601 with the zone's offset ("2026-03-29T00:30:00+01:00", milliseconds only when
 * there are any), as Luxon's toISO writes it. The offset is looked up once per zone and quarter of
 * an hour (every offset change in the tz database is on one): an export formats a million times.
 */
const offsets = new Map<string, number>();
export function zonedIso(ms: number, zone: string): string {
  const quarter = Math.floor(ms / 900_000);
  const key = `${zone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 100_000) offsets.clear();
    offset = IANAZone.create(zone).offset(ms);
    offsets.set(key, offset);
  }
  const local = new Date(ms + offset * 60_000).toISOString();
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  // Luxon writes "Z" for its universal zone ("UTC", "GMT"), an offset for every named zone.
  const universal = zone.toLowerCase() === "utc" || zone.toLowerCase() === "gmt";
  const suffix = universal ? "Z" : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return (local.endsWith(".000Z") ? local.slice(0, -5) : local.slice(0, -1)) + suffix;
}

type Getter = (row: DetailRow, zone: string) => string | null;

/** Each column's value from the row; made once, so a row costs no allocation beyond its values. */
const GETTERS: Record<DetailColumn, Getter> = {
  id: (r) => r.id,
  type: (r) => r.type,
  status: (r) => r.status,
  detailedStatus: (r) => r.detailed_status,
  inTrash: (r) => (r.trashed_at ? IN_TRASH : null),
  customerName: (r) => r.customer_name,
  customerEmail: (r) => r.customer_email,
  customerTimeZone: (r) => r.customer_time_zone,
  bookingPage: (r) => r.page_name,
  owner: (r) => r.owner_name,
  eventType: (r) => r.event_type_name,
  start: (r, zone) => at(r.start_at, zone),
  end: (r, zone) => at(r.end_at, zone),
  createdAt: (r, zone) => at(r.created_at, zone),
  updatedAt: (r, zone) => at(r.updated_at, zone),
  reason: (r) => r.reason,
  answers: (r) => answersCell(typeof r.answers === "string" ? JSON.parse(r.answers) : r.answers),
  amount: (r) => (r.amount_minor !== null && r.currency ? decimal(Number(r.amount_minor), r.currency) : null),
  currency: (r) => r.currency,
};

export function detailValues(row: DetailRow, columns: DetailColumn[], zone: string): DetailValues {
  const out: DetailValues = {};
  for (const c of columns) out[c] = GETTERS[c](row, zone);
  return out;
}

/** The row as one line of the export, in the columns' order. */
export function detailLine(row: DetailRow, columns: DetailColumn[], zone: string): (string | null)[] {
  return columns.map((c) => GETTERS[c](row, zone));
}

/** A cursor names its sort and order, so one from another order is refused instead of misread. */
function encodeCursor(sort: DetailSort, order: string, c: DetailCursor): string {
  return Buffer.from(JSON.stringify([sort, order, c.value, c.id])).toString("base64url");
}

const CURSOR_INSTANT = /^(19|2\d)\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function decodeCursor(s: string, sort: DetailSort, order: string): DetailCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const bad = () => new DomainError("validation_failed", "cursor: not a cursor this report returned", { field: "cursor" });
  if (!Array.isArray(parsed) || parsed.length !== 4) throw bad();
  const [cSort, cOrder, value, id] = parsed;
  if (!DETAIL_SORTS.includes(cSort) || (cOrder !== "asc" && cOrder !== "desc") || typeof id !== "string" || !ACTIVITY_ID_PATTERN.test(id)) throw bad();
  if (cSort !== sort || cOrder !== order) {
    throw new DomainError("validation_failed", `cursor: it continues sort=${cSort} order=${cOrder}; start again without a cursor`, { field: "cursor" });
  }
  const kind = sort === "amount" ? "number" : ["start", "end", "createdAt", "updatedAt"].includes(sort) ? "time" : "text";
  const valid = value === null
    || (kind === "number" && Number.isSafeInteger(value))
    || (kind === "time" && typeof value === "string" && CURSOR_INSTANT.test(value) && !Number.isNaN(Date.parse(value)))
    || (kind === "text" && typeof value === "string" && value.length <= 2000 && !value.includes("\u0000"));
  if (!valid) throw bad();
  return { value, id };
}
