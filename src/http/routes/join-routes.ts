import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { callerFromSession } from "../../app/auth.js";
import type { AppContext } from "../../app/context.js";
import { acceptInvitation, lookUpInvitation } from "../../app/settings/accept-invitation.js";
import { getLogo } from "../../app/account-settings.js";
import { lookUpPasswordReset, resetPassword } from "../../app/settings/reset-password.js";
import { DomainError } from "../../domain/errors.js";
import { SESSION_COOKIE } from "../auth.js";
import { TimeZone, errors } from "../schemas.js";
import { MeAnswer, Password, PersonName } from "./team-routes.js";

/**
 * The invitee's and the reset link's side (no sign-in), and the account logo for customer pages.
 * Link tokens travel in the body, never in an API URL, so request logs never hold a working link.
 */
const Token = z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "not a link token").describe("The token at the end of the link");

export function joinRoutes(ctx: AppContext, opts: { secureCookies: boolean }): FastifyPluginAsyncZod {
  return async (app) => {
    const signedIn = async (reply: import("fastify").FastifyReply, sessionToken: string) => {
      reply.setCookie(SESSION_COOKIE, sessionToken, { httpOnly: true, sameSite: "lax", path: "/", secure: opts.secureCookies, maxAge: 14 * 86_400 });
      const c = await callerFromSession(ctx.db, sessionToken, new Date());
      if (!c) throw new DomainError("unauthenticated", "The new session could not be read.", {});
      return { user: { id: c.userId, name: c.name, email: c.email, role: c.role, timeZone: c.timeZone }, account: { id: c.accountId, name: c.accountName } };
    };

    app.post("/api/v1/public/invitations/look-up", {
      schema: {
        summary: "What an invitation link offers: the team, the e-mail and role",
        body: z.object({ token: Token }).strict(),
        response: {
          200: z.object({ email: z.string(), role: z.enum(["admin", "member"]), accountName: z.string(), expiresAt: z.string(), defaultTimeZone: z.string() }),
          ...errors(400, 404, 422),
        },
      },
    }, async (req) => lookUpInvitation(ctx, req.body.token));

    app.post("/api/v1/public/invitations/accept", {
      schema: {
        summary: "Join the team: choose a name and password; signs in (sets the session cookie)",
        body: z.object({ token: Token, name: PersonName.describe("Your name, as colleagues and customers see it"), password: Password, timeZone: TimeZone.optional() }).strict(),
        response: { 201: MeAnswer, ...errors(400, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const r = await acceptInvitation(ctx, req.body.token, req.body);
      reply.status(201);
      return signedIn(reply, r.sessionToken);
    });

    app.post("/api/v1/public/password-resets/look-up", {
      schema: {
        summary: "Whose password a reset link sets",
        body: z.object({ token: Token }).strict(),
        response: { 200: z.object({ email: z.string(), name: z.string(), accountName: z.string(), expiresAt: z.string() }), ...errors(400, 404, 422) },
      },
    }, async (req) => lookUpPasswordReset(ctx, req.body.token));

    app.post("/api/v1/public/password-resets/accept", {
      schema: {
        summary: "Set a new password with a reset link; other sessions end and this one signs in",
        body: z.object({ token: Token, password: Password }).strict(),
        response: { 200: MeAnswer, ...errors(400, 404, 409, 422) },
      },
    }, async (req, reply) => {
      const r = await resetPassword(ctx, req.body.token, req.body.password);
      return signedIn(reply, r.sessionToken);
    });

    app.get("/api/v1/public/accounts/:id/logo", {
      schema: {
        summary: "The account's logo (customer pages); the URL changes with the logo",
        params: z.object({ id: z.uuid() }), querystring: z.object({ v: z.string().max(40).optional().describe("Version (cache key)") }),
        response: { 200: z.any().describe("The image"), ...errors(400, 404) },
      },
    }, async (req, reply) => {
      const logo = await getLogo(ctx, req.params.id);
      reply.header("cache-control", req.query.v ? "public, max-age=31536000, immutable" : "public, max-age=300");
      reply.header("x-content-type-options", "nosniff");
      return reply.type(logo.type).send(logo.data);
    });
  };
}
