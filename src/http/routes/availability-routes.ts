import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { findATime } from "../../app/find-a-time.js";
import { findCustomers, getCustomer } from "../../app/find-customers.js";
import { getAvailability, putOverride, removeOverride, setAvailability } from "../../app/manage-availability.js";
import { callerOf, requireCaller } from "../auth.js";
import { IsoDateTime, TimeZone, errors } from "../schemas.js";
import { Availability, Customer, DayRanges, Duration, IsoDate, WeeklyHours } from "../scheduling-schemas.js";

const UserId = z.object({ id: z.uuid().describe("User ID") });

/** Admin API: users' availability, "Find a time", and customer records for scheduling on behalf. */
export function availabilityRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/users/:id/availability", {
      schema: { tags: ["Availability"], summary: "A user's time zone, weekly hours and date overrides", params: UserId, response: { 200: Availability, ...errors(400, 401, 404) } },
    }, async (req) => getAvailability(ctx, callerOf(req), req.params.id));

    app.put("/api/v1/users/:id/availability", {
      schema: {
        tags: ["Availability"], summary: "Set a user's time zone and/or weekly hours (the user or an admin)", params: UserId,
        body: z.object({ timeZone: TimeZone.optional(), weeklyHours: WeeklyHours.nullable().optional().describe("null: clear, back to the pages' open hours") }).strict(),
        response: { 200: Availability, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => setAvailability(ctx, callerOf(req), req.params.id, req.body));

    app.put("/api/v1/users/:id/date-overrides/:date", {
      schema: {
        tags: ["Availability"], summary: "Hours for one local date instead of the weekly ones ([] = day off)",
        params: UserId.extend({ date: IsoDate }),
        body: z.object({ ranges: DayRanges.describe("That day's hours; [] for a day off") }).strict(),
        response: { 200: Availability, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => putOverride(ctx, callerOf(req), req.params.id, req.params.date, req.body.ranges as [string, string][]));

    app.delete("/api/v1/users/:id/date-overrides/:date", {
      schema: {
        tags: ["Availability"], summary: "Remove a date override", params: UserId.extend({ date: IsoDate }),
        response: { 200: Availability, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => removeOverride(ctx, callerOf(req), req.params.id, req.params.date));

    app.get("/api/v1/find-a-time", {
      schema: {
        tags: ["Availability"], summary: "Team members free at a time, fewest bookings that day first",
        querystring: z.object({
          start: IsoDateTime.describe("The time the customer asked for"),
          bookingPageId: z.uuid().optional().describe("Only this page's hosts, with its length and buffers"),
          eventTypeId: z.uuid().optional().describe("Use this event type's length (and its page)"),
          durationMinutes: z.coerce.number().pipe(Duration).optional().describe("Meeting length without a page (default 30)"),
        }),
        response: {
          200: z.object({
            start: z.string(), end: z.string(), durationMinutes: z.number(),
            bookingPage: z.object({ id: z.string(), name: z.string(), slug: z.string() }).nullable(),
            members: z.array(z.object({
              userId: z.string(), name: z.string(), timeZone: z.string(), bookingsThatDay: z.number(),
              bookingPages: z.array(z.object({ id: z.string(), name: z.string(), slug: z.string() })).describe("Pages to schedule them on"),
            })).describe("Free members, best first; schedule with POST /api/v1/bookings (ownerId)"),
            unavailable: z.array(z.object({ userId: z.string(), name: z.string(), reason: z.enum(["outside_hours", "busy"]) })),
          }),
          ...errors(400, 401, 404),
        },
      },
    }, async (req) => findATime(ctx, callerOf(req), { ...req.query, start: new Date(req.query.start) }));

    app.get("/api/v1/customers", {
      schema: {
        tags: ["Customers"], summary: "Find customers by name, e-mail or phone",
        querystring: z.object({ q: z.string().trim().min(1).max(200).describe("Part of a name, e-mail or phone"), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ items: z.array(Customer) }), ...errors(400, 401) },
      },
    }, async (req) => findCustomers(ctx, callerOf(req), req.query.q, req.query.limit));

    app.get("/api/v1/customers/:id", {
      schema: { tags: ["Customers"], summary: "A customer record (pre-fills a schedule link's ?customer=<id>)", params: z.object({ id: z.uuid() }), response: { 200: Customer, ...errors(400, 401, 404) } },
    }, async (req) => getCustomer(ctx, callerOf(req), req.params.id));
  };
}
