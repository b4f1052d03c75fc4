import { purgeCutoff } from "../../domain/trash.js";
import { hasUnvacuumedPurges, vacuumPurgedTables } from "../../store/purge-repo.js";
import { dueForPurge, type DueKey } from "../../store/trash-repo.js";
import type { AppContext } from "../context.js";
import { waitUntilQuiet } from "../../store/database.js";
import { EMBEDDED_QUIET_MS, purgeActivities } from "./purge-activities.js";

/** Activities per round of the work list: on the embedded database a round's read holds every request up, so fewer. */
const ROUND = 10_000;
const EMBEDDED_ROUND = 1_000;
/**
 * A purge is vacuumed once it is an hour old: one VACUUM then covers every purge of that hour, and
 * it runs apart from the purge itself (on the embedded database, whose one connection serves the
 * stream too, a VACUUM makes every request wait). An hour keeps well inside the 24-hour promise.
 */
export const VACUUM_AFTER_MS = 60 * 60_000;

/**
 * The scheduled purge (jobs/workers.ts, every 10 minutes, and at start): deletes what has been in
 * the Trash for 30 days, in rounds of 10,000 (1,000 on the embedded database) read in keyset
 * order, with one report per account for the whole run (made by its first round, added to by the
 * next), then vacuums the tables if a purge (any path:
 * delete-permanently and empty-trash too) is an hour old and not vacuumed yet. It works from the
 * data, so after downtime one run catches up on everything that fell due meanwhile.
 */
export async function runTrashPurge(ctx: AppContext, opts: { vacuum?: boolean; round?: number } = {}): Promise<{ purged: number; accounts: number; vacuumed: boolean }> {
  const cutoff = purgeCutoff(ctx.clock.now());
  let purged = 0;
  const reportOf = new Map<string, string | null>();
  let after: DueKey | undefined;
  for (;;) {
    const size = opts.round ?? (ctx.embedded ? EMBEDDED_ROUND : ROUND);
    if (ctx.embedded) await waitUntilQuiet(ctx.db, EMBEDDED_QUIET_MS);
    const due = await dueForPurge(ctx.db, cutoff, size, after);
    if (due.length === 0) break;
    after = due[due.length - 1];
    const round = new Map<string, string[]>();
    for (const d of due) round.set(d.account_id, [...(round.get(d.account_id) ?? []), d.id]);
    for (const [accountId, ids] of round) {
      const r = await purgeActivities(ctx, { accountId, ids, trigger: "scheduled", actorId: null, reportId: reportOf.get(accountId) ?? null });
      reportOf.set(accountId, r.reportId);
      purged += ids.length;
    }
    if (due.length < size) break;
  }
  let vacuumed = false;
  const now = ctx.clock.now();
  if (opts.vacuum !== false && (await hasUnvacuumedPurges(ctx.db, new Date(now.getTime() - VACUUM_AFTER_MS)))) {
    await vacuumPurgedTables(ctx.db, ctx.clock.now());
    vacuumed = true;
  }
  return { purged, accounts: reportOf.size, vacuumed };
}
