import { applyTransition, loadInTx, type ActorInfo } from "../activity-writes.js";
import { DomainError } from "../../domain/errors.js";
import { statusOf, type DetailedStatus } from "../../domain/lifecycle.js";
import { money } from "../../domain/money.js";
import { paymentType, refundType, type RefundOrigin } from "../../domain/transactions.js";
import { listRelations, type ActivityRow } from "../../store/activities-repo.js";
import type { Tx } from "../../store/database.js";
import { findPaymentRecord, lockPaymentRecord, releaseRefund, reserveRefund, updatePaymentRecord, type PaymentRecord } from "../../store/payments-repo.js";
import type { AppContext } from "../context.js";
import type { CaptureState, RefundResult } from "./gateway.js";
import { changeTransaction, createTransaction } from "./transaction-writes.js";

/**
 * What PayPal says of a payment or refund, applied to Bookstream's records: the answer to a
 * call, a webhook, or the reconciler's look-up — all three end here, and each is idempotent (a
 * state already applied changes nothing; a settled payment never goes back to pending).
 */
export const PAYPAL: ActorInfo = { type: "system", id: null, name: "PayPal" };

/** A pending capture that completed or was denied. Denied: what it paid for is canceled ("Canceled (Payment denied)"). */
export async function settlePayment(tx: Tx, ctx: AppContext, record: PaymentRecord, state: CaptureState): Promise<"applied" | "unchanged"> {
  // A payment leaves "pending" once, for good: a read that already shows it settled (or news that
  // it is still pending) needs no lock — the common case of PayPal repeating what we know.
  if (record.state !== "pending" || state === "pending") return "unchanged";
  const rec = (await lockPaymentRecord(tx, record.account_id, record.activity_id))!;
  if (rec.state !== "pending") return "unchanged";
  const now = ctx.clock.now();
  const purpose = rec.purpose === "reschedule" ? "reschedule" : "schedule";
  const payment = await loadInTx(tx, rec.account_id, rec.activity_id);
  await updatePaymentRecord(tx, rec.account_id, rec.activity_id, { state: state === "completed" ? "completed" : "denied", updated_at: now });
  await changeTransaction(tx, ctx, payment, {
    type: paymentType(purpose, state),
    refundableMinor: state === "completed" ? rec.amount_minor - rec.refunded_minor : 0,
    action: state === "completed" ? "payment-completed" : "payment-denied",
    actor: PAYPAL,
  });
  if (state === "denied" && rec.for_activity_id) await cancelForDeniedPayment(tx, ctx, rec.account_id, rec.for_activity_id, payment.id);
  return "applied";
}

/** The booking (or every live session of the package) a denied payment paid for, canceled by the system. */
async function cancelForDeniedPayment(tx: Tx, ctx: AppContext, accountId: string, paidForId: string, paymentId: string) {
  const paidFor = await loadInTx(tx, accountId, paidForId);
  const sessions = paidFor.type === "package"
    ? (await listRelations(tx, accountId, paidFor.id)).filter((r) => r.kind === "package_session" && r.from_id === paidFor.id).map((r) => r.to_id)
    : [paidFor.id];
  for (const id of sessions) {
    const b = await loadInTx(tx, accountId, id);
    const status = statusOf(b.detailed_status as DetailedStatus);
    if (status === "Canceled" || status === "Requested") continue;
    await applyTransition(tx, ctx, {
      activity: b,
      transition: { kind: "payment-denied" },
      action: "payment-denied",
      actor: { type: "system", id: null, name: "Bookstream" },
      reason: "PayPal denied the payment",
      data: { payment: paymentId },
    });
  }
}

const originOf = (purpose: PaymentRecord["purpose"]): RefundOrigin => (purpose === "cancellation" ? "cancellation" : purpose === "paypal" ? "paypal" : "bookstream");

/** PayPal's answer about a refund Bookstream asked for: its id, and completed, pending or failed. */
export async function settleRefund(tx: Tx, ctx: AppContext, record: PaymentRecord, result: Pick<RefundResult, "refundId" | "state">, failure?: string): Promise<"applied" | "unchanged"> {
  const rec = (await lockPaymentRecord(tx, record.account_id, record.activity_id))!;
  const next = result.state === "completed" ? "completed" : result.state === "failed" ? "failed" : "pending";
  if (rec.state === next || rec.state === "completed" || rec.state === "failed") return "unchanged";
  const now = ctx.clock.now();
  await updatePaymentRecord(tx, rec.account_id, rec.activity_id, { state: next, paypal_refund_id: result.refundId || rec.paypal_refund_id, updated_at: now });
  const refund = await loadInTx(tx, rec.account_id, rec.activity_id);
  const type = refundType(originOf(rec.purpose), result.state);
  if (type !== refund.detailed_status) {
    await changeTransaction(tx, ctx, refund, { type, action: `refund-${next}`, actor: PAYPAL, ...(failure ? { reason: failure } : {}) });
  }
  if (next === "failed" && rec.payment_activity_id) {
    // Nothing left the account: the payment's rest comes back.
    await releaseRefund(tx, rec.account_id, rec.payment_activity_id, rec.amount_minor);
    const payRec = (await findPaymentRecord(tx, rec.account_id, rec.payment_activity_id))!;
    const payment = await loadInTx(tx, rec.account_id, rec.payment_activity_id);
    await changeTransaction(tx, ctx, payment, { refundableMinor: payRec.amount_minor - payRec.refunded_minor, action: "refund-failed", actor: PAYPAL, reason: failure ?? null });
  }
  return "applied";
}

/**
 * A refund made in PayPal itself (Bookstream did not ask for it): "MANUAL REFUND VIA PAYPAL",
 * related to the booking or package, with the payment's refundable rest reduced.
 */
export async function recordPayPalRefund(tx: Tx, ctx: AppContext, paymentRecord: PaymentRecord, refund: Pick<RefundResult, "refundId" | "amount">): Promise<ActivityRow> {
  const rec = (await lockPaymentRecord(tx, paymentRecord.account_id, paymentRecord.activity_id))!;
  // PayPal refunded it, so it happened; a Bookstream refund still pending for the same money will
  // fail at PayPal and give its reservation back.
  const take = Math.min(refund.amount.minor, rec.amount_minor - rec.refunded_minor);
  if (take > 0 && !(await reserveRefund(tx, rec.account_id, rec.activity_id, take))) throw new DomainError("conflict", "the payment changed meanwhile", {});
  const payment = await loadInTx(tx, rec.account_id, rec.activity_id);
  const after = await changeTransaction(tx, ctx, payment, {
    refundableMinor: rec.amount_minor - rec.refunded_minor - take,
    action: "refunded-in-paypal",
    actor: PAYPAL,
    data: { refundId: refund.refundId },
  });
  const forActivity = (rec.for_activity_id ? await loadInTx(tx, rec.account_id, rec.for_activity_id).catch(() => undefined) : undefined) ?? after;
  return createTransaction(tx, ctx, {
    kind: "refund",
    purpose: "paypal",
    type: refundType("paypal", "completed"),
    forActivity,
    payment: after,
    amount: money(refund.amount.minor, refund.amount.currency),
    state: "completed",
    paypal: { captureId: rec.paypal_capture_id, refundId: refund.refundId },
    requestId: `paypal-${refund.refundId}`,
    actor: PAYPAL,
    action: "refunded-in-paypal",
  });
}
