import { sql } from "kysely";
import type { Db, Tx } from "./database.js";
import type { Payer, PaymentRecordState, PaymentRecordsTable } from "./schema.js";

type Conn = Db | Tx;

/** Payments and refunds beside their TXN- activities, the account's PayPal connection and PayPal's webhook events (migration 009). */

export interface NewPaymentRecord {
  activity_id: string;
  account_id: string;
  kind: PaymentRecordsTable["kind"];
  purpose: PaymentRecordsTable["purpose"];
  for_activity_id: string | null;
  payment_activity_id: string | null;
  booking_page_id: string | null;
  amount_minor: number;
  currency: string;
  refunded_minor?: number;
  paypal_order_id: string | null;
  paypal_capture_id: string | null;
  paypal_refund_id: string | null;
  request_id: string;
  payer: Payer | null;
  reason: string | null;
  state: PaymentRecordState;
  created_at: Date;
  updated_at: Date;
}

export async function insertPaymentRecord(tx: Tx, r: NewPaymentRecord): Promise<void> {
  await tx.insertInto("payment_records").values({ ...r, payer: r.payer ? JSON.stringify(r.payer) : null }).execute();
}

export type PaymentRecord = Awaited<ReturnType<typeof findPaymentRecord>> & {};

export async function findPaymentRecord(conn: Conn, accountId: string, activityId: string) {
  return conn.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("activity_id", "=", activityId).executeTakeFirst();
}

/** The record, locked until the transaction ends: refunds of one payment are decided one at a time. */
export async function lockPaymentRecord(tx: Tx, accountId: string, activityId: string) {
  return tx.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("activity_id", "=", activityId).forUpdate().executeTakeFirst();
}

export async function findPaymentByCapture(conn: Conn, accountId: string, captureId: string) {
  return conn.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("kind", "=", "payment").where("paypal_capture_id", "=", captureId).executeTakeFirst();
}

export async function findRefundByPayPalId(conn: Conn, accountId: string, refundId: string) {
  return conn.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("kind", "=", "refund").where("paypal_refund_id", "=", refundId).executeTakeFirst();
}

/** The payments made for a booking or package (oldest first). */
export async function listPaymentsFor(conn: Conn, accountId: string, forActivityId: string) {
  return conn.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("for_activity_id", "=", forActivityId).orderBy("created_at").orderBy("activity_id").execute();
}

export async function listRefundsOf(conn: Conn, accountId: string, paymentActivityId: string) {
  return conn.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("payment_activity_id", "=", paymentActivityId).orderBy("created_at").orderBy("activity_id").execute();
}

export async function updatePaymentRecord(
  tx: Tx,
  accountId: string,
  activityId: string,
  changes: Partial<Pick<PaymentRecordsTable, "state" | "paypal_capture_id" | "paypal_refund_id" | "paypal_order_id">> & { updated_at: Date },
): Promise<void> {
  await tx.updateTable("payment_records").set(changes).where("account_id", "=", accountId).where("activity_id", "=", activityId).execute();
}

/**
 * Reserves `minor` of a payment for a refund; false when that would refund more than was paid.
 * The table's CHECK (refunded_minor <= amount_minor) is the last word whatever the race.
 */
