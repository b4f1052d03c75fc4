import { notFound } from "../../domain/errors.js";
import { purgeCutoff, restoreTooLate } from "../../domain/trash.js";
import { findActivity, insertHistory } from "../../store/activities-repo.js";
import { markRestored } from "../../store/trash-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./admin-only.js";

/**
 * Takes an activity out of the Trash within its 30 days: it returns to every stream view as it was
 * (same status, same place in the order), and its history notes the restore. Nobody is notified.
 * After the 30 days it is deleted (or about to be): 404, saying so.
 */
export async function restoreActivity(ctx: AppContext, caller: Caller, id: string) {
  assertAdmin(caller, "restore activities from the Trash");
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const a = await findActivity(tx, caller.accountId, id);
    if (!a || !a.trashed_at) throw notFound("Activity in the Trash", id.toUpperCase());
    const r = await markRestored(tx, caller.accountId, a.id, purgeCutoff(now));
    if (!r) throw restoreTooLate(a.id, new Date(a.trashed_at));
    const status = { status: r.status, detailedStatus: r.detailed_status };
    await insertHistory(tx, { accountId: caller.accountId, activityId: a.id, at: now, actorType: "user", actorId: caller.userId, actorName: caller.name, action: "restore", from: status, to: status });
  });
}
