import { DomainError, notFound } from "../../domain/errors.js";
import { assertBulkSize } from "../../domain/trash.js";
import { findActivitiesByIds } from "../../store/activities-repo.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./admin-only.js";
import { purgeActivities } from "./purge-activities.js";

/** "Delete permanently" on one activity in the Trash (only from the Trash: an active one is 404 here). */
export async function deletePermanently(ctx: AppContext, caller: Caller, id: string) {
  assertAdmin(caller, "delete activities permanently");
  return deleteNamed(ctx, caller, [id.toUpperCase()]);
}

/**
 * The Trash's Select mode: up to 50 deleted permanently at once, by the one deleter (one purge
 * report). If one of them is not in the Trash, nothing is deleted and the answer names it.
 */
export async function deleteManyPermanently(ctx: AppContext, caller: Caller, requested: string[]) {
  assertAdmin(caller, "delete activities permanently");
  return deleteNamed(ctx, caller, assertBulkSize(requested, "delete"));
}

async function deleteNamed(ctx: AppContext, caller: Caller, ids: string[]) {
  const found = new Map((await findActivitiesByIds(ctx.db, caller.accountId, ids)).map((a) => [a.id, a]));
  const missing = ids.filter((id) => !found.get(id)?.trashed_at);
  if (missing.length === 1 && ids.length === 1) throw notFound("Activity in the Trash", missing[0]);
  if (missing.length > 0) {
    throw new DomainError("not_found", `Nothing was deleted: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in the Trash.`, { ids: missing, deleted: 0 });
  }
  const r = await purgeActivities(ctx, { accountId: caller.accountId, ids, trigger: "delete-permanently", actorId: caller.userId });
  // Restored or deleted by someone else meanwhile: nothing of it was in the Trash any more.
  if (!r.reportId) throw notFound("Activity in the Trash", ids.join(", "));
  return r;
}
