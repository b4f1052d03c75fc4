import { applyTransition, inTransaction } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";
import { loadForAction, userActor } from "./load-for-action.js";

/** A user cancels a booking or a booking request ("Canceled (By user)"); the time is freed. */
export async function cancelBooking(ctx: AppContext, caller: Caller, id: string, body: { reason?: string; expectedVersion?: number }) {
  return inTransaction(ctx, async (tx) => {
    const a = await loadForAction(tx, caller, id, "cancel", { kind: "cancel", by: "user" }, body.expectedVersion);
    return applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "cancel", by: "user" },
      action: "cancel",
      actor: userActor(caller),
      reason: body.reason?.trim() || null,
    });
  });
}
