import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { bookPackage } from "../../app/book-package.js";
import type { AppContext } from "../../app/context.js";
import { getManageView } from "../../app/get-manage-view.js";
import { getSlots, getSlotsForManageLink } from "../../app/get-slots.js";
import { hostsOf } from "../../app/host-schedules.js";
import { publicMasterPage, routeMasterPage } from "../../app/route-master-page.js";
import { notFound } from "../../domain/errors.js";
import { loadUserAvailability } from "../../store/scheduling-repo.js";
import { findPageBySlug } from "../../store/pages-repo.js";
import { CustomerInput, IsoDateTime, ManageView, PublicBusiness, TimeZone, errors } from "../schemas.js";
import { Question, Slug } from "../scheduling-schemas.js";

const PageSlug = z.object({ slug: Slug.describe("Booking page address") });
const MasterSlug = z.object({ slug: Slug.describe("Master page address") });
const Answers = z.record(z.string().max(200), z.string().max(5000)).optional().describe("Answers to the booking page's questions, by question id");

const SlotsAnswer = z.object({
  bookingPage: z.object({ slug: z.string(), name: z.string(), timeZone: z.string() }),
  timeZone: z.string(),
  durationMinutes: z.number(),
  slots: z.array(z.object({
    start: z.string().describe("Start in the asked time zone, with its offset"),
    end: z.string(),
    startUtc: z.string().describe("The same start in UTC: send it back to book"),
  })),
});

/** The customer side of scheduling: free slots, session packages, master pages. No sign-in. */
export function publicSchedulingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/public/pages/:slug/slots", {
      schema: {
        tags: ["Public"], summary: "Free slots between two times, shown in the customer's time zone", params: PageSlug,
        querystring: z.object({
          from: IsoDateTime.describe("From (inclusive)"),
          to: IsoDateTime.describe("To (exclusive); at most 62 days after from"),
          timeZone: TimeZone.describe("The customer's time zone: slots are given in it"),
          eventTypeId: z.uuid().optional().describe("The event type picked (its length)"),
          hostId: z.uuid().optional().describe("Only this team member (after a master page routed to them)"),
        }),
        response: {
          200: SlotsAnswer,
          ...errors(400, 404),
        },
      },
    }, async (req) => {
      const q = req.query;
      return getSlots(ctx, req.params.slug, { ...q, from: new Date(q.from), to: new Date(q.to) });
    });

    app.get("/api/v1/public/manage/:token/slots", {
      schema: {
        tags: ["Public"],
        summary: "Free slots to move the booking behind a manage link (its own host on its own page)",
        params: z.object({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "not a manage token") }),
        querystring: z.object({
          from: IsoDateTime.describe("From (inclusive)"),
          to: IsoDateTime.describe("To (exclusive); at most 62 days after from"),
          timeZone: TimeZone.describe("The customer's time zone: slots are given in it"),
          eventTypeId: z.uuid().optional().describe("The event type picked (its length)"),
          pageSlug: Slug.optional().describe("Another booking page of the account to move to (default: the booking's own)"),
        }),
        response: { 200: SlotsAnswer, ...errors(400, 404) },
      },
    }, async (req) => {
      const q = req.query;
      return getSlotsForManageLink(ctx, req.params.token, { ...q, from: new Date(q.from), to: new Date(q.to) });
    });

    app.get("/api/v1/public/pages/:slug/scheduling", {
      schema: {
        tags: ["Public"], summary: "What the booking form needs: questions, rules, policy, team", params: PageSlug,
        response: {
          200: z.object({
            questions: z.array(Question),
            proposalsRequired: z.number(), minNoticeMinutes: z.number(), maxDaysAhead: z.number().nullable(),
            policyMinutes: z.number().nullable().describe("Cancel/reschedule up to this many minutes before (null: anytime)"),
            packagesEnabled: z.boolean(), maxPackageSessions: z.number(),
            hosts: z.array(z.object({ id: z.string(), name: z.string() })).describe("Team members the customer may pick (team pages)"),
          }),
          ...errors(400, 404),
        },
      },
    }, async (req) => {
      const page = await findPageBySlug(ctx.db, req.params.slug);
      if (!page) throw notFound("Booking page", req.params.slug);
      const hostIds = await hostsOf(ctx.db, page);
      const users = new Map((await loadUserAvailability(ctx.db, page.account_id, hostIds, { hostsOnly: true })).map((u) => [u.userId, u.name]));
      const active = hostIds.filter((id) => users.has(id));
      return {
        questions: page.questions ?? [], proposalsRequired: page.proposals_required, minNoticeMinutes: page.min_notice_minutes,
        maxDaysAhead: page.max_days_ahead, policyMinutes: page.policy_minutes, packagesEnabled: page.packages_enabled,
        maxPackageSessions: page.max_package_sessions,
        hosts: active.length > 1 ? active.map((id) => ({ id, name: users.get(id)! })) : [],
      };
    });

    app.post("/api/v1/public/pages/:slug/packages", {
      schema: {
        tags: ["Public"], summary: "Book a session package: 1–20 sessions at once, details entered once", params: PageSlug,
        body: z.object({
          starts: z.array(IsoDateTime).min(1).max(20).describe("Each session's start"),
          customer: CustomerInput,
          answers: Answers,
          eventTypeId: z.uuid().optional().describe("The event type of every session"),
          hostId: z.uuid().optional().describe("The team member the customer picked"),
        }).strict(),
        response: {
          201: z.object({
            package: z.object({ id: z.string().describe("PKG-…"), status: z.literal("Created") }),
            sessions: z.array(z.object({ activity: ManageView, manageLink: z.string().describe("This session's own link to cancel or reschedule") })),
          }),
          ...errors(400, 404, 409, 422),
        },
      },
    }, async (req, reply) => {
      const b = req.body;
      const r = await bookPackage(ctx, req.params.slug, { ...b, starts: b.starts.map((s) => new Date(s)) });
      reply.status(201);
      const sessions = [];
      for (const s of r.sessions) sessions.push({ activity: await getManageView(ctx, s.manageToken), manageLink: s.manageLink });
      return { package: { id: r.packageId, status: "Created" as const }, sessions };
    });

    app.get("/api/v1/public/master-pages/:slug", {
      schema: {
        tags: ["Public"], summary: "A master page: how it routes and what the customer may choose", params: MasterSlug,
        response: {
          200: z.object({
            business: PublicBusiness,
            slug: z.string(), name: z.string(), routing: z.enum(["round_robin", "customer_choice"]),
            targets: z.array(z.object({ id: z.string(), label: z.string(), bookingPageSlug: z.string() })),
          }),
          ...errors(400, 404),
        },
      },
    }, async (req) => publicMasterPage(ctx, req.params.slug));

    app.post("/api/v1/public/master-pages/:slug/route", {
      schema: {
        tags: ["Public"], summary: "Route the customer to a booking page or team member", params: MasterSlug,
        body: z.object({ targetId: z.uuid().optional().describe("The customer's choice (customer_choice pages)") }).strict().default({}),
        response: {
          200: z.object({
            targetId: z.string(), label: z.string(),
            bookingPage: z.object({ slug: z.string(), name: z.string() }),
            hostId: z.string().nullable().describe("Book with this hostId (slots and bookings) when a team member was chosen"),
          }),
          ...errors(400, 404),
        },
      },
    }, async (req) => routeMasterPage(ctx, req.params.slug, req.body ?? {}));
  };
}
