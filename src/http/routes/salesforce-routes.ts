import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import {
  checkSalesforceFields, completeSalesforceConnect, configureSalesforce, disconnectSalesforce, getSalesforceConnection, startSalesforceConnect,
} from "../../app/salesforce/connection.js";
import {
  getActivitySalesforce, getPageSalesforce, getSalesforceRecord, listSalesforceUserMatches, setPageSalesforce, setSalesforceUserMatch,
} from "../../app/salesforce/settings.js";
import { DomainError } from "../../domain/errors.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

const FieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,37}__c$/, "a custom field's API name, such as Event_Status__c");
const Connection = z.object({
  configured: z.boolean(),
  connected: z.boolean(),
  loginUrl: z.string().optional(),
  simulated: z.boolean().optional().describe("The login URL is not Salesforce's own (salesforce.com / force.com): a local Salesforce, as in tests and the demo"),
  clientId: z.string().optional(),
  connectedAs: z.object({ userId: z.string().nullable(), username: z.string().nullable() }).nullable().optional().describe("The Salesforce user the connection acts as"),
  statusField: z.string().optional(),
  reasonField: z.string().optional(),
  missingFields: z.array(z.string()).nullable().optional().describe("Custom fields the last describe of Event did not find (null: not checked)"),
  noMatch: z.enum(["lead", "contact", "skip"]).optional().describe("When no Contact or Lead has the customer's e-mail"),
  connectedAt: z.string().nullable().optional(),
  callbackUrl: z.string().describe("The connected app's callback URL"),
  scheduleButtonUrl: z.string().describe("The URL of a Salesforce \"Schedule\" button for Contacts, Leads and Cases"),
});
const PageSwitch = z.object({ bookingPageId: z.string(), createEvents: z.boolean(), salesforceConnected: z.boolean() });
const UserMatch = z.object({
  userId: z.string(), name: z.string(), email: z.string(), salesforceUserId: z.string().nullable(),
  match: z.enum(["email", "admin", "pending"]).describe("email: found by e-mail; admin: set by an admin; pending: looked up at the next booking"),
});
const SfId = z.string().regex(/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/);

