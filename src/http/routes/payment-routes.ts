import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { connectPayPal, disconnectPayPal, getPayPalConnection, setPayPalWebhookId, testPayPalConnection } from "../../app/payments/connection.js";
import { getPagePayments, setPagePayments } from "../../app/payments/page-payments.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

const Decimal = z.string().trim().regex(/^\d{1,13}(\.\d{1,3})?$/, "a decimal amount such as 50.00").describe("Decimal, in the currency's units");
const Connection = z.object({
  connected: z.boolean(),
  mode: z.enum(["sandbox", "live"]).optional(),
  baseUrl: z.string().optional(),
  clientId: z.string().optional(),
  webhookId: z.string().nullable().optional(),
  webhookUrl: z.string().optional().describe("Where PayPal sends this account's events"),
  simulated: z.boolean().optional().describe("The base URL is not PayPal's own (the local PayPal of tests and the demo)"),
  connectedAt: z.string().optional(),
  updatedAt: z.string().optional(),
  webhookProblem: z.string().nullable().optional(),
});
const PagePayments = z.object({
  bookingPageId: z.string(),
  currency: z.string().nullable(),
  price: z.string().nullable(),
  packageSessionPrice: z.string().nullable(),
  rescheduleFee: z.string().nullable(),
  refundPolicy: z.enum(["none", "automatic"]),
  eventTypePrices: z.record(z.string(), z.string().nullable()),
  paypalConnected: z.boolean(),
});

/** The account's PayPal connection (admins) and booking pages' prices (owners, editors, admins). */
export function paymentRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/account/paypal", {
      schema: { tags: ["Payments"], summary: "The account's PayPal connection (never its secret)", response: { 200: Connection, ...errors(401, 403) } },
    }, async (req) => getPayPalConnection(ctx, callerOf(req)));

    app.put("/api/v1/account/paypal", {
      schema: {
        tags: ["Payments"], summary: "Connect PayPal: the credentials are checked, stored encrypted, and the webhook subscribed",
        body: z.object({
          mode: z.enum(["sandbox", "live"]),
          baseUrl: z.url({ protocol: /^https?$/ }).max(2000).optional().describe("PayPal's REST base URL (default per mode); the local PayPal's URL in the demo"),
          clientId: z.string().trim().min(1).max(200),
          clientSecret: z.string().min(1).max(500).describe("Stored encrypted; never returned"),
          webhookId: z.string().regex(/^[A-Za-z0-9]{1,50}$/).optional().describe("A webhook subscribed in PayPal's dashboard; omit to have Bookstream subscribe one"),
        }).strict(),
        response: { 200: Connection, ...errors(400, 401, 403, 422) },
      },
    }, async (req) => connectPayPal(ctx, callerOf(req), req.body));

    app.patch("/api/v1/account/paypal", {
      schema: {
        tags: ["Payments"], summary: "Set the webhook id (a webhook subscribed in PayPal's dashboard)",
        body: z.object({ webhookId: z.string().regex(/^[A-Za-z0-9]{1,50}$/) }).strict(),
        response: { 200: Connection, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => setPayPalWebhookId(ctx, callerOf(req), req.body.webhookId));

    app.post("/api/v1/account/paypal/test", {
      schema: { tags: ["Payments"], summary: "Test the connection: PayPal still accepts the stored credentials", response: { 200: z.object({ ok: z.boolean(), message: z.string() }), ...errors(401, 403, 404) } },
    }, async (req) => testPayPalConnection(ctx, callerOf(req)));

    app.delete("/api/v1/account/paypal", {
      schema: { tags: ["Payments"], summary: "Disconnect PayPal (priced pages stop taking bookings until it is connected again)", response: { 204: z.null(), ...errors(401, 403, 404) } },
    }, async (req, reply) => {
      await disconnectPayPal(ctx, callerOf(req));
      return reply.status(204).send(null);
    });

    app.get("/api/v1/booking-pages/:id/payments", {
      schema: { tags: ["Payments"], summary: "A booking page's prices and refund policy", params: z.object({ id: z.uuid() }), response: { 200: PagePayments, ...errors(400, 401, 403, 404) } },
    }, async (req) => getPagePayments(ctx, callerOf(req), req.params.id));

    app.put("/api/v1/booking-pages/:id/payments", {
      schema: {
        tags: ["Payments"], summary: "Set a booking page's prices (null: free) and refund policy",
        params: z.object({ id: z.uuid() }),
        body: z.object({
          currency: z.string().regex(/^[A-Z]{3}$/).nullable().describe("ISO 4217, one PayPal takes"),
          price: Decimal.nullable(),
          packageSessionPrice: Decimal.nullable().describe("Per session of a package; default: the meeting's price"),
          rescheduleFee: Decimal.nullable().describe("What a customer pays to move their booking"),
          refundPolicy: z.enum(["none", "automatic"]).describe("automatic: a customer's cancellation within the page's policy is refunded in full"),
          eventTypePrices: z.record(z.uuid(), Decimal.nullable()).optional().describe("Event type id → its own price"),
        }).strict(),
        response: { 200: PagePayments, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (req) => setPagePayments(ctx, callerOf(req), req.params.id, req.body));
  };
}
