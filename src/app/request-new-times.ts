import { snapshot } from "./activity-writes.js";
import { applyTransition, inTransaction, issueManageToken, manageLink } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";
import { loadForAction, userActor } from "./load-for-action.js";

/**
 * Cancel a request and ask the customer for new times: "Canceled (New times requested by user)".
 * The customer gets a link; the request they resubmit is "Requested (Initiated by user)".
 */
export async function requestNewTimes(ctx: AppContext, caller: Caller, id: string, body: { reason?: string; expectedVersion?: number }) {
  return inTransaction(ctx, async (tx) => {
    const a = await loadForAction(tx, caller, id, "request-new-times", { kind: "request-new-times" }, body.expectedVersion);
    const token = await issueManageToken(tx, a.account_id, a.id);
    const link = manageLink(ctx, token);
    const reason = body.reason?.trim() || null;
    const after = await applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "request-new-times" },
      action: "request-new-times",
      actor: userActor(caller),
      reason,
      extraEvents: (after) => [{ type: "customer.link_issued", activity: snapshot(after), purpose: "new-times", link, reason }],
    });
    return { activity: after, customerLink: link };
  });
}
