import { createHash } from "node:crypto";
import { forbidden, invalid, notFound } from "../domain/errors.js";
import { formatRate, parseRate } from "../domain/invoice.js";
import { findAccountLogo, findAccountSettings, setAccountLogo, updateAccountSettings } from "../store/account-settings-repo.js";
import { updateEmbedOrigins } from "../store/accounts-repo.js";
import type { LogoType } from "../store/schema.js";
import { inTransaction } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";

/**
 * The account's settings: the business name, the logo and accent colour of its customer pages,
 * the time zone new users and booking pages start with, and the origins that may embed its
 * booking pages. Everyone signed in reads them; admins change them.
 */
export interface AccountSettings {
  id: string;
  name: string;
  brandColor: string | null;
  defaultTimeZone: string;
  logoUrl: string | null;
  /** Origins that may show the account's public booking pages in a frame. */
  embedOrigins: string[];
  /** The business on its invoices (issue 11): postal address, tax ID, and the tax its prices include. */
  invoice: InvoiceSettings;
}

export interface InvoiceSettings {
  address: string | null;
  taxId: string | null;
  /** The tax's label ("VAT", "GST"); null: no tax on the invoices. */
  taxName: string | null;
  /** Percent as a decimal string ("20", "7.25"); null: no tax. Prices include it. */
  taxRate: string | null;
}

export interface AccountSettingsInput {
  name?: string;
  brandColor?: string | null;
  defaultTimeZone?: string;
  /** Already validated and normalised at the edge (src/http/embedding.ts). */
  embedOrigins?: string[];
  /** Only the fields sent change; null clears one. taxRate and taxName are set or cleared together. */
  invoice?: Partial<InvoiceSettings>;
}

export const MAX_LOGO_BYTES = 100 * 1024;

export async function getAccountSettings(ctx: AppContext, caller: Caller): Promise<AccountSettings> {
  const a = await findAccountSettings(ctx.db, caller.accountId);
  if (!a) throw notFound("Account", caller.accountId);
  return {
    id: a.id, name: a.name, brandColor: a.brand_color, defaultTimeZone: a.default_time_zone, logoUrl: logoUrl(a), embedOrigins: a.embed_origins,
    invoice: { address: a.invoice_address, taxId: a.tax_id, taxName: a.tax_name, taxRate: a.tax_rate_bp === null ? null : formatRate(a.tax_rate_bp).slice(0, -1) },
  };
}

/** Checks the invoice settings sent against what is stored: a tax needs both its name and its rate. */
async function invoiceChanges(ctx: AppContext, accountId: string, inv: Partial<InvoiceSettings> | undefined) {
  if (!inv) return {};
  let taxRateBp: number | null | undefined;
  if (inv.taxRate !== undefined) {
    taxRateBp = inv.taxRate === null ? null : parseRate(inv.taxRate);
    if (taxRateBp === null && inv.taxRate !== null) throw invalid("invoice.taxRate", "a percentage from 0 to 100 with at most two decimals, such as 20 or 7.25");
  }
  const current = await findAccountSettings(ctx.db, accountId);
  const name = inv.taxName === undefined ? current?.tax_name ?? null : inv.taxName;
  const rate = taxRateBp === undefined ? current?.tax_rate_bp ?? null : taxRateBp;
  if ((name === null) !== (rate === null)) {
    throw invalid(name === null ? "invoice.taxName" : "invoice.taxRate", "a tax needs both its name (such as VAT) and its rate; send both, or null for both to charge no tax");
  }
  return { invoice_address: inv.address, tax_id: inv.taxId, tax_name: inv.taxName, tax_rate_bp: taxRateBp };
}

export async function changeAccountSettings(ctx: AppContext, caller: Caller, input: AccountSettingsInput): Promise<AccountSettings> {
  assertAccountAdmin(caller);
  const invoice = await invoiceChanges(ctx, caller.accountId, input.invoice);
  await inTransaction(ctx, async (tx) => {
    await updateAccountSettings(tx, caller.accountId, {
      name: input.name,
      brand_color: input.brandColor === undefined ? undefined : (input.brandColor?.toLowerCase() ?? null),
      default_time_zone: input.defaultTimeZone,
      ...invoice,
    });
    if (input.embedOrigins) await updateEmbedOrigins(tx, caller.accountId, [...new Set(input.embedOrigins)]);
  });
  return getAccountSettings(ctx, caller);
}

/** Replaces the origins allowed to frame the public booking pages (admins only). */
export async function setEmbedOrigins(ctx: AppContext, caller: Caller, origins: string[]): Promise<AccountSettings> {
  return changeAccountSettings(ctx, caller, { embedOrigins: origins });
}

/** Sets the logo from a data URL (PNG, JPEG, WebP or GIF up to 100 KB; the bytes must be that image type). */
export async function setLogo(ctx: AppContext, caller: Caller, dataUrl: string | null): Promise<AccountSettings> {
  assertAccountAdmin(caller);
  const logo = dataUrl === null ? null : parseLogo(dataUrl);
  await inTransaction(ctx, (tx) => setAccountLogo(tx, caller.accountId, logo, ctx.clock.now()));
  return getAccountSettings(ctx, caller);
}

export async function getLogo(ctx: AppContext, accountId: string) {
  const logo = await findAccountLogo(ctx.db, accountId);
  if (!logo?.logo || !logo.logo_type) throw notFound("Logo of account", accountId);
  return { data: logo.logo, type: logo.logo_type };
}

/** The business as its customer pages show it: name, logo and accent colour. */
export async function publicBusiness(ctx: AppContext, accountId: string) {
  const a = await findAccountSettings(ctx.db, accountId);
  return { name: a?.name ?? "", logoUrl: a ? logoUrl(a) : null, brandColor: a?.brand_color ?? null };
}

/** Where the customer pages load the logo from; the version changes with the logo (long caching). */
export function logoUrl(account: { id: string; logo_type: string | null; logo_updated_at: Date | null }): string | null {
  if (!account.logo_type || !account.logo_updated_at) return null;
  const v = createHash("sha256").update(account.logo_updated_at.toISOString()).digest("hex").slice(0, 10);
  return `/api/v1/public/accounts/${account.id}/logo?v=${v}`;
}

const SIGNATURES: [LogoType, (b: Buffer) => boolean][] = [
  ["image/png", (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ["image/jpeg", (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ["image/gif", (b) => b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a"],
  ["image/webp", (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP"],
];

function parseLogo(dataUrl: string): { data: Buffer; type: LogoType } {
  const m = /^data:(image\/(?:png|jpeg|webp|gif));base64,([A-Za-z0-9+/]+={0,2})$/.exec(dataUrl);
  if (!m) throw invalid("logo", "send a data URL of a PNG, JPEG, WebP or GIF image (data:image/png;base64,…)");
  const type = m[1] as LogoType;
  const data = Buffer.from(m[2], "base64");
  if (data.length > MAX_LOGO_BYTES) throw invalid("logo", `the image is ${Math.ceil(data.length / 1024)} KB; at most ${MAX_LOGO_BYTES / 1024} KB`);
  const sig = SIGNATURES.find(([t]) => t === type)!;
  if (!sig[1](data)) throw invalid("logo", `the data is not a ${type.slice(6).toUpperCase()} image`);
  return { data, type };
}

function assertAccountAdmin(caller: Caller) {
  if (caller.role !== "admin") throw forbidden("Only an admin may change the account's settings.", {});
}
