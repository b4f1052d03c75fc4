import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from "kysely";
import type { SearchNode } from "../domain/search-query.js";
import type { Interval, RevenueDimension, SummaryCell, SummaryDimension, TimeBasis } from "../domain/reports.js";
import { searchCondition } from "./activity-search.js";
import type { Db } from "./database.js";
import type { Database } from "./schema.js";
import { scopeAndListConditions, type StreamFilters } from "./stream-repo.js";

/**
 * The reports' reads (issue 15), kept apart from the stream's hot path (STYLE.md). Every report
 * reads `activities` directly and aggregates in PostgreSQL; time buckets are cut in the report's
 * zone (`AT TIME ZONE` turns an instant into that zone's wall time first, so a month or a week is
 * the zone's, across daylight-saving changes).
 */

export interface ReportScope {
  accountId: string;
  /** undefined: every activity (admins); else the member's pages and own bookings, never the Trash. */
  member?: { userId: string; pageIds: string[] };
}

/** The stream's list filters (same names, same meaning), a range and the Trash. */
export interface ReportFilters extends Pick<StreamFilters, "status" | "detailedStatus" | "bookingPageId" | "eventTypeId" | "ownerId" | "customerId"> {
  type?: ("booking" | "package" | "transaction")[];
  /** A range, `to` exclusive, on the report's time column. */
  from?: Date;
  to?: Date;
  includeTrash: boolean;
}

type Eb = ExpressionBuilder<Database, "activities">;
type RangeColumn = "start_at" | "created_at";

function conditions(scope: ReportScope, f: ReportFilters, search: SearchNode | null, rangeColumn: RangeColumn) {
  return (eb: Eb): Expression<SqlBool> => {
    const c: Expression<SqlBool>[] = [eb("activities.account_id", "=", scope.accountId)];
    if (scope.member || !f.includeTrash) c.push(eb("activities.trashed_at", "is", null));
    c.push(...scopeAndListConditions(eb, scope.member, f));
    if (f.from) c.push(eb(`activities.${rangeColumn}`, ">=", f.from));
    if (f.to) c.push(eb(`activities.${rangeColumn}`, "<", f.to));
    if (search) c.push(searchCondition(search, scope.accountId)(eb));
    return eb.and(c);
  };
}

/** The first day ("YYYY-MM-DD") of the zone's day, week (from Monday) or month holding `column`. */
function bucket(column: RawBuilder<unknown>, interval: Interval, zone: string): RawBuilder<string> {
  return sql<string>`(date_trunc(${sql.lit(interval)}, ${column} AT TIME ZONE ${zone}))::date::text`;
}

const SUMMARY_KEYS: Record<Exclude<SummaryDimension, "time">, RawBuilder<string | null>> = {
  bookingPage: sql`activities.booking_page_id::text`,
  owner: sql`activities.owner_id::text`,
  eventType: sql`activities.event_type_id::text`,
  customerTimeZone: sql`activities.customer_time_zone`,
  createdBy: sql`activities.created_by`,
  status: sql`activities.status`,
  detailedStatus: sql`activities.detailed_status`,
};

export interface SummaryQuery {
  rows: SummaryDimension;
  columns: SummaryDimension | null;
  interval: Interval;
  timeBasis: TimeBasis;
  zone: string;
}

/**
 * Bookings (package sessions included) counted by the row and column keys, detailed status and the
 * three facts the rates need; src/domain/reports.ts folds these into the report.
 */
