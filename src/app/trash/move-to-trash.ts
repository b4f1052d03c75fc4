import { DomainError } from "../../domain/errors.js";
import { assertBulkSize, deletesAt } from "../../domain/trash.js";
import { findActivitiesByIds } from "../../store/activities-repo.js";
import { markTrashed, type TrashedRow } from "../../store/trash-repo.js";
import { resumPackagesOf } from "../package-writes.js";
import type { Tx } from "../../store/database.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./admin-only.js";

/**
 * Moves up to 50 activities of any type and status to the Trash, all or none, in one transaction.
 * Trashing is not canceling: the status, the meeting time and the host's busy time stay as they
 * are, and no outbox event is written, so no e-mail, calendar, Salesforce or webhook change
 * follows, and nobody is notified (the seed). A session and its package are separate activities:
 * each moves only when it is named.
 */
export async function moveToTrash(ctx: AppContext, caller: Caller, requested: string[]) {
  assertAdmin(caller, "move activities to the Trash");
  const ids = assertBulkSize(requested);
  const at = ctx.clock.now();
  const moved = await inTransaction(ctx, (tx) => trashInTx(tx, caller, ids, at));
  return { moved: moved.map((r) => r.id), trashedAt: at.toISOString(), deletesAt: deletesAt(at).toISOString() };
}

/** Moves all of `ids` or throws (rolling the caller's transaction back); each gets its history row. */
export async function trashInTx(tx: Tx, caller: Caller, ids: string[], at: Date): Promise<TrashedRow[]> {
  const rows = await markTrashed(tx, caller.accountId, ids, at, { id: caller.userId, name: caller.name }, { deletesAt: deletesAt(at).toISOString() });
  if (rows.length !== ids.length) {
    // Something named is not there (another account's, deleted meanwhile) or already in the
    // Trash: throwing rolls back the others too, and the answer says which.
    const found = new Map((await findActivitiesByIds(tx, caller.accountId, ids)).map((a) => [a.id, a]));
    const movedIds = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new DomainError("not_found", `Nothing was moved to the Trash: ${missing.join(", ")} ${missing.length === 1 ? "was" : "were"} not found.`, { ids: missing, moved: 0 });
    }
    const already = ids.filter((id) => !movedIds.has(id));
    throw new DomainError("conflict", `Nothing was moved to the Trash: ${already.join(", ")} ${already.length === 1 ? "is" : "are"} already in the Trash.`, { ids: already, moved: 0 });
  }
  // A session in the Trash no longer counts on its package's row (its count and dates).
  await resumPackagesOf(tx, caller.accountId, ids);
  return rows;
}
