import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { SearchNode } from "../domain/search-query.js";
import { streamColumns, type StreamRow } from "./activities-repo.js";
import { searchCondition } from "./activity-search.js";
import type { Db } from "./database.js";
import type { Database } from "./schema.js";
import { after, cursorAt, SORT_ORDER, sortsByMeetingTime, UPDATED_ORDER, type Order, type StreamCursor, type StreamSort } from "./stream-order.js";

export { STREAM_SORTS, type StreamCursor, type StreamSort } from "./stream-order.js";

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
  /**
   * undefined = the live stream (nothing in the Trash); set = the Trash filter: only activities
   * moved to the Trash after `since` (the others are due for the permanent deletion).
   */
  trash?: { since: Date };
}

type Eb = ExpressionBuilder<Database & { booking_pages: Database["booking_pages"] }, "activities">;

function conditions(scope: StreamScope, f: StreamFilters, search: SearchNode | null) {
  return (eb: Eb) => {
    // Activities in the Trash leave every view, search and count; the Trash filter lists only them.
    const c = [eb("activities.account_id", "=", scope.accountId), ...placeOf(eb, scope), ...scopeAndListConditions(eb, scope.member, f)];
    c.push(...startRange(eb, f), ...createdRange(eb, f));
    if (search) c.push(searchCondition(search, scope.accountId)(eb as any) as any);
    return eb.and(c);
  };
}

/**
 * A member's share of the account (their own bookings and their pages') and the list filters, as
 * conditions on `activities`; the stream and the reports read with the same ones.
 */
export function scopeAndListConditions(
  eb: ExpressionBuilder<any, "activities">,
  member: StreamScope["member"],
  f: Pick<StreamFilters, "type" | "status" | "detailedStatus" | "bookingPageId" | "eventTypeId" | "ownerId" | "customerId">,
): Expression<SqlBool>[] {
  const c: Expression<SqlBool>[] = [];
  if (member) {
    c.push(eb.or([eb("activities.owner_id", "=", member.userId), ...(member.pageIds.length ? [eb("activities.booking_page_id", "in", member.pageIds)] : [])]));
  }
  if (f.type?.length) c.push(eb("activities.type", "in", f.type));
  if (f.status?.length) c.push(eb("activities.status", "in", f.status));
  if (f.detailedStatus?.length) c.push(eb("activities.detailed_status", "in", f.detailedStatus));
  if (f.bookingPageId?.length) c.push(eb("activities.booking_page_id", "in", f.bookingPageId));
  if (f.eventTypeId?.length) c.push(eb("activities.event_type_id", "in", f.eventTypeId));
  if (f.ownerId?.length) c.push(eb("activities.owner_id", "in", f.ownerId));
  if (f.customerId?.length) c.push(eb("activities.customer_id", "in", f.customerId));
  return c;
}

/** Live (trashed_at IS NULL) or in the Trash within its 30 days: each matches its partial indexes (migrations 019, 021). */
const placeOf = (eb: ExpressionBuilder<any, "activities">, scope: StreamScope) =>
  scope.trash
    ? [eb("activities.trashed_at", "is not", null), eb("activities.trashed_at", ">", scope.trash.since)]
    : [eb("activities.trashed_at", "is", null)];

const startRange = (eb: ExpressionBuilder<any, "activities">, f: StreamFilters) => [
  ...(f.startFrom ? [eb("activities.start_at", ">=", f.startFrom)] : []),
  ...(f.startTo ? [eb("activities.start_at", "<", f.startTo)] : []),
];
const createdRange = (eb: ExpressionBuilder<any, "activities">, f: StreamFilters) => [
  ...(f.createdFrom ? [eb("activities.created_at", ">=", f.createdFrom)] : []),
  ...(f.createdTo ? [eb("activities.created_at", "<", f.createdTo)] : []),
];

/** Only bookings have a meeting time (packages have sessions; transactions have none). */
const TYPES_WITH_MEETINGS = ["booking"];

/**
 * One page of the stream in `sort` order, continuing after `cursor` (keyset pagination).
 * A meeting-time sort reads the activities with a meeting time first, then those without.
 */
