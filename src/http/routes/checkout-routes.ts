import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { formatDecimal, type Money } from "../../domain/money.js";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { completeCheckout } from "../../app/payments/complete-checkout.js";
import { abandonCheckout, checkoutStatus } from "../../app/payments/expire-checkouts.js";
import { ingestPayPalWebhook } from "../../app/payments/ingest-webhook.js";
import { startCheckout, startRescheduleCheckout } from "../../app/payments/start-checkout.js";
import { CustomerInput, IsoDateTime, ManageView, errors } from "../schemas.js";

const Slug = z.object({ slug: z.string().min(1).max(100).regex(/^[A-Za-z0-9-]+$/, "letters, digits and dashes") });
const Token = z.object({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "not a manage token") });
const CheckoutId = z.object({ id: z.uuid().describe("The checkout's id (from the answer that started it)") });
const MoneyView = z.object({ value: z.string(), currency: z.string(), minor: z.number().int() });
const Started = z.object({
  checkoutId: z.string(),
  approveUrl: z.string().describe("Send the customer here to approve the payment at PayPal"),
  amount: MoneyView,
  expiresAt: z.string().describe("Until when the time is held"),
});
const Completed = z.object({
  state: z.literal("completed"),
  checkoutId: z.string(),
  bookingId: z.string().nullable().optional(),
  packageId: z.string().nullable().optional(),
  transactionId: z.string().nullable().describe("The payment's Transaction ID (TXN-…)"),
  transactionType: z.string().nullable(),
  paidFor: z.string().nullable(),
  activity: ManageView.optional().describe("The new booking (also on a later return within a day, with a fresh link)"),
  manageLink: z.string().optional().describe("The customer's link to the booking (a later return within a day of completion gets a fresh one)"),
  sessions: z.array(z.object({ activityId: z.string(), start: z.string(), end: z.string(), manageLink: z.string(), manageToken: z.string() })).optional(),
  invoiceUrl: z.string().optional().describe("The payment's invoice (PDF), under the customer's manage link (first answer only; a reschedule fee's is in the manage view)"),
});

/** The customer's way through PayPal, and PayPal's webhook. */
export function checkoutRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post("/api/v1/public/pages/:slug/checkouts", {
      schema: {
        tags: ["Payments"], summary: "Start paying for a booking (start) or a package (starts) on a paid page: the time is held while the customer is at PayPal",
        params: Slug,
        body: z.object({
          start: IsoDateTime.optional(), starts: z.array(IsoDateTime).min(1).max(20).optional(), customer: CustomerInput,
          answers: z.record(z.string().max(200), z.string().max(5000)).optional(), eventTypeId: z.uuid().optional(), hostId: z.uuid().optional(),
        }).strict(),
        response: { 201: Started, ...errors(400, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const b = req.body;
      const r = await startCheckout(ctx, req.params.slug, { ...b, start: b.start ? new Date(b.start) : undefined, starts: b.starts?.map((s) => new Date(s)) });
      reply.status(201);
      return { ...r, amount: withValue(r.amount) };
    });

    app.post("/api/v1/public/manage/:token/reschedule-checkout", {
      schema: {
        tags: ["Payments"], summary: "Pay the page's reschedule fee to move this booking to start",
        params: Token, body: z.object({ start: IsoDateTime, eventTypeId: z.uuid().optional() }).strict(),
        response: { 201: Started, ...errors(400, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const r = await startRescheduleCheckout(ctx, req.params.token, { start: new Date(req.body.start), eventTypeId: req.body.eventTypeId });
      reply.status(201);
      return { ...r, amount: withValue(r.amount) };
    });

    app.get("/api/v1/public/checkouts/:id", {
      schema: { tags: ["Payments"], summary: "Where a checkout is", params: CheckoutId, response: { 200: CheckoutView, ...errors(400, 404) } },
    }, async (req) => checkoutStatus(ctx, req.params.id));

    app.post("/api/v1/public/checkouts/:id/complete", {
      schema: {
        tags: ["Payments"], summary: "Back from PayPal having approved: capture the payment and book",
        params: CheckoutId, body: z.object({ orderId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional().describe("PayPal's `token` in the return address") }).strict(),
        response: { 200: Completed, ...errors(400, 404, 409, 422) },
      },
    }, async (req) => completeCheckout(ctx, req.params.id, { orderId: req.body.orderId, customerReturn: true }) as Promise<z.infer<typeof Completed>>);

    app.post("/api/v1/public/checkouts/:id/cancel", {
      schema: { tags: ["Payments"], summary: "The customer gave up at PayPal: free the time now", params: CheckoutId, response: { 200: z.object({ state: z.string() }), ...errors(400, 404) } },
    }, async (req) => abandonCheckout(ctx, req.params.id));

    // PayPal signs each message over the body's exact bytes: read it as text, not as parsed JSON.
    app.register(async (plain) => {
      const hook = plain.withTypeProvider<ZodTypeProvider>();
      hook.removeContentTypeParser("application/json");
      hook.addContentTypeParser("application/json", { parseAs: "string", bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));
      hook.post("/api/v1/webhooks/paypal/:accountKey", {
        schema: {
          tags: ["Payments"], summary: "PayPal's webhook for one account: verified by PayPal's signature (400 otherwise); each event applied once",
          params: z.object({ accountKey: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) }),
          response: { 200: z.object({ outcome: z.string() }), ...errors(400, 404) },
        },
      }, async (req) => ingestPayPalWebhook(ctx, req.params.accountKey, { headers: req.headers, rawBody: typeof req.body === "string" ? req.body : "" }));
    });
  };
}

const CheckoutView = z.object({
  id: z.string(), state: z.string(), purpose: z.string(), bookingPage: z.object({ name: z.string(), slug: z.string() }),
  starts: z.array(z.string()), durationMinutes: z.number(), amount: MoneyView, expiresAt: z.string(),
  bookingId: z.string().nullable(), packageId: z.string().nullable(), transactionId: z.string().nullable(),
});

const withValue = (m: Money) => ({ value: formatDecimal(m), currency: m.currency, minor: m.minor });
