import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { createFilter, deleteFilter, listFilters, updateFilter } from "../../app/saved-filters.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

const FilterName = z.string().trim().min(1, "give the filter a name").max(100).describe("Shown in the filter list; unique per user (case-insensitive)");

const FilterQuery = z
  .record(
    z.string().min(1).max(40).regex(/^[A-Za-z][A-Za-z0-9_]*$/, "parameter names are letters, digits and _"),
    z.union([z.string().max(4000), z.array(z.string().max(200)).max(50)]),
  )
  .refine((q) => Object.keys(q).length <= 30, "at most 30 parameters")
  .describe("The Activity stream filter: the web app's URL parameters (type, status, detailedStatus, q, startFrom …)");

const SavedFilter = z.object({
  id: z.uuid(),
  name: z.string(),
  query: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const Params = z.object({ id: z.uuid().describe("Saved filter ID") });

/** The signed-in user's own saved Activity stream filters. */
export function savedFilterRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/saved-filters", {
      schema: {
        tags: ["Saved filters"], summary: "The caller's saved filters, by name",
        response: { 200: z.object({ items: z.array(SavedFilter) }), ...errors(401) },
      },
    }, async (req) => ({ items: await listFilters(ctx, callerOf(req)) }));

    app.post("/api/v1/saved-filters", {
      schema: {
        tags: ["Saved filters"], summary: "Save a filter; 409 when the name is taken",
        body: z.object({ name: FilterName, query: FilterQuery }).strict(),
        response: { 201: SavedFilter, ...errors(400, 401, 409, 422) },
      },
    }, async (req, reply) => {
      reply.status(201);
      return createFilter(ctx, callerOf(req), req.body);
    });

    app.patch("/api/v1/saved-filters/:id", {
      schema: {
        tags: ["Saved filters"], summary: "Rename a saved filter and/or replace its query",
        params: Params,
        body: z.object({ name: FilterName.optional(), query: FilterQuery.optional() }).strict()
          .refine((b) => b.name !== undefined || b.query !== undefined, "send a name, a query or both"),
        response: { 200: SavedFilter, ...errors(400, 401, 404, 409) },
      },
    }, async (req) => updateFilter(ctx, callerOf(req), req.params.id, req.body));

    app.delete("/api/v1/saved-filters/:id", {
      schema: {
        tags: ["Saved filters"], summary: "Delete a saved filter",
        params: Params,
        response: { 204: z.null(), ...errors(401, 404) },
      },
    }, async (req, reply) => {
      await deleteFilter(ctx, callerOf(req), req.params.id);
      return reply.status(204).send(null);
    });
  };
}
