import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { listActivityDeliveries, listDeliveries } from "../../app/deliveries/list-deliveries.js";
import { replayDelivery, replayFailed } from "../../app/deliveries/replay.js";
import { callerOf, requireCaller } from "../auth.js";
import { ActivityId, errors } from "../schemas.js";

const STATES = ["pending", "retrying", "delivered", "failed"] as const;
const ConsumerKey = z.string().regex(/^[a-z][a-z0-9_-]{0,39}(:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/, "a consumer name, or webhooks:<endpoint id>")
  .describe("A consumer (payments, email, calendar …) or one webhook endpoint: webhooks:<endpoint id>");

const Delivery = z.object({
  consumer: z.string().describe("payments, email, calendar, webhooks …"),
  endpointId: z.string().nullable().describe("Webhooks: the endpoint"),
  key: z.string().describe("consumer, or webhooks:<endpoint id>: with eventId, names the delivery for replay"),
  eventId: z.string(),
  activityId: z.string().nullable(),
  eventType: z.string(),
  state: z.enum(STATES).describe("pending (not tried yet), retrying (failed, tried again at nextAttemptAt), delivered, failed (gave up)"),
  sending: z.boolean().describe("A worker is sending it right now"),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  lastStatus: z.number().int().nullable().describe("Webhooks: the receiver's HTTP status"),
  lastError: z.string().nullable().describe("The peer's error (admins only)"),
  eventAt: z.string().describe("When the change happened"),
  sentence: z.string().describe("The delivery for people, e.g. 'Webhook failed: 503, retrying 10:07'"),
});

/** The delivery log of every integration, and replay. */
export function deliveryRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/deliveries", {
      schema: {
        tags: ["Deliveries"], summary: "The delivery log (admins): every consumer's deliveries, newest first",
        querystring: z.object({
          consumer: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/).optional().describe("Only this consumer's (webhooks: every endpoint's)"),
          endpointId: z.uuid().optional().describe("Only this webhook endpoint's"),
          activityId: ActivityId.optional(),
          state: z.enum(STATES).optional(),
          cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
          limit: z.coerce.number().int().min(1).max(200).optional().describe("Default 50"),
        }).strict(),
        response: { 200: z.object({ items: z.array(Delivery), nextCursor: z.string().nullable() }), ...errors(400, 401, 403) },
      },
    }, async (req) => listDeliveries(ctx, callerOf(req), req.query));

    app.post("/api/v1/deliveries/:consumer/:eventId/replay", {
      schema: {
        tags: ["Deliveries"], summary: "Send one delivery again now, with a fresh retry schedule",
        params: z.object({ consumer: ConsumerKey, eventId: z.string().regex(/^\d{1,18}$/, "an event id") }),
        response: { 200: z.object({ replayed: z.number().int() }), ...errors(400, 401, 403, 404, 409, 422) },
      },
    }, async (req) => replayDelivery(ctx, callerOf(req), req.params.consumer, req.params.eventId));

    app.post("/api/v1/deliveries/replay-failed", {
      schema: {
        tags: ["Deliveries"], summary: "Put every failed delivery (of one consumer or endpoint, if given) back to pending now",
        body: z.object({ consumer: ConsumerKey.optional() }).strict(),
        response: { 200: z.object({ replayed: z.number().int().describe("How many") }), ...errors(400, 401, 403, 404, 422) },
      },
    }, async (req) => replayFailed(ctx, callerOf(req), req.body));

    app.get("/api/v1/activities/:id/deliveries", {
      schema: {
        tags: ["Deliveries"], summary: "What this activity's changes caused outside (e-mails, calendar, webhooks), as sentences",
        params: z.object({ id: ActivityId }),
        response: { 200: z.object({ items: z.array(Delivery) }), ...errors(400, 401, 404) },
      },
    }, async (req) => listActivityDeliveries(ctx, callerOf(req), req.params.id));
  };
}
