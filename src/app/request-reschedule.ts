import { applyTransition, inTransaction, issueManageToken, manageLink, snapshot } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";
import { loadForAction, requireReason, userActor } from "./load-for-action.js";

/**
 * Cancel a booking and ask the customer to reschedule: "Canceled (Reschedule requested by user)".
 * With eventType "same" the customer's new booking is "Rescheduled (Initiated by user)"; with
 * "any" they may pick any event type and it is "Scheduled (By customer)". The reason is shown to them.
 */
export async function requestReschedule(ctx: AppContext, caller: Caller, id: string, body: { reason?: string; eventType?: "same" | "any"; expectedVersion?: number }) {
  const reason = requireReason(body.reason);
  const eventType = body.eventType ?? "same";
  return inTransaction(ctx, async (tx) => {
    const a = await loadForAction(tx, caller, id, "request-reschedule", { kind: "request-reschedule" }, body.expectedVersion);
    const token = await issueManageToken(tx, a.account_id, a.id);
    const link = manageLink(ctx, token);
    const after = await applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "request-reschedule" },
      action: "request-reschedule",
      actor: userActor(caller),
      reason,
      changes: { reschedule_request: { eventType, reason } },
      data: { eventType },
      extraEvents: (after) => [{ type: "customer.link_issued", activity: snapshot(after), purpose: "reschedule", link, reason }],
    });
    return { activity: after, customerLink: link };
  });
}
