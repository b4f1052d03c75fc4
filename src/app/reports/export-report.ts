import { PassThrough, Readable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { DateTime } from "luxon";
import { DETAIL_COLUMNS, DIMENSION_LABELS } from "../../domain/reports.js";
import { unprocessable } from "../../domain/errors.js";
import { countDetailRows } from "../../store/report-detail-repo.js";
import type { AppContext, Caller } from "../context.js";
import { readerOf } from "../context.js";
import { allDetailLines, detailPlan, type DetailInput } from "./detail-report.js";
import { resolveReport } from "./report-scope.js";
import { revenueReport, type RevenueInput } from "./revenue-report.js";
import { summaryReport, type SummaryInput } from "./summary-report.js";

export type ExportFormat = "csv" | "xlsx";
export type ReportName = "summary" | "detail" | "revenue";

export interface ReportFile {
  filename: string;
  contentType: string;
  body: Readable;
}

/** A spreadsheet holds 1,048,576 rows, one of them the header. */
export const XLSX_MAX_ROWS = 1_048_575;

/**
 * A report as a file. CSV is written a page at a time as the client reads it (constant memory
 * whatever the size; RFC 4180 quoting; UTF-8, with a byte-order mark on request so spreadsheet
 * programs read it as UTF-8). XLSX is streamed too, through exceljs's streaming writer.
 */
export async function exportReport(
  ctx: AppContext, caller: Caller, report: ReportName, format: ExportFormat, bom: boolean,
  input: SummaryInput | DetailInput | RevenueInput,
): Promise<ReportFile> {
  const lines = report === "detail"
    ? await detailLines(ctx, caller, input as DetailInput, format)
    : report === "summary" ? await summaryLines(ctx, caller, input as SummaryInput) : await revenueLines(ctx, caller, input as RevenueInput);
  const day = DateTime.fromJSDate(ctx.clock.now()).setZone(input.zone ?? "UTC").toISODate() ?? "report";
  const filename = `bookstream-${report}-${day}.${format}`;
  if (format === "csv") {
    const body = Readable.from(csvChunks(lines, bom), { highWaterMark: 2 });
    return { filename, contentType: "text/csv; charset=utf-8", body };
  }
  return { filename, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body: xlsxStream(report, lines) };
}

type Line = (string | number | null)[];

async function* csvChunks(lines: AsyncIterable<Line[]>, bom: boolean): AsyncGenerator<string> {
  if (bom) yield "\uFEFF";
  for await (const batch of lines) yield stringify(batch, { record_delimiter: "windows" });
}

function xlsxStream(sheetName: string, lines: AsyncIterable<Line[]>): Readable {
  const out = new PassThrough();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = book.addWorksheet(sheetName);
  void (async () => {
    for await (const batch of lines) for (const line of batch) sheet.addRow(line).commit();
    sheet.commit();
    await book.commit();
  })().catch((err) => out.destroy(err));
  return out;
}

async function detailLines(ctx: AppContext, caller: Caller, input: DetailInput, format: ExportFormat): Promise<AsyncIterable<Line[]>> {
  const r = await resolveReport(ctx, caller, input);
  const plan = detailPlan(input);
  if (format === "xlsx") {
    const n = await countDetailRows(readerOf(ctx), r.scope, r.filters, r.search, plan.rangeColumn, XLSX_MAX_ROWS + 1);
    if (n > XLSX_MAX_ROWS) {
      throw unprocessable(`This report has more than ${XLSX_MAX_ROWS.toLocaleString("en")} rows, more than a spreadsheet holds: export it as CSV, or narrow it.`, { limit: XLSX_MAX_ROWS });
    }
  }
  return (async function* () {
    yield [plan.columns.map((c) => DETAIL_COLUMNS[c])];
    yield* allDetailLines(ctx, r, plan);
  })();
}

const rate = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

async function summaryLines(ctx: AppContext, caller: Caller, input: SummaryInput): Promise<AsyncIterable<Line[]>> {
  const s = await summaryReport(ctx, caller, input);
  const header: Line = [DIMENSION_LABELS[s.rows], ...(s.columns ? [DIMENSION_LABELS[s.columns]] : []), "Total", ...s.statuses, ...s.detailedStatuses,
    "Cancel rate", "No-show rate", "Approval rate", "Reschedule rate"];
  const line = (labels: string[], c: (typeof s)["totals"]): Line => [
    ...labels, c.total, ...s.statuses.map((k) => (c.statuses as Record<string, number>)[k]), ...s.detailedStatuses.map((k) => (c.detailedStatuses as Record<string, number>)[k]),
    rate(c.rates.cancel), rate(c.rates.noShow), rate(c.rates.approval), rate(c.rates.reschedule),
  ];
  const body = s.groups.map((g) => line([g.row.label, ...(g.column ? [g.column.label] : [])], g));
  const total = line(["Total", ...(s.columns ? [""] : [])], s.totals);
  return (async function* () { yield [header, ...body, total]; })();
}

async function revenueLines(ctx: AppContext, caller: Caller, input: RevenueInput): Promise<AsyncIterable<Line[]>> {
  const rv = await revenueReport(ctx, caller, input);
  const header: Line = [rv.by === "time" ? "Period" : DIMENSION_LABELS[rv.by], "Currency", "Payments", "Paid", "Refunds", "Refunded", "Net", "Deleted permanently", "Deleted amount (net)"];
  const line = (label: string, g: (typeof rv)["totals"][number]): Line =>
    [label, g.currency, g.payments.count, g.payments.amount, g.refunds.count, g.refunds.amount, g.net, g.purged.count, g.purged.amount];
  return (async function* () { yield [header, ...rv.groups.map((g) => line(g.label, g)), ...rv.totals.map((t) => line("Total", t))]; })();
}
