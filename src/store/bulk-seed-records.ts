import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";
import { deferIndexesAndForeignKeys } from "./bulk-seed-indexes.js";

/**
 * What a bulk load writes beside its activities (issue 16: "realistic history, relations, payments
 * and outbox rows, not just activities"), set-based from the load's own rows (the temporary table
 * `bulk_seed_loaded`, filled as the activities are inserted):
 *
 * - history: the row that made each activity (booked, requested, package booked, payment captured,
 *   refund requested …) and, when its detailed status is not the one it was made with, the row of
 *   the change that led there (approve, cancel, complete, no-show, reschedule, reassign, expire …),
 *   with the action names the use cases write (web/src/details/history-sentence.ts reads them);
 * - relations and payments: each transaction is for a booking of the load (a `payment` relation
 *   from it) and has its payment record (kind, purpose, state, amounts and refunded part as its
 *   detailed status says, a PayPal capture or refund ID of the bench's own);
 * - the outbox: one event per activity changed in the last 30 days (older ones retention would have
 *   pruned), delivered to every consumer registered at the time.
 *
 * On PostgreSQL the time partitions those rows fall in are created first (migrations 026 and
 * 029), so nothing lands in a default partition; the embedded database keeps its default ones alone.
 */

/** detailed status → how it began and the change that led to it (null: it is still as made). */
const STORY: Record<string, { made: [action: string, detailed: string, status: string, actor: Actor]; change: [action: string, actor: Actor] | null }> = {
  "Scheduled (By customer)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: null },
  "Scheduled (Approved by user)": { made: ["customer-requests", "Requested (By customer)", "Requested", "customer"], change: ["approve", "owner"] },
  "Scheduled (Reassigned by user)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["reassign", "owner"] },
  "Rescheduled (By customer)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["customer-reschedule", "customer"] },
  "Rescheduled (Approved by user)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["approve", "owner"] },
  "Rescheduled (Initiated by user)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["reschedule", "owner"] },
  "Rescheduled (Reassigned by user)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["reassign", "owner"] },
  "Requested (By customer)": { made: ["customer-requests", "Requested (By customer)", "Requested", "customer"], change: null },
  "Requested (Initiated by user)": { made: ["customer-requests", "Requested (By customer)", "Requested", "customer"], change: ["request-new-times", "owner"] },
  "Canceled (By customer)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["customer-cancel", "customer"] },
  "Canceled (By user)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["cancel", "owner"] },
  "Canceled (New times requested by user)": { made: ["customer-requests", "Requested (By customer)", "Requested", "customer"], change: ["request-new-times", "owner"] },
  "Canceled (Reschedule requested by user)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["request-reschedule", "owner"] },
  "Completed (Set by System)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["complete", "system"] },
  "No-show (Set by user)": { made: ["customer-books", "Scheduled (By customer)", "Scheduled", "creator"], change: ["set-no-show", "owner"] },
  "Expired (Set by System)": { made: ["customer-requests", "Requested (By customer)", "Requested", "customer"], change: ["expire", "system"] },
  Created: { made: ["package-created", "Created", "Created", "customer"], change: null },
  Updated: { made: ["package-created", "Created", "Created", "customer"], change: ["package-update", "customer"] },
  Completed: { made: ["package-created", "Created", "Created", "customer"], change: ["package-complete", "system"] },
  "PAYMENT (SCHEDULE)": { made: ["payment-captured", "=", "=", "customer"], change: null },
  "PAYMENT (RESCHEDULE)": { made: ["payment-captured", "=", "=", "customer"], change: null },
  "PAYMENT PENDING (SCHEDULE)": { made: ["payment-captured", "=", "=", "customer"], change: null },
  "PAYMENT DENIED (SCHEDULE)": { made: ["payment-denied", "=", "=", "system"], change: null },
  "AUTOMATIC REFUND (CANCELLATION)": { made: ["refund-requested", "=", "=", "system"], change: null },
  "AUTOMATIC REFUND PENDING (CANCELLATION)": { made: ["refund-requested", "=", "=", "system"], change: null },
  "MANUAL REFUND VIA BOOKSTREAM": { made: ["refund-requested", "=", "=", "owner"], change: null },
  "MANUAL REFUND VIA PAYPAL": { made: ["refunded-in-paypal", "=", "=", "system"], change: null },
  "REFUND FAILED": { made: ["refund-requested", "=", "=", "system"], change: ["refund-failed", "system"] },
};
/** Who acted: the customer, the activity's host (a user), the system, or whoever made it (created_by). */
type Actor = "customer" | "owner" | "system" | "creator";

