import { sql, type Kysely } from "kysely";
import type { SummaryCell, TimeBasis } from "../domain/reports.js";
import type { Db } from "./database.js";
import type { Database } from "./schema.js";

/**
 * The reports' kept counts: the summary's bookings (migration 022: report_booking_counts by hour,
 * 028: report_booking_days by day) and the revenue report's money (023: report_revenue_counts),
 * each plus its deltas not yet folded in.
 * Read together in one statement, they are exact at that statement's snapshot.
 */

const KEY = sql.raw("account_id, basis, hour, detailed_status, was_request, approved, rescheduled, in_trash");
const DAY_KEY = sql.raw("account_id, basis, day, detailed_status, was_request, approved, rescheduled, in_trash");
/** The day (midnight UTC) an hour falls in. */
const dayOf = (hour: ReturnType<typeof sql.raw>) => sql`date_bin('1 day', ${hour}, timestamptz '2000-01-01 00:00:00+00')`;
const MONEY_KEY = sql.raw("account_id, hour, currency, status, in_trash");
/** Deltas taken per fold round and kind. */
export const FOLD_ROUND = 100_000;

/** Both tables' rows of one account and basis, as one relation. */
function countsOf(accountId: string, basis: TimeBasis) {
  return sql`(
    SELECT hour, detailed_status, was_request, approved, rescheduled, in_trash, n FROM report_booking_counts
    WHERE account_id = ${accountId} AND basis = ${basis}
    UNION ALL
    ${deltasOf(accountId, basis)})`;
}

/**
 * The same counts with every day not in `cut` taken from the daily roll-up (migration 028): a row
 * per day where the hourly table has up to 24. The hours of a cut day come from the hourly table.
 * A daily row's hour is its day's midnight (UTC), which falls in the same bucket and range as each
 * of its hours when no bound cuts the day.
 */
function countsByDayOf(accountId: string, basis: TimeBasis, cut: Date[]) {
  const cutDays = timestamps(cut);
  return sql`(
    SELECT day AS hour, detailed_status, was_request, approved, rescheduled, in_trash, n FROM report_booking_days
    WHERE account_id = ${accountId} AND basis = ${basis} AND (day IS NULL OR day <> ALL(${cutDays}))
    UNION ALL
    SELECT h.hour, h.detailed_status, h.was_request, h.approved, h.rescheduled, h.in_trash, h.n
    FROM unnest(${cutDays}) AS cut (day)
    JOIN report_booking_counts h ON h.account_id = ${accountId} AND h.basis = ${basis} AND h.hour >= cut.day AND h.hour < cut.day + interval '1 day'
    UNION ALL
    ${deltasOf(accountId, basis)})`;
}

/** The deltas not folded yet, by the hour (UTC) each change falls in. */
const deltasOf = (accountId: string, basis: TimeBasis) => sql`
    SELECT hour, detailed_status, was_request, approved, rescheduled, in_trash, n FROM report_booking_deltas
    WHERE account_id = ${accountId} AND basis = ${basis}`;

const timestamps = (dates: Date[]) =>
  dates.length ? sql`ARRAY[${sql.join(dates.map((d) => sql`${d.toISOString()}::timestamptz`))}]::timestamptz[]` : sql`'{}'::timestamptz[]`;

/**
 * The first and last hour holding bookings (null: none with a time). Each table's min and max are
 * taken on their own, so the counts' key (account, basis, hour, …) answers each from one end of
 * the index; over the union of both tables the planner read every row of the account (at
 * 15,000,000 activities, 197,000 rows: a third of the summary's time). least and greatest skip
 * nulls.
 */
export async function countedHours(db: Db, accountId: string, basis: TimeBasis): Promise<{ first: Date | null; last: Date | null }> {
  const r = await sql<{ first: Date | null; last: Date | null }>`
    SELECT
      least((SELECT min(hour) FROM report_booking_counts WHERE account_id = ${accountId} AND basis = ${basis}),
            (SELECT min(hour) FROM report_booking_deltas WHERE account_id = ${accountId} AND basis = ${basis})) AS first,
      greatest((SELECT max(hour) FROM report_booking_counts WHERE account_id = ${accountId} AND basis = ${basis}),
               (SELECT max(hour) FROM report_booking_deltas WHERE account_id = ${accountId} AND basis = ${basis})) AS last`.execute(db);
  const row = r.rows[0];
  return { first: row?.first ? new Date(row.first) : null, last: row?.last ? new Date(row.last) : null };
}

export interface CountsQuery {
  basis: TimeBasis;
  /** Ascending bucket starts (UTC, whole hours); a row's bucket is the last start at or before its hour. */
  bounds: Date[];
  includeTrash: boolean;
  detailedStatus?: string[];
  from?: Date;
  to?: Date;
  /**
   * The UTC days a bound or the range cuts (cutDays in app/reports/counted-buckets.ts): every
   * other day is read from the daily roll-up. Null: read every hour.
   */
  cutDays: Date[] | null;
}

