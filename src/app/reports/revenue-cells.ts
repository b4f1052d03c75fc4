import { countedMoney, countedMoneyHours } from "../../store/report-counts-repo.js";
import { purgedRevenueRows, revenueCells, revenueCellsOf, type RevenueCell, type RevenueQuery } from "../../store/reports-repo.js";
import type { AppContext } from "../context.js";
import { readerOf } from "../context.js";
import { bucketDay, countedBounds, onWholeHours } from "./counted-buckets.js";
import type { ResolvedReport } from "./report-scope.js";

/**
 * The revenue report's cells, from the kept money (report_revenue_counts: by hour, currency, status
 * and Trash) when it can answer — an admin's report by time, filtered at most by currency and a
 * range on whole hours, in a zone whose offsets are whole hours — otherwise from the transactions
 * themselves. Money deleted permanently comes from the ledger either way. Both give the same
 * cells; test/revenue-counts.test.ts holds them to it.
 */
export async function revenueCellsFor(ctx: AppContext, r: ResolvedReport, q: RevenueQuery, useCounts = true): Promise<RevenueCell[]> {
  const counted = useCounts ? await countedRevenue(ctx, r, q) : null;
  return counted ?? revenueCells(readerOf(ctx), r.scope, r.filters, q);
}

async function countedRevenue(ctx: AppContext, r: ResolvedReport, q: RevenueQuery): Promise<RevenueCell[] | null> {
  const f = r.filters;
  if (r.scope.member || q.by !== "time") return null;
  if (f.bookingPageId?.length || f.eventTypeId?.length || f.ownerId?.length || f.customerId?.length || f.status?.length || f.detailedStatus?.length) return null;
  if (!onWholeHours(f.from, f.to)) return null;
  const bounds = countedBounds(await countedMoneyHours(readerOf(ctx), r.scope.accountId), f.from, f.to, q.interval, q.zone);
  if (!bounds) return null;
  const [money, purged] = await Promise.all([
    countedMoney(readerOf(ctx), r.scope.accountId, { bounds, includeTrash: f.includeTrash, currency: q.currency, from: f.from, to: f.to }),
    purgedRevenueRows(readerOf(ctx), r.scope, f, q),
  ]);
  const live = money.map((m) => ({
    key: bucketDay(bounds, m.bucket, q.zone),
    currency: m.currency,
    payments: m.status === "Paid" ? m.n : 0,
    paid_minor: m.status === "Paid" ? m.minor : 0,
    refunds: m.status === "Refunded" ? m.n : 0,
    refunded_minor: m.status === "Refunded" ? m.minor : 0,
  }));
  return revenueCellsOf(live, purged);
}
