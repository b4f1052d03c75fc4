import type { Tx } from "../../store/database.js";
import { findPaymentByCapture, findPaymentRecord, findRefundByPayPalId, listWaitingEvents, markWebhookEvent } from "../../store/payments-repo.js";
import type { AppContext } from "../context.js";
import type { ProviderEvent } from "./gateway.js";
import { recordPayPalRefund, settlePayment, settleRefund } from "./settle.js";

export type EventOutcome = "applied" | "unchanged" | "waiting" | "ignored";

/**
 * One of PayPal's events, applied inside the caller's transaction:
 * - a capture completed, pending, denied or declined → the payment's type and status (settle.ts);
 * - a refund completed → Bookstream's refund (found by PayPal's refund id, or by the invoice id
 *   Bookstream sent, which is the refund's TXN id, for a refund whose answer was lost), else a
 *   "MANUAL REFUND VIA PAYPAL" made in PayPal itself;
 * - an event about a capture Bookstream does not know yet (its capture answer is still on the way)
 *   waits, and is applied when the capture is recorded (applyWaitingEvents).
 * Reversals (chargebacks) are kept and shown in the delivery log, not turned into transactions.
 */
export async function applyProviderEvent(tx: Tx, ctx: AppContext, accountId: string, e: ProviderEvent): Promise<EventOutcome> {
  if (e.kind === "capture") {
    const payment = await findPaymentByCapture(tx, accountId, e.capture.captureId);
    if (!payment) return "waiting";
    return settlePayment(tx, ctx, payment, e.capture.state);
  }
  if (e.kind === "refund" && e.eventType !== "PAYMENT.CAPTURE.REVERSED") {
    const ours = (await findRefundByPayPalId(tx, accountId, e.refund.refundId)) ?? (e.refund.invoiceId ? await findPaymentRecord(tx, accountId, e.refund.invoiceId) : undefined);
    if (ours && ours.kind === "refund") return settleRefund(tx, ctx, ours, e.refund);
    if (!e.refund.captureId) return "ignored";
    const payment = await findPaymentByCapture(tx, accountId, e.refund.captureId);
    if (!payment) return "waiting";
    if (e.refund.state !== "completed") return "unchanged";
    await recordPayPalRefund(tx, ctx, payment, e.refund);
    return "applied";
  }
  return "ignored";
}

/** Events that came before their capture was recorded, applied now that it is. */
export async function applyWaitingEvents(tx: Tx, ctx: AppContext, accountId: string, captureId: string): Promise<void> {
  for (const w of await listWaitingEvents(tx, accountId, captureId)) {
    const event = (w.payload as { bookstream?: ProviderEvent }).bookstream;
    if (!event) continue;
    const outcome = await applyProviderEvent(tx, ctx, accountId, event);
    if (outcome !== "waiting") await markWebhookEvent(tx, accountId, w.event_id, outcome, ctx.clock.now());
  }
}
