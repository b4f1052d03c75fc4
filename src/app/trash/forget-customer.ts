import { deletesAt } from "../../domain/trash.js";
import { liveActivitiesOfEmail } from "../../store/privacy-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./admin-only.js";
import { trashInTx } from "./move-to-trash.js";
import { purgeActivities } from "./purge-activities.js";

/**
 * "Forget a customer" (a privacy request by e-mail): every activity of that address goes to the
 * Trash in one transaction, like a bulk move without the 50 limit (the request names a person,
 * not a selection). `dryRun` only counts, so the admin sees what will go first; `deleteNow`
 * follows the move with the permanent deletion (the same deleter as "Delete permanently").
 */
export async function forgetCustomer(ctx: AppContext, caller: Caller, input: { email: string; dryRun?: boolean; deleteNow?: boolean }) {
  assertAdmin(caller, "forget a customer");
  const found = await liveActivitiesOfEmail(ctx.db, caller.accountId, input.email);
  const byType = { booking: 0, package: 0, transaction: 0 };
  for (const a of found) byType[a.type]++;
  const summary = { email: input.email, count: found.length, byType };
  if (input.dryRun || found.length === 0) return { ...summary, dryRun: Boolean(input.dryRun), moved: [] as string[], deletesAt: null, purge: null };
  const at = ctx.clock.now();
  const moved = await inTransaction(ctx, (tx) => trashInTx(tx, caller, found.map((a) => a.id), at));
  const ids = moved.map((r) => r.id);
  const purge = input.deleteNow ? await purgeActivities(ctx, { accountId: caller.accountId, ids, trigger: "delete-permanently", actorId: caller.userId }) : null;
  return { ...summary, dryRun: false, moved: ids, deletesAt: purge ? null : deletesAt(at).toISOString(), purge };
}
