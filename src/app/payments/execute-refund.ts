import type { OutboxConsumer } from "../../jobs/outbox-dispatcher.js";
import { findPaymentRecord } from "../../store/payments-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";
import { PaymentProviderError } from "./gateway.js";
import { applyWaitingEvents } from "./paypal-events.js";
import { settleRefund } from "./settle.js";

/**
 * The payments consumer of the outbox: sends each requested refund to PayPal with the refund's
 * own request id (PayPal answers a repeat with the first result, so a retry after a lost answer
 * refunds once), and records PayPal's answer. The call to PayPal runs outside any transaction
 * (the dispatcher leases the delivery): a slow PayPal holds no database connection or lock.
 * PayPal not answering is retried with back-off (the dispatcher's); a refusal (nothing left to
 * refund, capture reversed …) settles the refund as failed and gives the payment its rest back.
 */
export function paymentsConsumer(ctx: AppContext): OutboxConsumer {
  return {
    name: "payments",
    maxAttempts: 25,
    leaseMs: 120_000,
    // Only requested refunds call PayPal; every other event is settled with the lot it was claimed in.
    idle: (ds) => new Set(ds.filter((d) => d.type !== "refund.requested").map((d) => d.event_id)),
    async deliver(delivery) {
      if (delivery.type !== "refund.requested") return;
      const refundId = (delivery.payload as { activity: { id: string } }).activity.id;
      await executeRefund(ctx, delivery.account_id, refundId);
    },
  };
}

export async function executeRefund(ctx: AppContext, accountId: string, refundActivityId: string): Promise<void> {
  const rec = await findPaymentRecord(ctx.db, accountId, refundActivityId);
  if (!rec || rec.kind !== "refund" || rec.state !== "submitting" || !rec.payment_activity_id) return;
  const payment = (await findPaymentRecord(ctx.db, accountId, rec.payment_activity_id))!;
  const gateway = await ctx.payments?.forAccount(accountId);
  if (!gateway || !payment.paypal_capture_id) {
    await inTransaction(ctx, (tx) => settleRefund(tx, ctx, rec, { refundId: "", state: "failed" }, "The account has no PayPal connection to refund through."));
    return;
  }
  let result;
  try {
    result = await gateway.refundCapture(payment.paypal_capture_id, {
      requestId: rec.request_id,
      amount: { minor: rec.amount_minor, currency: rec.currency },
      invoiceId: rec.activity_id,
      note: rec.reason,
    });
  } catch (err) {
    if (err instanceof PaymentProviderError && !err.retryable) {
      await inTransaction(ctx, (tx) => settleRefund(tx, ctx, rec, { refundId: "", state: "failed" }, `PayPal refused the refund: ${err.message}`));
      return;
    }
    throw err;
  }
  // settleRefund locks the record and applies only if the refund is still waiting for this answer
  // (a webhook may have settled it meanwhile).
  await inTransaction(ctx, async (tx) => {
    await settleRefund(tx, ctx, rec, result);
    await applyWaitingEvents(tx, ctx, accountId, payment.paypal_capture_id!);
  });
}