/** A transaction's payment record as its detailed status says: kind, purpose, state. */
const PAYMENT_RECORD: Record<string, [kind: "payment" | "refund", purpose: string, state: string]> = {
  "PAYMENT (SCHEDULE)": ["payment", "schedule", "completed"],
  "PAYMENT (RESCHEDULE)": ["payment", "reschedule", "completed"],
  "PAYMENT PENDING (SCHEDULE)": ["payment", "schedule", "pending"],
  "PAYMENT DENIED (SCHEDULE)": ["payment", "schedule", "denied"],
  "AUTOMATIC REFUND (CANCELLATION)": ["refund", "cancellation", "completed"],
  "AUTOMATIC REFUND PENDING (CANCELLATION)": ["refund", "cancellation", "pending"],
  "MANUAL REFUND VIA BOOKSTREAM": ["refund", "bookstream", "completed"],
  "MANUAL REFUND VIA PAYPAL": ["refund", "paypal", "completed"],
  "REFUND FAILED": ["refund", "bookstream", "failed"],
};

/** Every detailed status the load can write has its story and, for transactions, its record (bulk-seed.ts checks its MIX against these). */
export function hasStory(detailed: string, type: string): boolean {
  return detailed in STORY && (type !== "transaction" || detailed in PAYMENT_RECORD);
}

const lit = (v: string | null) => (v === null ? sql`NULL::text` : sql.lit(v));

function storyValues() {
  return sql.join(Object.entries(STORY).map(([detailed, s]) =>
    sql`(${sql.lit(detailed)}, ${sql.lit(s.made[0])}, ${sql.lit(s.made[1])}, ${sql.lit(s.made[2])}, ${sql.lit(s.made[3])}, ${lit(s.change?.[0] ?? null)}, ${lit(s.change?.[1] ?? null)})`));
}

function recordValues() {
  return sql.join(Object.entries(PAYMENT_RECORD).map(([detailed, [kind, purpose, state]]) => sql`(${sql.lit(detailed)}, ${sql.lit(kind)}, ${sql.lit(purpose)}, ${sql.lit(state)})`));
}

/**
 * A helper table the load makes: temporary, dropped at commit, for a load in one transaction; or
 * unlogged, which other connections see (bulk-seed-parallel.ts drops it).
 */
export type HelperTable = "temporary" | "unlogged";
const create = (kind: HelperTable) => sql.raw(kind === "temporary" ? "CREATE TEMP TABLE" : "CREATE UNLOGGED TABLE");
const onCommit = (kind: HelperTable) => sql.raw(kind === "temporary" ? "ON COMMIT DROP" : "");

/** The table the activities' load fills with what the records need (a `HelperTable` of either kind). */
export async function createLoadedTable(trx: Kysely<Database>, table: HelperTable = "temporary"): Promise<void> {
  await sql`
    ${create(table)} bulk_seed_loaded (
      id text, type text, status text, detailed_status text, booking_page_id uuid, owner_id uuid, owner_name text,
      customer_name text, created_at timestamptz, updated_at timestamptz, created_by text, reason text,
      amount_minor bigint, currency text, refundable_minor bigint
    ) ${onCommit(table)}`.execute(trx);
}

/** Columns of `bulk_seed_loaded`, in order, as the activities' INSERT … RETURNING names them. */
export const LOADED_COLUMNS = "id, type, status, detailed_status, booking_page_id, owner_id, owner_name, customer_name, created_at, updated_at, created_by, reason, amount_minor, currency, refundable_minor";

export interface SeededRecords { history: number; relations: number; payments: number; outboxEvents: number }

/**
 * `deferIndexes` (a large load): history's, relations' and payment records' secondary indexes and
 * foreign keys are dropped for their inserts and rebuilt after. At 15,000,000 activities with
 * history's kept, its insert (26 million rows, each looking up its activity's key and entering a
 * random place of the activity index) took 24 of this phase's 39 minutes.
 */
export async function seedRecords(trx: Kysely<Database>, accountId: string, opts: { timePartitions: boolean; deferIndexes: boolean }): Promise<SeededRecords> {
  if (!(await prepareRecords(trx, opts))) return { history: 0, relations: 0, payments: 0, outboxEvents: 0 };
  const deferred = opts.deferIndexes ? await deferIndexesAndForeignKeys(trx, "activity_history") : undefined;
  const history = await insertHistory(trx, accountId);
  await deferred?.restore();
  // Relations and payment records: their foreign keys to `activities` (two and three a row) are
  // checked row by row during an insert, each a look-up in the activities' key; re-added after,
  // each is validated by one join. Their unique keys stay (the relations' ON CONFLICT uses them).
  const deferredRelations = opts.deferIndexes ? await deferIndexesAndForeignKeys(trx, "activity_relations") : undefined;
  const deferredPayments = opts.deferIndexes ? await deferIndexesAndForeignKeys(trx, "payment_records") : undefined;
  const paid = await insertRelationsAndPayments(trx, accountId);
  await deferredRelations?.restore();
  await deferredPayments?.restore();
  const outboxEvents = await insertOutbox(trx, accountId);
  return { history, ...paid, outboxEvents };
}

