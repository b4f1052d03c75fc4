import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { exportCustomer, exportCustomerZip } from "../../app/trash/export-customer.js";
import { forgetCustomer } from "../../app/trash/forget-customer.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

/** The privacy requests people actually make (admins): "send me my data", "forget me". */
export function privacyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/customers/:id/export", {
      schema: {
        summary: "Export a customer's data: every activity (with answers and history), message and payment, as JSON or as a ZIP with their invoices (admins)",
        params: z.object({ id: z.uuid().describe("Customer ID") }),
        querystring: z.object({ format: z.enum(["json", "zip"]).default("json").describe("json, or zip: data.json and the invoices and credit notes as PDFs") }).strict(),
        response: { 200: z.any().describe("application/json (the export) or application/zip"), ...errors(400, 401, 403, 404) },
      },
    }, async (req, reply) => {
      // A customer's whole record: never kept by shared caches.
      reply.header("cache-control", "private, no-store");
      if (req.query.format === "zip") {
        const f = await exportCustomerZip(ctx, callerOf(req), req.params.id);
        reply.header("content-disposition", `attachment; filename="${f.filename}"`);
        reply.header("x-content-type-options", "nosniff");
        return reply.type("application/zip").send(f.zip);
      }
      return exportCustomer(ctx, callerOf(req), req.params.id);
    });

    app.post("/api/v1/customers/forget", {
      schema: {
        summary: "Forget a customer: move every activity of an e-mail address to the Trash (dryRun: count first; deleteNow: then delete permanently) (admins)",
        body: z.object({
          email: z.email().max(320).describe("The customer's e-mail address"),
          dryRun: z.boolean().default(false).describe("Only count what would be moved"),
          deleteNow: z.boolean().default(false).describe("Delete permanently at once instead of after 30 days in the Trash"),
        }).strict(),
        response: {
          200: z.object({
            email: z.string(),
            count: z.number().int().describe("Activities of this address not in the Trash (before this request)"),
            byType: z.object({ booking: z.number().int(), package: z.number().int(), transaction: z.number().int() }),
            dryRun: z.boolean(),
            moved: z.array(z.string()),
            deletesAt: z.string().nullable().describe("When the moved activities are deleted permanently (null: dry run, nothing moved, or deleted now)"),
            purge: z.object({ reportId: z.string().nullable(), counts: z.record(z.string(), z.number()) }).nullable(),
          }),
          ...errors(400, 401, 403, 409),
        },
      },
    }, async (req) => forgetCustomer(ctx, callerOf(req), req.body));
  };
}
