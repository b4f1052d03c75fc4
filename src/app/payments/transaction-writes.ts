import { randomUUID } from "node:crypto";
import { newActivityId } from "../../domain/activity-id.js";
import { DomainError } from "../../domain/errors.js";
import type { OutboxEvent } from "../../domain/events.js";
import type { Money } from "../../domain/money.js";
import { statusOfTransaction, type TransactionType } from "../../domain/transactions.js";
import { findActivity, insertActivityWithRecords, insertHistory, insertRelation, updateActivityGuarded, type ActivityRow, type NewActivity } from "../../store/activities-repo.js";
import type { Tx } from "../../store/database.js";
import { recordInvoiceDetails } from "../../store/invoices-repo.js";
import { insertPaymentRecord, type NewPaymentRecord } from "../../store/payments-repo.js";
import type { Payer } from "../../store/schema.js";
import { emit, snapshot, type ActorInfo } from "../activity-writes.js";
import type { AppContext } from "../context.js";

/**
 * The one place transactions (TXN- activities) are written: the activity with its history row,
 * its relation to the booking or package it concerns, its payment record and its outbox events,
 * in the caller's transaction. A transaction's detailed status is its type (domain/transactions.ts).
 */
export interface NewTransaction {
  kind: "payment" | "refund";
  purpose: NewPaymentRecord["purpose"];
  type: TransactionType;
  /** The booking or package paid for: the transaction takes its page, host and customer. */
  forActivity: ActivityRow;
  /** A refund's payment. */
  payment?: ActivityRow;
  amount: Money;
  state: NewPaymentRecord["state"];
  payer?: Payer | null;
  paypal?: { orderId?: string | null; captureId?: string | null; refundId?: string | null };
  requestId?: string;
  reason?: string | null;
  actor: ActorInfo;
  action: string;
  data?: Record<string, unknown>;
}

export async function createTransaction(tx: Tx, ctx: AppContext, t: NewTransaction): Promise<ActivityRow> {
  const now = ctx.clock.now();
  const f = t.forActivity;
  const status = statusOfTransaction(t.type);
  const row: NewActivity = {
    id: newActivityId("transaction"),
    account_id: f.account_id,
    type: "transaction",
    status,
    detailed_status: t.type,
    booking_page_id: f.booking_page_id,
    event_type_id: null,
    owner_id: f.owner_id,
    customer_id: f.customer_id,
    customer_name: f.customer_name,
    customer_email: f.customer_email,
    customer_phone: f.customer_phone,
    customer_time_zone: f.customer_time_zone,
    page_name: f.page_name,
    event_type_name: null,
    owner_name: f.owner_name,
    start_at: null,
    end_at: null,
    proposed_times: null,
    latest_proposed_at: null,
    reschedules_id: null,
    reschedule_request: null,
    reason: t.reason ?? null,
    answers: null,
    created_at: now,
    updated_at: now,
    amount_minor: t.amount.minor,
    currency: t.amount.currency,
    refundable_minor: t.kind === "payment" && t.state === "completed" ? t.amount.minor : t.kind === "payment" ? 0 : null,
  };
  const activity = { ...row, version: 1, page_owner_id: null, page_slug: null, page_location: null } as ActivityRow;
  const event: OutboxEvent = {
    type: "transaction.created",
    activity: snapshot(activity),
    kind: t.kind,
    purpose: t.purpose,
    forActivityId: f.id,
    paymentActivityId: t.payment?.id ?? null,
    actor: t.actor.type,
  };
  await insertActivityWithRecords(tx, {
    activity: row,
    history: {
      accountId: f.account_id,
      activityId: row.id,
      at: now,
      actorType: t.actor.type,
      actorId: t.actor.id,
      actorName: t.actor.name,
      action: t.action,
      from: null,
      to: { status, detailedStatus: t.type },
      reason: t.reason ?? null,
      data: { ...t.data, for: f.id, ...(t.payment ? { payment: t.payment.id } : {}) },
    },
    relation: { fromId: f.id, kind: "payment" },
    events: [{ accountId: f.account_id, activityId: row.id, type: event.type, payload: event as unknown as Record<string, unknown>, at: now }],
  });
  if (t.payment) await insertRelation(tx, f.account_id, t.payment.id, row.id, "refund", now);
  // The invoice or credit note shows the business and tax as they are now, however they change later.
  await recordInvoiceDetails(tx, f.account_id, row.id, now);
  await insertPaymentRecord(tx, {
    activity_id: row.id,
    account_id: f.account_id,
    kind: t.kind,
    purpose: t.purpose,
    for_activity_id: f.id,
    payment_activity_id: t.payment?.id ?? null,
    booking_page_id: f.booking_page_id,
    amount_minor: t.amount.minor,
    currency: t.amount.currency,
    paypal_order_id: t.paypal?.orderId ?? null,
    paypal_capture_id: t.paypal?.captureId ?? null,
    paypal_refund_id: t.paypal?.refundId ?? null,
    request_id: t.requestId ?? randomUUID(),
    payer: t.payer ?? null,
    reason: t.reason ?? null,
    state: t.state,
    created_at: now,
    updated_at: now,
  });
  return activity;
}

/**
 * Moves a transaction to another type (pending → completed, pending → denied …) and/or changes
 * its refundable rest, with a history row and an event. Guarded by version, like every change.
 */
export async function changeTransaction(
  tx: Tx,
  ctx: AppContext,
  a: ActivityRow,
  change: { type?: TransactionType; refundableMinor?: number | null; action: string; actor: ActorInfo; reason?: string | null; data?: Record<string, unknown> },
): Promise<ActivityRow> {
  const now = ctx.clock.now();
  const type = change.type ?? (a.detailed_status as TransactionType);
  const status = statusOfTransaction(type);
  const changes = {
    status,
    detailed_status: type,
    updated_at: now,
    ...(change.refundableMinor !== undefined ? { refundable_minor: change.refundableMinor } : {}),
  };
  if (!(await updateActivityGuarded(tx, a.account_id, a.id, { detailedStatus: a.detailed_status, version: a.version }, changes))) {
    const current = await findActivity(tx, a.account_id, a.id);
    throw new DomainError("conflict", `${a.id} was changed by someone else; it is now ${current?.detailed_status ?? "deleted"}.`, { activityId: a.id, detailedStatus: current?.detailed_status });
  }
  const after = { ...a, ...changes, version: a.version + 1 } as ActivityRow;
  await insertHistory(tx, {
    accountId: a.account_id,
    activityId: a.id,
    at: now,
    actorType: change.actor.type,
    actorId: change.actor.id,
    actorName: change.actor.name,
    action: change.action,
    from: { status: a.status, detailedStatus: a.detailed_status },
    to: { status, detailedStatus: type },
    reason: change.reason ?? null,
    data: change.data,
  });
  await emit(tx, a.account_id, [{ type: "transaction.updated", activity: snapshot(after), action: change.action, actor: change.actor.type, from: { status: a.status, detailedStatus: a.detailed_status } }], now);
  return after;
}
