import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { downloadInvoice, downloadInvoiceAsCustomer, type InvoiceFile } from "../../app/payments/invoices.js";
import { callerOf, requireCaller } from "../auth.js";
import { errors } from "../schemas.js";

const TransactionId = z.string().regex(/^TXN-[A-Za-z0-9]{8}$/i, "not a Transaction ID (TXN-XXXXXXXX)").describe("Transaction ID: TXN-XXXXXXXX");
const Token = z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "not a manage token");
const Pdf = z.any().describe("The invoice (a payment) or credit note (a refund) as application/pdf");

/** download-invoice: a transaction's invoice or credit note as a PDF, for users and for the customer. */
export function invoiceRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/api/v1/public/manage/:token/invoices/:txnId", {
      schema: {
        tags: ["Payments"],
        summary: "The customer's invoice or credit note for a payment or refund of the booking (or package) behind the manage link",
        params: z.object({ token: Token, txnId: TransactionId }),
        response: { 200: Pdf, ...errors(400, 404, 409, 422) },
      },
    }, async (req, reply) => sendPdf(reply, await downloadInvoiceAsCustomer(ctx, req.params.token, req.params.txnId)));

    await app.register(async (signedIn) => {
      signedIn.addHook("preHandler", requireCaller(ctx));
      signedIn.withTypeProvider<ZodTypeProvider>().get("/api/v1/activities/:id/invoice", {
        schema: {
          tags: ["Payments"],
          summary: "download-invoice: a transaction's invoice (payments) or credit note (refunds) as a PDF; for those whose actions include download-invoice",
          params: z.object({ id: TransactionId }),
          response: { 200: Pdf, ...errors(400, 401, 403, 404, 409, 422) },
        },
      }, async (req, reply) => sendPdf(reply, await downloadInvoice(ctx, callerOf(req), req.params.id)));
    });
  };
}

function sendPdf(reply: FastifyReply, f: InvoiceFile) {
  // An invoice names a customer: never kept by shared caches.
  reply.header("cache-control", "private, no-store");
  reply.header("content-disposition", `attachment; filename="${f.filename}"`);
  reply.header("x-content-type-options", "nosniff");
  return reply.type("application/pdf").send(f.pdf);
}
