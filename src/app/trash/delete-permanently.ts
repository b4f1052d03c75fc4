import { notFound } from "../../domain/errors.js";
import { findActivity } from "../../store/activities-repo.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./admin-only.js";
import { purgeActivities } from "./purge-activities.js";

/** "Delete permanently" on one activity in the Trash (only from the Trash: an active one is 404 here). */
export async function deletePermanently(ctx: AppContext, caller: Caller, id: string) {
  assertAdmin(caller, "delete activities permanently");
  const a = await findActivity(ctx.db, caller.accountId, id);
  if (!a || !a.trashed_at) throw notFound("Activity in the Trash", id.toUpperCase());
  const r = await purgeActivities(ctx, { accountId: caller.accountId, ids: [a.id], trigger: "delete-permanently", actorId: caller.userId });
  if (!r.reportId) throw notFound("Activity in the Trash", a.id);
  return r;
}
