import { applyTransition, inTransaction } from "./activity-writes.js";
import type { AppContext } from "./context.js";
import { assertWithinPolicy } from "./customer-policy.js";
import { activityForToken, assertCustomerMay, customerActor } from "./manage-link.js";

/** The customer cancels their booking or request from the manage link: "Canceled (By customer)". */
export async function customerCancel(ctx: AppContext, token: string, body: { reason?: string }) {
  return inTransaction(ctx, async (tx) => {
    const a = await activityForToken(tx, token);
    await assertCustomerMay(tx, a, "cancel");
    await assertWithinPolicy(tx, a, ctx.clock.now(), "cancel");
    return applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "cancel", by: "customer" },
      action: "customer-cancel",
      actor: customerActor(a),
      reason: body.reason?.trim() || null,
    });
  });
}
