import { DomainError, invalid } from "../domain/errors.js";
import { inTrashError } from "../domain/trash.js";
import { assertTransitionAllowed, type DetailedStatus, type Transition } from "../domain/lifecycle.js";
import type { ActivityRow } from "../store/activities-repo.js";
import type { Tx } from "../store/database.js";
import type { ActorInfo } from "./activity-writes.js";
import { loadInTx } from "./activity-writes.js";
import type { Caller } from "./context.js";
import { assertCanChange, canSee, visibilityOf } from "./permissions.js";

/**
 * Load → authorize → check the rule, inside the transaction. An activity the caller cannot see
 * is 404 (its existence is not revealed); one they see but may not change is 403; an action the
 * lifecycle forbids now is 409 naming the current status.
 */
export async function loadForAction(
  tx: Tx,
  caller: Caller,
  id: string,
  action: string,
  transition: Transition,
  expectedVersion?: number,
): Promise<ActivityRow> {
  const a = await loadInTx(tx, caller.accountId, id);
  if (!canSee(await visibilityOf(tx, caller), a)) throw new DomainError("not_found", `Activity ${id} was not found`, { id });
  if (a.trashed_at) throw inTrashError(a, action);
  if (a.type !== "booking") {
    throw new DomainError("action_not_allowed", `Cannot ${action.replace(/-/g, " ")} ${a.id}: it is a ${a.type}, not a booking.`, {
      activityId: a.id,
      action,
      status: a.status,
      detailedStatus: a.detailed_status,
    });
  }
  assertCanChange(caller, a, action);
  // The caller acted on the version they saw: a change made since (even one that still allows
  // this action) must not be silently built upon, or two people clicking at once could both win.
  if (expectedVersion !== undefined && a.version !== expectedVersion) {
    throw new DomainError("conflict", `${a.id} was changed by someone else since you loaded it; it is now ${a.detailed_status}.`, {
      activityId: a.id,
      action,
      expectedVersion,
      version: a.version,
      status: a.status,
      detailedStatus: a.detailed_status,
    });
  }
  assertTransitionAllowed(a.id, a.detailed_status as DetailedStatus, transition, action);
  return a;
}

export function userActor(caller: Caller): ActorInfo {
  return { type: "user", id: caller.userId, name: caller.name };
}

export function requireReason(reason: string | undefined | null): string {
  const r = reason?.trim();
  if (!r) throw invalid("reason", "a reason is required; it is shown to the customer");
  return r;
}

export function requireStart(start: Date | undefined): Date {
  if (!start) throw invalid("start", "a start time is required");
  return start;
}
