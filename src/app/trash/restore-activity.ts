import { DomainError, notFound } from "../../domain/errors.js";
import { assertBulkSize, purgeCutoff, restoreTooLate } from "../../domain/trash.js";
import { findActivitiesByIds, insertHistory } from "../../store/activities-repo.js";
import { markRestored } from "../../store/trash-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { resumPackagesOf } from "../package-writes.js";
import { assertAdmin } from "./admin-only.js";

/**
 * Takes an activity out of the Trash within its 30 days: it returns to every stream view as it was
 * (same status, same place in the order), and its history notes the restore. Nobody is notified.
 * After the 30 days it is deleted (or about to be): 404, saying so.
 */
export async function restoreActivity(ctx: AppContext, caller: Caller, id: string) {
  assertAdmin(caller, "restore activities from the Trash");
  await restoreInOneTransaction(ctx, caller, [id.toUpperCase()]);
}

/** The Trash's Select mode: up to 50 restored at once, all or none (one not in the Trash restores none, and is named). */
export async function restoreActivities(ctx: AppContext, caller: Caller, requested: string[]) {
  assertAdmin(caller, "restore activities from the Trash");
  const ids = assertBulkSize(requested, "restore");
  await restoreInOneTransaction(ctx, caller, ids);
  return { restored: ids };
}

async function restoreInOneTransaction(ctx: AppContext, caller: Caller, ids: string[]) {
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const found = new Map((await findActivitiesByIds(tx, caller.accountId, ids)).map((a) => [a.id, a]));
    const missing = ids.filter((id) => !found.get(id)?.trashed_at);
    if (missing.length === 1 && ids.length === 1) throw notFound("Activity in the Trash", missing[0]);
    if (missing.length > 0) {
      throw new DomainError("not_found", `Nothing was restored: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in the Trash.`, { ids: missing, restored: 0 });
    }
    for (const id of ids) {
      const a = found.get(id)!;
      const r = await markRestored(tx, caller.accountId, a.id, purgeCutoff(now));
      if (!r) throw restoreTooLate(a.id, new Date(a.trashed_at!));
      const status = { status: r.status, detailedStatus: r.detailed_status };
      await insertHistory(tx, { accountId: caller.accountId, activityId: a.id, at: now, actorType: "user", actorId: caller.userId, actorName: caller.name, action: "restore", from: status, to: status });
    }
    // A restored session counts on its package again.
    await resumPackagesOf(tx, caller.accountId, ids);
  });
}
