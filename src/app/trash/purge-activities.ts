import type { PurgeTrigger } from "../../store/schema.js";
import { deleteActivitiesAndTraces, insertPurgeReport, type PurgeCounts } from "../../store/purge-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";

/**
 * Activities deleted per transaction: a big purge never holds locks for long. On PostgreSQL 200
 * (about 40 ms a batch). On the embedded database every request waits for the batch running when
 * it arrives, so batches are 25 (about 10 ms), and two are in flight: one commits (the connection
 * is handed on before the WAL is on disk) while the next deletes. Its one connection runs one
 * transaction at a time, so the two never see each other's work half done. On PostgreSQL one at a
 * time: two concurrent batches could each find the other's activity still holding a customer
 * they share, and neither would delete that customer.
 */
export const PURGE_BATCH = 200;
export const EMBEDDED_PURGE_BATCH = 25;
/**
 * On PostgreSQL a purge rests after each batch for this share of the batch's time: 100,000
 * activities still go well within a minute, and the requests served meanwhile share the machine's
 * CPU with less of it (on the embedded database the requests run between batches anyway).
 */
export const PURGE_REST_RATIO = 0.5;

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
  const size = ctx.embedded ? EMBEDDED_PURGE_BATCH : PURGE_BATCH;
  const batches: string[][] = [];
  for (let i = 0; i < run.ids.length; i += size) batches.push(run.ids.slice(i, i + size));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      try {
        const began = performance.now();
        const counts = await inTransaction(ctx, (tx) => deleteActivitiesAndTraces(tx, run.accountId, batch, now));
        total = add(total, counts); // after the await: both workers add to the total as it is then
        if (!ctx.embedded && next < batches.length) await rest((performance.now() - began) * PURGE_REST_RATIO);
      } catch (err) {
        next = batches.length; // the other stops too; what committed stays deleted, the rest stays in the Trash
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: ctx.embedded ? 2 : 1 }, worker));
  const removed = (total.bookings ?? 0) + (total.packages ?? 0) + (total.transactions ?? 0);
  if (removed === 0) return { reportId: null, counts: total };
  const reportId = await ctx.db.transaction().execute((tx) => insertPurgeReport(tx, { accountId: run.accountId, trigger: run.trigger, actorId: run.actorId, at: now, counts: total }));
  return { reportId, counts: total };
}

const rest = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function add(a: PurgeCounts, b: PurgeCounts): PurgeCounts {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
