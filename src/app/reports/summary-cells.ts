import { DETAILED_STATUSES, statusOf, type DetailedStatus } from "../../domain/lifecycle.js";
import type { SummaryCell, SummaryDimension } from "../../domain/reports.js";
import { countedCells, countedHours } from "../../store/report-counts-repo.js";
import { summaryCells, type SummaryQuery } from "../../store/reports-repo.js";
import type { AppContext } from "../context.js";
import { readerOf } from "../context.js";
import { bucketDay, countedBounds, cutDays, onWholeHours } from "./counted-buckets.js";
import type { ResolvedReport } from "./report-scope.js";

const COUNTED_DIMENSIONS = new Set<SummaryDimension | null>(["time", "status", "detailedStatus", null]);

/**
 * The summary's cells, from the kept counts when they can answer (report_booking_counts and
 * report_booking_days: by hour and by day, detailed status and Trash, for an admin, without free
 * text or filters beyond statuses, with a range and zone buckets on whole hours — every zone whose
 * offsets are whole hours), otherwise
 * read from the bookings themselves. Both give the same cells; test/report-counts.test.ts holds
 * them to it, also while bookings change.
 */
export async function summaryCellsFor(ctx: AppContext, r: ResolvedReport, q: SummaryQuery, useCounts = true): Promise<SummaryCell[]> {
  const counted = useCounts ? await countedSummary(ctx, r, q) : null;
  return counted ?? summaryCells(readerOf(ctx), r.scope, r.filters, r.search, q);
}

async function countedSummary(ctx: AppContext, r: ResolvedReport, q: SummaryQuery): Promise<SummaryCell[] | null> {
  const f = r.filters;
  if (r.scope.member || r.search || !COUNTED_DIMENSIONS.has(q.rows) || !COUNTED_DIMENSIONS.has(q.columns)) return null;
  if (f.bookingPageId?.length || f.eventTypeId?.length || f.ownerId?.length || f.customerId?.length) return null;
  if (!onWholeHours(f.from, f.to)) return null;
  const detailed = statusesAsked(f.status, f.detailedStatus);
  if (detailed?.length === 0) return [];
  let bounds: Date[] = [];
  if (q.rows === "time" || q.columns === "time") {
    const b = countedBounds(await countedHours(readerOf(ctx), r.scope.accountId, q.timeBasis), f.from, f.to, q.interval, q.zone);
    if (!b) return null;
    bounds = b;
  }
  const rows = await countedCells(readerOf(ctx), r.scope.accountId, {
    basis: q.timeBasis, bounds, includeTrash: f.includeTrash, detailedStatus: detailed, from: f.from, to: f.to, cutDays: cutDays(bounds, f.from, f.to),
  });
  const dayOf = (bucket: number | null) => bucketDay(bounds, bucket, q.zone);
  const keyOf = (d: SummaryDimension | null, row: (typeof rows)[number]): string | null =>
    d === null ? null : d === "time" ? dayOf(row.bucket) : d === "status" ? (statusOf(row.detailedStatus as DetailedStatus) ?? row.detailedStatus) : row.detailedStatus;
  return rows.map((row) => ({
    rowKey: keyOf(q.rows, row),
    columnKey: keyOf(q.columns, row),
    detailedStatus: row.detailedStatus,
    wasRequest: row.wasRequest,
    approved: row.approved,
    rescheduled: row.rescheduled,
    count: row.count,
  }));
}

/** The detailed statuses a status and detailed-status filter leave (undefined: all). */
function statusesAsked(status?: string[], detailed?: string[]): string[] | undefined {
  if (!status?.length && !detailed?.length) return undefined;
  const all = Object.keys(DETAILED_STATUSES) as DetailedStatus[];
  return all.filter((d) => (!status?.length || status.includes(DETAILED_STATUSES[d])) && (!detailed?.length || detailed.includes(d)));
}
