import { DomainError, invalid } from "../domain/errors.js";
import { findUser } from "../store/accounts-repo.js";
import { applyTransition, inTransaction } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";
import { loadForAction, userActor } from "./load-for-action.js";

/** Give a booking to another team member, who must be free then: "(Reassigned by user)". */
export async function reassignBooking(ctx: AppContext, caller: Caller, id: string, body: { ownerId?: string; reason?: string; expectedVersion?: number }) {
  if (!body.ownerId) throw invalid("ownerId", "the new owner is required");
  const ownerId = body.ownerId;
  return inTransaction(ctx, async (tx) => {
    const a = await loadForAction(tx, caller, id, "reassign", { kind: "reassign" }, body.expectedVersion);
    const owner = await findUser(tx, a.account_id, ownerId);
    if (!owner) throw invalid("ownerId", `no user ${ownerId} in this account`);
    if (owner.deactivated_at) throw invalid("ownerId", `${owner.name} is deactivated and hosts no new meetings`);
    if (owner.id === a.owner_id) throw new DomainError("conflict", `${a.id} is already assigned to ${owner.name}.`, { ownerId });
    return applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "reassign" },
      action: "reassign",
      actor: userActor(caller),
      reason: body.reason?.trim() || undefined,
      changes: { owner_id: owner.id, owner_name: owner.name },
      data: { fromOwnerId: a.owner_id, fromOwnerName: a.owner_name, toOwnerId: owner.id, toOwnerName: owner.name },
    });
  });
}
