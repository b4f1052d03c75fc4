import { DateTime } from "luxon";
import { BOOKING_STATUSES, DETAILED_STATUS_LIST, statusOf, type BookingStatus, type DetailedStatus } from "./lifecycle.js";

/**
 * Reports, as data: what a summary can be broken down by, what a detail report can show, and how
 * the rates are defined. Pure; the SQL lives in src/store/reports-repo.ts.
 */

export const SUMMARY_DIMENSIONS = ["time", "bookingPage", "owner", "eventType", "customerTimeZone", "createdBy", "status", "detailedStatus"] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

export const REVENUE_DIMENSIONS = ["time", "bookingPage", "owner", "eventType"] as const;
export type RevenueDimension = (typeof REVENUE_DIMENSIONS)[number];

export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

/** Which time a report's `time` dimension and from/to range read: the meeting's start, or when the booking was made. */
export const TIME_BASES = ["meeting", "created"] as const;
export type TimeBasis = (typeof TIME_BASES)[number];

export const DIMENSION_LABELS: Record<SummaryDimension, string> = {
  time: "Time",
  bookingPage: "Booking page",
  owner: "Owner",
  eventType: "Event type",
  customerTimeZone: "Customer time zone",
  createdBy: "Created by",
  status: "Status",
  detailedStatus: "Detailed status",
};

/** What a missing key (no page, no host, no meeting time…) is called in a report. */
export function missingLabel(d: SummaryDimension): string {
  return d === "time" ? "(No meeting time)" : "(none)";
}

/**
 * One aggregate of the store: bookings sharing a row key, a column key, a detailed status and the
 * three facts the rates need. The store groups by these; everything else is computed here.
 */
export interface SummaryCell {
  rowKey: string | null;
  columnKey: string | null;
  detailedStatus: string;
  /** The booking started as a request (the customer proposed times). */
  wasRequest: boolean;
  /** …and a user approved it (it got a meeting time). */
  approved: boolean;
  /** Made by rescheduling another booking, or rescheduled in place. */
  rescheduled: boolean;
  count: number;
}

export interface SummaryCounts {
  total: number;
  statuses: Record<BookingStatus, number>;
  detailedStatuses: Record<DetailedStatus, number>;
  rates: SummaryRates;
}

/**
 * The rates, each a share (0..1) or null when nothing could be counted:
 * - cancel: canceled bookings of all bookings;
 * - noShow: no-shows of the meetings that were due (Completed + No-show) — a no-show is never Completed;
 * - approval: requests approved of requests decided (approved, expired, or declined with new times asked);
 *   a request the customer withdrew before a decision is not decided;
 * - reschedule: bookings rescheduled (in place, or made by rescheduling another) of all bookings.
 */
export interface SummaryRates {
  cancel: number | null;
  noShow: number | null;
  approval: number | null;
  reschedule: number | null;
}

interface Tally {
  total: number;
  statuses: Map<string, number>;
  detailed: Map<string, number>;
  requestsApproved: number;
  requestsDecided: number;
  rescheduled: number;
}

const newTally = (): Tally => ({ total: 0, statuses: new Map(), detailed: new Map(), requestsApproved: 0, requestsDecided: 0, rescheduled: 0 });

function add(t: Tally, c: SummaryCell): void {
  const status = statusOf(c.detailedStatus as DetailedStatus) ?? c.detailedStatus;
  t.total += c.count;
  t.statuses.set(status, (t.statuses.get(status) ?? 0) + c.count);
  t.detailed.set(c.detailedStatus, (t.detailed.get(c.detailedStatus) ?? 0) + c.count);
  if (c.wasRequest && c.approved) t.requestsApproved += c.count;
  if (c.wasRequest && (c.approved || requestDeclined(c.detailedStatus))) t.requestsDecided += c.count;
  if (c.rescheduled || status === "Rescheduled") t.rescheduled += c.count;
}

