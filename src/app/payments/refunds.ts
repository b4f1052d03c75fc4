import { randomUUID } from "node:crypto";
import { DomainError, notFound, unprocessable } from "../../domain/errors.js";
import { formatDecimal, money, parseMoney, type Money } from "../../domain/money.js";
import { allowedTransactionActions, refundType, type RefundOrigin } from "../../domain/transactions.js";
import { findActivity, listRelations, type ActivityRow } from "../../store/activities-repo.js";
import type { Tx } from "../../store/database.js";
import { listPaymentsFor, lockPaymentRecord, reserveRefund } from "../../store/payments-repo.js";
import { findPage } from "../../store/pages-repo.js";
import { emit, inTransaction, loadInTx, snapshot, type ActorInfo } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { userActor } from "../load-for-action.js";
import { assertCanChange, canSee, visibilityOf } from "../permissions.js";
import { inTrashError } from "../../domain/trash.js";
import { changeTransaction, createTransaction } from "./transaction-writes.js";

/**
 * Refunds start here: the payment's refundable rest is reserved under its row lock (and the
 * table's CHECK: never more than was paid, whatever the race), the refund is written as its own
 * transaction — pending until PayPal answers — and a `refund.requested` event hands it to the
 * payments consumer, which calls PayPal with the refund's request id (execute-refund.ts).
 */
export interface RefundRequest {
  payment: ActivityRow;
  amount: Money;
  origin: Exclude<RefundOrigin, "paypal">;
  reason: string | null;
  actor: ActorInfo;
}

export async function requestRefund(tx: Tx, ctx: AppContext, r: RefundRequest): Promise<ActivityRow> {
  const rec = await lockPaymentRecord(tx, r.payment.account_id, r.payment.id);
  if (!rec || rec.kind !== "payment") throw new DomainError("action_not_allowed", `${r.payment.id} is not a payment; only payments are refunded.`, { activityId: r.payment.id });
  const payment = await loadInTx(tx, r.payment.account_id, r.payment.id);
  if (rec.state !== "completed") {
    throw new DomainError("action_not_allowed", `Cannot refund ${payment.id}: it is ${payment.detailed_status}.`, { activityId: payment.id, action: "refund", status: payment.status, detailedStatus: payment.detailed_status });
  }
  if (r.amount.currency !== rec.currency) throw unprocessable(`amount: ${payment.id} was paid in ${rec.currency}, not ${r.amount.currency}.`, { field: "amount" });
  if (r.amount.minor <= 0) throw new DomainError("validation_failed", "amount: refund more than nothing", { field: "amount" });
  const refundable = rec.amount_minor - rec.refunded_minor;
  if (r.amount.minor > refundable) {
    throw unprocessable(`amount: ${formatDecimal(r.amount)} ${rec.currency} is more than the ${formatDecimal(money(refundable, rec.currency))} ${rec.currency} left to refund on ${payment.id}.`, {
      field: "amount",
      reason: "refund_exceeds_payment",
      refundable: formatDecimal(money(refundable, rec.currency)),
    });
  }
  if (!(await reserveRefund(tx, rec.account_id, rec.activity_id, r.amount.minor))) {
    throw new DomainError("conflict", `Another refund of ${payment.id} was made meanwhile; reload to see what is left.`, { activityId: payment.id });
  }
  const after = await changeTransaction(tx, ctx, payment, {
    refundableMinor: refundable - r.amount.minor,
    action: "refund-requested",
    actor: r.actor,
    reason: r.reason,
    data: { amount: formatDecimal(r.amount), currency: r.amount.currency },
  });
  const forActivity = (rec.for_activity_id ? await findActivity(tx, rec.account_id, rec.for_activity_id) : undefined) ?? payment;
  const refund = await createTransaction(tx, ctx, {
    kind: "refund",
    purpose: r.origin,
    type: refundType(r.origin, "pending"),
    forActivity,
    payment: after,
    amount: r.amount,
    state: "submitting",
    requestId: `refund-${randomUUID()}`,
    reason: r.reason,
    actor: r.actor,
    action: r.origin === "cancellation" ? "refund-on-cancel" : "refund",
  });
  await emit(tx, rec.account_id, [{ type: "refund.requested", activity: snapshot(refund), paymentActivityId: payment.id, requestId: refund.id }], ctx.clock.now());
  return refund;
}

