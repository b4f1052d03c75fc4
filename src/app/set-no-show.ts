import { unprocessable } from "../domain/errors.js";
import { applyTransition, inTransaction } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";
import { loadForAction, userActor } from "./load-for-action.js";

/** Mark that the customer did not show up. It cannot be undone back to Completed. */
export async function setNoShow(ctx: AppContext, caller: Caller, id: string, body: { expectedVersion?: number } = {}) {
  return inTransaction(ctx, async (tx) => {
    const a = await loadForAction(tx, caller, id, "set-no-show", { kind: "set-no-show" }, body.expectedVersion);
    const now = ctx.clock.now();
    if (a.start_at && new Date(a.start_at).getTime() > now.getTime()) {
      throw unprocessable(`${a.id} has not started yet (it starts at ${new Date(a.start_at).toISOString()}); a no-show can be set once the meeting has begun.`, {
        activityId: a.id,
        reason: "not_started",
        start: new Date(a.start_at).toISOString(),
      });
    }
    return applyTransition(tx, ctx, { activity: a, transition: { kind: "set-no-show" }, action: "set-no-show", actor: userActor(caller) });
  });
}