/**
 * Statistics for the load's rows and, on PostgreSQL, the time partitions its history and outbox
 * rows fall in. False when the load holds no rows.
 */
export async function prepareRecords(trx: Kysely<Database>, opts: { timePartitions: boolean }): Promise<boolean> {
  await sql`ANALYZE bulk_seed_loaded`.execute(trx);
  const span = (await sql<{ lo: Date | null }>`SELECT min(created_at) AS lo FROM bulk_seed_loaded`.execute(trx)).rows[0];
  if (!span.lo) return false;
  if (opts.timePartitions) {
    await sql`SELECT ensure_time_partitions('activity_history', 'year', ${span.lo}::timestamptz, now())`.execute(trx);
    for (const t of ["outbox_events", "outbox_deliveries", "webhook_deliveries"]) {
      await sql`SELECT ensure_time_partitions(${t}, 'month', now() - interval '30 days', now())`.execute(trx);
    }
  }
  return true;
}

/**
 * History: the making row at created_at, the change at updated_at. `part` (of `parts`) takes the
 * activities whose ID hashes to it, so several connections can each write a share: an activity's
 * rows are always written together, its change after its making.
 */
export async function insertHistory(trx: Kysely<Database>, accountId: string, slice = { part: 0, parts: 1 }): Promise<number> {
  const inSlice = slice.parts > 1 ? sql`AND abs(hashtext(l.id)::bigint) % ${slice.parts} = ${slice.part}` : sql``;
  const history = await sql`
    INSERT INTO activity_history (account_id, activity_id, at, actor_type, actor_id, actor_name, action, from_status, from_detailed_status, to_status, to_detailed_status, reason, data)
    WITH story (detailed, made_action, made_detailed, made_status, made_actor, change_action, change_actor) AS (VALUES ${storyValues()}),
    steps AS (
      SELECT l.*, s.*, step FROM bulk_seed_loaded l JOIN story s ON s.detailed = l.detailed_status
      CROSS JOIN LATERAL (VALUES (1), (2)) AS v (step)
      WHERE (step = 1 OR s.change_action IS NOT NULL) ${inSlice}),
    acted AS (
      SELECT st.*, CASE WHEN step = 1 THEN made_actor ELSE change_actor END AS actor_kind FROM steps st)
    SELECT ${accountId}::uuid, a.id, CASE WHEN a.step = 1 THEN a.created_at ELSE a.updated_at END,
      CASE a.actor_kind WHEN 'creator' THEN coalesce(a.created_by, 'customer') WHEN 'owner' THEN CASE WHEN a.owner_id IS NULL THEN 'system' ELSE 'user' END ELSE a.actor_kind END,
      CASE WHEN a.actor_kind IN ('owner', 'creator') AND (a.actor_kind = 'owner' OR a.created_by = 'user') THEN a.owner_id END,
      CASE WHEN a.actor_kind = 'customer' OR (a.actor_kind = 'creator' AND coalesce(a.created_by, 'customer') = 'customer') THEN a.customer_name
           WHEN a.actor_kind IN ('owner', 'creator') THEN a.owner_name END,
      CASE WHEN a.step = 1 THEN a.made_action ELSE a.change_action END,
      CASE WHEN a.step = 2 THEN CASE WHEN a.made_status = '=' THEN a.status ELSE a.made_status END END,
      CASE WHEN a.step = 2 THEN CASE WHEN a.made_detailed = '=' THEN a.detailed_status ELSE a.made_detailed END END,
      CASE WHEN a.step = 1 AND a.made_status <> '=' THEN a.made_status ELSE a.status END,
      CASE WHEN a.step = 1 AND a.made_detailed <> '=' THEN a.made_detailed ELSE a.detailed_status END,
      CASE WHEN a.step = 2 THEN a.reason END,
      '{}'::jsonb
    FROM acted a
    -- Ids in time order; an activity's change after its making even when both carry one instant.
    ORDER BY 3, a.step`.execute(trx);
  return Number(history.numAffectedRows ?? 0);
}

