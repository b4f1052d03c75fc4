import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { signIn, signOut } from "../../app/auth.js";
import { bookOnBehalf } from "../../app/book-on-behalf.js";
import type { AppContext } from "../../app/context.js";
import { getActivityDetails } from "../../app/get-activity.js";
import { listBookingPages } from "../../app/list-booking-pages.js";
import { SESSION_COOKIE, callerOf, requireCaller } from "../auth.js";
import { ActivityDetails, CustomerInput, IsoDateTime, errors } from "../schemas.js";

const Me = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: z.enum(["admin", "member"]), timeZone: z.string() }),
  account: z.object({ id: z.string(), name: z.string() }),
});

export function accountRoutes(ctx: AppContext, opts: { signInRateLimit: number; secureCookies: boolean }): FastifyPluginAsyncZod {
  return async (app) => {
    app.post("/api/v1/auth/sign-in", {
      schema: {
        tags: ["Sign-in"], summary: "Sign in with e-mail and password; sets the session cookie (failed attempts are limited per e-mail and address: 429 with Retry-After)",
        body: z.object({ email: z.email(), password: z.string().min(1).max(200) }).strict(),
        response: { 200: Me, ...errors(400, 401, 429) },
      },
    }, async (req, reply) => {
      const { token, caller } = await signIn(ctx.db, { ...req.body, address: req.ip }, new Date(), { perAddressPerMinute: opts.signInRateLimit });
      reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", path: "/", secure: opts.secureCookies, maxAge: 14 * 86_400 });
      return { user: { id: caller.userId, name: caller.name, email: caller.email, role: caller.role, timeZone: caller.timeZone }, account: { id: caller.accountId, name: caller.accountName } };
    });

    app.post("/api/v1/auth/sign-out", { schema: { tags: ["Sign-in"], summary: "End the session", response: { 204: z.null() } } }, async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      if (cookie) await signOut(ctx.db, cookie);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send(null);
    });

    app.register(async (authed) => {
      authed.addHook("preHandler", requireCaller(ctx));
      const r = authed.withTypeProvider<import("fastify-type-provider-zod").ZodTypeProvider>();

      r.get("/api/v1/me", { schema: { tags: ["Account"], summary: "Who is signed in", response: { 200: Me, ...errors(401) } } }, async (req) => {
        const c = callerOf(req);
        return { user: { id: c.userId, name: c.name, email: c.email, role: c.role, timeZone: c.timeZone }, account: { id: c.accountId, name: c.accountName } };
      });

      r.get("/api/v1/booking-pages", {
        schema: {
          tags: ["Account"], summary: "Booking pages the caller may see, with their public links and the caller's access",
          response: {
            200: z.object({
              items: z.array(z.object({
                id: z.string(), slug: z.string(), name: z.string(), ownerId: z.string(), ownerName: z.string(), timeZone: z.string(),
                mode: z.enum(["automatic", "approval"]), durationMinutes: z.number(), publicUrl: z.string(),
                team: z.boolean().describe("Whether a team of hosts takes its meetings (else the owner)"),
                access: z.enum(["manage", "edit", "view"]).describe("manage: owner or admin (settings, team, sharing, delete); edit: editor (settings); view: viewer"),
                eventTypes: z.array(z.object({ id: z.string(), name: z.string(), durationMinutes: z.number() })),
              })),
            }),
            ...errors(401),
          },
        },
      }, async (req) => listBookingPages(ctx, callerOf(req)));

      r.post("/api/v1/bookings", {
        schema: {
          tags: ["Activity stream"], summary: "Schedule on a customer's behalf (no booking form; the host must be free)",
          body: z.object({
            bookingPageId: z.uuid(), start: IsoDateTime, customer: CustomerInput.optional().describe("The customer entered on the spot (or send customerId)"),
            customerId: z.uuid().optional().describe("An existing customer record (a schedule link's ?customer=<id>)"), ownerId: z.uuid().optional(),
            eventTypeId: z.uuid().optional(), answers: z.record(z.string(), z.string()).optional(),
            override: z.boolean().optional().describe("Book a start outside the host's hours or over their busy time knowingly (without it: 422 naming the host's hours)"),
            salesforceRecordId: z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/).optional()
              .describe("Scheduled from a Salesforce Contact, Lead or Case (the Schedule button's ?sf=<id>): the booking's Event is related to that record (422 when Salesforce is not connected or the id is not a Contact, Lead or Case)"),
          }).strict(),
          response: { 201: z.object({ activity: ActivityDetails, manageLink: z.string() }), ...errors(400, 401, 403, 404, 409, 422) },
        },
      }, async (req, reply) => {
        const caller = callerOf(req);
        const r = await bookOnBehalf(ctx, caller, { ...req.body, start: new Date(req.body.start) });
        reply.status(201);
        return { activity: await getActivityDetails(ctx, caller, r.activityId), manageLink: r.manageLink };
      });
    });
  };
}