export async function queryStream(db: Db, scope: StreamScope, f: StreamFilters, search: SearchNode | null, limit: number, cursor?: StreamCursor, sort: StreamSort = "updated") {
  const n = limit + 1;
  let rows: StreamRow[];
  if (!sortsByMeetingTime(sort)) {
    rows = await pageByStatus(db, scope, f, search, SORT_ORDER[sort], undefined, n, cursor);
  } else {
    const timeless = f.type?.length && f.type.every((t) => !TYPES_WITH_MEETINGS.includes(t));
    rows = cursor?.unscheduled || timeless ? [] : await pageByStatus(db, scope, f, search, SORT_ORDER[sort], "scheduled", n, cursor);
    // A meeting-time range leaves out every activity without a meeting time.
    if (rows.length < n && !f.startFrom && !f.startTo) {
      const unscheduled = planFor(scope, f, search, UPDATED_ORDER, "unscheduled");
      rows = [...rows, ...(await pageOf(db, unscheduled, n - rows.length, cursor?.unscheduled ? cursor : undefined))];
    }
  }
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  const next: StreamCursor | null = more && last ? cursorAt(sort, last) : null;
  return { rows: page, next };
}

/*
 * How a page is found. Every shape returns the same rows, the first n matches in the plan's
 * order ((column, id), ascending or descending) after the cursor; they differ only in how
 * PostgreSQL gets to them.
 *
 * When an index hands the matching rows over in order, the planner reads the first n and stops
 * (pageInIndexOrder): in the "last updated" order with no filter or one list filter (each has an
 * index on (account_id, column, updated_at, id)); by creation or meeting time with no filter but
 * a range of that same time (the (account_id, created_at | start_at, id) indexes of migration 006).
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
 *      them. If the rate seen says a walk of at most MAX_WINDOW rows in all finds the rest, walk
 *      that far. When indexed columns alone decide a match (a date range, lists; no free text),
 *      it walks on, in one walk, as far as that stays cheaper than step 3 (walkBudget).
 *   3. Otherwise the matches are rare: collect them all through their own index (GIN for text, a
 *      btree for a range), sort them, take what is missing (pageOfRareMatches).
 * "The stream" a window walks is an index range in the plan's order: the account's rows, or one
 * list value's (`status=Expired q=-diego` walks the expired activities), or those in the range of
 * the sort's own time (`startFrom=now`, sorted by meeting time, walks the meetings from now on).
 */

/** Rows of the stream read first when the planner cannot know how many match. */
export const STREAM_WINDOW = 2_000;
/**
 * The longest walk along the stream before collecting the matches through their own index instead
 * (for free text; conditions on indexed columns may walk further, see walkBudget).
 * Walking to n matches reads ~n / rate rows, collecting them all ~rate × the account's rows: for
 * pages of 50 in a million activities the two cross near a rate of 0.7% (a ~7,000-row walk). Walks
 * are sized at twice the estimate, so this keeps walking down to a rate of about 0.5%.
 */
export const MAX_WINDOW = 20_000;

type Where = ReturnType<typeof conditions>;
type Condition = (eb: ExpressionBuilder<any, "activities">) => Expression<SqlBool>;
type ListColumn = "type" | "status" | "detailed_status" | "booking_page_id" | "event_type_id" | "owner_id" | "customer_id";
/** What a window of a plain plan reads: the stream index's key and INCLUDE columns (migration 033). */
const INDEXED_COLUMNS = ["id", "account_id", "updated_at", "created_at", "start_at", "trashed_at"] as const;

/** One read of the stream in one order. */
interface Plan {
  accountId: string;
  order: Order;
  where: Where;
  /** An index yields this read's rows in order, with a match rate the planner knows. */
  certain: boolean;
  /** The index range in `order` that the windows walk (see above); the full `where` filters it. */
  stream: Condition;
  /**
   * Set when indexed columns alone decide a match (no free text, no member's scope): the columns
   * `where` reads. A window then selects only those, which the stream index holds (migration 033),
   * so walking it reads no table rows; and the planner's estimate of the matches (histograms for
   * ranges, common values for lists) is good enough to price collecting them instead.
   */
  columns?: readonly string[];
}

