import { BOOKING_STATUSES, DETAILED_STATUS_LIST } from "../../domain/lifecycle.js";
import {
  bucketLabel, CREATED_BY_LABELS, missingLabel, summarize, type Interval, type SummaryCounts, type SummaryDimension, type TimeBasis,
} from "../../domain/reports.js";
import { namesOf, type NamedIds } from "../../store/reports-repo.js";
import type { AppContext, Caller } from "../context.js";
import { readerOf } from "../context.js";
import { resolveReport, type ReportInput } from "./report-scope.js";
import { summaryCellsFor } from "./summary-cells.js";

export interface SummaryInput extends ReportInput {
  rows: SummaryDimension;
  columns?: SummaryDimension;
  interval?: Interval;
  timeBasis?: TimeBasis;
}

export interface KeyLabel { key: string | null; label: string }
export interface SummaryGroup extends SummaryCounts { row: KeyLabel; column: KeyLabel | null }

export interface SummaryReport {
  rows: SummaryDimension;
  columns: SummaryDimension | null;
  interval: Interval;
  timeBasis: TimeBasis;
  zone: string;
  statuses: string[];
  detailedStatuses: string[];
  groups: SummaryGroup[];
  rowTotals: (SummaryCounts & { row: KeyLabel })[];
  totals: SummaryCounts;
}

/** The summary report: bookings counted by status and detailed status across one or two dimensions, with rates. */
export async function summaryReport(ctx: AppContext, caller: Caller, input: SummaryInput, useCounts = true): Promise<SummaryReport> {
  const r = await resolveReport(ctx, caller, input);
  const query = {
    rows: input.rows,
    columns: input.columns && input.columns !== input.rows ? input.columns : null,
    interval: input.interval ?? "month",
    timeBasis: input.timeBasis ?? "meeting",
    zone: r.zone,
  };
  const cells = await summaryCellsFor(ctx, r, query, useCounts);
  const folded = summarize(cells);
  const names = await namesFor(ctx, caller.accountId, [
    [query.rows, cells.map((c) => c.rowKey)],
    [query.columns, cells.map((c) => c.columnKey)],
  ]);
  const label = (d: SummaryDimension, key: string | null): KeyLabel => ({ key, label: labelOf(d, key, query.interval, names) });
  const groups = folded.groups
    .map(({ rowKey, columnKey, ...counts }) => ({ row: label(query.rows, rowKey), column: query.columns ? label(query.columns, columnKey) : null, ...counts }))
    .sort((a, b) => compareKeys(query.rows, a.row, b.row) || (query.columns && a.column && b.column ? compareKeys(query.columns, a.column, b.column) : 0));
  const rowTotals = folded.rowTotals
    .map(({ rowKey, ...counts }) => ({ row: label(query.rows, rowKey), ...counts }))
    .sort((a, b) => compareKeys(query.rows, a.row, b.row));
  return { ...query, statuses: [...BOOKING_STATUSES], detailedStatuses: [...DETAILED_STATUS_LIST], groups, rowTotals, totals: folded.totals };
}

/** The names of the IDs each dimension's keys hold (a page's keys are page IDs, and so on). */
async function namesFor(ctx: AppContext, accountId: string, dims: [SummaryDimension | null, (string | null)[]][]): Promise<NamedIds> {
  const of = (d: SummaryDimension) => [...new Set(dims.filter(([dim]) => dim === d).flatMap(([, keys]) => keys.filter((k): k is string => k !== null)))];
  return namesOf(readerOf(ctx), accountId, { pages: of("bookingPage"), users: of("owner"), eventTypes: of("eventType") });
}

function labelOf(d: SummaryDimension, key: string | null, interval: Interval, names: NamedIds): string {
  if (key === null) return missingLabel(d);
  switch (d) {
    case "time": return bucketLabel(key, interval);
    case "bookingPage": return names.pages.get(key) ?? "(deleted page)";
    case "owner": return names.users.get(key) ?? "(removed user)";
    case "eventType": return names.eventTypes.get(key) ?? "(deleted event type)";
    case "createdBy": return CREATED_BY_LABELS[key] ?? key;
    default: return key;
  }
}

/** Time in order (missing last); statuses in the lifecycle's order; everything else by its label. */
function compareKeys(d: SummaryDimension, a: KeyLabel, b: KeyLabel): number {
  if (a.key === b.key) return 0;
  if (a.key === null) return 1;
  if (b.key === null) return -1;
  if (d === "time") return a.key < b.key ? -1 : 1;
  const order: readonly string[] | null = d === "status" ? BOOKING_STATUSES : d === "detailedStatus" ? DETAILED_STATUS_LIST : null;
  if (order) return order.indexOf(a.key) - order.indexOf(b.key);
  return a.label.localeCompare(b.label) || (a.key < b.key ? -1 : 1);
}
