import { refundOnCustomerCancel } from "./payments/refunds.js";
import { applyTransition, inTransaction } from "./activity-writes.js";
import type { AppContext } from "./context.js";
import { assertWithinPolicy } from "./customer-policy.js";
import { activityForToken, assertCustomerMay, customerActor } from "./manage-link.js";

/**
 * The customer cancels their booking or request from the manage link: "Canceled (By customer)";
 * on a page that refunds cancellations, what they paid is refunded ("AUTOMATIC REFUND (CANCELLATION)").
 */
export async function customerCancel(ctx: AppContext, token: string, body: { reason?: string }) {
  return inTransaction(ctx, async (tx) => {
    const a = await activityForToken(tx, token);
    await assertCustomerMay(tx, a, "cancel");
    await assertWithinPolicy(tx, a, ctx.clock.now(), "cancel");
    const after = await applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "cancel", by: "customer" },
      action: "customer-cancel",
      actor: customerActor(a),
      reason: body.reason?.trim() || null,
    });
    // A paid booking on a page that refunds cancellations: the refund is requested in this transaction.
    await refundOnCustomerCancel(tx, ctx, after);
    return after;
  });
}