export async function reserveRefund(tx: Tx, accountId: string, paymentActivityId: string, minor: number): Promise<boolean> {
  const r = await tx
    .updateTable("payment_records")
    .set({ refunded_minor: sql`refunded_minor + ${minor}` })
    .where("account_id", "=", accountId)
    .where("activity_id", "=", paymentActivityId)
    .where(sql<boolean>`refunded_minor + ${minor} <= amount_minor`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Gives back what a failed refund had reserved. */
export async function releaseRefund(tx: Tx, accountId: string, paymentActivityId: string, minor: number): Promise<void> {
  await tx
    .updateTable("payment_records")
    .set({ refunded_minor: sql`greatest(refunded_minor - ${minor}, 0)` })
    .where("account_id", "=", accountId)
    .where("activity_id", "=", paymentActivityId)
    .execute();
}

/** Payments and refunds PayPal has not settled yet, last touched before `before` (for the reconciler). */
export async function listUnsettled(conn: Conn, before: Date, limit: number) {
  return conn
    .selectFrom("payment_records")
    .selectAll()
    .where("state", "=", "pending")
    .where("updated_at", "<", before)
    .orderBy("updated_at")
    .limit(limit)
    .execute();
}

// ---- The PayPal connection ----

export async function findConnection(conn: Conn, accountId: string) {
  return conn.selectFrom("payment_connections").selectAll().where("account_id", "=", accountId).executeTakeFirst();
}

export async function findConnectionByWebhookKey(conn: Conn, webhookKey: string) {
  return conn.selectFrom("payment_connections").selectAll().where("webhook_key", "=", webhookKey).executeTakeFirst();
}

export async function upsertConnection(tx: Tx, c: {
  account_id: string; mode: "sandbox" | "live"; base_url: string; client_id: string; client_secret_sealed: string;
  webhook_id: string | null; webhook_key: string; connected_by: string | null; at: Date;
}): Promise<void> {
  const { at, ...row } = c;
  await tx
    .insertInto("payment_connections")
    .values({ ...row, provider: "paypal", connected_at: at, updated_at: at })
    .onConflict((oc) =>
      oc.column("account_id").doUpdateSet({
        mode: row.mode, base_url: row.base_url, client_id: row.client_id, client_secret_sealed: row.client_secret_sealed,
        webhook_id: row.webhook_id, connected_by: row.connected_by, updated_at: at,
      }),
    )
    .execute();
}

export async function setConnectionWebhookId(conn: Conn, accountId: string, webhookId: string | null, at: Date): Promise<void> {
  await conn.updateTable("payment_connections").set({ webhook_id: webhookId, updated_at: at }).where("account_id", "=", accountId).execute();
}

export async function deleteConnection(conn: Conn, accountId: string): Promise<boolean> {
  const r = await conn.deleteFrom("payment_connections").where("account_id", "=", accountId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ---- PayPal's webhook events ----

/** Keeps an event once; false when it was already here (a repeated delivery). */
/** Keeps an event once (false: its id was kept before); `outcome`/`processed_at` when it was applied in the same transaction. */
export async function insertWebhookEvent(conn: Conn, e: {
  account_id: string; event_id: string; event_type: string; resource_id: string | null; capture_id: string | null; payload: Record<string, unknown>; received_at: Date;
  outcome?: string; processed_at?: Date;
}): Promise<boolean> {
  const r = await conn
    .insertInto("paypal_webhook_events")
    .values({ ...e, payload: JSON.stringify(e.payload) })
    .onConflict((oc) => oc.columns(["account_id", "event_id"]).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function markWebhookEvent(conn: Conn, accountId: string, eventId: string, outcome: string, processedAt: Date | null): Promise<void> {
  await conn.updateTable("paypal_webhook_events").set({ outcome, processed_at: processedAt }).where("account_id", "=", accountId).where("event_id", "=", eventId).execute();
}

/** Events that arrived before Bookstream knew their capture, oldest first. */
export async function listWaitingEvents(conn: Conn, accountId: string, captureId: string) {
  return conn
    .selectFrom("paypal_webhook_events")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("capture_id", "=", captureId)
    .where("processed_at", "is", null)
    .orderBy("received_at")
    // Locked: the checkout that records the capture and the reconciler's sweep may both get here.
    .forUpdate()
    .execute();
}

/** Locks one kept event; true if it is still waiting (nobody applied it meanwhile). */
export async function lockWaitingEvent(tx: Tx, accountId: string, eventId: string): Promise<boolean> {
  const r = await tx.selectFrom("paypal_webhook_events").select("event_id")
    .where("account_id", "=", accountId).where("event_id", "=", eventId).where("processed_at", "is", null)
    .forUpdate().executeTakeFirst();
  return r !== undefined;
}

/**
 * Captures Bookstream has recorded that still have events waiting for them: an event and the
 * checkout recording its capture can commit at the same moment and miss each other (each read
 * before the other committed); the reconciler applies these.
 */
export async function listCapturesWithWaitingEvents(conn: Conn, limit: number) {
  return conn
    .selectFrom("paypal_webhook_events as w")
    .innerJoin("payment_records as p", (j) => j.onRef("p.account_id", "=", "w.account_id").onRef("p.paypal_capture_id", "=", "w.capture_id").on("p.kind", "=", "payment"))
    .select(["w.account_id", "w.capture_id"])
    .distinct()
    .where("w.processed_at", "is", null)
    .limit(limit)
    .execute();
}
