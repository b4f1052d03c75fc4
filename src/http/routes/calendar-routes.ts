import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { connectCalendar, disconnectCalendar, getCalendarConnection, refreshMyBusyTimes } from "../../app/calendar/connection.js";
import { createFeed, customerCalendarFile, getFeedState, renderFeed, revokeFeed } from "../../app/calendar/feeds.js";
import type { AppContext } from "../../app/context.js";
import { CalendarConnectionBody } from "../../integrations/caldav/settings-schema.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

const Connection = z.object({
  connected: z.boolean(),
  userId: z.string(),
  provider: z.enum(["caldav"]).optional(),
  serverUrl: z.string().optional(),
  username: z.string().optional(),
  calendarUrl: z.string().optional().describe("The calendar events are written to and busy times read from"),
  calendarName: z.string().nullable().optional(),
  connectedAt: z.string().optional(),
  busyFetchedAt: z.string().nullable().optional().describe("When busy times were last read"),
  busyError: z.string().nullable().optional().describe("Why the last read failed (the last good busy times stay in use)"),
  busyTimes: z.number().int().optional().describe("Busy times cached for scheduling"),
}).describe("A connected calendar; the app password is never returned");

const Ics = z.any().describe("text/calendar (RFC 5545)");

/** The signed-in user's connected calendar and private feed; admins may look at others' connection. */
export function calendarRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/me/calendar-connection", {
      schema: { summary: "Your connected calendar (never its password)", response: { 200: Connection, ...errors(401) } },
    }, async (req) => getCalendarConnection(ctx, callerOf(req)));

    app.put("/api/v1/me/calendar-connection", {
      schema: {
        summary: "Connect your CalDAV calendar: Bookstream signs in, picks the calendar and reads its busy times",
        body: CalendarConnectionBody,
        response: { 200: Connection, ...errors(400, 401, 422) },
      },
    }, async (req) => connectCalendar(ctx, callerOf(req), req.body));

    app.delete("/api/v1/me/calendar-connection", {
      schema: { summary: "Disconnect your calendar (events already written stay in it)", response: { 204: z.null(), ...errors(401, 404) } },
    }, async (req, reply) => {
      await disconnectCalendar(ctx, callerOf(req));
      return reply.status(204).send(null);
    });

    app.post("/api/v1/me/calendar-connection/refresh", {
      schema: {
        summary: "Read your calendar's busy times now",
        response: { 200: z.object({ ok: z.boolean(), message: z.string(), connection: Connection }), ...errors(401, 404) },
      },
    }, async (req) => refreshMyBusyTimes(ctx, callerOf(req)));

    app.get("/api/v1/users/:id/calendar-connection", {
      schema: { summary: "A team member's calendar connection state (admins)", params: z.object({ id: z.uuid() }), response: { 200: Connection, ...errors(400, 401, 403, 404) } },
    }, async (req) => getCalendarConnection(ctx, callerOf(req), req.params.id));

    app.get("/api/v1/me/calendar-feed", {
      schema: { summary: "Whether you have a private calendar feed (its URL is shown only when made)", response: { 200: z.object({ active: z.boolean(), createdAt: z.string().nullable() }), ...errors(401) } },
    }, async (req) => getFeedState(ctx, callerOf(req)));

    app.post("/api/v1/me/calendar-feed", {
      schema: {
        summary: "Make (or replace) your private calendar feed; the answer is the only time its URL is shown",
        response: { 201: z.object({ url: z.string().describe("Subscribe to this in any calendar app; keep it secret"), createdAt: z.string() }), ...errors(401) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return createFeed(ctx, callerOf(req));
    });

    app.delete("/api/v1/me/calendar-feed", {
      schema: { summary: "Revoke your calendar feed (its URL stops working)", response: { 204: z.null(), ...errors(401, 404) } },
    }, async (req, reply) => {
      await revokeFeed(ctx, callerOf(req));
      return reply.status(204).send(null);
    });
  };
}

/** Calendar files without sign-in: a user's feed (secret token) and the customer's booking (manage link). */
export function publicCalendarRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/feeds/:token.ics", {
      schema: {
        summary: "A user's private calendar feed (subscribe in a calendar app)",
        params: z.object({ token: z.string().min(20).max(64).regex(/^[A-Za-z0-9_-]+$/, "not a feed token") }),
        response: { 200: Ics, ...errors(400, 404) },
      },
    }, async (req, reply) => {
      const body = await renderFeed(ctx, req.params.token);
      reply.header("cache-control", "private, max-age=300");
      return reply.type("text/calendar; charset=utf-8").send(body);
    });

    app.get("/api/v1/public/manage/:token/calendar.ics", {
      schema: {
        summary: "The booking as a calendar file (\"add to calendar\")",
        params: z.object({ token: z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "not a manage token") }),
        response: { 200: Ics, ...errors(400, 404) },
      },
    }, async (req, reply) => {
      const file = await customerCalendarFile(ctx, req.params.token);
      reply.header("cache-control", "no-store");
      reply.header("content-disposition", `attachment; filename="${file.name}"`);
      return reply.type("text/calendar; charset=utf-8").send(file.body);
    });
  };
}