/**
 * A user refunds a payment from the Activity stream, in full or in part, with a reason kept. For
 * the booking's host, its page's owner and admins ("MANUAL REFUND VIA BOOKSTREAM").
 */
export async function refundPayment(ctx: AppContext, caller: Caller, id: string, body: { amount?: string; reason?: string; expectedVersion?: number }) {
  return inTransaction(ctx, async (tx) => {
    const a = await loadInTx(tx, caller.accountId, id);
    if (!canSee(await visibilityOf(tx, caller), a)) throw notFound("Activity", id);
    if (a.trashed_at) throw inTrashError(a, "refund");
    if (a.type !== "transaction") {
      throw new DomainError("action_not_allowed", `Cannot refund ${a.id}: it is a ${a.type}; refund its payment.`, { activityId: a.id, action: "refund", status: a.status, detailedStatus: a.detailed_status });
    }
    assertCanChange(caller, a, "refund");
    if (body.expectedVersion !== undefined && body.expectedVersion !== a.version) {
      throw new DomainError("conflict", `${a.id} was changed by someone else since you loaded it; it is now ${a.detailed_status}.`, { activityId: a.id, detailedStatus: a.detailed_status, version: a.version });
    }
    if (!allowedTransactionActions(a.detailed_status, a.refundable_minor ?? 0).includes("refund")) {
      throw new DomainError("action_not_allowed", `Cannot refund ${a.id}: it is ${a.detailed_status}${a.refundable_minor === 0 && a.status === "Paid" ? ", fully refunded" : ""}.`, {
        activityId: a.id, action: "refund", status: a.status, detailedStatus: a.detailed_status,
      });
    }
    const amount = body.amount ? parseMoney(body.amount, a.currency!, "amount") : money(a.refundable_minor ?? 0, a.currency!);
    return requestRefund(tx, ctx, { payment: a, amount, origin: "bookstream", reason: body.reason?.trim() || null, actor: userActor(caller) });
  });
}

/**
 * The customer canceled a booking on a page that refunds cancellations automatically: what they
 * paid for it goes back ("AUTOMATIC REFUND (CANCELLATION)"). A session of a paid package gets its
 * share of the package's payment back.
 */
export async function refundOnCustomerCancel(tx: Tx, ctx: AppContext, booking: ActivityRow): Promise<void> {
  if (!booking.booking_page_id) return;
  const page = await findPage(tx, booking.account_id, booking.booking_page_id);
  if (page?.refund_policy !== "automatic") return;
  const actor: ActorInfo = { type: "system", id: null, name: "Bookstream" };
  const reason = booking.reason ? `Canceled by the customer: ${booking.reason}` : "Canceled by the customer";
  for (const p of await listPaymentsFor(tx, booking.account_id, booking.id)) {
    const rest = p.amount_minor - p.refunded_minor;
    if (p.kind !== "payment" || p.state !== "completed" || rest <= 0) continue;
    await requestRefund(tx, ctx, { payment: await loadInTx(tx, p.account_id, p.activity_id), amount: money(rest, p.currency), origin: "cancellation", reason, actor });
  }
  const packageId = (await listRelations(tx, booking.account_id, booking.id)).find((r) => r.kind === "package_session" && r.to_id === booking.id)?.from_id;
  if (!packageId) return;
  const sessions = (await listRelations(tx, booking.account_id, packageId)).filter((r) => r.kind === "package_session" && r.from_id === packageId).length;
  for (const p of await listPaymentsFor(tx, booking.account_id, packageId)) {
    if (p.kind !== "payment" || p.state !== "completed" || sessions === 0) continue;
    const share = Math.min(Math.floor(p.amount_minor / sessions), p.amount_minor - p.refunded_minor);
    if (share <= 0) continue;
    await requestRefund(tx, ctx, { payment: await loadInTx(tx, p.account_id, p.activity_id), amount: money(share, p.currency), origin: "cancellation", reason: `${reason} (session ${booking.id})`, actor });
  }
}
