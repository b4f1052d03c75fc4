import { trashedIdsOf } from "../../store/trash-repo.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./admin-only.js";
import { purgeActivities } from "./purge-activities.js";

/** "Empty trash now": every activity in the account's Trash, deleted permanently in one run (one report). */
export async function emptyTrash(ctx: AppContext, caller: Caller) {
  assertAdmin(caller, "empty the Trash");
  // What is in the Trash now: something trashed while this runs waits for the next empty or its 30 days.
  const ids = await trashedIdsOf(ctx.db, caller.accountId, 1_000_000);
  return purgeActivities(ctx, { accountId: caller.accountId, ids, trigger: "empty-trash", actorId: caller.userId });
}
