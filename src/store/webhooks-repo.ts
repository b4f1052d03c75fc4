import { sql } from "kysely";
import type { Db, Tx } from "./database.js";
import { mergingMonthsInOrder } from "./outbox-repo.js";
import type { WebhookEndpointsTable } from "./schema.js";
import type { Selectable } from "kysely";

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

export async function listEndpoints(db: Db, accountId: string): Promise<WebhookEndpointRow[]> {
  return db.selectFrom("webhook_endpoints").selectAll().where("account_id", "=", accountId).orderBy("created_at").orderBy("id").execute();
}

export async function findEndpoint(db: Db | Tx, accountId: string, id: string): Promise<WebhookEndpointRow | undefined> {
  return db.selectFrom("webhook_endpoints").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

export async function insertEndpoint(tx: Tx, row: Omit<WebhookEndpointRow, "failure_streak" | "failing_since" | "disabled_reason">): Promise<void> {
  await tx.insertInto("webhook_endpoints").values(row).execute();
}

export async function updateEndpoint(
  tx: Tx, accountId: string, id: string,
  changes: Partial<Pick<WebhookEndpointRow, "url" | "description" | "event_types" | "enabled" | "secret_sealed" | "disabled_reason" | "failure_streak" | "failing_since">> & { updated_at: Date },
): Promise<WebhookEndpointRow | undefined> {
  return tx.updateTable("webhook_endpoints").set(changes).where("account_id", "=", accountId).where("id", "=", id).returningAll().executeTakeFirst();
}

export async function deleteEndpoint(tx: Tx, accountId: string, id: string): Promise<boolean> {
  const r = await tx.deleteFrom("webhook_endpoints").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * The fan-out: one pending delivery per enabled endpoint of the event's account that wants its
 * type, for many events in one statement. Runs in the outbox deliveries' transaction; the unique
 * key makes a repeat harmless.
 */
export async function fanOutEvents(
  tx: Tx, events: { eventId: string; accountId: string; activityId: string | null; type: string; eventAt: Date }[], now: Date,
): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => sql`(${e.eventId}::bigint, ${e.accountId}::uuid, ${e.activityId}::text, ${e.type}::text, ${e.eventAt}::timestamptz)`);
  const r = await sql`
    INSERT INTO webhook_deliveries (endpoint_id, event_id, account_id, activity_id, next_attempt_at, created_at, event_at)
    SELECT w.id, x.event_id, w.account_id, x.activity_id, ${now}::timestamptz, ${now}::timestamptz, x.event_at
    FROM (VALUES ${sql.join(rows)}) AS x (event_id, account_id, activity_id, type, event_at)
    JOIN webhook_endpoints w ON w.account_id = x.account_id AND w.enabled AND x.type = ANY (w.event_types)
    ORDER BY x.event_id
    ON CONFLICT DO NOTHING`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

export interface DueWebhook {
  endpoint_id: string;
  event_id: string;
  account_id: string;
  activity_id: string | null;
  attempts: number;
  type: string;
  payload: Record<string, unknown>;
  event_at: Date;
  /** When the delivery was made (the retry window counts from here). */
  created_at: Date;
  url: string;
  secret_sealed: string;
}

/**
 * Claims and leases up to `limit` due deliveries in one statement, oldest first, never two of
 * the same (endpoint, activity) out of order, only for enabled endpoints. SKIP LOCKED lets
 * several workers share the work; the lease (token, until `until`) keeps others off it.
 */
export async function claimDueWebhooks(db: Db, now: Date, until: Date, token: string, limit: number): Promise<DueWebhook[]> {
  const r = await db.transaction().execute((tx) => mergingMonthsInOrder(tx, () => sql<DueWebhook>`
    WITH due AS (
      SELECT d.endpoint_id, d.event_id, d.account_id, d.event_at, w.url, w.secret_sealed
      FROM webhook_deliveries d JOIN webhook_endpoints w ON w.account_id = d.account_id AND w.id = d.endpoint_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND w.enabled
        -- d is its activity's first pending delivery to this endpoint (see dueInOrder in outbox-repo.ts for why not NOT EXISTS)
        AND (d.activity_id IS NULL OR d.event_id <= (
          SELECT min(p.event_id) FROM webhook_deliveries p
          WHERE p.endpoint_id = d.endpoint_id AND p.status = 'pending' AND p.activity_id = d.activity_id))
      ORDER BY d.next_attempt_at, d.event_id
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED)
    UPDATE webhook_deliveries d SET lease_token = ${token}::uuid, next_attempt_at = ${until}
    FROM due, outbox_events e
    -- The whole key from "due" alone (the endpoint's columns ride along in it), so each month's primary
    -- key finds the row: joined to the endpoints here too, the planner on a fresh month's statistics
    -- looked the rows up by endpoint and filtered 10,000 for each (150 ms a claim).
    WHERE d.endpoint_id = due.endpoint_id AND d.event_id = due.event_id AND d.account_id = due.account_id AND d.event_at = due.event_at
      AND e.id = d.event_id AND e.account_id = d.account_id AND e.created_at = d.event_at
    RETURNING d.endpoint_id, d.event_id::text AS event_id, d.account_id, d.activity_id, d.attempts, e.type, e.payload, e.created_at AS event_at, d.created_at, due.url, due.secret_sealed`.execute(tx)));
  return r.rows;
}

export interface DeliveredWebhook {
  endpointId: string;
  eventId: string;
  /** The lease it was sent under: a delivery whose lease passed to another worker is not touched. */
  token: string;
  status: number;
}

/**
 * Marks leased deliveries delivered (each only if its lease is still ours) and ends their
 * endpoints' runs of failures, in one statement: the hot path of healthy receivers.
 */
export async function settleWebhooksDelivered(db: Db, done: DeliveredWebhook[], now: Date): Promise<number> {
  if (done.length === 0) return 0;
  const r = await sql<{ n: string | number }>`
    WITH input AS (
      SELECT * FROM unnest(${done.map((d) => d.endpointId)}::uuid[], ${done.map((d) => d.eventId)}::bigint[], ${done.map((d) => d.token)}::uuid[], ${done.map((d) => d.status)}::int[])
        AS i(endpoint_id, event_id, token, status)),
    settled AS (
      UPDATE webhook_deliveries d SET status = 'delivered', delivered_at = ${now}, last_attempt_at = ${now}, attempts = d.attempts + 1,
        last_status = i.status, last_error = NULL, lease_token = NULL
      FROM input i
      WHERE d.endpoint_id = i.endpoint_id AND d.event_id = i.event_id AND d.lease_token = i.token AND d.status = 'pending'
      RETURNING d.endpoint_id),
    healthy AS (
      UPDATE webhook_endpoints SET failure_streak = 0, failing_since = NULL
      WHERE id IN (SELECT endpoint_id FROM settled) AND failure_streak <> 0)
    SELECT count(*) AS n FROM settled`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** Records a failed attempt of a leased delivery (only if the lease is still ours); true if recorded. */
export async function recordWebhookFailure(
  tx: Tx, d: { endpointId: string; eventId: string; token: string; now: Date; status: number | null; error: string; nextAttemptAt: Date; giveUp: boolean },
): Promise<boolean> {
  const r = await tx.updateTable("webhook_deliveries")
    .set({
      attempts: sql`attempts + 1`, last_attempt_at: d.now, last_status: d.status, last_error: d.error.slice(0, 2000), lease_token: null,
      status: d.giveUp ? "failed" : "pending", next_attempt_at: d.nextAttemptAt,
    })
    .where("endpoint_id", "=", d.endpointId).where("event_id", "=", d.eventId).where("lease_token", "=", d.token).where("status", "=", "pending")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Lengthens the endpoint's run of failures; returns it (locked) for the disable decision. */
export async function extendFailureStreak(tx: Tx, endpointId: string, now: Date): Promise<WebhookEndpointRow | undefined> {
  return tx.updateTable("webhook_endpoints")
    .set({ failure_streak: sql`failure_streak + 1`, failing_since: sql`COALESCE(failing_since, ${now}::timestamptz)` })
    .where("id", "=", endpointId).returningAll().executeTakeFirst();
}
