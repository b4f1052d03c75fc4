import { sql, type ExpressionBuilder } from "kysely";
import type { SearchNode } from "../domain/search-query.js";
import { activityColumns, type ActivityRow } from "./activities-repo.js";
import { searchCondition } from "./activity-search.js";
import type { Db } from "./database.js";
import type { Database } from "./schema.js";

export interface StreamFilters {
  type?: string[];
  status?: string[];
  detailedStatus?: string[];
  bookingPageId?: string[];
  eventTypeId?: string[];
  ownerId?: string[];
  customerId?: string[];
  startFrom?: Date;
  startTo?: Date;
  createdFrom?: Date;
  createdTo?: Date;
}

export interface StreamScope {
  accountId: string;
  /** undefined = every activity of the account (admins); else the member's pages and own bookings. */
  member?: { userId: string; pageIds: string[] };
}

export interface StreamCursor {
  updatedAt: string;
  id: string;
}

type Eb = ExpressionBuilder<Database & { booking_pages: Database["booking_pages"] }, "activities">;

function conditions(scope: StreamScope, f: StreamFilters, search: SearchNode | null) {
  return (eb: Eb) => {
    const c = [eb("activities.account_id", "=", scope.accountId)];
    if (scope.member) {
      const { userId, pageIds } = scope.member;
      c.push(eb.or([eb("activities.owner_id", "=", userId), ...(pageIds.length ? [eb("activities.booking_page_id", "in", pageIds)] : [])]));
    }
    if (f.type?.length) c.push(eb("activities.type", "in", f.type as any));
    if (f.status?.length) c.push(eb("activities.status", "in", f.status));
    if (f.detailedStatus?.length) c.push(eb("activities.detailed_status", "in", f.detailedStatus));
    if (f.bookingPageId?.length) c.push(eb("activities.booking_page_id", "in", f.bookingPageId));
    if (f.eventTypeId?.length) c.push(eb("activities.event_type_id", "in", f.eventTypeId));
    if (f.ownerId?.length) c.push(eb("activities.owner_id", "in", f.ownerId));
    if (f.customerId?.length) c.push(eb("activities.customer_id", "in", f.customerId));
    if (f.startFrom) c.push(eb("activities.start_at", ">=", f.startFrom));
    if (f.startTo) c.push(eb("activities.start_at", "<", f.startTo));
    if (f.createdFrom) c.push(eb("activities.created_at", ">=", f.createdFrom));
    if (f.createdTo) c.push(eb("activities.created_at", "<", f.createdTo));
    if (search) c.push(searchCondition(search, scope.accountId)(eb as any) as any);
    return eb.and(c);
  };
}

/** One page of the stream, newest-updated first, continuing after `cursor` (keyset pagination). */
export async function queryStream(db: Db, scope: StreamScope, f: StreamFilters, search: SearchNode | null, limit: number, cursor?: StreamCursor) {
  let q = activityColumns(db).where(conditions(scope, f, search) as any);
  if (cursor) {
    q = q.where((eb) => eb(eb.refTuple("activities.updated_at", "activities.id"), "<", eb.tuple(new Date(cursor.updatedAt) as any, cursor.id)));
  }
  const rows = (await q.orderBy("activities.updated_at", "desc").orderBy("activities.id", "desc").limit(limit + 1).execute()) as ActivityRow[];
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const next: StreamCursor | null = more && last ? { updatedAt: new Date(last.updated_at).toISOString(), id: last.id } : null;
  return { rows: page, next };
}

/** Counts matches up to `cap` (+1 tells "more than cap"), so a count never scans a million rows. */
export async function countStream(db: Db, scope: StreamScope, f: StreamFilters, search: SearchNode | null, cap: number): Promise<number> {
  const inner = db
    .selectFrom("activities")
    .select(sql<number>`1`.as("one"))
    .where(conditions(scope, f, search) as any)
    .limit(cap + 1);
  const r = await db.selectFrom(inner.as("m")).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}
