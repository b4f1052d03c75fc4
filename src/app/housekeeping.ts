import { deleteExpiredIdempotencyKeys } from "../store/idempotency-repo.js";
import { pruneSettledEvents } from "../store/outbox-repo.js";
import { dropSettledOutboxMonth, ensureTimePartitions, outboxMonths } from "../store/partitions-repo.js";
import { deleteStaleFailures } from "../store/sign-in-failures-repo.js";
import { analyzeChangedTables } from "../store/statistics-repo.js";
import type { AppContext } from "./context.js";

/** Outbox events kept after they were delivered, unless OUTBOX_RETENTION_DAYS says otherwise. */
export const DEFAULT_OUTBOX_RETENTION_DAYS = 30;
/** Deleted per statement, so a first pass over a long backlog never holds a long transaction. */
const PRUNE_BATCH = 5_000;

/**
 * Forgets what has outlived its use: idempotency keys past their 24 hours, sign-in failure counts
 * past their windows, and outbox events (with their delivery log rows) delivered more than the
 * retention ago — the outbox would otherwise grow by every change, forever. A month of the outbox
 * that ended before the retention and has nothing pending goes whole (its partitions dropped);
 * what is left (a month still waiting on a delivery, the default partition) is deleted row by row.
 * Also creates the coming time partitions (migrations 026 and 029) before they are needed — on
 * PostgreSQL; the embedded database keeps its default partitions alone. On the embedded
 * database, which has no autovacuum, it also analyzes the tables that changed enough
 * (store/statistics-repo.ts), last, after its own deletions.
 */
export async function housekeeping(ctx: AppContext): Promise<{
  idempotencyKeys: number; signInFailures: number; outboxEvents: number; outboxMonthsDropped: number; partitionsCreated: number; analyzed: string[];
}> {
  const now = ctx.clock.now();
  const before = new Date(now.getTime() - (ctx.outboxRetentionDays ?? DEFAULT_OUTBOX_RETENTION_DAYS) * 86_400_000);
  const partitionsCreated = ctx.embedded ? 0 : await ensureTimePartitions(ctx.db, now);
  let outboxMonthsDropped = 0;
  for (const m of await outboxMonths(ctx.db)) {
    if (m.end.getTime() > before.getTime()) break;
    if (await dropSettledOutboxMonth(ctx.db, m.month)) outboxMonthsDropped++;
  }
  let outboxEvents = 0;
  for (let n = PRUNE_BATCH; n === PRUNE_BATCH;) {
    n = await pruneSettledEvents(ctx.db, before, PRUNE_BATCH);
    outboxEvents += n;
  }
  const idempotencyKeys = await deleteExpiredIdempotencyKeys(ctx.db, now);
  const signInFailures = await deleteStaleFailures(ctx.db, new Date(now.getTime() - 60 * 60_000));
  const analyzed = ctx.embedded ? await analyzeChangedTables(ctx.db) : [];
  return { idempotencyKeys, signInFailures, outboxEvents, outboxMonthsDropped, partitionsCreated, analyzed };
}
