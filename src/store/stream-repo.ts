import { sql, type ExpressionBuilder } from "kysely";
import type { SearchNode } from "../domain/search-query.js";
import { streamColumns, type StreamRow } from "./activities-repo.js";
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
  const where = conditions(scope, f, search);
  const rows = matchRateIsUncertain(scope, f, search)
    ? await pageOfUncertainMatches(db, scope.accountId, orderedPrefix(f), where, limit + 1, cursor)
    : await pageInIndexOrder(db, where, limit + 1, cursor);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const next: StreamCursor | null = more && last ? cursorAt(last) : null;
  return { rows: page, next };
}

/*
 * How a page is found. Every shape returns the same rows, the first n matches in (updated_at, id)
 * descending order after the cursor; they differ only in how PostgreSQL gets to them.
 *
 * With no filter, or one filter (each has an index on (account_id, column, updated_at, id)), the
 * index hands the rows over in order: the planner reads the first n and stops (pageInIndexOrder).
 *
 * A free-text term, a date range, a member's scope or several filters at once leave the planner
 * guessing how many rows match, and under ORDER BY … LIMIT its guess decides everything. "Matches
 * are common: walk the stream index and filter" is right for q=Camille (1 row in 60 matches:
 * ~3,000 rows read) and a disaster for q="Diego Sato" (1 in 1,700: ~90,000 rows, 400 ms on
 * PostgreSQL, whose estimate is 4× too high because the two names also occur apart in other
 * fields). So such a page is found in steps whose costs are bounded (pageOfUncertainMatches):
 *   1. The matches among the next STREAM_WINDOW rows of the stream. A window is a prefix of the
 *      stream, so n matches in it are the first n matches overall.
 *   2. Fewer: those are all the window's matches, and the rest of the page follows the last of
 *      them. If the rate seen says a walk of at most MAX_WINDOW rows finds the rest, walk that far.
 *   3. Otherwise the matches are rare: collect them all through their own index (GIN for text, a
 *      btree for a range), sort them, take what is missing (pageOfRareMatches).
 */

/** Rows of the stream read first when the planner cannot know how many match. */
export const STREAM_WINDOW = 2_000;
/**
 * The longest walk along the stream before collecting the matches through their own index instead.
 * Walking to n matches reads ~n / rate rows, collecting them all ~rate × the account's rows: for
 * pages of 50 in a million activities the two cross near a rate of 0.7% (a ~7,000-row walk). Walks
 * are sized at twice the estimate, so this keeps walking down to a rate of about 0.5%.
 */
export const MAX_WINDOW = 20_000;

type Where = ReturnType<typeof conditions>;
type Prefix = { column: "type" | "status" | "detailed_status" | "booking_page_id" | "event_type_id" | "owner_id" | "customer_id"; value: string } | undefined;

/** The list filters, each backed by an index on (account_id, column, updated_at DESC, id DESC). */
const INDEXED_LISTS = [
  ["customer_id", "customerId"],
  ["owner_id", "ownerId"],
  ["booking_page_id", "bookingPageId"],
  ["event_type_id", "eventTypeId"],
  ["detailed_status", "detailedStatus"],
  ["status", "status"],
  ["type", "type"],
] as const satisfies readonly (readonly [NonNullable<Prefix>["column"], keyof StreamFilters])[];

const afterCursor = (cursor: StreamCursor) => (eb: ExpressionBuilder<any, "activities">) =>
  eb(eb.refTuple("activities.updated_at", "activities.id"), "<", eb.tuple(new Date(cursor.updatedAt) as any, cursor.id));

/** True when no index yields this query's rows in stream order with a match rate the planner knows. */
function matchRateIsUncertain(scope: StreamScope, f: StreamFilters, search: SearchNode | null): boolean {
  if (search && !matchesOnlyIds(search)) return true;
  if (scope.member || f.startFrom || f.startTo || f.createdFrom || f.createdTo) return true;
  return INDEXED_LISTS.filter(([, key]) => (f[key] as string[] | undefined)?.length).length > 1;
}

/** Activity-ID terms compile to primary-key look-ups, whose row counts the planner knows. */
function matchesOnlyIds(node: SearchNode): boolean {
  switch (node.kind) {
    case "ids":
      return true;
    case "field":
      return node.field === "id" && !node.prefix;
    case "or":
      return node.items.every(matchesOnlyIds);
    default:
      return false;
  }
}

