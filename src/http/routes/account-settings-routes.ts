import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { changeAccountSettings, getAccountSettings, setLogo } from "../../app/account-settings.js";
import type { AppContext } from "../../app/context.js";
import { callerOf, requireCaller } from "../auth.js";
import { EmbedOrigin } from "../embedding.js";
import { TimeZone, errors } from "../schemas.js";

export const AccountSettings = z.object({
  id: z.string(),
  name: z.string().describe("The business name, on the customer pages"),
  brandColor: z.string().nullable().describe("Accent colour of the customer pages (#rrggbb); null: Bookstream's"),
  defaultTimeZone: z.string().describe("The time zone new users and booking pages start with"),
  logoUrl: z.string().nullable().describe("The logo on the customer pages; null: none"),
  embedOrigins: z.array(z.string()).describe("Sites that may show the public booking pages in a frame (an <iframe> on the business's own site)"),
  invoice: z.object({
    address: z.string().nullable().describe("The business's postal address on its invoices (lines separated by newlines)"),
    taxId: z.string().nullable().describe("VAT number or other tax ID on its invoices"),
    taxName: z.string().nullable().describe("The tax's label on invoices (VAT, GST, Sales tax); null: no tax"),
    taxRate: z.string().nullable().describe("The tax rate in percent (\"20\", \"7.25\"); prices include it; null: no tax"),
  }).describe("The business on its invoices and credit notes"),
});

const InvoiceSettingsInput = z.object({
  address: z.string().trim().max(500).nullable().optional().transform((v) => (v === "" ? null : v)).describe("Postal address; null or empty clears it"),
  taxId: z.string().trim().max(50).nullable().optional().transform((v) => (v === "" ? null : v)).describe("Tax ID; null or empty clears it"),
  taxName: z.string().trim().min(1).max(40).nullable().optional().describe("The tax's label (VAT, GST); null with taxRate null: no tax"),
  taxRate: z.string().trim().regex(/^\d{1,3}(\.\d{1,2})?$/, "a percentage such as 20 or 7.25").nullable().optional().describe("Percent, 0–100, at most two decimals; prices include it"),
}).strict();

/** The account's own settings (the settings page): business name, look of the customer pages, default time zone, embedding. */
export function accountSettingsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook("preHandler", requireCaller(ctx));

    app.get("/api/v1/account", {
      schema: { summary: "The account's settings", response: { 200: AccountSettings, ...errors(401) } },
    }, async (req) => getAccountSettings(ctx, callerOf(req)));

    app.patch("/api/v1/account", {
      schema: {
        summary: "Change the account's settings (admins); only the fields sent change",
        body: z.object({
          name: z.string().trim().min(1).max(200).optional().describe("The business name"),
          brandColor: z.string().regex(/^#[0-9A-Fa-f]{6}$/, "a colour as #rrggbb").nullable().optional().describe("Accent colour (#rrggbb); null: Bookstream's"),
          defaultTimeZone: TimeZone.optional(),
          embedOrigins: z.array(EmbedOrigin).max(20).optional().describe("Replaces the list: origins (https://host[:port]; http:// for localhost) that may frame /book/… and /m/… pages"),
          invoice: InvoiceSettingsInput.optional().describe("The business on its invoices; only the fields sent change"),
        }).strict(),
        response: { 200: AccountSettings, ...errors(400, 401, 403) },
      },
    }, async (req) => changeAccountSettings(ctx, callerOf(req), req.body));

    app.put("/api/v1/account/logo", {
      schema: {
        summary: "Set the logo of the customer pages (admins): a PNG, JPEG, WebP or GIF up to 100 KB",
        body: z.object({ dataUrl: z.string().max(140_000).describe("data:image/png;base64,…") }).strict(),
        response: { 200: AccountSettings, ...errors(400, 401, 403) },
      },
    }, async (req) => setLogo(ctx, callerOf(req), req.body.dataUrl));

    app.delete("/api/v1/account/logo", {
      schema: { summary: "Remove the logo (admins)", response: { 200: AccountSettings, ...errors(401, 403) } },
    }, async (req) => setLogo(ctx, callerOf(req), null));
  };
}
