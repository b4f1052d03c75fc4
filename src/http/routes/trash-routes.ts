import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { getActivityDetails } from "../../app/get-activity.js";
import { listActivities } from "../../app/list-activities.js";
import { deleteManyPermanently, deletePermanently } from "../../app/trash/delete-permanently.js";
import { emptyTrash } from "../../app/trash/empty-trash.js";
import { moveToTrash } from "../../app/trash/move-to-trash.js";
import { purgeReports } from "../../app/trash/purge-reports.js";
import { restoreActivities, restoreActivity } from "../../app/trash/restore-activity.js";
import { TRASH_BULK_LIMIT, TRASH_RETENTION_DAYS } from "../../domain/trash.js";
import { callerOf, requireCaller } from "../auth.js";
import { ActivityDetails, ActivityId, StreamPage, errors } from "../schemas.js";

const Counts = z.record(z.string(), z.number().int()).describe("What was removed, by kind: bookings, packages, transactions, customers, history, emails, outboxEvents, deliveries, checkouts, paypalEvents, revenueRows");

const PurgeResult = z.object({
  reportId: z.string().nullable().describe("The purge report of this run (null: nothing was in the Trash)"),
  counts: Counts,
});

const Moved = z.object({
  moved: z.array(z.string()).describe("The activities now in the Trash"),
  trashedAt: z.string(),
  deletesAt: z.string().describe(`When they are deleted permanently (${TRASH_RETENTION_DAYS} days on)`),
});

const Params = z.object({ id: ActivityId });

/**
 * The Trash (admins only; members 403): move to Trash (one, or up to 50 at once), the Trash's list
 * with deletion dates, restore, delete permanently, empty the Trash, and the purge reports.
 */
export function trashRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.post("/api/v1/activities/:id/actions/move-to-trash", {
      schema: {
        summary: "Move an activity to the Trash (admins). Not a cancellation: a future booking stays booked; nobody is notified",
        params: Params,
        response: { 200: z.object({ activity: ActivityDetails }), ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => {
      await moveToTrash(ctx, callerOf(req), [req.params.id]);
      return { activity: await getActivityDetails(ctx, callerOf(req), req.params.id) };
    });

    app.post("/api/v1/activities/:id/actions/restore", {
      schema: {
        summary: `Restore an activity from the Trash within ${TRASH_RETENTION_DAYS} days (admins); after that 404`,
        params: Params,
        response: { 200: z.object({ activity: ActivityDetails }), ...errors(400, 401, 403, 404) },
      },
    }, async (req) => {
      await restoreActivity(ctx, callerOf(req), req.params.id);
      return { activity: await getActivityDetails(ctx, callerOf(req), req.params.id) };
    });

    app.post("/api/v1/activities/:id/actions/delete-permanently", {
      schema: {
        summary: "Delete an activity in the Trash permanently, with every trace of it (admins); it cannot be restored",
        params: Params,
        response: { 200: PurgeResult, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => deletePermanently(ctx, callerOf(req), req.params.id));

    app.post("/api/v1/trash", {
      schema: {
        summary: `Move up to ${TRASH_BULK_LIMIT} activities to the Trash at once, all or none (admins)`,
        body: z.object({
          ids: z.array(ActivityId).min(1).max(1000).describe(`The activities (at most ${TRASH_BULK_LIMIT}; more is 422)`),
        }).strict(),
        response: { 200: Moved, ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (req) => moveToTrash(ctx, callerOf(req), req.body.ids));

    // The Trash's own address: the stream's Trash filter in its default order, counted (the filter
    // itself, with search and every other filter and sort, is GET /api/v1/activities?trash=true).
    app.get("/api/v1/trash", {
      schema: {
        summary: `The Trash: activities moved there in the last ${TRASH_RETENTION_DAYS} days, most recently moved first, with when each is deleted (admins). The same list as GET /api/v1/activities?trash=true&sort=trashed&includeTotal=true`,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(500).optional().describe("nextCursor from the previous page"),
        }).strict(),
        response: {
          200: StreamPage.extend({ total: z.number().int(), retentionDays: z.number().int() }),
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => {
      const page = await listActivities(ctx, callerOf(req), { trash: true, sort: "trashed", includeTotal: true, limit: req.query.limit, cursor: req.query.cursor });
      return { ...page, total: page.total ?? 0, retentionDays: TRASH_RETENTION_DAYS };
    });

    const BulkIds = z.object({
      ids: z.array(ActivityId).min(1).max(1000).describe(`Activities in the Trash (at most ${TRASH_BULK_LIMIT}; more is 422)`),
    }).strict();

    app.post("/api/v1/trash/restore", {
      schema: {
        summary: `Restore up to ${TRASH_BULK_LIMIT} activities from the Trash at once, all or none (admins); one not in the Trash (or past its ${TRASH_RETENTION_DAYS} days) restores none and is named (404)`,
        body: BulkIds,
        response: { 200: z.object({ restored: z.array(z.string()).describe("The activities back in the stream") }), ...errors(400, 401, 403, 404, 422) },
      },
    }, async (req) => restoreActivities(ctx, callerOf(req), req.body.ids));

    app.post("/api/v1/trash/delete-permanently", {
      schema: {
        summary: `Delete up to ${TRASH_BULK_LIMIT} activities in the Trash permanently at once (admins; one purge report); one not in the Trash deletes none and is named (404)`,
        body: BulkIds,
        response: { 200: PurgeResult, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (req) => deleteManyPermanently(ctx, callerOf(req), req.body.ids));

    app.post("/api/v1/trash/empty", {
      schema: {
        summary: "Empty trash now: delete every activity in the Trash permanently (admins)",
        response: { 200: PurgeResult, ...errors(401, 403) },
      },
    }, async (req) => emptyTrash(ctx, callerOf(req)));

    app.get("/api/v1/trash/purge-reports", {
      schema: {
        summary: "Purge reports, newest first: when data was deleted permanently, how, and how much of each kind (no personal data; admins)",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        response: {
          200: z.object({
            items: z.array(z.object({
              id: z.string(),
              trigger: z.enum(["delete-permanently", "empty-trash", "scheduled"]),
              actorId: z.string().nullable().describe("The admin who deleted (null: the 30-day purge)"),
              ranAt: z.string(),
              counts: Counts,
              vacuumedAt: z.string().nullable().describe("When the database reclaimed the deleted rows' space (null: not yet; the purge job vacuums once a purge is an hour old)"),
            })),
          }),
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => purgeReports(ctx, callerOf(req), req.query.limit));
  };
}