/**
 * The stream the windows walk: the account's, or, with a one-value list filter, that value's
 * (its index gives the same order): `status=Expired q=-diego` walks the expired activities.
 */
function orderedPrefix(f: StreamFilters): Prefix {
  for (const [column, key] of INDEXED_LISTS) {
    const values = f[key] as string[] | undefined;
    if (values?.length === 1) return { column, value: values[0] };
  }
  return undefined;
}

async function pageInIndexOrder(db: Db, where: Where, n: number, cursor?: StreamCursor): Promise<StreamRow[]> {
  let q = streamColumns(db).where(where as any);
  if (cursor) q = q.where(afterCursor(cursor));
  return (await q.orderBy("activities.updated_at", "desc").orderBy("activities.id", "desc").limit(n).execute()) as StreamRow[];
}

async function pageOfUncertainMatches(db: Db, accountId: string, prefix: Prefix, where: Where, n: number, cursor?: StreamCursor): Promise<StreamRow[]> {
  const first = await pageWithinWindow(db, accountId, prefix, where, n, STREAM_WINDOW, cursor);
  if (first.length >= n) return first;
  // Those are all the matches in the window; the rest of the page comes after the last of them.
  const missing = n - first.length;
  const from = first.length > 0 ? cursorAt(first[first.length - 1]) : cursor;
  // At the rate the window showed, a walk of `walk` rows should find the rest twice over.
  const walk = first.length === 0 ? Infinity : Math.ceil((2 * missing * STREAM_WINDOW) / first.length);
  if (walk <= MAX_WINDOW) {
    const more = await pageWithinWindow(db, accountId, prefix, where, missing, walk, from);
    if (more.length >= missing) return [...first, ...more];
  }
  return [...first, ...(await pageOfRareMatches(db, accountId, where, missing, from))];
}

/** The cursor just after this row (times are millisecond-precise, as the API's cursors assume). */
const cursorAt = (row: StreamRow): StreamCursor => ({ updatedAt: new Date(row.updated_at).toISOString(), id: row.id });

/** The full rows of the IDs `ids` selects (at most n), in stream order. */
async function rowsOf(db: Db, accountId: string, ids: (eb: ExpressionBuilder<Database, "activities">) => any): Promise<StreamRow[]> {
  return (await streamColumns(db)
    .where("activities.account_id", "=", accountId)
    .where("activities.id", "in", ids)
    .orderBy("activities.updated_at", "desc")
    .orderBy("activities.id", "desc")
    .execute()) as StreamRow[];
}

/** The matches among the next `size` rows of the (prefix's) stream. */
function pageWithinWindow(db: Db, accountId: string, prefix: Prefix, where: Where, n: number, size: number, cursor?: StreamCursor) {
  return rowsOf(db, accountId, (eb) => {
    let window = eb.selectFrom("activities").selectAll().where("activities.account_id", "=", accountId);
    if (prefix) window = window.where(`activities.${prefix.column}`, "=", prefix.value as any);
    if (cursor) window = window.where(afterCursor(cursor));
    window = window.orderBy("activities.updated_at", "desc").orderBy("activities.id", "desc").limit(size);
    // The outer query's conditions apply to the window's rows (the alias makes "activities.*" refer to them).
    return eb
      .selectFrom(window.as("activities"))
      .select("activities.id")
      .where(where as any)
      .orderBy("activities.updated_at", "desc")
      .orderBy("activities.id", "desc")
      .limit(n);
  });
}

/** All matches through their own indexes, sorted; the first n. */
function pageOfRareMatches(db: Db, accountId: string, where: Where, n: number, cursor?: StreamCursor) {
  return rowsOf(db, accountId, (eb) => {
    let m = eb.selectFrom("activities").select("activities.id").where(where as any);
    if (cursor) m = m.where(afterCursor(cursor));
    // The stream order, written so that no index provides it: the planner then finds the matches
    // through the indexes of their conditions and sorts them, instead of walking an ordered index.
    return m.orderBy(sql`"activities"."updated_at" + interval '0 seconds'`, "desc").orderBy("activities.id", "desc").limit(n);
  });
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
