import type { PurgeTrigger } from "../../store/schema.js";
import { addToPurgeReport, deleteActivitiesAndTraces, insertPurgeReport, type PurgeCounts } from "../../store/purge-repo.js";
import { waitUntilQuiet } from "../../store/database.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";

/**
 * Activities deleted per transaction: a big purge never holds locks for long. On PostgreSQL 200
 * (about 40 ms a batch). On the embedded database every request waits for the batch running when
 * it arrives, so batches are 25 (about 7 ms), and each starts only once the connection has been
 * free for EMBEDDED_QUIET_MS: batches run in the gaps between requests, never between two
 * statements of one. One batch at a time on both: two concurrent batches could each find the
 * other's activity still holding a customer they share, and neither would delete that customer.
 * (Two in flight on the embedded database, with no gap, held the stream's first page at 4× its
 * time; one at a time with the gap, 100,000 activities go in about 47 s at 1.3×: bench/trash.ts, 2026-12-03.)
 */
export const PURGE_BATCH = 200;
export const EMBEDDED_PURGE_BATCH = 25;
/** On the embedded database a batch starts once the connection has been free this long (store/database.ts waitUntilQuiet). */
export const EMBEDDED_QUIET_MS = 2;
/**
 * On PostgreSQL a purge rests after each batch as long as the batch took: 100,000 activities still
 * go in about 30 s, and the requests served meanwhile share the machine's CPU with half as much of
 * it (at 0.5, once batches ran prepared and twice as fast, the stream's first page took 6× its
 * time during a purge; at 1, about 2×). On the embedded database the batches wait for gaps instead.
 */
export const PURGE_REST_RATIO = 1;

/**
 * The one deleter (STYLE.md: one deletion path): "Delete permanently", "Empty trash now" and the
 * 30-day purge all come here. Deletes the named activities that are in the Trash, with every trace
 * of them (store/purge-repo.ts lists the tables), in batches of one transaction each, and records
 * one purge report for the run: counts by kind, no personal data (a run in several calls, the
 * scheduled purge's rounds, passes the report its first call made and its counts are added to it). The tables are vacuumed by the
 * purge job (run-trash-purge.ts) an hour later; it runs every 10 minutes and catches up after downtime.
 */
export async function purgeActivities(
  ctx: AppContext,
  run: { accountId: string; ids: string[]; trigger: PurgeTrigger; actorId: string | null; reportId?: string | null },
): Promise<{ reportId: string | null; counts: PurgeCounts }> {
  const now = ctx.clock.now();
  let total: PurgeCounts = {};
  const size = ctx.embedded ? EMBEDDED_PURGE_BATCH : PURGE_BATCH;
  const batches: string[][] = [];
  for (let i = 0; i < run.ids.length; i += size) batches.push(run.ids.slice(i, i + size));
  for (const [i, batch] of batches.entries()) {
    if (ctx.embedded) await waitUntilQuiet(ctx.db, EMBEDDED_QUIET_MS);
    const began = performance.now();
    // A failure stops the run: what committed stays deleted, the rest stays in the Trash.
    total = add(total, await inTransaction(ctx, (tx) => deleteActivitiesAndTraces(tx, run.accountId, batch, now)));
    if (!ctx.embedded && i < batches.length - 1) await rest((performance.now() - began) * PURGE_REST_RATIO);
  }
  const removed = (total.bookings ?? 0) + (total.packages ?? 0) + (total.transactions ?? 0);
  if (removed === 0) return { reportId: run.reportId ?? null, counts: total };
  const reportId = await ctx.db.transaction().execute(async (tx) => {
    if (!run.reportId) return insertPurgeReport(tx, { accountId: run.accountId, trigger: run.trigger, actorId: run.actorId, at: now, counts: total });
    await addToPurgeReport(tx, run.reportId, total);
    return run.reportId;
  });
  return { reportId, counts: total };
}

const rest = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function add(a: PurgeCounts, b: PurgeCounts): PurgeCounts {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
