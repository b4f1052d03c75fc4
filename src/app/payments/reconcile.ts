import { listCapturesWithWaitingEvents, listUnsettled } from "../../store/payments-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";
import { PaymentProviderError } from "./gateway.js";
import { applyWaitingEvents } from "./paypal-events.js";
import { settlePayment, settleRefund } from "./settle.js";

/**
 * Webhooks can be lost: payments and refunds PayPal has kept pending for a while are looked up at
 * PayPal and settled from what it says (the same settle as a webhook). Runs every minute.
 * First, events still waiting for a capture that is recorded by now are applied.
 */
export async function reconcilePayments(ctx: AppContext, opts: { olderThanMs?: number; batch?: number } = {}): Promise<number> {
  for (const w of await listCapturesWithWaitingEvents(ctx.db, opts.batch ?? 100)) {
    await inTransaction(ctx, (tx) => applyWaitingEvents(tx, ctx, w.account_id, w.capture_id!));
  }
  const before = new Date(ctx.clock.now().getTime() - (opts.olderThanMs ?? 2 * 60_000));
  let settled = 0;
  for (const rec of await listUnsettled(ctx.db, before, opts.batch ?? 100)) {
    const gateway = await ctx.payments?.forAccount(rec.account_id);
    if (!gateway) continue;
    try {
      if (rec.kind === "payment" && rec.paypal_capture_id) {
        const capture = await gateway.getCapture(rec.paypal_capture_id);
        if ((await inTransaction(ctx, (tx) => settlePayment(tx, ctx, rec, capture.state))) === "applied") settled++;
      } else if (rec.kind === "refund" && rec.paypal_refund_id) {
        const refund = await gateway.getRefund(rec.paypal_refund_id);
        if ((await inTransaction(ctx, (tx) => settleRefund(tx, ctx, rec, refund))) === "applied") settled++;
      }
    } catch (err) {
      // PayPal not answering now: the next run asks again.
      if (!(err instanceof PaymentProviderError)) throw err;
    }
  }
  return settled;
}
