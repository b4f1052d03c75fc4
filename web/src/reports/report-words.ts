import type { SummaryRates } from "../api/reports";

/** What reports can be broken down by, and what a detail report can show (the API's names). */
export const SUMMARY_DIMENSIONS = ["time", "bookingPage", "owner", "eventType", "customerTimeZone", "createdBy", "status", "detailedStatus"] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];
export const REVENUE_DIMENSIONS = ["time", "bookingPage", "owner", "eventType"] as const;
export type RevenueDimension = (typeof REVENUE_DIMENSIONS)[number];
export const INTERVALS = ["day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];
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
export const DETAIL_SORTS = ["id", "type", "status", "detailedStatus", "customerName", "customerEmail", "bookingPage", "owner", "eventType", "start", "end", "createdAt", "updatedAt", "amount"] as const;
export type DetailSort = (typeof DETAIL_SORTS)[number];

export const INTERVAL_LABELS: Record<Interval, string> = { day: "Day", week: "Week (from Monday)", month: "Month" };
export const TIME_BASIS_LABELS: Record<TimeBasis, string> = { meeting: "Meeting time", created: "Created" };

/** The rates, as the table's column headings say them, with what each divides by. */
export const RATES: { key: keyof SummaryRates; label: string; help: string }[] = [
  { key: "cancel", label: "Cancel rate", help: "Canceled of all bookings" },
  { key: "noShow", label: "No-show rate", help: "No-shows of meetings that were due (Completed and No-show)" },
  { key: "approval", label: "Approval rate", help: "Requests approved of requests decided" },
  { key: "reschedule", label: "Reschedule rate", help: "Rescheduled bookings of all bookings" },
];

/**
 * Each booking status's colour in the charts: the badges' tones (ui/Status), strong enough to tell
 * apart on white (each at least 3:1 against it), and the same order as the lifecycle's.
 */
export const STATUS_COLORS: Record<string, string> = {
  Requested: "#b45309",
  Scheduled: "#1d4ed8",
  Rescheduled: "#7c3aed",
  Canceled: "#b42318",
  Completed: "#15803d",
  "No-show": "#9d174d",
  Expired: "#64748b",
};

/** Colours for other series (detailed statuses, breakdowns), in turn. */
export const SERIES_COLORS = ["#1d4ed8", "#b45309", "#15803d", "#7c3aed", "#b42318", "#0e7490", "#9d174d", "#64748b", "#4d7c0f", "#c2410c"];

export const formatRate = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);