/** The list filters, each backed by an index on (account_id, column, updated_at DESC, id DESC). */
const INDEXED_LISTS = [
  ["customer_id", "customerId"],
  ["owner_id", "ownerId"],
  ["booking_page_id", "bookingPageId"],
  ["event_type_id", "eventTypeId"],
  ["detailed_status", "detailedStatus"],
  ["status", "status"],
  ["type", "type"],
] as const satisfies readonly (readonly [ListColumn, keyof StreamFilters])[];

/**
 * The plan for reading `order`; `meeting` keeps only the activities with ("scheduled") or
 * without ("unscheduled") a meeting time (the two parts of a meeting-time sort).
 */
function planFor(scope: StreamScope, f: StreamFilters, search: SearchNode | null, order: Order, meeting?: "scheduled" | "unscheduled"): Plan {
  const all = conditions(scope, f, search);
  const where: Where = meeting ? (eb) => eb.and([all(eb), eb("activities.start_at", meeting === "scheduled" ? "is not" : "is", null)]) : all;
  const lists = INDEXED_LISTS.filter(([, key]) => (f[key] as string[] | undefined)?.length);
  const plain = (!search || matchesOnlyIds(search)) && !scope.member;
  const columns = plain ? [...INDEXED_COLUMNS, ...lists.map(([column]) => column)] : undefined;
  if (scope.trash) return trashPlanFor(scope.accountId, f, order, where, plain && lists.length === 0 && meeting !== "unscheduled");
  // `trashed_at IS NULL` here too: the windows walk the partial indexes of migration 019.
  const account: Condition = (eb) => eb.and([eb("activities.account_id", "=", scope.accountId), eb("activities.trashed_at", "is", null)]);
  switch (order.column) {
    case "trashed_at":
      throw new Error("sort=trashed reads the Trash only (list-activities refuses it elsewhere)");
    case "updated_at": {
      const one = INDEXED_LISTS.find(([, key]) => (f[key] as string[] | undefined)?.length === 1);
      const value = one && (f[one[1]] as string[])[0];
      return {
        accountId: scope.accountId,
        order,
        where,
        certain: plain && !meeting && !f.startFrom && !f.startTo && !f.createdFrom && !f.createdTo && lists.length <= 1,
        stream: one ? (eb) => eb.and([account(eb), eb(`activities.${one[0]}`, "=", value as any)]) : account,
        columns,
      };
    }
    case "created_at":
    case "start_at": {
      // One status is a prefix of these orders' indexes too (migration 006); other lists are not.
      const status = f.status?.length === 1 ? f.status[0] : undefined;
      const prefix: Condition = (eb) => eb.and([account(eb), ...(status ? [eb("activities.status", "=", status)] : [])]);
      const byStart = order.column === "start_at";
      const otherRange = byStart ? f.createdFrom || f.createdTo : f.startFrom || f.startTo;
      return {
        accountId: scope.accountId,
        order,
        where,
        certain: plain && !otherRange && lists.every(([column]) => column === "status" && status !== undefined),
        stream: byStart
          ? (eb) => eb.and([prefix(eb), eb("activities.start_at", "is not", null), ...startRange(eb, f)])
          : (eb) => eb.and([prefix(eb), ...createdRange(eb, f)]),
        columns,
      };
    }
  }
}

/**
 * The Trash filter's plan. The Trash is a thin slice of the account (at most 30 days of
 * deletions), and each order has a partial index holding only trashed rows (migration 021:
 * updated, created and meeting time; 019's activities_trash_idx for `trashed`). Walking one of
 * them reads trashed rows only, so the windows above cover the whole Trash in most accounts.
 * The live stream's list indexes are not used for it: they would walk the live rows too. So only
 * the unfiltered Trash (or a range of the order's own time) is read straight in index order.
 */
