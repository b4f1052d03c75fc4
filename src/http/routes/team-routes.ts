import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { inviteUser, listInvitations, renewInvitation, revokeInvitation } from "../../app/settings/invite-user.js";
import { changeRole, deactivate, leftBehind, listTeam, reactivate } from "../../app/settings/manage-team.js";
import { createPasswordReset } from "../../app/settings/reset-password.js";
import { changePassword, updateProfile } from "../../app/settings/update-profile.js";
import { SESSION_COOKIE, callerOf, forgetCachedCallers, requireCaller } from "../auth.js";
import { TimeZone, errors } from "../schemas.js";

const UserId = z.object({ id: z.uuid().describe("User ID") });
const Role = z.enum(["admin", "member"]).describe("admin: everything; member: their own pages and bookings");
const PersonName = z.string().trim().min(1).max(200);
const Email = z.email().max(320);
const Password = z.string().min(8, "use at least 8 characters").max(200);

export const TeamMember = z.object({
  id: z.string(), name: z.string(), email: z.string(), role: Role, timeZone: z.string(),
  active: z.boolean().describe("false once deactivated: cannot sign in, hosts no new meetings"),
  deactivatedAt: z.string().nullable(),
  upcomingBookings: z.number().optional().describe("Deactivated users (admins see it): live bookings still to reassign"),
});

const Invitation = z.object({
  id: z.string(), email: z.string(), role: Role, createdAt: z.string(), expiresAt: z.string(),
  expired: z.boolean().optional(), invitedBy: z.string().nullable(),
});
const InvitationLink = z.object({
  invitation: Invitation,
  link: z.string().describe("The invitation link to send; shown once (only its hash is kept)"),
});

const LeftBehind = z.object({
  upcomingBookings: z.object({
    count: z.number().describe("All live bookings: Scheduled/Rescheduled still to come, and open requests"),
    items: z.array(z.object({
      id: z.string(), status: z.string(), start: z.string().nullable(), latestProposedAt: z.string().nullable(),
      customerName: z.string().nullable(), bookingPageName: z.string().nullable(),
    })).describe("The first 50 by meeting time"),
  }),
  hostedPages: z.array(z.object({ id: z.string(), name: z.string(), slug: z.string() })).describe("Booking pages they host (owner without a team, or in the team)"),
});

const Me = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), role: Role, timeZone: z.string() }),
  account: z.object({ id: z.string(), name: z.string() }),
});

/** The team (admins: invitations, roles, deactivation, password resets) and one's own profile. */
export function teamRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/users", {
      schema: {
        summary: "Team members of the account (active ones unless asked)",
        querystring: z.object({ status: z.enum(["active", "deactivated", "all"]).default("active").describe("Which users") }),
        response: { 200: z.object({ items: z.array(TeamMember) }), ...errors(400, 401) },
      },
    }, async (req) => listTeam(ctx, callerOf(req), req.query.status));

    app.patch("/api/v1/users/:id", {
      schema: {
        summary: "Change a user's role (admins); the last admin cannot be demoted", params: UserId,
        body: z.object({ role: Role }).strict(),
        response: { 200: TeamMember, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => {
      const r = await changeRole(ctx, callerOf(req), req.params.id, req.body.role);
      forgetCachedCallers();
      return r;
    });

    app.post("/api/v1/users/:id/deactivate", {
      schema: {
        summary: "Deactivate a user (admins): no sign-in, sessions and API tokens end now; history stays",
        params: UserId, response: { 200: LeftBehind.extend({ user: TeamMember }), ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req) => {
      const r = await deactivate(ctx, callerOf(req), req.params.id);
      forgetCachedCallers();
      return r;
    });

    app.post("/api/v1/users/:id/reactivate", {
      schema: { summary: "Reactivate a user (admins); they sign in again with their password", params: UserId, response: { 200: TeamMember, ...errors(400, 401, 403, 404) } },
    }, async (req) => reactivate(ctx, callerOf(req), req.params.id));

    app.get("/api/v1/users/:id/upcoming-bookings", {
      schema: {
        summary: "A user's live bookings to come and the pages they host (admins): what to hand over", params: UserId,
        response: { 200: LeftBehind, ...errors(400, 401, 403, 404) },
      },
    }, async (req) => leftBehind(ctx, callerOf(req), req.params.id));

    app.post("/api/v1/users/:id/password-reset", {
      schema: {
        summary: "Make a password reset link for a user (admins); shown once, works once, expires in 2 days", params: UserId,
        response: { 201: z.object({ link: z.string(), expiresAt: z.string() }), ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return createPasswordReset(ctx, callerOf(req), req.params.id);
    });

    app.get("/api/v1/invitations", {
      schema: { summary: "Open invitations (admins), expired ones included", response: { 200: z.object({ items: z.array(Invitation) }), ...errors(401, 403) } },
    }, async (req) => listInvitations(ctx, callerOf(req)));

    app.post("/api/v1/invitations", {
      schema: {
        summary: "Invite someone by e-mail (admins); the answer holds the link to send, valid 7 days",
        body: z.object({ email: Email.describe("The invitee's e-mail; they sign in with it"), role: Role.default("member") }).strict(),
        response: { 201: InvitationLink, ...errors(400, 401, 403, 409) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return inviteUser(ctx, callerOf(req), req.body);
    });

    app.post("/api/v1/invitations/:id/renew", {
      schema: {
        summary: "A new link for an open invitation (admins); the old link stops working", params: z.object({ id: z.uuid() }),
        response: { 201: InvitationLink, ...errors(400, 401, 403, 404, 409) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return renewInvitation(ctx, callerOf(req), req.params.id);
    });

    app.delete("/api/v1/invitations/:id", {
      schema: { summary: "Revoke an invitation (admins)", params: z.object({ id: z.uuid() }), response: { 204: z.null(), ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => {
      await revokeInvitation(ctx, callerOf(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.patch("/api/v1/me", {
      schema: {
        summary: "Change one's own name, e-mail or time zone",
        body: z.object({ name: PersonName.optional(), email: Email.optional(), timeZone: TimeZone.optional() }).strict(),
        response: { 200: Me, ...errors(400, 401, 409) },
      },
    }, async (req) => {
      const r = await updateProfile(ctx, callerOf(req), req.body);
      forgetCachedCallers();
      return r;
    });

    app.post("/api/v1/me/password", {
      schema: {
        summary: "Change one's own password (the current one is required); other sessions end",
        body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: Password }).strict(),
        response: { 204: z.null(), ...errors(400, 401, 422) },
      },
    }, async (req, reply) => {
      await changePassword(ctx, callerOf(req), req.body, req.cookies?.[SESSION_COOKIE]);
      return reply.status(204).send(null);
    });
  };
}

export { Email, Password, PersonName, Me as MeAnswer };
