import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createMyToken, listMyTokens, revokeMyToken } from "../../app/api-tokens.js";
import type { AppContext } from "../../app/context.js";
import { callerOf, forgetCachedCallers, requireCaller } from "../auth.js";
import { IsoDateTime, errors } from "../schemas.js";

const Token = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable().describe("Last use (to the minute)"),
  expiresAt: z.string().nullable().describe("null: never expires"),
});

/** The signed-in user's own API tokens: list, create (shown once), revoke. */
export function tokenRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/me/tokens", {
      schema: { tags: ["Account"], summary: "Your API tokens (never the tokens themselves)", response: { 200: z.object({ items: z.array(Token) }), ...errors(401) } },
    }, async (req) => listMyTokens(ctx, callerOf(req)));

    app.post("/api/v1/me/tokens", {
      schema: {
        tags: ["Account"], summary: "Create an API token; the answer is the only time it is shown",
        body: z.object({
          name: z.string().trim().min(1).max(100).describe("What it is for, e.g. 'CRM sync'"),
          expiresAt: IsoDateTime.nullable().optional().describe("When it stops working; omit or null for never"),
        }).strict(),
        response: { 201: z.object({ token: z.string().describe("Send as 'Authorization: Bearer …'"), item: Token }), ...errors(400, 401) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return createMyToken(ctx, callerOf(req), { name: req.body.name, expiresAt: req.body.expiresAt ? new Date(req.body.expiresAt) : null });
    });

    app.delete("/api/v1/me/tokens/:id", {
      schema: { tags: ["Account"], summary: "Revoke one of your API tokens", params: z.object({ id: z.uuid() }), response: { 204: z.null(), ...errors(400, 401, 404) } },
    }, async (req, reply) => {
      await revokeMyToken(ctx, callerOf(req), req.params.id);
      forgetCachedCallers();
      return reply.status(204).send(null);
    });
  };
}
