import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { detailReport } from "../../app/reports/detail-report.js";
import { exportReport } from "../../app/reports/export-report.js";
import { revenueReport } from "../../app/reports/revenue-report.js";
import { summaryReport } from "../../app/reports/summary-report.js";
import { BOOKING_STATUSES, DETAILED_STATUS_LIST } from "../../domain/lifecycle.js";
import { PACKAGE_STATUSES } from "../../domain/package-status.js";
import {
  DETAIL_COLUMN_IDS, DETAIL_SORTS, INTERVALS, REVENUE_DIMENSIONS, SUMMARY_DIMENSIONS, TIME_BASES, type DetailColumn,
} from "../../domain/reports.js";
import { SEARCH_GRAMMAR_HELP } from "../../domain/search-query.js";
import { TRANSACTION_STATUSES, TRANSACTION_TYPE_LIST } from "../../domain/transactions.js";
import { callerOf, requireCaller } from "../auth.js";
import { csv, errors, IsoDateTime, TimeZone } from "../schemas.js";

const repeatable = <T extends z.ZodType<unknown, string>>(item: T) =>
  z.union([z.string(), z.array(z.string())]).optional()
    .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v])))
    .pipe(z.array(item).max(100).optional());

/** The stream's filters, under the same names (GET /api/v1/activities), plus a range, a zone and the Trash. */
const Filters = {
  status: csv(z.enum([...new Set([...BOOKING_STATUSES, ...PACKAGE_STATUSES, ...TRANSACTION_STATUSES])] as [string, ...string[]])).describe("Comma-separated statuses"),
  detailedStatus: repeatable(z.enum([...DETAILED_STATUS_LIST, ...TRANSACTION_TYPE_LIST] as [string, ...string[]]))
    .describe("Detailed status or transaction type; repeat the parameter for several (they contain commas)"),
  bookingPageId: csv(z.uuid()).describe("Comma-separated booking page IDs"),
  eventTypeId: csv(z.uuid()).describe("Comma-separated event type IDs"),
  ownerId: csv(z.uuid()).describe("Comma-separated owner (host) user IDs"),
  customerId: csv(z.uuid()).describe("Comma-separated customer IDs"),
  from: IsoDateTime.optional().describe("At or after this instant (on the report's time basis)"),
  to: IsoDateTime.optional().describe("Before this instant (not before `from`)"),
  q: z.string().max(4000).optional().describe("Free-text filter, the stream's grammar. " + SEARCH_GRAMMAR_HELP),
  zone: TimeZone.optional().describe("The zone of time buckets and shown times (default: the account's)"),
  includeTrash: z.enum(["true", "false"]).optional().transform((v) => v !== "false")
    .describe("Include activities in the Trash, marked \"(In Trash)\" (default true; members never see the Trash)"),
};

const SummaryQuery = z.object({
  ...Filters,
  rows: z.enum(SUMMARY_DIMENSIONS).describe("The first dimension"),
  columns: z.enum(SUMMARY_DIMENSIONS).optional().describe("A second dimension (ignored when it is the first)"),
  interval: z.enum(INTERVALS).default("month").describe("The `time` dimension's buckets (weeks start on Monday)"),
  timeBasis: z.enum(TIME_BASES).default("meeting").describe("meeting: by meeting time (bookings without one fall under \"(No meeting time)\"); created: by creation time"),
}).strict();

