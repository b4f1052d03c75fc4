import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { mixBounds, mixValues } from "./bulk-seed-data.js";
import { LOADED_COLUMNS } from "./bulk-seed-records.js";

const textArray = (items: string[]) => sql`ARRAY[${sql.join(items.map((s) => sql.lit(s)))}]::text[]`;

/**
 * A load's session settings: sorts and CTEs of a batch in memory; index builds with room to sort (a
 * GIN build gathers its entries in maintenance_work_mem and merges less with more; the embedded
 * database's WebAssembly heap cannot spare a gigabyte); no JIT (a generated INSERT … SELECT gains
 * nothing from it, seconds per statement). `serialBuilds`: each connection is one core's work
 * already, so a B-tree build's parallel workers would take the other connections' cores.
 */
export async function tuneForLoad(trx: Kysely<Database>, opts: { embedded: boolean; serialBuilds: boolean }): Promise<void> {
  await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
  await sql.raw(`SET LOCAL maintenance_work_mem = '${opts.embedded ? "256MB" : "1GB"}'`).execute(trx);
  if (opts.serialBuilds) await sql`SET LOCAL max_parallel_maintenance_workers = 0`.execute(trx);
  await sql`SET LOCAL jit = off`.execute(trx);
}

/**
 * Generate-and-move rounds until `total` rows are in. `round` is given what is missing and what is
 * in, and answers how many rows it added. Collisions are rare; three rounds in a row that add
 * nothing mean the hosts' calendars are full.
 */
export async function loadInRounds(total: number, round: (missing: number, inserted: number) => Promise<number>): Promise<number> {
  let inserted = 0;
  for (let emptyRounds = 0; inserted < total; ) {
    const got = await round(total - inserted, inserted);
    inserted += got;
    emptyRounds = got === 0 ? emptyRounds + 1 : 0;
    if (emptyRounds >= 3) throw new Error(`bulk seed: no room for more activities after ${inserted}`);
  }
  return inserted;
}

/**
 * Moves a staging table's rows into `activities` in creation order, noting each in
 * `bulk_seed_loaded`, and empties it; answers how many went in. In creation order, the heap grows
 * the way a live table does (rows arrive as they are created), which is what the stream's index
 * scans see in production: generating in key order or at random would scatter each page of the
 * stream over the whole table. ON CONFLICT DO NOTHING skips the rare row that hits a unique or
 * exclusion constraint (the next round tops up).
 */
export async function moveStaged(trx: Kysely<Database>, staging: string): Promise<number> {
  const r = await sql`
    WITH moved AS (
      INSERT INTO activities (${sql.raw(COLUMNS.join(", "))})
      SELECT ${sql.raw(COLUMNS.join(", "))} FROM ${sql.table(staging)} ORDER BY created_at, id
      ON CONFLICT DO NOTHING
      RETURNING ${sql.raw(LOADED_COLUMNS)})
    INSERT INTO bulk_seed_loaded (${sql.raw(LOADED_COLUMNS)}) SELECT ${sql.raw(LOADED_COLUMNS)} FROM moved`.execute(trx);
  await sql`TRUNCATE ${sql.table(staging)}`.execute(trx);
  return Number(r.numAffectedRows ?? 0);
}

/** The activity columns the load writes (the rest keep their defaults or are generated). */
const COLUMNS = [
  "id", "account_id", "type", "status", "detailed_status", "booking_page_id", "event_type_id", "owner_id", "customer_id",
  "customer_name", "customer_email", "customer_phone", "customer_time_zone", "page_name", "event_type_name", "owner_name",
  "start_at", "end_at", "proposed_times", "latest_proposed_at", "reason", "answers", "created_at", "updated_at",
  "amount_minor", "currency", "refundable_minor", "created_by",
];