/**
 * Each transaction is for a booking of the load, drawn by its ID's hash: its `payment` relation
 * from that booking and its payment record. `table`: the kind of its pairing table (`HelperTable`).
 */
export async function insertRelationsAndPayments(trx: Kysely<Database>, accountId: string, table: HelperTable = "temporary"): Promise<{ relations: number; payments: number }> {
  await sql`
    ${create(table)} bulk_seed_paid_for ${onCommit(table)} AS
    WITH bookings AS MATERIALIZED (
      SELECT id, (row_number() OVER (ORDER BY id))::int - 1 AS n FROM bulk_seed_loaded WHERE type = 'booking'),
    total AS (SELECT count(*)::int AS n FROM bookings)
    SELECT t.id AS transaction_id, b.id AS booking_id
      FROM bulk_seed_loaded t CROSS JOIN total JOIN bookings b ON b.n = abs(hashtext(t.id)::bigint) % greatest(total.n, 1)
     WHERE t.type = 'transaction'`.execute(trx);
  const relations = await sql`
    INSERT INTO activity_relations (account_id, from_id, to_id, kind, created_at)
    SELECT ${accountId}::uuid, p.booking_id, p.transaction_id, 'payment', l.created_at
      FROM bulk_seed_paid_for p JOIN bulk_seed_loaded l ON l.id = p.transaction_id
    ON CONFLICT DO NOTHING`.execute(trx);
  const payments = await sql`
    INSERT INTO payment_records (activity_id, account_id, kind, purpose, for_activity_id, payment_activity_id, booking_page_id, amount_minor, currency,
      refunded_minor, paypal_order_id, paypal_capture_id, paypal_refund_id, request_id, payer, reason, state, created_at, updated_at)
    WITH rec (detailed, kind, purpose, state) AS (VALUES ${recordValues()})
    SELECT l.id, ${accountId}::uuid, r.kind, r.purpose, p.booking_id, NULL, l.booking_page_id, l.amount_minor, l.currency,
      CASE WHEN r.kind = 'payment' AND r.state = 'completed' THEN l.amount_minor - coalesce(l.refundable_minor, l.amount_minor) ELSE 0 END,
      CASE WHEN r.kind = 'payment' THEN 'BENCH-ORDER-' || l.id END,
      CASE WHEN r.kind = 'payment' AND r.state IN ('completed', 'pending') THEN 'BENCH-CAPTURE-' || l.id END,
      CASE WHEN r.kind = 'refund' AND r.state IN ('completed', 'pending') THEN 'BENCH-REFUND-' || l.id END,
      'bench-' || l.id, jsonb_build_object('name', l.customer_name), CASE WHEN r.kind = 'refund' THEN 'Canceled booking' END,
      r.state, l.created_at, l.updated_at
    FROM bulk_seed_loaded l JOIN rec r ON r.detailed = l.detailed_status JOIN bulk_seed_paid_for p ON p.transaction_id = l.id
    WHERE l.amount_minor > 0`.execute(trx);
  return { relations: Number(relations.numAffectedRows ?? 0), payments: Number(payments.numAffectedRows ?? 0) };
}

/** The outbox as retention leaves it: the last 30 days' changes, delivered. */
export async function insertOutbox(trx: Kysely<Database>, accountId: string): Promise<number> {
  const events = await sql`
    WITH ev AS (
      INSERT INTO outbox_events (account_id, activity_id, type, payload, created_at)
      SELECT ${accountId}::uuid, l.id,
        CASE WHEN l.type = 'transaction' THEN 'transaction.created' WHEN l.updated_at > l.created_at THEN 'activity.updated' ELSE 'activity.created' END,
        jsonb_build_object('activity', jsonb_build_object('id', l.id, 'type', l.type, 'status', l.status, 'detailedStatus', l.detailed_status)),
        l.updated_at
      FROM bulk_seed_loaded l WHERE l.updated_at >= now() - interval '30 days'
      ORDER BY l.updated_at
      RETURNING id, account_id, activity_id, created_at),
    delivered AS (
      INSERT INTO outbox_deliveries (consumer, event_id, account_id, activity_id, status, attempts, next_attempt_at, delivered_at, last_attempt_at, event_at)
      SELECT c.name, e.id, e.account_id, e.activity_id, 'delivered', 1, e.created_at, e.created_at, e.created_at, e.created_at
        FROM ev e CROSS JOIN outbox_consumers c)
    SELECT count(*)::int AS n FROM ev`.execute(trx);
  return Number((events.rows[0] as { n: number }).n);
}
