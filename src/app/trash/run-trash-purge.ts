import { purgeCutoff } from "../../domain/trash.js";
import { hasUnvacuumedPurges, vacuumPurgedTables } from "../../store/purge-repo.js";
import { dueForPurge } from "../../store/trash-repo.js";
import type { AppContext } from "../context.js";
import { purgeActivities } from "./purge-activities.js";

const ROUND = 10_000;
/**
 * A purge is vacuumed once it is an hour old: one VACUUM then covers every purge of that hour, and
 * it runs apart from the purge itself (on the embedded database, whose one connection serves the
 * stream too, a VACUUM makes every request wait). An hour keeps well inside the 24-hour promise.
 */
export const VACUUM_AFTER_MS = 60 * 60_000;

/**
 * The scheduled purge (jobs/workers.ts, every 10 minutes, and at start): deletes what has been in
 * the Trash for 30 days, one report per account, then vacuums the tables if a purge (any path:
 * delete-permanently and empty-trash too) is an hour old and not vacuumed yet. It works from the
 * data, so after downtime one run catches up on everything that fell due meanwhile.
 */
export async function runTrashPurge(ctx: AppContext, opts: { vacuum?: boolean } = {}): Promise<{ purged: number; accounts: number; vacuumed: boolean }> {
  const cutoff = purgeCutoff(ctx.clock.now());
  const byAccount = new Map<string, string[]>();
  for (;;) {
    const due = await dueForPurge(ctx.db, cutoff, ROUND);
    if (due.length === 0) break;
    const round = new Map<string, string[]>();
    for (const d of due) round.set(d.account_id, [...(round.get(d.account_id) ?? []), d.id]);
    let removed = 0;
    for (const [accountId, ids] of round) {
      const r = await purgeActivities(ctx, { accountId, ids, trigger: "scheduled", actorId: null });
      removed += (r.counts.bookings ?? 0) + (r.counts.packages ?? 0) + (r.counts.transactions ?? 0);
      byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), ...ids]);
    }
    // Another worker took them (or a restore won): nothing left that this run can do.
    if (removed === 0 || due.length < ROUND) break;
  }
  let vacuumed = false;
  const now = ctx.clock.now();
  if (opts.vacuum !== false && (await hasUnvacuumedPurges(ctx.db, new Date(now.getTime() - VACUUM_AFTER_MS)))) {
    await vacuumPurgedTables(ctx.db, ctx.clock.now());
    vacuumed = true;
  }
  return { purged: [...byAccount.values()].reduce((n, ids) => n + ids.length, 0), accounts: byAccount.size, vacuumed };
}
