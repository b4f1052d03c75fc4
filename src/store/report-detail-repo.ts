import { sql, type SqlBool } from "kysely";
import type { DetailSort } from "../domain/reports.js";
import type { SearchNode } from "../domain/search-query.js";
import type { Db } from "./database.js";
import { reportConditions, type RangeColumn, type ReportFilters, type ReportScope } from "./reports-repo.js";

/**
 * The detail report's rows: one per activity, in any of its sortable columns' order, a keyset page
 * at a time (so the export walks a million rows in constant memory and constant time per page).
 *
 * Rows without a value in the sort column come last in both directions. With the Trash included, live and trashed activities are read apart
 * and merged: the live ones through the partial indexes the stream uses (migration 019), the
 * trashed ones (at most 30 days of deletions) through the Trash's own index.
 */

const SORT_COLUMNS: Record<DetailSort, { column: string; kind: "text" | "time" | "number"; nullable: boolean }> = {
  id: { column: "id", kind: "text", nullable: false },
  type: { column: "type", kind: "text", nullable: false },
  status: { column: "status", kind: "text", nullable: false },
  detailedStatus: { column: "detailed_status", kind: "text", nullable: false },
  customerName: { column: "customer_name", kind: "text", nullable: true },
  customerEmail: { column: "customer_email", kind: "text", nullable: true },
  bookingPage: { column: "page_name", kind: "text", nullable: true },
  owner: { column: "owner_name", kind: "text", nullable: true },
  eventType: { column: "event_type_name", kind: "text", nullable: true },
  start: { column: "start_at", kind: "time", nullable: true },
  end: { column: "end_at", kind: "time", nullable: true },
  createdAt: { column: "created_at", kind: "time", nullable: false },
  updatedAt: { column: "updated_at", kind: "time", nullable: false },
  amount: { column: "amount_minor", kind: "number", nullable: true },
};

/** Where a page ended: the last row's sort value (ISO instant for times) and ID. */
export interface DetailCursor {
  value: string | number | null;
  id: string;
}

export interface DetailRow {
  id: string; type: string; status: string; detailed_status: string; trashed_at: Date | null;
  customer_name: string | null; customer_email: string | null; customer_time_zone: string | null;
  page_name: string | null; owner_name: string | null; event_type_name: string | null;
  start_at: Date | null; end_at: Date | null; created_at: Date; updated_at: Date;
  reason: string | null; answers: Record<string, string> | null; amount_minor: number | null; currency: string | null;
  sort_value: string | number | null;
}

export interface DetailOrder {
  sort: DetailSort;
  order: "asc" | "desc";
}

const COLUMNS = [
  "id", "type", "status", "detailed_status", "trashed_at", "customer_name", "customer_email", "customer_time_zone",
  "page_name", "owner_name", "event_type_name", "start_at", "end_at", "created_at", "updated_at", "reason", "answers",
  "amount_minor", "currency",
] as const;

export async function detailPage(
  db: Db, scope: ReportScope, f: ReportFilters, search: SearchNode | null, rangeColumn: RangeColumn,
  o: DetailOrder, limit: number, cursor?: DetailCursor,
): Promise<DetailRow[]> {
  const { column, kind, nullable } = SORT_COLUMNS[o.sort];
  const col = sql.ref(`activities.${column}`);
  const cmp = sql.raw(o.order === "asc" ? ">" : "<");
  const dir = sql.raw(o.order === "asc" ? "ASC" : "DESC");
  const sortValue = kind === "time" ? sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : col;
  const where = reportConditions(scope, f, search, rangeColumn);
  const bothParts = f.includeTrash && !scope.member;

  /*
   * Two reads in turn, each in an index's order: the rows with a value (by value, then ID), then
   * the rows without one (by ID). One ORDER BY (value IS NULL, value, id) would give the same
   * order, but no index hands rows over in it, so every page would sort the whole report.
   */
  const read = (empty: boolean, n: number, after: DetailCursor | undefined) => {
    const one = (trashed: boolean | null) => {
      let q = db.selectFrom("activities")
        .select(COLUMNS.map((c) => `activities.${c}` as const))
        .select(sortValue.as("sort_value"))
        .where(where);
      if (trashed !== null) q = q.where("activities.trashed_at", trashed ? "is not" : "is", null);
      if (nullable) q = q.where(sql<SqlBool>`${col} IS ${sql.raw(empty ? "NULL" : "NOT NULL")}`);
      if (after && empty) q = q.where(sql<SqlBool>`activities.id ${cmp} ${after.id}`);
      if (after && !empty) q = q.where(sql<SqlBool>`(${col}, activities.id) ${cmp} (${kind === "time" ? new Date(after.value as string) : after.value}, ${after.id})`);
      return (empty ? q : q.orderBy(sql`${col} ${dir}`)).orderBy(sql`activities.id ${dir}`).limit(n);
    };
    if (!bothParts) return one(null).execute() as unknown as Promise<DetailRow[]>;
    const order = empty ? sql`r.id ${dir}` : sql`r.sort_value ${dir}, r.id ${dir}`;
    return sql<DetailRow>`SELECT * FROM ((${one(false)}) UNION ALL (${one(true)})) AS r ORDER BY ${order} LIMIT ${n}`.execute(db).then((r) => r.rows);
  };

  const inEmpty = nullable && cursor !== undefined && cursor.value === null;
  let rows = inEmpty ? [] : await read(false, limit, cursor);
  if (nullable && rows.length < limit) rows = [...rows, ...(await read(true, limit - rows.length, inEmpty ? cursor : undefined))];
  // bigint arrives as a string or a BigInt depending on the driver; the cursor wants a number.
  if (kind === "number") for (const r of rows) if (r.sort_value !== null) r.sort_value = Number(r.sort_value);
  return rows;
}

/** How many rows the report has, counting no further than `cap`. */
export async function countDetailRows(db: Db, scope: ReportScope, f: ReportFilters, search: SearchNode | null, rangeColumn: RangeColumn, cap: number): Promise<number> {
  const capped = db.selectFrom("activities").select(sql`1`.as("one")).where(reportConditions(scope, f, search, rangeColumn)).limit(cap);
  const r = await sql<{ n: number }>`SELECT count(*) AS n FROM (${capped}) AS c`.execute(db);
  return Number(r.rows[0].n);
}
