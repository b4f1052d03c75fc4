import { sql, type RawBuilder } from "kysely";
import { encodeCursor } from "../src/app/list-activities.js";
import { parseSearchQuery, type SearchNode } from "../src/domain/search-query.js";
import { findActivity, findActivitiesByIds, listHistory, listRelations } from "../src/store/activities-repo.js";
import type { Db } from "../src/store/database.js";
import { queryStream, type StreamCursor, type StreamFilters } from "../src/store/stream-repo.js";

/**
 * The benchmark's queries, each run two ways: over HTTP (the real server: token check, validation,
 * the use case, serialisation) and as the repository call the use case makes (the same SQL,
 * through the same Kysely instance and connection pool, minus HTTP).
 */

export type Target = "filter" | "lookup" | "none";

export interface BenchCase {
  name: string;
  /** Which absolute PostgreSQL target applies: first page with one filter (p95 ≤ 30 ms), ID lookup (p95 ≤ 5 ms). */
  target: Target;
  /** What the query asks, for the report. */
  params: string;
  httpPath: string;
  /** Runs the same query through the repository; returns the number of rows. */
  runSql(): Promise<number>;
}

export const PAGE_SIZE = 50;
const DEEP_PAGES = 200;

const DAY = 86_400_000;

interface Picks {
  accountId: string;
  pageId: string;
  pageName: string;
  ownerId: string;
  ownerName: string;
  customerId: string;
  customerName: string;
  firstName: string;
  fullName: string;
  lookupId: string;
  fiveIds: string[];
}