function trashPlanFor(accountId: string, f: StreamFilters, order: Order, where: Where, unfiltered: boolean): Plan {
  const trashed: Condition = (eb) => eb.and([eb("activities.account_id", "=", accountId), eb("activities.trashed_at", "is not", null)]);
  const startRanged = Boolean(f.startFrom || f.startTo);
  const createdRanged = Boolean(f.createdFrom || f.createdTo);
  switch (order.column) {
    case "start_at":
      return { accountId, order, where, certain: unfiltered && !createdRanged, stream: (eb) => eb.and([trashed(eb), eb("activities.start_at", "is not", null), ...startRange(eb, f)]) };
    case "created_at":
      return { accountId, order, where, certain: unfiltered && !startRanged, stream: (eb) => eb.and([trashed(eb), ...createdRange(eb, f)]) };
    case "updated_at":
    case "trashed_at":
      return { accountId, order, where, certain: unfiltered && !startRanged && !createdRanged, stream: trashed };
  }
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

type Key = { key: string; id: string };

/**
 * Several statuses, by creation or meeting time: the first n of each status (each a range of
 * an (account_id, status, time, id) index), merged. Read as one, a status whose rows sit at the far
 * end of the order ("Completed or No-show", latest meeting first: the latest meetings are all
 * ahead) leaves the window empty and every row of the statuses is collected and sorted.
 */
async function pageByStatus(db: Db, scope: StreamScope, f: StreamFilters, search: SearchNode | null, order: Order, meeting: "scheduled" | undefined, n: number, from?: Key) {
  // In the Trash the status indexes would walk live rows too: its own (thin) indexes serve every status at once.
  const statuses = order.column === "updated_at" || scope.trash ? [] : [...new Set(f.status ?? [])];
  if (statuses.length < 2) return pageOf(db, planFor(scope, f, search, order, meeting), n, from);
  const pages = await Promise.all(statuses.map((status) => pageOf(db, planFor(scope, { ...f, status: [status] }, search, order, meeting), n, from)));
  const sign = order.dir === "asc" ? 1 : -1;
  const time = (r: StreamRow) => new Date(r[order.column]!).getTime();
  return pages
    .flat()
    .sort((a, b) => sign * (time(a) - time(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
    .slice(0, n);
}

function pageOf(db: Db, plan: Plan, n: number, from?: Key): Promise<StreamRow[]> {
  return plan.certain ? pageInIndexOrder(db, plan, n, from) : pageOfUncertainMatches(db, plan, n, from);
}

/** `q` ordered by the plan's (column, id). */
const inOrder = <Q extends { orderBy: (...args: any[]) => any }>(q: Q, order: Order, column: any = `activities.${order.column}`): Q =>
  q.orderBy(column, order.dir).orderBy("activities.id", order.dir);

/** The key of a row in this order. */
const keyIn = (order: Order, row: StreamRow): Key => ({ key: new Date(row[order.column]!).toISOString(), id: row.id });

async function pageInIndexOrder(db: Db, plan: Plan, n: number, from?: Key): Promise<StreamRow[]> {
  let q = streamColumns(db).where(plan.where as any);
  if (from) q = q.where(after(plan.order, from));
  return (await inOrder(q, plan.order).limit(n).execute()) as StreamRow[];
}

async function pageOfUncertainMatches(db: Db, plan: Plan, n: number, from?: Key): Promise<StreamRow[]> {
  let found = await pageWithinWindow(db, plan, n, STREAM_WINDOW, from);
  // Where the rest of the page starts: after the last match found (all matches walked so far are found).
  const afterLast = () => (found.length > 0 ? keyIn(plan.order, found[found.length - 1]) : from);
  // Rows of the stream walked so far (from the cursor on), and how far a walk may go in all.
  let walked = STREAM_WINDOW;
  let budget = MAX_WINDOW;
  let priced = false;
  while (found.length < n && walked < budget) {
    const missing = n - found.length;
    // At the rate seen, a walk of `next` rows should find the rest twice over; at least as far as
    // walked so far, so a run of unlucky walks ends in a few steps. None seen: no guess.
    const rate = found.length / walked;
    let next = rate > 0 ? Math.max(walked, Math.ceil((2 * missing) / rate)) : Infinity;
    if (walked + next > budget) {
      // Free text stops here: its matches may be anywhere. Indexed columns walk on as far as that
      // stays cheaper than collecting (walkBudget), in one walk: a walk stops at the last match
      // it needs, so going the whole way costs nothing more when the matches come early.
      if (!plan.columns || priced) break;
      budget = await walkBudget(db, plan, from);
      priced = true;
      next = budget - walked;
      if (next <= 0) break;
    }
    found = [...found, ...(await pageWithinWindow(db, plan, missing, next, afterLast()))];
    walked += next;
  }
  return found.length >= n ? found : [...found, ...(await pageOfRareMatches(db, plan, n - found.length, afterLast()))];
}

/**
 * How many rows of the stream a plan of indexed columns may walk before collecting its matches.
 * Collecting reads each match's index entry and sorts them all. A walk reads one index entry a
 * row: in the default order without a list filter the stream index alone (migration 033); along a
 * list's index, or by creation or meeting time, a table row too, as collecting then does for each
 * match (to filter or sort on what its index lacks). So walking on pays while it reads fewer rows
 * than the matches it would collect: up to half the planner's estimate of them (if it still falls
 * short, the page costs at most half again what collecting alone would). That keeps "created a
 * year ago" cheap at 15,000,000 activities once fresh changes cover the stream's first windows:
 * ~17,000 rows walked instead of ~900,000 matches collected and sorted (167 → 35 ms p95; README).
 */
async function walkBudget(db: Db, plan: Plan, from?: Key): Promise<number> {
  let q = db.selectFrom("activities").select("activities.id").where(plan.where as any);
  if (from) q = q.where(after(plan.order, from));
  const [row] = await q.explain("json");
  const cell = Object.values(row)[0];
  const tree = (typeof cell === "string" ? JSON.parse(cell) : cell) as { Plan: { "Plan Rows": number } }[];
  return Math.max(MAX_WINDOW, Math.floor(tree[0].Plan["Plan Rows"] / 2));
}

/** The full rows of the IDs `ids` selects (at most n), in the plan's order. */
async function rowsOf(db: Db, plan: Plan, ids: (eb: ExpressionBuilder<Database, "activities">) => any): Promise<StreamRow[]> {
  const q = streamColumns(db).where("activities.account_id", "=", plan.accountId).where("activities.id", "in", ids);
  return (await inOrder(q, plan.order).execute()) as StreamRow[];
}

/** The matches among the next `size` rows of the plan's stream. */
function pageWithinWindow(db: Db, plan: Plan, n: number, size: number, from?: Key) {
  return rowsOf(db, plan, (eb) => {
    const streamRows = eb.selectFrom("activities").where(plan.stream as any);
    // A plain plan's window reads only what its conditions need, all in the index: no table rows.
    let window = plan.columns ? (streamRows.select(plan.columns.map((c) => `activities.${c}` as any)) as unknown as ReturnType<typeof streamRows.selectAll>) : streamRows.selectAll();
    if (from) window = window.where(after(plan.order, from));
    window = inOrder(window, plan.order).limit(size);
    // The outer query's conditions apply to the window's rows (the alias makes "activities.*" refer to them).
    return inOrder(eb.selectFrom(window.as("activities")).select("activities.id").where(plan.where as any), plan.order).limit(n);
  });
}

/** All matches through their own indexes, sorted; the first n. */
function pageOfRareMatches(db: Db, plan: Plan, n: number, from?: Key) {
  return rowsOf(db, plan, (eb) => {
    let m = eb.selectFrom("activities").select("activities.id").where(plan.where as any);
    if (from) m = m.where(after(plan.order, from));
    // The plan's order, written so that no index provides it: the planner then finds the matches
    // through the indexes of their conditions and sorts them, instead of walking an ordered index.
    return inOrder(m, plan.order, sql`${sql.ref(`activities.${plan.order.column}`)} + interval '0 seconds'`).limit(n);
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