/** The account's Salesforce connection (admins), the page switch, and the CRM look-ups the web app uses. */
export function salesforceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/account/salesforce", {
      schema: { tags: ["Salesforce"], summary: "The account's Salesforce connection (never its secret or tokens)", response: { 200: Connection, ...errors(401, 403) } },
    }, async (req) => getSalesforceConnection(ctx, callerOf(req)));

    app.put("/api/v1/account/salesforce", {
      schema: {
        tags: ["Salesforce"], summary: "Set the connected app and the connector's options (then connect)",
        body: z.object({
          loginUrl: z.url({ protocol: /^https?$/ }).max(500).describe("https://login.salesforce.com, https://test.salesforce.com (sandboxes) or the org's My Domain"),
          clientId: z.string().trim().min(1).max(300).describe("The connected app's consumer key"),
          clientSecret: z.string().min(1).max(300).optional().describe("The consumer secret; stored encrypted, never returned (omit to keep the stored one)"),
          statusField: FieldName.optional().describe("API name of the Event status field (default Event_Status__c)"),
          reasonField: FieldName.optional().describe("API name of the Cancel/reschedule reason field (default Cancel_Reschedule_Reason__c)"),
          noMatch: z.enum(["lead", "contact", "skip"]).optional().describe("No Contact or Lead has the customer's e-mail: create a Lead (default), a Contact, or write no Event"),
        }).strict(),
        response: { 200: Connection, ...errors(400, 401, 403, 422) },
      },
    }, async (req) => configureSalesforce(ctx, callerOf(req), req.body));

    app.delete("/api/v1/account/salesforce", {
      schema: { tags: ["Salesforce"], summary: "Disconnect Salesforce (Events already written stay in Salesforce; no more are written)", response: { 204: z.null(), ...errors(401, 403, 404) } },
    }, async (req, reply) => {
      await disconnectSalesforce(ctx, callerOf(req));
      return reply.status(204).send(null);
    });

    app.post("/api/v1/account/salesforce/field-check", {
      schema: {
        tags: ["Salesforce"], summary: "Describe Event and say which of the two custom fields are missing",
        response: { 200: z.object({ missingFields: z.array(z.string()), message: z.string(), statusField: z.string(), reasonField: z.string() }), ...errors(401, 403, 422) },
      },
    }, async (req) => checkSalesforceFields(ctx, callerOf(req)));

    app.get("/api/v1/salesforce/connect", {
      schema: { tags: ["Salesforce"], summary: "Start connecting: redirects to Salesforce's consent page", response: { 302: z.null(), ...errors(401, 403, 422) } },
    }, async (req, reply) => reply.redirect(await startSalesforceConnect(ctx, callerOf(req)), 302));

    app.get("/api/v1/salesforce/callback", {
      schema: {
        tags: ["Salesforce"], summary: "Salesforce's redirect after consent: stores the session, back to the settings page",
        querystring: z.object({
          code: z.string().max(2000).optional(), state: z.string().max(200).optional(),
          error: z.string().max(200).optional(), error_description: z.string().max(1000).optional(),
        }),
        response: { 302: z.null().describe("To /settings/salesforce?connected=1, or ?error=<reason>&message=…"), ...errors(400, 401, 403) },
      },
    }, async (req, reply) => {
      // A browser lands here: whatever happened is shown on the settings page, not as raw JSON.
      try {
        await completeSalesforceConnect(ctx, callerOf(req), req.query);
        return reply.redirect("/settings/salesforce?connected=1", 302);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        const reason = String(err.details.reason ?? err.code);
        return reply.redirect(`/settings/salesforce?${new URLSearchParams({ error: reason, message: err.message })}`, 302);
      }
    });

    app.get("/api/v1/account/salesforce/users", {
      schema: { tags: ["Salesforce"], summary: "Users and the Salesforce Users their Events are owned by", response: { 200: z.object({ items: z.array(UserMatch) }), ...errors(401, 403) } },
    }, async (req) => listSalesforceUserMatches(ctx, callerOf(req)));

    app.put("/api/v1/account/salesforce/users/:userId", {
      schema: {
        tags: ["Salesforce"], summary: "Override a user's Salesforce User (null: match by e-mail again)",
        params: z.object({ userId: z.uuid() }),
        body: z.object({ salesforceUserId: SfId.nullable() }).strict(),
        response: { 200: UserMatch, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => setSalesforceUserMatch(ctx, callerOf(req), req.params.userId, req.body.salesforceUserId));

    app.get("/api/v1/booking-pages/:id/salesforce", {
      schema: { tags: ["Salesforce"], summary: "The page's \"Create Salesforce Activity Events\" switch", params: z.object({ id: z.uuid() }), response: { 200: PageSwitch, ...errors(400, 401, 403, 404) } },
    }, async (req) => getPageSalesforce(ctx, callerOf(req), req.params.id));

    app.put("/api/v1/booking-pages/:id/salesforce", {
      schema: {
        tags: ["Salesforce"], summary: "Turn \"Create Salesforce Activity Events\" on or off (off: Events already created stay but are no longer updated)",
        params: z.object({ id: z.uuid() }),
        body: z.object({ createEvents: z.boolean() }).strict(),
        response: { 200: PageSwitch, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => setPageSalesforce(ctx, callerOf(req), req.params.id, req.body.createEvents));

    app.get("/api/v1/activities/:id/salesforce", {
      schema: {
        tags: ["Salesforce"], summary: "The booking's Salesforce Event and its sync state",
        params: z.object({ id: z.string().min(1).max(40) }),
        response: {
          200: z.object({
            activityId: z.string(), eventId: z.string().nullable(),
            eventUrl: z.string().nullable().describe("The Event in Salesforce (the org's instance address and the Event id)"),
            whoId: z.string().nullable(), whatId: z.string().nullable(),
            state: z.string().describe("none, pending, retrying, synced, recreated or skipped"), note: z.string().nullable(), syncedAt: z.string().nullable(),
          }),
          ...errors(400, 401, 404),
        },
      },
    }, async (req) => getActivitySalesforce(ctx, callerOf(req), req.params.id));

    app.get("/api/v1/salesforce/records/:recordId", {
      schema: {
        tags: ["Salesforce"], summary: "A Contact, Lead or Case to schedule for (the Schedule button)",
        params: z.object({ recordId: z.string().min(1).max(40) }),
        response: {
          200: z.object({ recordId: z.string(), type: z.enum(["Contact", "Lead", "Case"]), label: z.string(), name: z.string().nullable(), email: z.string().nullable(), whoId: z.string().nullable(), whatId: z.string().nullable() }),
          ...errors(400, 401, 404, 422),
        },
      },
    }, async (req) => getSalesforceRecord(ctx, callerOf(req), req.params.recordId));
  };
}
