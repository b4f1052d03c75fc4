import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bookOnPublicPage } from "../../app/book-on-public-page.js";
import type { AppContext } from "../../app/context.js";
import { customerCancel } from "../../app/customer-cancel.js";
import { customerReschedule } from "../../app/customer-reschedule.js";
import { customerResubmit } from "../../app/customer-resubmit.js";
import { getManageView } from "../../app/get-manage-view.js";
import { requestOnPublicPage } from "../../app/request-on-public-page.js";
import { notFound } from "../../domain/errors.js";
import { findPageBySlug, listEventTypes } from "../../store/pages-repo.js";
import { publicBusiness } from "../../app/account-settings.js";
import { publicPrices } from "../../app/payments/prices.js";
import { CustomerInput, IsoDateTime, ManageView, PublicBusiness, answerChecking, errors } from "../schemas.js";

const Slug = z.object({ slug: z.string().min(1).max(100).regex(/^[A-Za-z0-9-]+$/, "letters, digits and dashes") });
const Token = z.object({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "not a manage token") });
const Answers = z.record(z.string().max(200), z.string().max(5000)).optional().describe("Answers to the booking page's questions");
const Created = z.object({ activity: ManageView, manageLink: z.string().describe("The customer's link to view, cancel or reschedule") });
const Proposed = z.array(IsoDateTime).min(1).max(10).describe("Proposed start times");

/** The customer side: no sign-in; booking pages by slug, a booking by its manage-link token. */
export function publicRoutes(ctx: AppContext, opts: { validateResponses: boolean } = { validateResponses: true }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/public/pages/:slug", {
      schema: {
        tags: ["Public"],
        summary: "A booking page as the customer sees it",
        params: Slug,
        response: {
          200: z.object({
            slug: z.string(), name: z.string(), timeZone: z.string(), mode: z.enum(["automatic", "approval"]),
            durationMinutes: z.number(), location: z.string().nullable(),
            openHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
            eventTypes: z.array(z.object({ id: z.string(), name: z.string(), durationMinutes: z.number() })),
            business: PublicBusiness,
            prices: z.object({
              currency: z.string(),
              price: z.string().nullable().describe("A meeting's price (decimal, in the currency); null: free"),
              eventTypePrices: z.record(z.string(), z.string().nullable()).describe("Event type id → what a meeting of it costs"),
              packageSessionPrice: z.string().nullable().describe("Each session of a package"),
              rescheduleFee: z.string().nullable().describe("What moving a booking costs"),
              refundPolicy: z.enum(["none", "automatic"]).describe("automatic: a cancellation within the page's policy is refunded in full"),
            }).nullable().describe("What booking here costs (paid at PayPal); null: free"),
          }),
          ...errors(400, 404),
        },
      },
    }, async (req) => {
      const page = await findPageBySlug(ctx.db, req.params.slug);
      if (!page) throw notFound("Booking page", req.params.slug);
      const [ets, business] = await Promise.all([listEventTypes(ctx.db, page.account_id, page.id), publicBusiness(ctx, page.account_id)]);
      return {
        slug: page.slug, name: page.name, timeZone: page.time_zone, mode: page.mode, durationMinutes: page.duration_minutes,
        location: page.location, openHours: page.open_hours as Record<string, [string, string][]>,
        eventTypes: ets.map((e) => ({ id: e.id, name: e.name, durationMinutes: e.duration_minutes })),
        business,
        prices: publicPrices(page, ets),
      };
    });

    app.post("/api/v1/public/pages/:slug/bookings", {
      ...answerChecking(opts.validateResponses),
      schema: {
        tags: ["Public"],
        summary: "Book a time (automatic booking pages)",
        params: Slug,
        body: z.object({
          start: IsoDateTime, customer: CustomerInput, answers: Answers, eventTypeId: z.uuid().optional(),
          hostId: z.uuid().optional().describe("Team pages: the member the customer picked or a master page routed to (default: round robin)"),
        }).strict(),
        response: { 201: Created, ...errors(400, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const r = await bookOnPublicPage(ctx, req.params.slug, { ...req.body, start: new Date(req.body.start) });
      reply.status(201);
      return { activity: r.view, manageLink: r.manageLink };
    });

    app.post("/api/v1/public/pages/:slug/requests", {
      schema: {
        tags: ["Public"],
        summary: "Propose times (booking-with-approval pages)",
        params: Slug,
        body: z.object({ proposedTimes: Proposed, customer: CustomerInput, answers: Answers, eventTypeId: z.uuid().optional() }).strict(),
        response: { 201: Created, ...errors(400, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const r = await requestOnPublicPage(ctx, req.params.slug, { ...req.body, proposedTimes: req.body.proposedTimes.map((t) => new Date(t)) });
      reply.status(201);
      return { activity: await getManageView(ctx, r.manageToken), manageLink: r.manageLink };
    });

    app.get("/api/v1/public/manage/:token", {
      schema: { tags: ["Public"], summary: "The booking behind a manage link", params: Token, response: { 200: ManageView, ...errors(400, 404) } },
    }, async (req) => getManageView(ctx, req.params.token));

    app.post("/api/v1/public/manage/:token/cancel", {
      schema: {
        tags: ["Public"], summary: "The customer cancels", params: Token,
        body: z.object({ reason: z.string().trim().max(2000).optional() }).strict().default({}),
        response: { 200: ManageView, ...errors(400, 404, 409) },
      },
    }, async (req) => {
      await customerCancel(ctx, req.params.token, req.body ?? {});
      return getManageView(ctx, req.params.token);
    });

    app.post("/api/v1/public/manage/:token/reschedule", {
      schema: {
        tags: ["Public"],
        summary: "The customer reschedules (same page keeps the Booking ID; another page or a user's request makes a related booking)",
        params: Token,
        body: z.object({
          start: IsoDateTime.optional(),
          pageSlug: z.string().max(100).optional().describe("Move to another booking page of the account"),
          eventTypeId: z.uuid().optional(),
          proposedTimes: Proposed.optional().describe("On a booking-with-approval page"),
        }).strict(),
        response: {
          200: z.object({ activity: ManageView, manageLink: z.string().nullable().describe("A new booking's own link, when one was made") }),
          ...errors(400, 404, 409, 422),
        },
      },
    }, async (req) => {
      const b = req.body;
      const r = await customerReschedule(ctx, req.params.token, {
        ...b,
        start: b.start ? new Date(b.start) : undefined,
        proposedTimes: b.proposedTimes?.map((t) => new Date(t)),
      });
      const view = await getManageView(ctx, r.manageToken ?? req.params.token);
      return { activity: view, manageLink: r.manageLink };
    });

    app.post("/api/v1/public/manage/:token/resubmit", {
      schema: {
        tags: ["Public"], summary: "The customer proposes new times for a request", params: Token,
        body: z.object({ proposedTimes: Proposed }).strict(),
        response: { 200: Created, ...errors(400, 404, 409, 422) },
      },
    }, async (req) => {
      const r = await customerResubmit(ctx, req.params.token, { proposedTimes: req.body.proposedTimes.map((t) => new Date(t)) });
      return { activity: await getManageView(ctx, r.manageToken), manageLink: r.manageLink };
    });
  };
}
