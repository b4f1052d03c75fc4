import { sql, type RawBuilder } from "kysely";
import { executePrepared } from "./prepared.js";
import type { Db, Tx } from "./database.js";

export interface OutboxEventInput {
  accountId: string;
  activityId: string | null;
  type: string;
  payload: Record<string, unknown>;
  at: Date;
}

/** Writes events in the caller's transaction and one pending delivery per registered consumer. */
export async function enqueueEvents(tx: Tx, events: OutboxEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await sql`WITH ${sql.join(outboxCtes(events))} SELECT 1`.execute(tx);
}

/**
 * The events and their deliveries as two WITH clauses (outbox_event, outbox_delivery), so a caller
 * can write them in the same statement as the change they report: one round trip, not three.
 * Event ids follow the order given (the sequence is drawn row by row), which keeps per-activity order.
 */
export function outboxCtes(events: OutboxEventInput[]): RawBuilder<unknown>[] {
  const rows = events.map((e) => sql`(${e.accountId}::uuid, ${e.activityId}, ${e.type}, ${JSON.stringify(e.payload)}::jsonb, ${e.at}::timestamptz)`);
  return [
    sql`outbox_event AS (
      INSERT INTO outbox_events (account_id, activity_id, type, payload, created_at) VALUES ${sql.join(rows)}
      RETURNING id, account_id, activity_id, created_at)`,
    sql`outbox_delivery AS (
      INSERT INTO outbox_deliveries (consumer, event_id, account_id, activity_id, event_at)
      SELECT c.name, e.id, e.account_id, e.activity_id, e.created_at FROM outbox_consumers c CROSS JOIN outbox_event e)`,
  ];
}

export async function registerConsumer(db: Db, name: string): Promise<void> {
  await db.insertInto("outbox_consumers").values({ name }).onConflict((oc) => oc.column("name").doNothing()).execute();
}