export async function summaryCells(db: Db, scope: ReportScope, f: ReportFilters, search: SearchNode | null, q: SummaryQuery): Promise<SummaryCell[]> {
  const basis = q.timeBasis === "meeting" ? sql`activities.start_at` : sql`activities.created_at`;
  const keyOf = (d: SummaryDimension | null): RawBuilder<string | null> => (d === null ? sql`NULL::text` : d === "time" ? bucket(basis, q.interval, q.zone) : SUMMARY_KEYS[d]);
  const rows = await db
    .selectFrom("activities")
    .select([
      keyOf(q.rows).as("row_key"),
      keyOf(q.columns).as("column_key"),
      "activities.detailed_status",
      // A request is a booking whose customer proposed times; approving it gives it a meeting time.
      sql<boolean>`activities.proposed_times IS NOT NULL`.as("was_request"),
      sql<boolean>`activities.proposed_times IS NOT NULL AND activities.start_at IS NOT NULL`.as("approved"),
      sql<boolean>`activities.reschedules_id IS NOT NULL`.as("rescheduled"),
      sql<number>`count(*)`.as("n"),
    ])
    .where(conditions(scope, { ...f, type: ["booking"] }, search, q.timeBasis === "meeting" ? "start_at" : "created_at"))
    .groupBy(sql.raw("1, 2, 3, 4, 5, 6") as any)
    .execute();
  return rows.map((r) => ({
    rowKey: r.row_key,
    columnKey: r.column_key,
    detailedStatus: r.detailed_status,
    wasRequest: r.was_request,
    approved: r.approved,
    rescheduled: r.rescheduled,
    count: Number(r.n),
  }));
}

export interface NamedIds {
  pages: Map<string, string>;
  users: Map<string, string>;
  eventTypes: Map<string, string>;
}

/** Today's names of the pages, users and event types a report shows by ID (deleted ones too). */
export async function namesOf(db: Db, accountId: string, ids: { pages: string[]; users: string[]; eventTypes: string[] }): Promise<NamedIds> {
  const [pages, users, eventTypes] = await Promise.all([
    ids.pages.length ? db.selectFrom("booking_pages").select(["id", "name"]).where("account_id", "=", accountId).where("id", "in", ids.pages).execute() : [],
    ids.users.length ? db.selectFrom("users").select(["id", "name"]).where("account_id", "=", accountId).where("id", "in", ids.users).execute() : [],
    ids.eventTypes.length
      ? db.selectFrom("event_types").innerJoin("booking_pages", "booking_pages.id", "event_types.booking_page_id")
          .select(["event_types.id", sql<string>`event_types.name || ' (' || booking_pages.name || ')'`.as("name")])
          .where("event_types.account_id", "=", accountId).where("event_types.id", "in", ids.eventTypes).execute()
      : [],
  ]);
  const map = (rows: { id: string; name: string }[]) => new Map(rows.map((r) => [r.id, r.name]));
  return { pages: map(pages), users: map(users), eventTypes: map(eventTypes) };
}

export interface RevenueQuery {
  by: RevenueDimension;
  interval: Interval;
  zone: string;
  currency?: string[];
}

export interface RevenueCell {
  key: string | null;
  currency: string;
  payments: number;
  paidMinor: number;
  refunds: number;
  refundedMinor: number;
  purgedPayments: number;
  purgedPaidMinor: number;
  purgedRefunds: number;
  purgedRefundedMinor: number;
}

/**
 * Money by key and currency: settled payments and refunds among the transactions, plus those
 * permanently deleted (the revenue ledger keeps their amount, currency, date and page only, so a
 * breakdown by owner or event type shows them under "(none)", and a filter on either leaves them out).
 * A transaction's event type is its booking's (payment_records.for_activity_id).
 */
export async function revenueCells(db: Db, scope: ReportScope, f: ReportFilters, q: RevenueQuery): Promise<RevenueCell[]> {
  const byEventType = q.by === "eventType" || !!f.eventTypeId?.length;
  const eventType = sql<string | null>`(SELECT b.event_type_id::text FROM payment_records pr JOIN activities b ON b.id = pr.for_activity_id WHERE pr.activity_id = activities.id)`;
  const key: RawBuilder<string | null> =
    q.by === "time" ? bucket(sql`activities.created_at`, q.interval, q.zone)
    : q.by === "bookingPage" ? sql`activities.booking_page_id::text`
    : q.by === "owner" ? sql`activities.owner_id::text`
    : eventType;
  const { eventTypeId, ...rest } = f;
  let live = db
    .selectFrom("activities")
    .select([
      key.as("key"),
      sql<string>`activities.currency`.as("currency"),
      sql<number>`count(*) FILTER (WHERE activities.status = 'Paid')`.as("payments"),
      sql<number>`coalesce(sum(activities.amount_minor) FILTER (WHERE activities.status = 'Paid'), 0)`.as("paid_minor"),
      sql<number>`count(*) FILTER (WHERE activities.status = 'Refunded')`.as("refunds"),
      sql<number>`coalesce(sum(activities.amount_minor) FILTER (WHERE activities.status = 'Refunded'), 0)`.as("refunded_minor"),
    ])
    .where(conditions(scope, { ...rest, type: ["transaction"], status: ["Paid", "Refunded"] }, null, "created_at"))
    .where("activities.currency", "is not", null);
  if (q.currency?.length) live = live.where("activities.currency", "in", q.currency);
  if (byEventType && eventTypeId?.length) live = live.where(sql<SqlBool>`${eventType} IN (${sql.join(eventTypeId)})`);
  const liveRows = await live.groupBy(sql.raw("1, 2") as any).execute();
  return revenueCellsOf(liveRows, await purgedRevenueRows(db, scope, f, q));
}