/**
 * Generates `n` activities into the staging table in one statement. Moving them into `activities`
 * (ON CONFLICT DO NOTHING) skips the rare row that hits a unique or exclusion constraint: an ID
 * collision, or a live booking overlapping its host's other live booking (migration 002's
 * no-double-booking rule); the caller tops up.
 *
 * Every random draw happens once per row in the MATERIALIZED `draw` CTE (a volatile expression
 * referenced twice would otherwise be evaluated twice). Meetings are 30 minutes on the half hour
 * between 07:00 and 21:00 UTC. Times are truncated to milliseconds, the stream cursor's precision.
 *
 * `people`: this batch draws its hosts and customers from one slice of the account's (those
 * numbered `slice` modulo `slices`). Connections loading at once each take their own slice, so no
 * two write overlapping live bookings of one host, or one customer's two live bookings at one
 * time on one page: a unique or exclusion check against another transaction's uncommitted row
 * waits for that transaction's end (two waiting on each other: a deadlock).
 */
export async function generateBatch(
  trx: Kysely<Database>, accountId: string, n: number, into = "bulk_seed_staging", people = { slice: 0, slices: 1 },
): Promise<void> {
  const { slice, slices } = people;
  await sql`
    INSERT INTO ${sql.table(into)} (${sql.raw(COLUMNS.join(", "))})
    WITH
    mix (bucket, type, status, detailed, time_kind) AS (VALUES ${mixValues()}),
    cust AS MATERIALIZED (
      SELECT (row_number() OVER (ORDER BY id))::int - 1 AS n, id, name, email, phone, time_zone
      FROM customers WHERE account_id = ${accountId}),
    et AS MATERIALIZED (
      SELECT (row_number() OVER (ORDER BY e.id))::int - 1 AS n, e.id, e.name, p.id AS page_id, p.name AS page_name,
        p.owner_id, u.name AS owner_name
      FROM event_types e JOIN booking_pages p ON p.id = e.booking_page_id JOIN users u ON u.id = p.owner_id
      WHERE e.account_id = ${accountId}),
    host AS MATERIALIZED (
      SELECT (row_number() OVER (ORDER BY id))::int - 1 AS n, id, name FROM users WHERE account_id = ${accountId}),
    sizes AS MATERIALIZED (
      SELECT (SELECT count(*) FROM cust)::int AS customers, (SELECT count(*) FROM et)::int AS event_types, (SELECT count(*) FROM host)::int AS hosts),
    draw AS MATERIALIZED (
      SELECT g,
        width_bucket(random(), ${mixBounds()}) AS bucket, random() AS r_day, random() AS r_slot, random() AS r_created, random() AS r_updated, random() AS r_owner,
        random() AS r_amount,
        (${slice} + ${slices} * floor(random() * ceil((s.customers - ${slice})::numeric / ${slices})))::int AS cn, floor(random() * s.event_types)::int AS en, (${slice} + ${slices} * floor(random() * ceil((s.hosts - ${slice})::numeric / ${slices})))::int AS hn,
        translate(upper(encode(decode(md5(random()::text || g::text), 'hex'), 'base64')), '+/=', 'XYZ') AS code,
        date_trunc('milliseconds', now()) AS t_now
      FROM generate_series(1, ${n}::int) AS g CROSS JOIN sizes s),
    timed AS (
      SELECT d.*, m.type, m.status, m.detailed, m.time_kind,
        date_trunc('day', d.t_now, 'UTC') + interval '7 hours' + floor(d.r_slot * 28) * interval '30 minutes' + CASE m.time_kind
          WHEN 'live' THEN 1 + floor(d.r_day * 364)
          WHEN 'past' THEN -1 - floor(d.r_day * 364)
          WHEN 'any' THEN floor((2 * d.r_day - 1) * 365)
          WHEN 'request' THEN 2 + floor(d.r_day * 60)
          WHEN 'expired' THEN -2 - floor(d.r_day * 363)
          ELSE 0
        END * interval '1 day' AS meeting
      FROM draw d JOIN mix m ON m.bucket = d.bucket),
    shaped AS (
      SELECT t.*,
        -- Booked ahead of the meeting (mostly shortly ahead); packages and payments any time in two years.
        date_trunc('milliseconds', CASE WHEN t.time_kind = 'none' THEN t.t_now - t.r_created * interval '730 days'
          ELSE least(t.t_now, t.meeting) - (t.r_created ^ 2) * interval '365 days' END) AS created,
        -- A transaction's amount: 10.00 to 200.00 in steps of 5.00, in one of three currencies.
        CASE WHEN t.type = 'transaction' THEN (1000 + floor(t.r_amount * 39) * 500)::bigint END AS amount
      FROM timed t)
    SELECT
      CASE s.type WHEN 'booking' THEN 'BKNG-' || substr(s.code, 1, 12) WHEN 'package' THEN 'PKG-' || substr(s.code, 1, 10) ELSE 'TXN-' || substr(s.code, 1, 8) END,
      ${accountId}::uuid, s.type, s.status, s.detailed,
      et.page_id,
      CASE WHEN s.type = 'booking' THEN et.id END,
      -- Three in ten go to the page's owner, but not a live booking: the eight pages' few owners
      -- could not hold a large account's live meetings without overlaps.
      CASE WHEN s.type = 'transaction' THEN NULL WHEN s.r_owner < 0.3 AND s.time_kind <> 'live' THEN et.owner_id ELSE host.id END,
      cust.id, cust.name, cust.email, cust.phone, cust.time_zone, et.page_name,
      CASE WHEN s.type = 'booking' THEN et.name END,
      CASE WHEN s.type = 'transaction' THEN NULL WHEN s.r_owner < 0.3 AND s.time_kind <> 'live' THEN et.owner_name ELSE host.name END,
      CASE WHEN s.time_kind IN ('live', 'past', 'any') THEN s.meeting END,
      CASE WHEN s.time_kind IN ('live', 'past', 'any') THEN s.meeting + interval '30 minutes' END,
      CASE WHEN s.time_kind IN ('request', 'expired') THEN jsonb_build_array(
        to_char(s.meeting AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"'),
        to_char((s.meeting + interval '1 day') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"')) END,
      CASE WHEN s.time_kind IN ('request', 'expired') THEN s.meeting + interval '1 day' END,
      CASE WHEN s.status = 'Canceled' THEN (${textArray(["Something came up", "Host unavailable", "Feeling unwell", "Double-booked", "Travel plans changed"])})[1 + s.g % 5] END,
      CASE WHEN s.type = 'booking' AND s.g % 4 = 0 THEN jsonb_build_object('What would you like to discuss?', 'Pricing and onboarding') END,
      s.created,
      -- Finished meetings change when they end (or a little later: no-show); expired requests
      -- after their last proposed time; the rest at some point since they were made.
      date_trunc('milliseconds', least(s.t_now, CASE s.time_kind
        WHEN 'past' THEN s.meeting + interval '30 minutes' + (s.r_updated ^ 3) * interval '2 days'
        WHEN 'expired' THEN s.meeting + interval '1 day' + s.r_updated * interval '1 hour'
        ELSE s.created + (s.t_now - s.created) * (s.r_updated ^ 3)
      END)),
      s.amount,
      CASE WHEN s.type = 'transaction' THEN (${textArray(["USD", "EUR", "GBP"])})[1 + s.g % 3] END,
      -- A settled payment can still be refunded (in full, or what a partial refund left); others not.
      CASE WHEN s.detailed IN ('PAYMENT (SCHEDULE)', 'PAYMENT (RESCHEDULE)') THEN CASE WHEN s.g % 5 = 0 THEN s.amount / 2 ELSE s.amount END
        WHEN s.type = 'transaction' AND s.detailed LIKE 'PAYMENT%' THEN 0 END,
      -- Who made it: a user for what users start, one booking in seven booked on a customer's behalf.
      CASE WHEN s.detailed LIKE '%(Initiated by user)' OR (s.type = 'booking' AND s.g % 7 = 0) THEN 'user' ELSE 'customer' END
    FROM shaped s
      JOIN cust ON cust.n = s.cn
      JOIN et ON et.n = s.en
      JOIN host ON host.n = s.hn`.execute(trx);
}
