import { sql, type RawBuilder } from "kysely";
import type { Db, Tx } from "./database.js";

/**
 * The delivery log: every outbox consumer's deliveries (outbox_deliveries) and each webhook
 * endpoint's own (webhook_deliveries) as one list. The "webhooks" consumer's outbox rows are only
 * the fan-out, so the log shows the per-endpoint rows in their place.
 */
export const FAN_OUT_CONSUMER = "webhooks";

export type DeliveryState = "pending" | "retrying" | "delivered" | "failed";

export interface DeliveryLogRow {
  consumer: string;
  endpoint_id: string | null;
  /** consumer, or "webhooks:<endpoint id>": names one delivery together with the event id. */
  key: string;
  event_id: string;
  activity_id: string | null;
  type: string;
  action: string | null;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  last_error: string | null;
  last_status: number | null;
  leased: boolean;
  event_at: Date;
}

export interface DeliveryFilter {
  accountId: string;
  consumer?: string;
  endpointId?: string;
  activityId?: string;
  state?: DeliveryState;
  /** Exclusive: rows after this one in the log's order (newest first). */
  after?: { eventId: string; key: string };
  limit: number;
  order?: "newest" | "oldest";
}

function stateCondition(alias: string, state: DeliveryState | undefined): RawBuilder<unknown> {
  const t = sql.raw(alias);
  switch (state) {
    case undefined: return sql`TRUE`;
    case "pending": return sql`${t}.status = 'pending' AND ${t}.attempts = 0`;
    case "retrying": return sql`${t}.status = 'pending' AND ${t}.attempts > 0`;
    default: return sql`${t}.status = ${state}`;
  }
}

export async function listDeliveryLog(db: Db, f: DeliveryFilter): Promise<DeliveryLogRow[]> {
  const outbox = f.consumer === FAN_OUT_CONSUMER || f.endpointId ? null : sql`
    SELECT d.consumer, NULL::uuid AS endpoint_id, d.consumer AS key, d.event_id, d.activity_id, e.type, e.payload->>'action' AS action,
      d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.delivered_at, d.last_error, NULL::integer AS last_status,
      d.lease_token IS NOT NULL AS leased, e.created_at AS event_at
    FROM outbox_deliveries d JOIN outbox_events e ON e.id = d.event_id AND e.account_id = d.account_id AND e.created_at = d.event_at
    WHERE d.account_id = ${f.accountId}::uuid AND d.consumer <> ${FAN_OUT_CONSUMER}
      ${f.consumer ? sql`AND d.consumer = ${f.consumer}` : sql``}
      ${f.activityId ? sql`AND d.activity_id = ${f.activityId}` : sql``}
      AND ${stateCondition("d", f.state)}`;
  const hooks = f.consumer && f.consumer !== FAN_OUT_CONSUMER ? null : sql`
    SELECT 'webhooks' AS consumer, w.endpoint_id, 'webhooks:' || w.endpoint_id::text AS key, w.event_id, w.activity_id, e.type, e.payload->>'action' AS action,
      w.status, w.attempts, w.next_attempt_at, w.last_attempt_at, w.delivered_at, w.last_error, w.last_status,
      w.lease_token IS NOT NULL AS leased, e.created_at AS event_at
    FROM webhook_deliveries w JOIN outbox_events e ON e.id = w.event_id AND e.account_id = w.account_id AND e.created_at = w.event_at
    WHERE w.account_id = ${f.accountId}::uuid
      ${f.endpointId ? sql`AND w.endpoint_id = ${f.endpointId}::uuid` : sql``}
      ${f.activityId ? sql`AND w.activity_id = ${f.activityId}` : sql``}
      AND ${stateCondition("w", f.state)}`;
  const parts = [outbox, hooks].filter((p): p is RawBuilder<unknown> => p !== null);
  if (parts.length === 0) return [];
  const newest = (f.order ?? "newest") === "newest";
  const after = f.after
    ? newest ? sql`WHERE (x.event_id, x.key) < (${f.after.eventId}::bigint, ${f.after.key})` : sql`WHERE (x.event_id, x.key) > (${f.after.eventId}::bigint, ${f.after.key})`
    : sql``;
  const r = await sql<DeliveryLogRow>`
    SELECT x.*, x.event_id::text AS event_id FROM (${sql.join(parts, sql` UNION ALL `)}) x
    ${after}
    ORDER BY x.event_id ${newest ? sql`DESC` : sql`ASC`}, x.key ${newest ? sql`DESC` : sql`ASC`}
    LIMIT ${f.limit}`.execute(db);
  return r.rows;
}

export interface DeliveryRef {
  accountId: string;
  consumer: string;
  endpointId: string | null;
  eventId: string;
}

/** Locks one delivery of the account (for replay); undefined when it is not the account's. */
export async function lockDelivery(tx: Tx, ref: DeliveryRef): Promise<{ status: string; leased: boolean; next_attempt_at: Date } | undefined> {
  if (ref.endpointId) {
    return tx.selectFrom("webhook_deliveries").select(["status", sql<boolean>`lease_token IS NOT NULL`.as("leased"), "next_attempt_at"])
      .where("account_id", "=", ref.accountId).where("endpoint_id", "=", ref.endpointId).where("event_id", "=", ref.eventId).forUpdate().executeTakeFirst();
  }
  return tx.selectFrom("outbox_deliveries").select(["status", sql<boolean>`lease_token IS NOT NULL`.as("leased"), "next_attempt_at"])
    .where("account_id", "=", ref.accountId).where("consumer", "=", ref.consumer).where("consumer", "<>", FAN_OUT_CONSUMER).where("event_id", "=", ref.eventId)
    .forUpdate().executeTakeFirst();
}

/**
 * Puts deliveries back to pending, due now, with a fresh retry schedule (attempts from 0; the
 * last error stays until the next attempt replaces it). A delivery leased to a worker is skipped.
 */
export async function requeueDeliveries(
  tx: Tx, f: { accountId: string; consumer?: string; endpointId?: string; eventId?: string; onlyFailed: boolean; now: Date },
): Promise<number> {
  let n = 0;
  const reset = { status: "pending" as const, attempts: 0, next_attempt_at: f.now, lease_token: null, delivered_at: null };
  if (!f.endpointId && f.consumer !== FAN_OUT_CONSUMER) {
    let q = tx.updateTable("outbox_deliveries").set(reset).where("account_id", "=", f.accountId).where("consumer", "<>", FAN_OUT_CONSUMER)
      .where((eb) => eb.or([eb("status", "<>", "pending"), eb("lease_token", "is", null), eb("next_attempt_at", "<=", f.now)]));
    if (f.consumer) q = q.where("consumer", "=", f.consumer);
    if (f.eventId) q = q.where("event_id", "=", f.eventId);
    if (f.onlyFailed) q = q.where("status", "=", "failed");
    n += Number((await q.executeTakeFirst()).numUpdatedRows);
  }
  if (!f.consumer || f.consumer === FAN_OUT_CONSUMER) {
    let q = tx.updateTable("webhook_deliveries").set(reset).where("account_id", "=", f.accountId)
      .where((eb) => eb.or([eb("status", "<>", "pending"), eb("lease_token", "is", null), eb("next_attempt_at", "<=", f.now)]));
    if (f.endpointId) q = q.where("endpoint_id", "=", f.endpointId);
    if (f.eventId) q = q.where("event_id", "=", f.eventId);
    if (f.onlyFailed) q = q.where("status", "=", "failed");
    n += Number((await q.executeTakeFirst()).numUpdatedRows);
  }
  return n;
}