/** Picks realistic parameters from the seeded data (a busy page, a host, a customer, common names). */
async function pick(db: Db, accountId: string): Promise<Picks> {
  const one = async <T>(q: RawBuilder<T>) => {
    const r = (await q.execute(db)).rows[0];
    if (!r) throw new Error("bench: the account has no activities to pick parameters from");
    return r;
  };
  const page = await one(sql<{ id: string; name: string }>`
    SELECT p.id, p.name FROM booking_pages p WHERE p.account_id = ${accountId} ORDER BY p.name LIMIT 1`);
  const owner = await one(sql<{ id: string; name: string }>`
    SELECT u.id, u.name FROM users u WHERE u.account_id = ${accountId} ORDER BY (u.role = 'member') DESC, u.email LIMIT 1`);
  // A customer with a typical number of activities (the one of a recent activity).
  const customer = await one(sql<{ id: string; name: string }>`
    SELECT a.customer_id AS id, a.customer_name AS name FROM activities a
    WHERE a.account_id = ${accountId} AND a.customer_id IS NOT NULL ORDER BY a.updated_at DESC LIMIT 1`);
  // The most common first name and full name among the account's customers.
  const first = await one(sql<{ w: string }>`
    SELECT split_part(name, ' ', 1) AS w FROM customers WHERE account_id = ${accountId} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  const full = await one(sql<{ w: string }>`
    SELECT name AS w FROM customers WHERE account_id = ${accountId} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  // IDs from all over the table, the same ones on every run over the same data.
  const ids = (
    await sql<{ id: string }>`SELECT id FROM activities WHERE account_id = ${accountId} ORDER BY md5(id) LIMIT 6`.execute(db)
  ).rows.map((r) => r.id);
  if (ids.length < 6) throw new Error("bench: too few activities");
  return {
    accountId,
    pageId: page.id,
    pageName: page.name,
    ownerId: owner.id,
    ownerName: owner.name,
    customerId: customer.id,
    customerName: customer.name,
    firstName: first.w,
    fullName: full.w,
    lookupId: ids[0],
    fiveIds: ids.slice(1, 6),
  };
}

/** "Created a year ago": 30 days from 365 days before today's UTC midnight. */
export function createdAYearAgo(now: Date): { createdFrom: Date; createdTo: Date } {
  const createdFrom = new Date(Math.floor(now.getTime() / DAY) * DAY - 365 * DAY);
  return { createdFrom, createdTo: new Date(createdFrom.getTime() + 30 * DAY) };
}

export async function buildCases(db: Db, accountId: string, now: Date): Promise<BenchCase[]> {
  const p = await pick(db, accountId);
  const scope = { accountId };
  const list = (name: string, target: Target, params: string, filters: StreamFilters, query: Record<string, string>, q?: string, cursor?: StreamCursor): BenchCase => {
    const search: SearchNode | null = q ? parseSearchQuery(q) : null;
    const qs = new URLSearchParams({ limit: String(PAGE_SIZE), ...query, ...(q ? { q } : {}), ...(cursor ? { cursor: encodeCursor(cursor) } : {}) });
    return {
      name,
      target,
      params,
      httpPath: `/api/v1/activities?${qs}`,
      runSql: async () => (await queryStream(db, scope, filters, search, PAGE_SIZE, cursor)).rows.length,
    };
  };

  // The cursor DEEP_PAGES pages into the unfiltered stream, followed once.
  let cursor: StreamCursor | undefined;
  for (let i = 0; i < DEEP_PAGES; i++) {
    const page = await queryStream(db, scope, {}, null, PAGE_SIZE, cursor);
    if (!page.next) break;
    cursor = page.next;
  }

  const iso = (d: Date) => d.toISOString();
  const weekFrom = new Date(Math.floor(now.getTime() / DAY) * DAY);
  const weekTo = new Date(weekFrom.getTime() + 7 * DAY);
  const monthFrom = new Date(weekFrom.getTime() - 30 * DAY);
  const { createdFrom: yearAgoFrom, createdTo: yearAgoTo } = createdAYearAgo(now);
  const or5 = p.fiveIds.join(" OR ");

  return [
    list("first page", "filter", "no filter", {}, {}),
    list("deep page (cursor)", "none", `${DEEP_PAGES} pages × ${PAGE_SIZE} in`, {}, {}, undefined, cursor),
    list("filter: type", "filter", "type=package", { type: ["package"] }, { type: "package" }),
    list("filter: type transaction", "filter", "type=transaction", { type: ["transaction"] }, { type: "transaction" }),
    list("filter: transaction type", "filter", "MANUAL REFUND VIA PAYPAL", { detailedStatus: ["MANUAL REFUND VIA PAYPAL"] }, { detailedStatus: "MANUAL REFUND VIA PAYPAL" }),
    list("filter: status", "filter", "status=Scheduled", { status: ["Scheduled"] }, { status: "Scheduled" }),
    list("filter: detailedStatus", "filter", "Canceled (By user)", { detailedStatus: ["Canceled (By user)"] }, { detailedStatus: "Canceled (By user)" }),
    list("filter: bookingPageId", "filter", `page "${p.pageName}"`, { bookingPageId: [p.pageId] }, { bookingPageId: p.pageId }),
    list("filter: ownerId", "filter", `host "${p.ownerName}"`, { ownerId: [p.ownerId] }, { ownerId: p.ownerId }),
    list("filter: customerId", "filter", `customer "${p.customerName}"`, { customerId: [p.customerId] }, { customerId: p.customerId }),
    list("filter: start range", "filter", "starts in the next 7 days", { startFrom: weekFrom, startTo: weekTo }, { startFrom: iso(weekFrom), startTo: iso(weekTo) }),
    list("filter: created range", "filter", "created in the last 30 days", { createdFrom: monthFrom, createdTo: weekTo }, { createdFrom: iso(monthFrom), createdTo: iso(weekTo) }),
    list("filter: created a year ago", "filter", "created in 30 days a year ago", { createdFrom: yearAgoFrom, createdTo: yearAgoTo }, { createdFrom: iso(yearAgoFrom), createdTo: iso(yearAgoTo) }),
    {
      name: "ID lookup",
      target: "lookup",
      params: p.lookupId,
      httpPath: `/api/v1/activities/${p.lookupId}`,
      // The same queries the details endpoint runs: the activity, then its history and relations.
      runSql: async () => {
        const a = await findActivity(db, accountId, p.lookupId);
        if (!a) return 0;
        const [, relations] = await Promise.all([listHistory(db, accountId, a.id), listRelations(db, accountId, a.id)]);
        if (relations.length) await findActivitiesByIds(db, accountId, relations.map((r) => (r.from_id === a.id ? r.to_id : r.from_id)));
        return 1;
      },
    },
    list("q: word", "none", `q=${p.firstName}`, {}, {}, p.firstName),
    list("q: phrase", "none", `q="${p.fullName}"`, {}, {}, `"${p.fullName}"`),
    list("q: OR of 5 IDs", "none", "q=ID1 OR … OR ID5", {}, {}, or5),
  ];
}