const DetailQuery = z.object({
  ...Filters,
  type: csv(z.enum(["booking", "package", "transaction"])).describe("Comma-separated activity types (default all)"),
  columns: csv(z.enum(DETAIL_COLUMN_IDS as [DetailColumn, ...DetailColumn[]])).describe(`Comma-separated columns: ${DETAIL_COLUMN_IDS.join(", ")}`),
  sort: z.enum(DETAIL_SORTS).default("createdAt"),
  order: z.enum(["asc", "desc"]).default("desc").describe("Rows without a value in the sort column come last either way"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(3000).optional().describe("nextCursor from the previous page"),
  timeBasis: z.enum(TIME_BASES).default("created").describe("What from/to range over"),
}).strict();

const RevenueQuery = z.object({
  ...Filters,
  by: z.enum(REVENUE_DIMENSIONS).default("time"),
  interval: z.enum(INTERVALS).default("month"),
  currency: csv(z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as EUR")).describe("Comma-separated currencies"),
}).strict();

const ExportOptions = {
  format: z.enum(["csv", "xlsx"]).default("csv"),
  bom: z.enum(["true", "false"]).optional().transform((v) => v === "true").describe("CSV: start with a UTF-8 byte-order mark, for spreadsheet programs"),
};

const Counts = z.object({
  total: z.number().int(),
  statuses: z.record(z.string(), z.number().int()),
  detailedStatuses: z.record(z.string(), z.number().int()),
  rates: z.object({ cancel: z.number().nullable(), noShow: z.number().nullable(), approval: z.number().nullable(), reschedule: z.number().nullable() })
    .describe("Shares 0..1 (null: nothing to count). cancel: Canceled / all; noShow: No-show / (Completed + No-show); approval: requests approved / requests decided; reschedule: rescheduled / all"),
});
const KeyLabel = z.object({ key: z.string().nullable(), label: z.string() });
const CountAmount = z.object({ count: z.number().int(), amount: z.string() });
const Figures = z.object({ currency: z.string(), payments: CountAmount, refunds: CountAmount, net: z.string(), purged: CountAmount.describe("Of these, deleted permanently (net)") });

const dates = <T extends { from?: string; to?: string }>(q: T) => ({ ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });

export function reportRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/reports/summary", {
      schema: {
        summary: "Summary report: bookings by status and detailed status across one or two dimensions, with totals and rates",
        querystring: SummaryQuery,
        response: {
          200: z.object({
            rows: z.enum(SUMMARY_DIMENSIONS), columns: z.enum(SUMMARY_DIMENSIONS).nullable(), interval: z.enum(INTERVALS), timeBasis: z.enum(TIME_BASES), zone: z.string(),
            statuses: z.array(z.string()), detailedStatuses: z.array(z.string()),
            groups: z.array(Counts.extend({ row: KeyLabel, column: KeyLabel.nullable() })),
            rowTotals: z.array(Counts.extend({ row: KeyLabel })),
            totals: Counts,
          }),
          ...errors(400, 401),
        },
      },
    }, async (req) => summaryReport(ctx, callerOf(req), dates(req.query)));

    app.get("/api/v1/reports/detail", {
      schema: {
        summary: "Detail report: one row per activity, the columns asked for, sorted, keyset-paginated",
        querystring: DetailQuery,
        response: {
          200: z.object({
            zone: z.string(),
            columns: z.array(z.object({ id: z.string(), label: z.string() })),
            rows: z.array(z.record(z.string(), z.string().nullable())).describe("Times are ISO 8601 in `zone`; amounts are decimals"),
            nextCursor: z.string().nullable(),
          }),
          ...errors(400, 401),
        },
      },
    }, async (req) => detailReport(ctx, callerOf(req), dates(req.query)));

    app.get("/api/v1/reports/revenue", {
      schema: {
        summary: "Revenue report: payments, refunds and net by period, page, owner or event type, per currency (never summed across currencies)",
        querystring: RevenueQuery,
        response: {
          200: z.object({
            by: z.enum(REVENUE_DIMENSIONS), interval: z.enum(INTERVALS), zone: z.string(),
            groups: z.array(Figures.extend({ key: z.string().nullable(), label: z.string() })),
            totals: z.array(Figures),
          }),
          ...errors(400, 401),
        },
      },
    }, async (req) => revenueReport(ctx, callerOf(req), dates(req.query)));

    const exports = [
      ["summary", SummaryQuery],
      ["detail", DetailQuery.omit({ limit: true, cursor: true })],
      ["revenue", RevenueQuery],
    ] as const;
    for (const [report, query] of exports) {
      app.get(`/api/v1/reports/${report}/export`, {
        schema: {
          summary: `The ${report} report as a file: CSV (streamed, UTF-8, optional byte-order mark) or XLSX`,
          querystring: (query as z.ZodObject<any>).extend(ExportOptions).strict(),
          response: { 200: z.any().describe("text/csv or an XLSX workbook"), ...errors(400, 401, 422) },
        },
      }, async (req, reply) => {
        const { format, bom, ...params } = req.query as any;
        const file = await exportReport(ctx, callerOf(req), report, format, bom, dates(params));
        reply.header("content-disposition", `attachment; filename="${file.filename}"`);
        reply.header("cache-control", "private, no-store");
        return reply.type(file.contentType).send(file.body);
      });
    }
  };
}
