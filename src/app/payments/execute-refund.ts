import type { OutboxConsumer } from "../../jobs/outbox-dispatcher.js";
import { findPaymentRecord, lockPaymentRecord } from "../../store/payments-repo.js";
import type { Tx } from "../../store/database.js";
import type { AppContext } from "../context.js";
import { PaymentProviderError } from "./gateway.js";
import { applyWaitingEvents } from "./paypal-events.js";
import { settleRefund } from "./settle.js";

/**
 * The payments consumer of the outbox: sends each requested refund to PayPal with the refund's
 * own request id (PayPal answers a repeat with the first result, so a retry after a lost answer
 * refunds once), and records PayPal's answer. PayPal not answering is retried with back-off (the
 * dispatcher's); a refusal (nothing left to refund, capture reversed …) settles the refund as
 * failed and gives the payment its rest back.
 */
export function paymentsConsumer(ctx: AppContext): OutboxConsumer {
  return {
    name: "payments",
    maxAttempts: 25,
    async handle(delivery, tx) {
      if (delivery.type !== "refund.requested") return;
      const refundId = (delivery.payload as { activity: { id: string } }).activity.id;
      await executeRefund(tx, ctx, delivery.account_id, refundId);
    },
  };
}

export async function executeRefund(tx: Tx, ctx: AppContext, accountId: string, refundActivityId: string): Promise<void> {
  const rec = await lockPaymentRecord(tx, accountId, refundActivityId);
  if (!rec || rec.kind !== "refund" || rec.state !== "submitting" || !rec.payment_activity_id) return;
  const payment = (await findPaymentRecord(tx, accountId, rec.payment_activity_id))!;
  const gateway = await ctx.payments?.forAccount(accountId, tx);
  if (!gateway || !payment.paypal_capture_id) {
    await settleRefund(tx, ctx, rec, { refundId: "", state: "failed" }, "The account has no PayPal connection to refund through.");
    return;
  }
  try {
    const result = await gateway.refundCapture(payment.paypal_capture_id, {
      requestId: rec.request_id,
      amount: { minor: rec.amount_minor, currency: rec.currency },
      invoiceId: rec.activity_id,
      note: rec.reason,
    });
    await settleRefund(tx, ctx, rec, result);
    await applyWaitingEvents(tx, ctx, accountId, payment.paypal_capture_id);
  } catch (err) {
    if (err instanceof PaymentProviderError && !err.retryable) {
      await settleRefund(tx, ctx, rec, { refundId: "", state: "failed" }, `PayPal refused the refund: ${err.message}`);
      return;
    }
    throw err;
  }
}