export interface RevenueRow { key: string | null; currency: string; payments: number | string; paid_minor: number | string; refunds: number | string; refunded_minor: number | string }
export interface PurgedRevenueRow { key: string | null; currency: string; kind: string; n: number | string; minor: number | string }

/** Live money and the ledger's, cell by key and currency (the ledger's also counted apart as deleted). */
export function revenueCellsOf(liveRows: RevenueRow[], purgedRows: PurgedRevenueRow[]): RevenueCell[] {
  const cells = new Map<string, RevenueCell>();
  const cell = (k: string | null, currency: string) => {
    const id = JSON.stringify([k, currency]);
    let c = cells.get(id);
    if (!c) cells.set(id, (c = { key: k, currency, payments: 0, paidMinor: 0, refunds: 0, refundedMinor: 0, purgedPayments: 0, purgedPaidMinor: 0, purgedRefunds: 0, purgedRefundedMinor: 0 }));
    return c;
  };
  for (const r of liveRows) {
    const c = cell(r.key, r.currency);
    c.payments += Number(r.payments); c.paidMinor += Number(r.paid_minor);
    c.refunds += Number(r.refunds); c.refundedMinor += Number(r.refunded_minor);
  }
  for (const r of purgedRows) {
    const c = cell(r.key, r.currency);
    const n = Number(r.n), minor = Number(r.minor);
    if (r.kind === "payment") { c.payments += n; c.paidMinor += minor; c.purgedPayments += n; c.purgedPaidMinor += minor; }
    else { c.refunds += n; c.refundedMinor += minor; c.purgedRefunds += n; c.purgedRefundedMinor += minor; }
  }
  return [...cells.values()];
}

/**
 * The permanently deleted money (revenue_ledger) by key, currency and kind. It keeps no owner,
 * event type, customer or status: a filter on any of those leaves it out.
 */
export async function purgedRevenueRows(db: Db, scope: ReportScope, f: ReportFilters, q: RevenueQuery): Promise<PurgedRevenueRow[]> {
  if (f.ownerId?.length || f.eventTypeId?.length || f.customerId?.length || f.detailedStatus?.length || f.status?.length) return [];
  return purgedCells(db, scope, f, q);
}

async function purgedCells(db: Db, scope: ReportScope, f: ReportFilters, q: RevenueQuery) {
  const key: RawBuilder<string | null> =
    q.by === "time" ? bucket(sql`occurred_at`, q.interval, q.zone) : q.by === "bookingPage" ? sql`booking_page_id::text` : sql`NULL::text`;
  let query = db
    .selectFrom("revenue_ledger")
    .select([key.as("key"), "currency", "kind", sql<number>`count(*)`.as("n"), sql<number>`sum(amount_minor)`.as("minor")])
    .where("account_id", "=", scope.accountId);
  // A member sees money of the pages they may see (the ledger keeps no owner).
  if (scope.member) query = scope.member.pageIds.length ? query.where("booking_page_id", "in", scope.member.pageIds) : query.where(sql<SqlBool>`false`);
  if (f.bookingPageId?.length) query = query.where("booking_page_id", "in", f.bookingPageId);
  if (q.currency?.length) query = query.where("currency", "in", q.currency);
  if (f.from) query = query.where("occurred_at", ">=", f.from);
  if (f.to) query = query.where("occurred_at", "<", f.to);
  return query.groupBy(sql.raw("1, 2, 3") as any).execute();
}

export { conditions as reportConditions, type RangeColumn };
