import { DateTime } from "luxon";
import { DETAILED_STATUSES, statusOf, type DetailedStatus } from "../../domain/lifecycle.js";
import type { Interval, SummaryCell, SummaryDimension } from "../../domain/reports.js";
import { countedCells, countedHours } from "../../store/report-counts-repo.js";
import { summaryCells, type SummaryQuery } from "../../store/reports-repo.js";
import type { AppContext } from "../context.js";
import type { ResolvedReport } from "./report-scope.js";

const HOUR = 3_600_000;
/** Beyond this many buckets (a day per bucket over 130 years) the counts are not worth it. */
const MAX_BUCKETS = 50_000;
const COUNTED_DIMENSIONS = new Set<SummaryDimension | null>(["time", "status", "detailedStatus", null]);

/**
 * The summary's cells, from the kept counts when they can answer (report_booking_counts: by hour,
 * detailed status and Trash, for an admin, without free text or filters beyond statuses, with a
 * range and zone buckets on whole hours — every zone whose offsets are whole hours), otherwise
 * read from the bookings themselves. Both give the same cells; test/report-counts.test.ts holds
 * them to it, also while bookings change.
 */
export async function summaryCellsFor(ctx: AppContext, r: ResolvedReport, q: SummaryQuery, useCounts = true): Promise<SummaryCell[]> {
  const counted = useCounts ? await countedSummary(ctx, r, q) : null;
  return counted ?? summaryCells(ctx.db, r.scope, r.filters, r.search, q);
}

async function countedSummary(ctx: AppContext, r: ResolvedReport, q: SummaryQuery): Promise<SummaryCell[] | null> {
  const f = r.filters;
  if (r.scope.member || r.search || !COUNTED_DIMENSIONS.has(q.rows) || !COUNTED_DIMENSIONS.has(q.columns)) return null;
  if (f.bookingPageId?.length || f.eventTypeId?.length || f.ownerId?.length || f.customerId?.length) return null;
  if ((f.from && f.from.getTime() % HOUR !== 0) || (f.to && f.to.getTime() % HOUR !== 0)) return null;
  const detailed = statusesAsked(f.status, f.detailedStatus);
  if (detailed?.length === 0) return [];
  let bounds: Date[] = [];
  if (q.rows === "time" || q.columns === "time") {
    const hours = await countedHours(ctx.db, r.scope.accountId, q.timeBasis);
    const first = latest(hours.first, f.from), last = earliest(hours.last, f.to ? new Date(f.to.getTime() - HOUR) : undefined);
    if (first && last && first <= last) {
      const b = bucketStarts(first, last, q.interval, q.zone);
      if (!b) return null;
      bounds = b;
    }
  }
  const rows = await countedCells(ctx.db, r.scope.accountId, { basis: q.timeBasis, bounds, includeTrash: f.includeTrash, detailedStatus: detailed, from: f.from, to: f.to });
  const dayOf = (bucket: number | null) => (bucket === null || bucket < 1 ? null : DateTime.fromJSDate(bounds[bucket - 1], { zone: q.zone }).toISODate());
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

/**
 * The starts of the zone's days, weeks (from Monday) or months from the one holding `first` to the
 * one holding `last`; null when one does not fall on a whole UTC hour (a zone offset by 30 or 45
 * minutes, then or at some point in the range) or there would be too many.
 */
function bucketStarts(first: Date, last: Date, interval: Interval, zone: string): Date[] | null {
  const out: Date[] = [];
  let at = DateTime.fromJSDate(first, { zone }).startOf(interval);
  const end = last.getTime();
  while (at.toMillis() <= end) {
    if (at.toMillis() % HOUR !== 0 || out.length >= MAX_BUCKETS) return null;
    out.push(at.toJSDate());
    at = at.plus({ [`${interval}s`]: 1 }).startOf(interval);
  }
  return out;
}

const latest = (a: Date | null, b?: Date) => (a && b ? (a > b ? a : b) : (a ?? b ?? null));
const earliest = (a: Date | null, b?: Date) => (a && b ? (a < b ? a : b) : (a ?? b ?? null));