/** A request that ended without a meeting by the business's doing (not the customer's withdrawal). */
function requestDeclined(detailed: string): boolean {
  return detailed === "Expired (Set by System)" || detailed === "Canceled (New times requested by user)" || detailed === "Canceled (By user)";
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function countsOf(t: Tally): SummaryCounts {
  const statuses = Object.fromEntries(BOOKING_STATUSES.map((s) => [s, t.statuses.get(s) ?? 0])) as Record<BookingStatus, number>;
  const detailedStatuses = Object.fromEntries(DETAILED_STATUS_LIST.map((s) => [s, t.detailed.get(s) ?? 0])) as Record<DetailedStatus, number>;
  return {
    total: t.total,
    statuses,
    detailedStatuses,
    rates: {
      cancel: share(statuses.Canceled, t.total),
      noShow: share(statuses["No-show"], statuses.Completed + statuses["No-show"]),
      approval: share(t.requestsApproved, t.requestsDecided),
      reschedule: share(t.rescheduled, t.total),
    },
  };
}

export interface SummaryGroupCounts extends SummaryCounts {
  rowKey: string | null;
  columnKey: string | null;
}

/** Folds the store's cells into groups (row × column), totals per row, and the grand total. */
export function summarize(cells: readonly SummaryCell[]): { groups: SummaryGroupCounts[]; rowTotals: (SummaryCounts & { rowKey: string | null })[]; totals: SummaryCounts } {
  const groups = new Map<string, { rowKey: string | null; columnKey: string | null; tally: Tally }>();
  const rows = new Map<string | null, Tally>();
  const all = newTally();
  for (const c of cells) {
    const key = JSON.stringify([c.rowKey, c.columnKey]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rowKey: c.rowKey, columnKey: c.columnKey, tally: newTally() }));
    add(g.tally, c);
    let r = rows.get(c.rowKey);
    if (!r) rows.set(c.rowKey, (r = newTally()));
    add(r, c);
    add(all, c);
  }
  return {
    groups: [...groups.values()].map((g) => ({ rowKey: g.rowKey, columnKey: g.columnKey, ...countsOf(g.tally) })),
    rowTotals: [...rows.entries()].map(([rowKey, t]) => ({ rowKey, ...countsOf(t) })),
    totals: countsOf(all),
  };
}

/** The columns a detail report can show, in the order the picker lists them. */
export const DETAIL_COLUMNS = {
  id: "ID",
  type: "Type",
  status: "Status",
  detailedStatus: "Detailed status",
  inTrash: "In Trash",
  customerName: "Customer",
  customerEmail: "Customer e-mail",
  customerTimeZone: "Customer time zone",
  bookingPage: "Booking page",
  owner: "Owner",
  eventType: "Event type",
  start: "Start",
  end: "End",
  createdAt: "Created",
  updatedAt: "Last updated",
  reason: "Reason",
  answers: "Answers",
  amount: "Amount",
  currency: "Currency",
} as const;
export type DetailColumn = keyof typeof DETAIL_COLUMNS;
export const DETAIL_COLUMN_IDS = Object.keys(DETAIL_COLUMNS) as DetailColumn[];
export const DEFAULT_DETAIL_COLUMNS: DetailColumn[] = ["id", "type", "status", "detailedStatus", "customerName", "bookingPage", "owner", "start", "createdAt"];
/** Columns a detail report can be sorted by (each a plain column of the activity). */
export const DETAIL_SORTS = ["id", "type", "status", "detailedStatus", "customerName", "customerEmail", "bookingPage", "owner", "eventType", "start", "end", "createdAt", "updatedAt", "amount"] as const;
export type DetailSort = (typeof DETAIL_SORTS)[number];

/** How a trashed activity is marked in reports until it is deleted (the seed's words). */
export const IN_TRASH = "(In Trash)";

/** "Q: A; Q2: A2" — answers in one cell, the questions in the order they were asked. */
export function answersCell(answers: Record<string, string> | null): string | null {
  if (!answers) return null;
  const parts = Object.entries(answers).filter(([, v]) => v !== "").map(([q, a]) => `${q}: ${a}`);
  return parts.length ? parts.join("; ") : null;
}

/** A time bucket's name from its first day ("2026-11-02"): "2 Nov 2026", "Week of 2 Nov 2026", "Nov 2026". */
export function bucketLabel(firstDay: string, interval: Interval): string {
  const d = DateTime.fromISO(firstDay, { zone: "UTC", locale: "en-GB" });
  if (!d.isValid) return firstDay;
  return interval === "month" ? d.toFormat("LLL yyyy") : interval === "week" ? `Week of ${d.toFormat("d LLL yyyy")}` : d.toFormat("ccc d LLL yyyy");
}

export const CREATED_BY_LABELS: Record<string, string> = { customer: "Customer", user: "User", system: "System" };
