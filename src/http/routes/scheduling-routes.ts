import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { addEventType, changeEventType, createPage, deleteEventType, getPageSettings, setPageHosts, setPageMembers, updatePageSettings } from "../../app/manage-booking-pages.js";
import { createMasterPage, deleteMaster, getMasterPage, listMasters, updateMaster } from "../../app/manage-master-pages.js";
import { deleteBookingPage } from "../../app/settings/delete-booking-page.js";
import { duplicateBookingPage } from "../../app/settings/duplicate-booking-page.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";
import { EventTypeInput, MasterPage, MasterPageBody, NewPageBody, PageSettings, PageSettingsFields, PageSettingsPatch } from "../scheduling-schemas.js";

const PageId = z.object({ id: z.uuid().describe("Booking page ID") });
const EventType = z.object({ id: z.string(), name: z.string(), durationMinutes: z.number() });

/** Admin API for booking pages (settings, event types, team, sharing) and master pages. */
export function schedulingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.post("/api/v1/booking-pages", {
      schema: {
        tags: ["Scheduling"], summary: "Create a booking page (a member creates pages they own)",
        body: NewPageBody, response: { 201: PageSettings, ...errors(400, 401, 403, 409) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return createPage(ctx, callerOf(req), req.body);
    });

    app.get("/api/v1/booking-pages/:id", {
      schema: { tags: ["Scheduling"], summary: "A booking page's settings, team and sharing", params: PageId, response: { 200: PageSettings, ...errors(400, 401, 404) } },
    }, async (req) => getPageSettings(ctx, callerOf(req), req.params.id));

    app.patch("/api/v1/booking-pages/:id", {
      schema: {
        tags: ["Scheduling"], summary: "Change settings (owner, editors, admins)", params: PageId,
        body: PageSettingsPatch, response: { 200: PageSettings, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => updatePageSettings(ctx, callerOf(req), req.params.id, req.body));

    app.delete("/api/v1/booking-pages/:id", {
      schema: {
        tags: ["Scheduling"], summary: "Delete a booking page (owner, admins); refused (409, with the count) while it has live bookings or a master page routes to it",
        params: PageId, response: { 204: z.null(), ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req, reply) => {
      await deleteBookingPage(ctx, callerOf(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.post("/api/v1/booking-pages/:id/duplicate", {
      schema: {
        tags: ["Scheduling"], summary: "Copy a booking page (who may edit it) under a new address and name", params: PageId,
        body: z.object({ slug: PageSettingsFields.slug, name: PageSettingsFields.name }).strict(),
        response: { 201: PageSettings, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return duplicateBookingPage(ctx, callerOf(req), req.params.id, req.body);
    });

    app.put("/api/v1/booking-pages/:id/hosts", {
      schema: {
        tags: ["Scheduling"], summary: "Set the page's team of hosts (round robin); [] = the owner hosts", params: PageId,
        body: z.object({ userIds: z.array(z.uuid()).max(100).describe("Hosts in order (the order breaks round-robin ties)") }).strict(),
        response: { 200: PageSettings, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => setPageHosts(ctx, callerOf(req), req.params.id, req.body.userIds));

    app.put("/api/v1/booking-pages/:id/members", {
      schema: {
        tags: ["Scheduling"], summary: "Set the page's editors and viewers", params: PageId,
        body: z.object({
          members: z.array(z.object({ userId: z.uuid(), role: z.enum(["editor", "viewer"]).describe("Editors change settings; viewers see its bookings") }).strict()).max(200),
        }).strict(),
        response: { 200: PageSettings, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => setPageMembers(ctx, callerOf(req), req.params.id, req.body.members));

    app.post("/api/v1/booking-pages/:id/event-types", {
      schema: {
        tags: ["Scheduling"], summary: "Add an event type the customer may pick", params: PageId,
        body: EventTypeInput, response: { 201: EventType, ...errors(400, 401, 403, 404) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return addEventType(ctx, callerOf(req), req.params.id, req.body);
    });

    app.patch("/api/v1/booking-pages/:id/event-types/:eventTypeId", {
      schema: {
        tags: ["Scheduling"], summary: "Rename an event type or change its length",
        params: PageId.extend({ eventTypeId: z.uuid() }), body: EventTypeInput.partial().strict(),
        response: { 200: EventType, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => changeEventType(ctx, callerOf(req), req.params.id, req.params.eventTypeId, req.body));

    app.delete("/api/v1/booking-pages/:id/event-types/:eventTypeId", {
      schema: {
        tags: ["Scheduling"], summary: "Delete an event type; refused (409, with the count) while live bookings use it",
        params: PageId.extend({ eventTypeId: z.uuid() }), response: { 204: z.null(), ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req, reply) => {
      await deleteEventType(ctx, callerOf(req), req.params.id, req.params.eventTypeId);
      return reply.status(204).send(null);
    });

    app.get("/api/v1/master-pages", {
      schema: { tags: ["Scheduling"], summary: "Master pages of the account", response: { 200: z.object({ items: z.array(MasterPage) }), ...errors(401) } },
    }, async (req) => listMasters(ctx, callerOf(req)));

    app.post("/api/v1/master-pages", {
      schema: { tags: ["Scheduling"], summary: "Create a master page (admins)", body: MasterPageBody, response: { 201: MasterPage, ...errors(400, 401, 403, 409) } },
    }, async (req, reply) => {
      reply.status(201);
      return createMasterPage(ctx, callerOf(req), req.body);
    });

    app.get("/api/v1/master-pages/:id", {
      schema: { tags: ["Scheduling"], summary: "A master page", params: z.object({ id: z.uuid() }), response: { 200: MasterPage, ...errors(400, 401, 404) } },
    }, async (req) => getMasterPage(ctx, callerOf(req), req.params.id));

    app.patch("/api/v1/master-pages/:id", {
      schema: {
        tags: ["Scheduling"], summary: "Change a master page (admins); targets are replaced when given",
        params: z.object({ id: z.uuid() }), body: MasterPageBody.partial().strict(), response: { 200: MasterPage, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => updateMaster(ctx, callerOf(req), req.params.id, req.body));

    app.delete("/api/v1/master-pages/:id", {
      schema: { tags: ["Scheduling"], summary: "Delete a master page (admins)", params: z.object({ id: z.uuid() }), response: { 204: z.null(), ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => {
      await deleteMaster(ctx, callerOf(req), req.params.id);
      return reply.status(204).send(null);
    });
  };
}
