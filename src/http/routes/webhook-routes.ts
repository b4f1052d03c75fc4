import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import {
  createWebhookEndpoint, deleteWebhookEndpoint, getWebhookEndpoint, listWebhookEndpoints, rotateWebhookSecret, testWebhookEndpoint, updateWebhookEndpoint,
} from "../../app/webhooks/manage-endpoints.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";
import { Endpoint, EndpointWithSecret, EventTypeName, WEBHOOK_CATALOGUE } from "./webhook-schemas.js";

const Url = z.string().trim().min(1).max(2000).describe("Where to POST: http:// or https:// (loopback and private addresses are allowed)");
const Params = z.object({ id: z.uuid() });
const SIGNING = "Each message is a POST of `{type, timestamp, data}` signed the Standard Webhooks way: headers `webhook-id` (the same for every retry of one event to one endpoint: dedupe by it), `webhook-timestamp` (Unix seconds) and `webhook-signature` = `v1,` + base64 HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}` keyed with the base64-decoded part of the secret after `whsec_`. 2xx is delivered; anything else, or no answer within 10 s, is retried with exponential back-off for 3 days.";

/** The account's outbound webhooks (admins) and the catalogue of what they receive. */
export function webhookRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/webhook-event-types", {
      schema: {
        tags: ["Webhooks"], summary: "The event types a webhook endpoint can subscribe to, each with its message's JSON Schema", description: SIGNING,
        response: { 200: z.object({ items: z.array(z.object({ type: EventTypeName, description: z.string(), schema: z.record(z.string(), z.unknown()).describe("JSON Schema of the message body") })) }), ...errors(401) },
      },
    }, async () => ({ items: WEBHOOK_CATALOGUE }));

    app.get("/api/v1/webhook-endpoints", {
      schema: { tags: ["Webhooks"], summary: "The account's webhook endpoints (never their secrets)", response: { 200: z.object({ items: z.array(Endpoint) }), ...errors(401, 403) } },
    }, async (req) => listWebhookEndpoints(ctx, callerOf(req)));

    app.post("/api/v1/webhook-endpoints", {
      schema: {
        tags: ["Webhooks"], summary: "Subscribe a URL to event types; the answer shows the signing secret once", description: SIGNING,
        body: z.object({
          url: Url,
          description: z.string().trim().max(200).optional(),
          eventTypes: z.array(EventTypeName).min(1).max(20).describe("The event types to receive"),
          enabled: z.boolean().optional().describe("Default true"),
        }).strict(),
        response: { 201: EndpointWithSecret, ...errors(400, 401, 403, 422) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return createWebhookEndpoint(ctx, callerOf(req), req.body);
    });

    app.get("/api/v1/webhook-endpoints/:id", {
      schema: { tags: ["Webhooks"], summary: "One webhook endpoint", params: Params, response: { 200: Endpoint, ...errors(400, 401, 403, 404) } },
    }, async (req) => getWebhookEndpoint(ctx, callerOf(req), req.params.id));

    app.patch("/api/v1/webhook-endpoints/:id", {
      schema: {
        tags: ["Webhooks"], summary: "Change the URL, event types or description; enable or disable", params: Params,
        body: z.object({
          url: Url.optional(),
          description: z.string().trim().max(200).optional(),
          eventTypes: z.array(EventTypeName).min(1).max(20).optional(),
          enabled: z.boolean().optional().describe("Enabling again resumes the waiting deliveries and forgets the run of failures"),
        }).strict(),
        response: { 200: Endpoint, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => updateWebhookEndpoint(ctx, callerOf(req), req.params.id, req.body));

    app.delete("/api/v1/webhook-endpoints/:id", {
      schema: { tags: ["Webhooks"], summary: "Delete a webhook endpoint and its delivery log", params: Params, response: { 204: z.null(), ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => {
      await deleteWebhookEndpoint(ctx, callerOf(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.post("/api/v1/webhook-endpoints/:id/rotate-secret", {
      schema: { tags: ["Webhooks"], summary: "Replace the signing secret; the answer shows the new one once", params: Params, response: { 200: EndpointWithSecret, ...errors(400, 401, 403, 404, 422) } },
    }, async (req) => rotateWebhookSecret(ctx, callerOf(req), req.params.id));

    app.post("/api/v1/webhook-endpoints/:id/test", {
      schema: {
        tags: ["Webhooks"], summary: "Send a signed webhook.test message now and show the receiver's answer", params: Params,
        response: { 200: z.object({ ok: z.boolean(), status: z.number().int().nullable(), error: z.string().nullable() }), ...errors(400, 401, 403, 404) },
      },
    }, async (req) => testWebhookEndpoint(ctx, callerOf(req), req.params.id));
  };
}
