import type { PurgeTrigger } from "../../store/schema.js";
import { deleteActivitiesAndTraces, insertPurgeReport, type PurgeCounts } from "../../store/purge-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";

/**
 * Activities deleted per transaction: a big purge never holds locks for long, and on the embedded
 * database (one connection) the stream's reads get their turn between batches.
 */
export const PURGE_BATCH = 200;

/**
 * The one deleter (STYLE.md: one deletion path): "Delete permanently", "Empty trash now" and the
 * 30-day purge all come here. Deletes the named activities that are in the Trash, with every trace
 * of them (store/purge-repo.ts lists the tables), in batches of one transaction each, and records
 * one purge report for the run: counts by kind, no personal data. The tables are vacuumed by the
 * purge job (run-trash-purge.ts) an hour later; it runs every 10 minutes and catches up after downtime.
 */
export async function purgeActivities(
  ctx: AppContext,
  run: { accountId: string; ids: string[]; trigger: PurgeTrigger; actorId: string | null },
): Promise<{ reportId: string | null; counts: PurgeCounts }> {
  const now = ctx.clock.now();
  let total: PurgeCounts = {};
  for (let i = 0; i < run.ids.length; i += PURGE_BATCH) {
    const batch = run.ids.slice(i, i + PURGE_BATCH);
    const counts = await inTransaction(ctx, (tx) => deleteActivitiesAndTraces(tx, run.accountId, batch, now));
    total = add(total, counts);
  }
  const removed = (total.bookings ?? 0) + (total.packages ?? 0) + (total.transactions ?? 0);
  if (removed === 0) return { reportId: null, counts: total };
  const reportId = await ctx.db.transaction().execute((tx) => insertPurgeReport(tx, { accountId: run.accountId, trigger: run.trigger, actorId: run.actorId, at: now, counts: total }));
  return { reportId, counts: total };
}

function add(a: PurgeCounts, b: PurgeCounts): PurgeCounts {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
