import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { approveRequest } from "../../app/approve-request.js";
import { cancelBooking } from "../../app/cancel-booking.js";
import type { AppContext, Caller } from "../../app/context.js";
import { getActivityDetails } from "../../app/get-activity.js";
import { hostFreeTimes } from "../../app/host-free-times.js";
import { refundPayment } from "../../app/payments/refunds.js";
import { listActivities, STREAM_SORTS } from "../../app/list-activities.js";
import { reassignBooking } from "../../app/reassign-booking.js";
import { requestNewTimes } from "../../app/request-new-times.js";
import { requestReschedule } from "../../app/request-reschedule.js";
import { rescheduleBooking } from "../../app/reschedule-booking.js";
import { setNoShow } from "../../app/set-no-show.js";
import { BOOKING_STATUSES, DETAILED_STATUS_LIST, USER_ACTIONS, type UserAction } from "../../domain/lifecycle.js";
import { PACKAGE_STATUSES } from "../../domain/package-status.js";
import { SEARCH_GRAMMAR_HELP } from "../../domain/search-query.js";
import { TRANSACTION_STATUSES, TRANSACTION_TYPE_LIST } from "../../domain/transactions.js";
import { TRASH_RETENTION_DAYS } from "../../domain/trash.js";
import { callerOf, requireCaller } from "../auth.js";
import { ActivityDetails, ActivityId, IsoDate, IsoDateTime, StreamPage, answerChecking, csv, errors } from "../schemas.js";

const StreamQuery = z.object({
  type: csv(z.enum(["booking", "package", "transaction"])).describe("Comma-separated activity types"),
  status: csv(z.enum([...new Set([...BOOKING_STATUSES, ...PACKAGE_STATUSES, ...TRANSACTION_STATUSES])] as [string, ...string[]])).describe("Comma-separated statuses (bookings', session packages' and transactions')"),
  detailedStatus: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.enum([...DETAILED_STATUS_LIST, ...TRANSACTION_TYPE_LIST] as [string, ...string[]])).optional())
    .describe("Detailed status or transaction type; repeat the parameter for several (they contain commas)"),
  bookingPageId: csv(z.uuid()).describe("Comma-separated booking page IDs"),
  eventTypeId: csv(z.uuid()).describe("Comma-separated event type IDs"),
  ownerId: csv(z.uuid()).describe("Comma-separated owner (host) user IDs"),
  customerId: csv(z.uuid()).describe("Comma-separated customer IDs"),
  startFrom: IsoDateTime.optional().describe("Meeting starts at or after"),
  startTo: IsoDateTime.optional().describe("Meeting starts before (not before startFrom: an inverted range is a 400)"),
  createdFrom: IsoDateTime.optional().describe("Created at or after"),
  createdTo: IsoDateTime.optional().describe("Created before (not before createdFrom: an inverted range is a 400)"),
  q: z.string().max(4000).optional().describe("Free-text filter. " + SEARCH_GRAMMAR_HELP),
  sort: z.enum(STREAM_SORTS).default("updated").describe(
    "Order: `updated` last updated first (default); `created` newest first; `start` meeting time, earliest first; " +
      "`-start` meeting time, latest first; `trashed` (with trash=true only) moved to the Trash most recently first. " +
      "Under `start` and `-start`, activities without a meeting time (requests, packages, transactions) come last, " +
      "last updated first. A cursor continues only the sort it came from.",
  ),
  trash: z.enum(["true", "false"]).optional().transform((v) => v === "true").describe(
    `The Trash filter (admins only; a member gets 403): only the activities moved to the Trash in the last ${TRASH_RETENTION_DAYS} days, ` +
      "with the same filters, search, sorts, pages and counts as the stream; each item's `trash` says when it was moved, by whom, " +
      "and when it is deleted permanently, and its `trashActions` are restore and delete-permanently. Without it (or false), the " +
      "stream never lists an activity in the Trash.",
  ),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional().describe("nextCursor from the previous page"),
  includeTotal: z.enum(["true", "false"]).optional().transform((v) => v === "true").describe("Also count matches (capped at 10,000)"),
});

const ActionBody = z
  .object({
    reason: z.string().trim().max(2000).optional().describe("Why; required for request-reschedule and reschedule (shown to the customer)"),
    start: IsoDateTime.optional().describe("New start: approve (defaults to the first proposed time ahead) and reschedule (required)"),
    ownerId: z.uuid().optional().describe("reassign: the new host"),
    eventType: z.enum(["same", "any"]).optional().describe("request-reschedule: same event type, or let the customer pick any"),
    eventTypeId: z.uuid().optional().describe("reschedule: another event type of the same page"),
    amount: z.string().trim().regex(/^\d{1,13}(\.\d{1,3})?$/, "a decimal amount such as 12.50").optional()
      .describe("refund: how much, in the payment's currency (default: everything left to refund)"),
    override: z.boolean().optional()
      .describe("approve, reschedule: book a start outside the host's hours or over their busy time knowingly (without it such a start is 422, naming the host's hours)"),
    expectedVersion: z.number().int().min(1).optional()
      .describe("The activity's version the caller last saw; if it has changed since, the answer is 409 conflict and nothing is done"),
  })
  .strict()
  .default({});