/** The counts per time bucket (index into bounds, or null: no meeting time) and detailed status. */
export async function countedCells(db: Db, accountId: string, q: CountsQuery): Promise<(Omit<SummaryCell, "rowKey" | "columnKey"> & { bucket: number | null })[]> {
  const filters = [sql`true`];
  if (!q.includeTrash) filters.push(sql`NOT c.in_trash`);
  if (q.detailedStatus?.length) filters.push(sql`c.detailed_status IN (${sql.join(q.detailedStatus)})`);
  if (q.from) filters.push(sql`c.hour >= ${q.from}`);
  if (q.to) filters.push(sql`c.hour < ${q.to}`);
  const bounds = timestamps(q.bounds);
  const counts = q.cutDays ? countsByDayOf(accountId, q.basis, q.cutDays) : countsOf(accountId, q.basis);
  const r = await sql<{ bucket: number | null; detailed_status: string; was_request: boolean; approved: boolean; rescheduled: boolean; n: number }>`
    SELECT ${q.bounds.length ? sql`width_bucket(c.hour, ${bounds})` : sql`CASE WHEN c.hour IS NOT NULL THEN 0 END`} AS bucket, c.detailed_status,
      c.was_request, c.approved, c.rescheduled, sum(c.n) AS n
    FROM ${counts} AS c
    WHERE ${sql.join(filters, sql` AND `)}
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(c.n) <> 0`.execute(db);
  return r.rows.map((row) => ({
    bucket: row.bucket === null ? null : Number(row.bucket),
    detailedStatus: row.detailed_status,
    wasRequest: row.was_request,
    approved: row.approved,
    rescheduled: row.rescheduled,
    count: Number(row.n),
  }));
}

/** Both money tables' rows of one account, as one relation. */
function moneyOf(accountId: string) {
  return sql`(
    SELECT hour, currency, status, in_trash, n, minor FROM report_revenue_counts WHERE account_id = ${accountId}
    UNION ALL
    SELECT hour, currency, status, in_trash, n, minor FROM report_revenue_deltas WHERE account_id = ${accountId})`;
}

/** The first and last hour holding settled money (null: none). */
export async function countedMoneyHours(db: Db, accountId: string): Promise<{ first: Date | null; last: Date | null }> {
  // As countedHours: each table's ends on their own, from the counts' key (account, hour, …).
  const r = await sql<{ first: Date | null; last: Date | null }>`
    SELECT
      least((SELECT min(hour) FROM report_revenue_counts WHERE account_id = ${accountId}),
            (SELECT min(hour) FROM report_revenue_deltas WHERE account_id = ${accountId})) AS first,
      greatest((SELECT max(hour) FROM report_revenue_counts WHERE account_id = ${accountId}),
               (SELECT max(hour) FROM report_revenue_deltas WHERE account_id = ${accountId})) AS last`.execute(db);
  const row = r.rows[0];
  return { first: row?.first ? new Date(row.first) : null, last: row?.last ? new Date(row.last) : null };
}

export interface MoneyQuery {
  /** Ascending bucket starts (UTC, whole hours), as for CountsQuery. */
  bounds: Date[];
  includeTrash: boolean;
  currency?: string[];
  from?: Date;
  to?: Date;
}

/** Settled payments and refunds per time bucket (index into bounds) and currency: number and amount. */
export async function countedMoney(db: Db, accountId: string, q: MoneyQuery): Promise<{ bucket: number; currency: string; status: "Paid" | "Refunded"; n: number; minor: number }[]> {
  const filters = [sql`true`];
  if (!q.includeTrash) filters.push(sql`NOT c.in_trash`);
  if (q.currency?.length) filters.push(sql`c.currency IN (${sql.join(q.currency)})`);
  if (q.from) filters.push(sql`c.hour >= ${q.from}`);
  if (q.to) filters.push(sql`c.hour < ${q.to}`);
  if (!q.bounds.length) return [];
  const bounds = sql`ARRAY[${sql.join(q.bounds.map((b) => sql`${b.toISOString()}::timestamptz`))}]::timestamptz[]`;
  const r = await sql<{ bucket: number; currency: string; status: "Paid" | "Refunded"; n: number; minor: number }>`
    SELECT width_bucket(c.hour, ${bounds}) AS bucket, c.currency, c.status, sum(c.n) AS n, sum(c.minor) AS minor
    FROM ${moneyOf(accountId)} AS c
    WHERE ${sql.join(filters, sql` AND `)}
    GROUP BY 1, 2, 3
    HAVING sum(c.n) <> 0 OR sum(c.minor) <> 0`.execute(db);
  return r.rows.map((row) => ({ bucket: Number(row.bucket), currency: row.currency, status: row.status, n: Number(row.n), minor: Number(row.minor) }));
}

/**
 * Folds the deltas written so far into the counts, in one transaction each for the bookings' and
 * the money's: those of a deleted account are dropped. Deltas committed meanwhile stay for the
 * next fold; two folds at once each take what the other has not (a deleted row is not deleted
 * twice). Returns how many deltas of each it folded (up to FOLD_ROUND of each).
 */
