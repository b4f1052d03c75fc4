import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { changePageNotifications, getPageNotifications, previewTemplate, resetTemplate, saveCustomTemplate } from "../../app/notifications/page-notifications.js";
import { listSentMail } from "../../app/notifications/sent-mail.js";
import { AUDIENCES, TEMPLATE_KINDS } from "../../domain/notifications.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

const Kind = z.enum(TEMPLATE_KINDS).describe("The notification: booking-confirmed, request-received, … reminder, follow-up");
const Audience = z.enum(AUDIENCES).describe("Who receives it: the customer or the host");
const ActivityId = z.string().regex(/^(BKNG|PKG|TXN)-[A-Z0-9]{1,16}$/, "an activity ID (BKNG-…, PKG-…, TXN-…)");

const Template = z.object({
  subject: z.string().trim().min(1).max(300).describe("The subject; may use {{fields}}"),
  text: z.string().min(1).max(20_000).describe("The plain-text part; may use {{fields}}"),
  html: z.string().max(100_000).nullable().optional().describe("The HTML part; null or absent: made from the text (field values are escaped)"),
}).strict();

const Settings = z.object({
  enabled: z.record(z.string(), z.boolean()).describe("Each notification kind: sent (true) or not"),
  reminderHours: z.number().int().describe("Hours before the start the reminder is sent"),
  followUpHours: z.number().int().describe("Hours after the end the follow-up is sent (unless the booking is No-show or canceled by then)"),
  templates: z.array(z.object({
    kind: Kind, audience: Audience, custom: z.boolean().describe("false: the default template"),
    subject: z.string(), text: z.string(), html: z.string().nullable(),
  })),
  fields: z.array(z.object({ name: z.string().describe("Use as {{name}}"), description: z.string() })).describe("The dynamic fields templates may use"),
});

const Rendered = z.object({ subject: z.string(), text: z.string(), html: z.string(), custom: z.boolean() });

const SentMail = z.object({
  items: z.array(z.object({
    id: z.string(), messageId: z.string().describe("The Message-ID header (derived from the outbox event)"), activityId: z.string().nullable(),
    kind: z.string(), audience: z.string(), transport: z.enum(["smtp", "local"]).describe("local: kept here only (no SMTP_URL)"),
    from: z.string(), to: z.string(), subject: z.string(), sentAt: z.string(),
    headers: z.record(z.string(), z.string()), text: z.string(), html: z.string(),
    attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), size: z.number(), content: z.string().nullable() })),
  })),
  nextCursor: z.string().nullable().describe("Pass as cursor for the next (older) page; null: no more"),
});

/** E-mail notifications: each booking page's settings and templates, the preview, and the Sent mail store. */
export function notificationRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));
    const pageParams = z.object({ id: z.uuid() });
    const templateParams = z.object({ id: z.uuid(), kind: Kind, audience: Audience });

    app.get("/api/v1/booking-pages/:id/notifications", {
      schema: { summary: "A booking page's e-mail notifications: on/off, reminder and follow-up timing, templates and dynamic fields", params: pageParams, response: { 200: Settings, ...errors(400, 401, 403, 404) } },
    }, async (req) => getPageNotifications(ctx, callerOf(req), req.params.id));

    app.patch("/api/v1/booking-pages/:id/notifications", {
      schema: {
        summary: "Turn notifications on or off and set when reminders and follow-ups are sent (owner, editors, admins)",
        params: pageParams,
        body: z.object({
          enabled: z.partialRecord(Kind, z.boolean()).optional().describe("Kinds to turn on (true) or off (false); others unchanged"),
          reminderHours: z.number().int().min(1).max(336).optional().describe("1–336 hours before the start"),
          followUpHours: z.number().int().min(0).max(336).optional().describe("0–336 hours after the end"),
        }).strict(),
        response: { 200: Settings, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => changePageNotifications(ctx, callerOf(req), req.params.id, req.body));

    app.put("/api/v1/booking-pages/:id/notifications/templates/:kind/:audience", {
      schema: {
        summary: "Save a custom template for one notification and audience; a field that is not a dynamic field is refused (422, named)",
        params: templateParams, body: Template, response: { 200: Settings, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (req) => saveCustomTemplate(ctx, callerOf(req), req.params.id, req.params.kind, req.params.audience, req.body));

    app.delete("/api/v1/booking-pages/:id/notifications/templates/:kind/:audience", {
      schema: { summary: "Go back to the default template", params: templateParams, response: { 200: Settings, ...errors(400, 401, 403, 404) } },
    }, async (req) => resetTemplate(ctx, callerOf(req), req.params.id, req.params.kind, req.params.audience));

    app.post("/api/v1/booking-pages/:id/notifications/preview", {
      schema: {
        summary: "Render a template (the one sent, else the page's) with a real activity's data or sample data",
        params: pageParams,
        body: z.object({ kind: Kind, audience: Audience, template: Template.optional(), activityId: ActivityId.optional() }).strict(),
        response: { 200: Rendered, ...errors(400, 401, 403, 404, 422) },
      },
    }, async (req) => previewTemplate(ctx, callerOf(req), req.params.id, req.body));

    app.get("/api/v1/sent-mail", {
      schema: {
        summary: "Every e-mail sent (or, without SMTP_URL, kept here instead), newest first (admins)",
        querystring: z.object({
          cursor: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(100).optional(),
          activityId: ActivityId.optional().describe("Only the messages about this activity"),
        }).strict(),
        response: { 200: SentMail, ...errors(400, 401, 403) },
      },
    }, async (req) => listSentMail(ctx, callerOf(req), req.query));
  };
}
