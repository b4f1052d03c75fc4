import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { getAccountSettings, setEmbedOrigins } from "../../app/account-settings.js";
import type { AppContext } from "../../app/context.js";
import { callerOf, requireCaller } from "../auth.js";
import { EmbedOrigin } from "../embedding.js";
import { errors } from "../schemas.js";

const AccountSettings = z.object({
  id: z.string(),
  name: z.string(),
  embedOrigins: z.array(z.string()).describe("Sites that may show the public booking pages in a frame (an <iframe> on the business's own site)"),
});

/** The account's own settings (the settings page): today, where its booking pages may be embedded. */
export function accountSettingsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/account", {
      schema: { tags: ["Account"], summary: "The account's settings", response: { 200: AccountSettings, ...errors(401) } },
    }, async (req) => getAccountSettings(ctx, callerOf(req)));

    app.patch("/api/v1/account", {
      schema: {
        tags: ["Account"],
        summary: "Change the account's settings (admins)",
        body: z.object({
          embedOrigins: z.array(EmbedOrigin).max(20).describe("Replaces the list: origins (https://host[:port]; http:// for localhost) that may frame /book/… and /m/… pages"),
        }).strict(),
        response: { 200: AccountSettings, ...errors(400, 401, 403) },
      },
    }, async (req) => setEmbedOrigins(ctx, callerOf(req), req.body.embedOrigins));
  };
}