export async function foldReportDeltas(db: Db): Promise<{ bookings: number; money: number }> {
  const bookings = await db.transaction().execute(async (tx) => {
    const r = await sql<{ n: number }>`
      WITH taken AS (
        DELETE FROM report_booking_deltas WHERE id IN (SELECT id FROM report_booking_deltas ORDER BY id LIMIT ${FOLD_ROUND} FOR UPDATE SKIP LOCKED)
        RETURNING ${KEY}, n),
      live AS (SELECT * FROM taken t WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.account_id)),
      folded AS (
        INSERT INTO report_booking_counts (${KEY}, n)
        SELECT t.account_id, t.basis, t.hour, t.detailed_status, t.was_request, t.approved, t.rescheduled, t.in_trash, sum(t.n)
        FROM live t
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT (${KEY}) DO UPDATE SET n = report_booking_counts.n + excluded.n),
      folded_days AS (
        INSERT INTO report_booking_days (${DAY_KEY}, n)
        SELECT t.account_id, t.basis, ${dayOf(sql.raw("t.hour"))}, t.detailed_status, t.was_request, t.approved, t.rescheduled, t.in_trash, sum(t.n)
        FROM live t
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT (${DAY_KEY}) DO UPDATE SET n = report_booking_days.n + excluded.n)
      SELECT count(*) AS n FROM taken`.execute(tx);
    // A key whose bookings have all moved on keeps its row at 0 (reads skip it): the keys are
    // bounded (hours × detailed statuses × four flags) and a later booking reuses the row.
    return Number(r.rows[0]?.n ?? 0);
  });
  const money = await db.transaction().execute(async (tx) => {
    const r = await sql<{ n: number }>`
      WITH taken AS (
        DELETE FROM report_revenue_deltas WHERE id IN (SELECT id FROM report_revenue_deltas ORDER BY id LIMIT ${FOLD_ROUND} FOR UPDATE SKIP LOCKED)
        RETURNING ${MONEY_KEY}, n, minor),
      folded AS (
        INSERT INTO report_revenue_counts (${MONEY_KEY}, n, minor)
        SELECT t.account_id, t.hour, t.currency, t.status, t.in_trash, sum(t.n), sum(t.minor)
        FROM taken t WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = t.account_id)
        GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (${MONEY_KEY}) DO UPDATE SET n = report_revenue_counts.n + excluded.n, minor = report_revenue_counts.minor + excluded.minor)
      SELECT count(*) AS n FROM taken`.execute(tx);
    return Number(r.rows[0]?.n ?? 0);
  });
  return { bookings, money };
}

/** The account's counts made again from its bookings (after a bulk load that bypassed the trigger). */
export async function rebuildReportCounts(conn: Kysely<Database>, accountId: string): Promise<void> {
  await sql`DELETE FROM report_booking_deltas WHERE account_id = ${accountId}`.execute(conn);
  await sql`DELETE FROM report_booking_counts WHERE account_id = ${accountId}`.execute(conn);
  await sql`
    INSERT INTO report_booking_counts (${KEY}, n)
    SELECT account_id, b.basis, b.hour, detailed_status, proposed_times IS NOT NULL, proposed_times IS NOT NULL AND start_at IS NOT NULL,
      reschedules_id IS NOT NULL, trashed_at IS NOT NULL, count(*)
    FROM activities
    CROSS JOIN LATERAL (VALUES
      ('created', date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00')),
      ('meeting', date_bin('1 hour', start_at, timestamptz '2000-01-01 00:00:00+00'))) AS b (basis, hour)
    WHERE account_id = ${accountId} AND type = 'booking'
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`.execute(conn);
  await sql`DELETE FROM report_booking_days WHERE account_id = ${accountId}`.execute(conn);
  await sql`
    INSERT INTO report_booking_days (${DAY_KEY}, n)
    SELECT account_id, basis, ${dayOf(sql.raw("hour"))}, detailed_status, was_request, approved, rescheduled, in_trash, sum(n)
    FROM report_booking_counts
    WHERE account_id = ${accountId}
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`.execute(conn);
  await sql`DELETE FROM report_revenue_deltas WHERE account_id = ${accountId}`.execute(conn);
  await sql`DELETE FROM report_revenue_counts WHERE account_id = ${accountId}`.execute(conn);
  await sql`
    INSERT INTO report_revenue_counts (${MONEY_KEY}, n, minor)
    SELECT account_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00'), currency, status, trashed_at IS NOT NULL,
      count(*), coalesce(sum(amount_minor), 0)
    FROM activities
    WHERE account_id = ${accountId} AND type = 'transaction' AND status IN ('Paid', 'Refunded') AND currency IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5`.execute(conn);
  await sql`ANALYZE report_booking_counts, report_booking_days, report_revenue_counts`.execute(conn);
}
