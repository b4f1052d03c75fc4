import type { SummaryRates } from "../api/reports";

/** What reports can be broken down by and what a detail report can show: the server's own lists (src/domain/reports). */
export {
  DEFAULT_DETAIL_COLUMNS,
  DETAIL_COLUMN_IDS,
  DETAIL_COLUMNS,
  DETAIL_SORTS,
  DIMENSION_LABELS,
  INTERVALS,
  REVENUE_DIMENSIONS,
  SUMMARY_DIMENSIONS,
  TIME_BASES,
  type DetailColumn,
  type DetailSort,
  type Interval,
  type RevenueDimension,
  type SummaryDimension,
  type TimeBasis,
} from "../../../src/domain/reports";
import type { Interval, TimeBasis } from "../../../src/domain/reports";

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