const ActionResult = z.object({
  activity: ActivityDetails,
  created: ActivityDetails.optional().describe("The new booking (reschedule) or the refund (refund)"),
  customerLink: z.string().optional().describe("The link sent to the customer (request-reschedule, request-new-times)"),
});

export function activityRoutes(ctx: AppContext, opts: { validateResponses: boolean } = { validateResponses: true }): FastifyPluginAsyncZod {
  const fastRead = answerChecking(opts.validateResponses);
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/activities", {
      ...fastRead,
      schema: {
        tags: ["Activity stream"],
        summary: "The Activity stream: last updated first (or by meeting time or creation), filtered, keyset-paginated; with trash=true, the Trash (admins)",
        querystring: StreamQuery,
        response: {
          200: StreamPage,
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => {
      const q = req.query;
      return listActivities(ctx, callerOf(req), {
        ...q,
        type: q.type,
        startFrom: q.startFrom ? new Date(q.startFrom) : undefined,
        startTo: q.startTo ? new Date(q.startTo) : undefined,
        createdFrom: q.createdFrom ? new Date(q.createdFrom) : undefined,
        createdTo: q.createdTo ? new Date(q.createdTo) : undefined,
      });
    });

    app.get("/api/v1/activities/:id", {
      ...fastRead,
      schema: {
        tags: ["Activity stream"],
        summary: "An activity's details: status, allowed actions, related activities, history",
        params: z.object({ id: ActivityId }),
        response: { 200: ActivityDetails, ...errors(400, 401, 404) },
      },
    }, async (req) => getActivityDetails(ctx, callerOf(req), req.params.id));

    app.get("/api/v1/activities/:id/free-times", {
      schema: {
        tags: ["Activity stream"],
        summary: "The host's free times on one of their days, for approving or rescheduling this activity",
        params: z.object({ id: ActivityId }),
        querystring: z.object({
          date: IsoDate.describe("A day in the host's time zone (YYYY-MM-DD; years 1900–2999)"),
          eventTypeId: z.uuid().optional().describe("Another event type of the page (its length)"),
        }).strict(),
        response: {
          200: z.object({
            host: z.object({ id: z.string(), name: z.string(), timeZone: z.string() }),
            date: z.string(),
            durationMinutes: z.number(),
            hours: z.array(z.tuple([z.string(), z.string()])).describe("The host's hours that day, in their zone ([] = not working)"),
            slots: z.array(z.object({ start: z.string(), end: z.string() })).describe("Free starts that day (UTC ISO)"),
          }),
          ...errors(400, 401, 404, 409),
        },
      },
    }, async (req) => hostFreeTimes(ctx, callerOf(req), req.params.id, req.query));

    app.post("/api/v1/activities/:id/actions/:action", {
      schema: {
        tags: ["Activity stream"],
        summary: "Perform one lifecycle action; 409 names the current status when it is not allowed now",
        params: z.object({ id: ActivityId, action: z.enum([...USER_ACTIONS, "refund"]) }),
        body: ActionBody,
        response: { 200: ActionResult, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (req) => {
      const caller = callerOf(req);
      const { id, action } = req.params;
      const b = req.body ?? {};
      const start = b.start ? new Date(b.start) : undefined;
      const result = await performAction(ctx, caller, id, action, { ...b, start });
      const activity = await getActivityDetails(ctx, caller, id);
      const created = result.createdId ? await getActivityDetails(ctx, caller, result.createdId) : undefined;
      return { activity, ...(created ? { created } : {}), ...(result.customerLink ? { customerLink: result.customerLink } : {}) };
    });
  };
}

type ActionInput = { reason?: string; start?: Date; ownerId?: string; eventType?: "same" | "any"; eventTypeId?: string; expectedVersion?: number; override?: boolean; amount?: string };

/** The action name → use case table. */
async function performAction(ctx: AppContext, caller: Caller, id: string, action: UserAction | "refund", b: ActionInput): Promise<{ createdId?: string; customerLink?: string }> {
  switch (action) {
    case "refund":
      return { createdId: (await refundPayment(ctx, caller, id, b)).id };
    case "approve":
      await approveRequest(ctx, caller, id, b);
      return {};
    case "cancel":
      await cancelBooking(ctx, caller, id, b);
      return {};
    case "request-new-times":
      return { customerLink: (await requestNewTimes(ctx, caller, id, b)).customerLink };
    case "request-reschedule":
      return { customerLink: (await requestReschedule(ctx, caller, id, b)).customerLink };
    case "reschedule":
      return { createdId: (await rescheduleBooking(ctx, caller, id, b)).created.id };
    case "reassign":
      await reassignBooking(ctx, caller, id, b);
      return {};
    case "set-no-show":
      await setNoShow(ctx, caller, id, b);
      return {};
  }
}
