import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { downloadFile } from "../ui/download";
import { api } from "./client";
import { useSavedFilters } from "./queries";
import type { SavedFilter } from "./types";

/** The three reports (GET /api/v1/reports/summary|detail|revenue) and their exports. */
export type ReportKind = "summary" | "detail" | "revenue";

/** A row or column of a summary, or a revenue group: `key` null is "(none)" / "(No meeting time)". */
export interface Bucket {
  key: string | null;
  label: string;
}

export interface SummaryRates {
  cancel: number | null;
  noShow: number | null;
  approval: number | null;
  reschedule: number | null;
}

export interface SummaryCounts {
  total: number;
  statuses: Record<string, number>;
  detailedStatuses: Record<string, number>;
  rates: SummaryRates;
}

export interface SummaryReport {
  rows: string;
  columns: string | null;
  interval: string;
  timeBasis: string;
  zone: string;
  /** Every booking status, in the lifecycle's order (the chart's stacking order). */
  statuses: string[];
  detailedStatuses: string[];
  groups: Array<SummaryCounts & { row: Bucket; column: Bucket | null }>;
  rowTotals: Array<SummaryCounts & { row: Bucket }>;
  totals: SummaryCounts;
}

export interface DetailReport {
  columns: { id: string; label: string }[];
  /** Every value a string or null: times ISO 8601 in the report's zone, amounts decimal strings. */
  rows: Record<string, string | null>[];
  nextCursor: string | null;
  zone: string;
}

export interface MoneyCount {
  count: number;
  amount: string;
}

export interface RevenueLine {
  currency: string;
  payments: MoneyCount;
  refunds: MoneyCount;
  net: string;
  /** How much of the above was permanently deleted (kept without personal data). */
  purged: MoneyCount;
}

export interface RevenueReport {
  by: string;
  interval: string;
  zone: string;
  groups: Array<RevenueLine & { key: string | null; label: string }>;
  /** One line per currency: amounts are never summed across currencies. */
  totals: RevenueLine[];
}

const reportKey = (kind: ReportKind, params: string) => ["report", kind, params] as const;

/**
 * The previous answer stays on screen while a changed report loads (no flash of empty charts);
 * `isPlaceholderData` tells the page it is not the answer to the current filters yet.
 */
export const useSummaryReport = (params: string) =>
  useQuery({
    queryKey: reportKey("summary", params),
    queryFn: ({ signal }) => api<SummaryReport>(`/api/v1/reports/summary?${params}`, { signal }),
    placeholderData: keepPreviousData,
  });

export const useRevenueReport = (params: string) =>
  useQuery({
    queryKey: reportKey("revenue", params),
    queryFn: ({ signal }) => api<RevenueReport>(`/api/v1/reports/revenue?${params}`, { signal }),
    placeholderData: keepPreviousData,
  });

/** The detail report, a page at a time (the API's cursor). */
export const useDetailReport = (params: string) =>
  useInfiniteQuery({
    queryKey: reportKey("detail", params),
    queryFn: ({ signal, pageParam }) => api<DetailReport>(`/api/v1/reports/detail?${params}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`, { signal }),
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

/** Downloads a report's export (CSV, with a BOM for spreadsheets if asked, or XLSX) with the same filters. */
export function downloadReport(kind: ReportKind, params: string, format: "csv" | "xlsx", bom: boolean): Promise<void> {
  const query = new URLSearchParams(params);
  query.set("format", format);
  if (format === "csv") query.set("bom", String(bom));
  return downloadFile(`/api/v1/reports/${kind}/export?${query}`, { fallbackName: `bookstream-${kind}.${format}` });
}

/** A saved filter is a saved report when its query names the report (the stream skips those). */
export const isSavedReport = (f: SavedFilter) => typeof f.query.report === "string";

/** The user's saved reports: the saved filters whose query has a `report` key. */
export function useSavedReports() {
  const saved = useSavedFilters();
  return { ...saved, data: saved.data?.filter(isSavedReport) };
}