export interface ClaimedDelivery {
  event_id: string;
  account_id: string;
  activity_id: string | null;
  attempts: number;
  type: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

/**
 * A delivery `d` of this consumer that is due and has no earlier delivery of its activity still pending.
 * Written as "d is its activity's first pending one" (a scalar subquery, always run per row through
 * the (consumer, activity_id, event_id) index) rather than NOT EXISTS: on a queue that filled faster
 * than autovacuum analyzed it, the planner costed the anti-join's inner side as one row and scanned
 * the whole consumer's pending index per candidate — 4.5 s a claim at 10,000 pending (bench/webhooks.ts).
 */
const dueInOrder = (consumer: string, now: Date) => sql`
  d.consumer = ${consumer} AND d.status = 'pending' AND d.next_attempt_at <= ${now}
  AND (d.activity_id IS NULL OR d.event_id <= (
    SELECT min(p.event_id) FROM outbox_deliveries p
    WHERE p.consumer = d.consumer AND p.status = 'pending' AND p.activity_id = d.activity_id))`;

/**
 * Runs `claim` with sorting off, then puts the setting back. The deliveries are partitioned by month
 * (migration 029), and a claim wants the oldest due ones across all months: left to itself the
 * planner read every due row of every month and sorted them; with sorting off it merges each
 * month's index, read in order, and stops at the limit. The setting is restored at once because it
 * would last to the end of the transaction, and a later statement in it that must sort (the
 * webhook fan-out) would be costed at PostgreSQL's 10^10 penalty and JIT-compiled: 270 ms a batch.
 */
export async function mergingMonthsInOrder<T>(tx: Tx, claim: () => Promise<T>): Promise<T> {
  const was = await sql<{ was: string }>`SELECT current_setting('enable_sort') AS was, set_config('enable_sort', 'off', true)`.execute(tx);
  const result = await claim();
  await sql`SELECT set_config('enable_sort', ${was.rows[0].was}, true)`.execute(tx);
  return result;
}

/**
 * Claims up to `limit` deliveries for a consumer, never two of the same activity out of order:
 * a delivery is eligible only if no earlier delivery of the same activity is still pending.
 * SKIP LOCKED lets several workers share the work; a claimed row stays locked until `tx` ends.
 */
export async function claimDeliveries(tx: Tx, consumer: string, now: Date, limit: number): Promise<ClaimedDelivery[]> {
  const r = await mergingMonthsInOrder(tx, () => sql<ClaimedDelivery>`
    SELECT d.event_id, d.account_id, d.activity_id, d.attempts, e.type, e.payload, e.created_at
    FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id AND e.account_id = d.account_id AND e.created_at = d.event_at
    WHERE ${dueInOrder(consumer, now)}
    ORDER BY d.event_id
    LIMIT ${limit}
    FOR UPDATE OF d SKIP LOCKED`.execute(tx));
  return r.rows;
}

export async function markDelivered(tx: Tx, consumer: string, eventId: string, now: Date): Promise<void> {
  await tx
    .updateTable("outbox_deliveries")
    .set({ status: "delivered", delivered_at: now, last_attempt_at: now, attempts: sql`attempts + 1`, last_error: null, lease_token: null })
    .where("consumer", "=", consumer)
    .where("event_id", "=", eventId)
    .execute();
}

export async function markDeliveredMany(tx: Tx, consumer: string, eventIds: string[], now: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await tx
    .updateTable("outbox_deliveries")
    .set({ status: "delivered", delivered_at: now, last_attempt_at: now, attempts: sql`attempts + 1`, last_error: null, lease_token: null })
    .where("consumer", "=", consumer)
    .where("event_id", "in", eventIds)
    .execute();
}

/** The retry schedule of a consumer: how long to wait after the n-th failed attempt. */
export type Backoff = (attempts: number) => number;

/** 2 s, 4 s, 8 s … capped at an hour. */
export const defaultBackoff: Backoff = (attempts) => Math.min(60 * 60_000, 2 ** attempts * 1000);

/** Records a failed attempt; retries back off, then the delivery is parked as failed. */
export async function markFailed(tx: Tx, consumer: string, d: ClaimedDelivery, error: string, now: Date, maxAttempts: number, backoff: Backoff = defaultBackoff): Promise<void> {
  const attempts = d.attempts + 1;
  await tx
    .updateTable("outbox_deliveries")
    .set({
      attempts,
      last_error: error.slice(0, 2000),
      last_attempt_at: now,
      lease_token: null,
      status: attempts >= maxAttempts ? "failed" : "pending",
      next_attempt_at: new Date(now.getTime() + backoff(attempts)),
    })
    .where("consumer", "=", consumer)
    .where("event_id", "=", d.event_id)
    .execute();
}

/**
 * Claims and leases up to `limit` due deliveries to one worker until `until`, in one statement:
 * each stays pending (so later events of its activity keep waiting behind it) but no other worker
 * claims it before the lease runs out. Oldest first; never two of one activity (the later one waits).
 */
export async function claimLeasedDeliveries(db: Db, consumer: string, now: Date, until: Date, token: string, limit: number): Promise<ClaimedDelivery[]> {
  const r = await db.transaction().execute((tx) => mergingMonthsInOrder(tx, () => sql<ClaimedDelivery>`
    WITH due AS (
      SELECT d.event_id, d.account_id, d.event_at FROM outbox_deliveries d
      WHERE ${dueInOrder(consumer, now)}
      ORDER BY d.event_id
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED)
    UPDATE outbox_deliveries d SET lease_token = ${token}::uuid, next_attempt_at = ${until}
    FROM due, outbox_events e
    -- The whole key, so each month's primary key finds the row whatever the planner's statistics say.
    WHERE d.consumer = ${consumer} AND d.event_id = due.event_id AND d.account_id = due.account_id AND d.event_at = due.event_at
      AND e.id = d.event_id AND e.account_id = d.account_id AND e.created_at = d.event_at
    RETURNING d.event_id, d.account_id, d.activity_id, d.attempts, e.type, e.payload, e.created_at`.execute(tx)));
  return r.rows.sort((a, b) => (BigInt(a.event_id) < BigInt(b.event_id) ? -1 : 1));
}

/** A leased delivery done: marked delivered in one statement, only if the lease is still this worker's. */
export async function settleLeasedDelivered(db: Db, consumer: string, eventId: string, token: string, now: Date): Promise<boolean> {
  const r = await executePrepared(db, db.updateTable("outbox_deliveries")
    .set({ status: "delivered", delivered_at: now, last_attempt_at: now, attempts: sql`attempts + 1`, last_error: null, lease_token: null })
    .where("consumer", "=", consumer).where("event_id", "=", eventId).where("lease_token", "=", token).where("status", "=", "pending"));
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Leased deliveries that needed no work, marked delivered in one statement (each only if its lease is still this worker's). */
export async function settleLeasedDeliveredMany(db: Db, consumer: string, eventIds: string[], token: string, now: Date): Promise<number> {
  if (eventIds.length === 0) return 0;
  const r = await db.updateTable("outbox_deliveries")
    .set({ status: "delivered", delivered_at: now, last_attempt_at: now, attempts: sql`attempts + 1`, last_error: null, lease_token: null })
    .where("consumer", "=", consumer).where("event_id", "in", eventIds).where("lease_token", "=", token).where("status", "=", "pending")
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Leased deliveries handed back unattempted: due again at `now`, for any worker to claim. */
export async function releaseLeased(db: Db, consumer: string, eventIds: string[], token: string, now: Date): Promise<void> {
  if (eventIds.length === 0) return;
  await db.updateTable("outbox_deliveries")
    .set({ lease_token: null, next_attempt_at: now })
    .where("consumer", "=", consumer).where("event_id", "in", eventIds).where("lease_token", "=", token).where("status", "=", "pending")
    .execute();
}

/** Records the outcome of a leased delivery, only if the lease is still this worker's. */
export async function settleLeased(
  db: Db, consumer: string, d: ClaimedDelivery, token: string, now: Date,
  outcome: { ok: true } | { ok: false; error: string; maxAttempts: number; backoff: Backoff },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const held = await tx.selectFrom("outbox_deliveries").select("event_id")
      .where("consumer", "=", consumer).where("event_id", "=", d.event_id).where("lease_token", "=", token).where("status", "=", "pending")
      .forUpdate().executeTakeFirst();
    if (!held) return false;
    if (outcome.ok) {
      await tx.updateTable("outbox_deliveries")
        .set({ status: "delivered", delivered_at: now, last_attempt_at: now, attempts: sql`attempts + 1`, last_error: null, lease_token: null })
        .where("consumer", "=", consumer).where("event_id", "=", d.event_id).execute();
    } else {
      await markFailed(tx, consumer, d, outcome.error, now, outcome.maxAttempts, outcome.backoff);
    }
    return true;
  });
}

/**
 * Retention: deletes up to `limit` events made before `before` that nothing still waits to deliver
 * (every outbox and webhook delivery delivered or parked as failed), with their delivery rows
 * (ON DELETE CASCADE). Oldest ids first, through the primary key, so a pass reads what it deletes.
 */
export async function pruneSettledEvents(db: Db, before: Date, limit: number): Promise<number> {
  const r = await sql`
    DELETE FROM outbox_events WHERE id IN (
      SELECT e.id FROM outbox_events e
      WHERE e.created_at < ${before}
        AND NOT EXISTS (SELECT 1 FROM outbox_deliveries d WHERE d.event_id = e.id AND d.event_at = e.created_at AND d.status = 'pending')
        AND NOT EXISTS (SELECT 1 FROM webhook_deliveries w WHERE w.event_id = e.id AND w.event_at = e.created_at AND w.status = 'pending')
      ORDER BY e.id
      LIMIT ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
