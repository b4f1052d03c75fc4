import { DomainError } from "../../domain/errors.js";
import { buildInvoice, invoiceNumber, type InvoiceModel, type Purchase } from "../../domain/invoice.js";
import { formatDecimal, money } from "../../domain/money.js";
import { allowedTransactionActions } from "../../domain/transactions.js";
import { findInvoiceDetails, recordInvoiceDetails } from "../../store/invoices-repo.js";
import { findCheckoutByOrder } from "../../store/checkouts-repo.js";
import { findActivity, listRelations, type ActivityRow } from "../../store/activities-repo.js";
import type { Db, Tx } from "../../store/database.js";
import { findPaymentRecord, listPaymentsFor, type PaymentRecord } from "../../store/payments-repo.js";
import { renderInvoicePdf } from "../../integrations/pdf/invoice-pdf.js";
import type { AppContext, Caller } from "../context.js";
import { activityForToken } from "../manage-link.js";
import { assertCanChange, canSee, visibilityOf } from "../permissions.js";

/**
 * download-invoice: a payment's invoice, or a refund's credit note (referring to the payment's
 * invoice), as a PDF. Users: whoever may act on the transaction — the action is in its `actions`
 * (the booking's host, its page's owner, admins); others who can see it get 403, everyone else 404.
 * Customers: with the manage token of the booking or package the money was for (or of a session
 * of that package). A transaction whose row of the table offers no invoice (a denied payment, a
 * failed refund, a refund made in PayPal itself) answers 409 action_not_allowed.
 *
 * The document is built from the transaction and the business details and tax recorded with it
 * (store/invoices-repo.ts); its number and date come from the transaction: every download of it
 * is the same document, whatever the account changes later.
 */
export interface InvoiceFile {
  filename: string;
  pdf: Buffer;
  model: InvoiceModel;
}

export async function downloadInvoice(ctx: AppContext, caller: Caller, activityId: string): Promise<InvoiceFile> {
  const a = await findActivity(ctx.db, caller.accountId, activityId);
  if (!a || a.type !== "transaction" || !canSee(await visibilityOf(ctx.db, caller), a)) {
    throw new DomainError("not_found", `Transaction ${activityId} was not found`, { id: activityId });
  }
  assertCanChange(caller, a, "download-invoice");
  return render(ctx.db, a);
}

export async function downloadInvoiceAsCustomer(ctx: AppContext, token: string, transactionId: string): Promise<InvoiceFile> {
  const mine = await activityForToken(ctx.db, token);
  const owners = await paidForIds(ctx.db, mine);
  const rec = await findPaymentRecord(ctx.db, mine.account_id, transactionId.toUpperCase());
  const a = rec && rec.for_activity_id && owners.includes(rec.for_activity_id) ? await findActivity(ctx.db, mine.account_id, rec.activity_id) : undefined;
  if (!a) throw new DomainError("not_found", `Transaction ${transactionId} was not found for this booking`, { id: transactionId });
  return render(ctx.db, a);
}

/** What a customer's manage view lists: the invoices and credit notes of their booking or package. */
export interface InvoiceLink {
  transactionId: string;
  kind: "invoice" | "credit-note";
  number: string;
  transactionType: string;
  status: string;
  amount: { value: string; currency: string; minor: number };
  createdAt: string;
  /** The download (GET), under the customer's own manage token. */
  url: string;
}

export async function invoiceLinksFor(conn: Db | Tx, token: string, a: ActivityRow): Promise<InvoiceLink[]> {
  const owners = await paidForIds(conn, a);
  const records = (await Promise.all(owners.map((id) => listPaymentsFor(conn, a.account_id, id)))).flat();
  if (records.length === 0) return [];
  const links: InvoiceLink[] = [];
  for (const r of records) {
    const t = await findActivity(conn, a.account_id, r.activity_id);
    if (!t || !allowedTransactionActions(t.detailed_status, t.refundable_minor ?? 0).includes("download-invoice")) continue;
    links.push(invoiceLink(token, t, r));
  }
  return links;
}

export function invoiceLink(token: string, t: Pick<ActivityRow, "id" | "detailed_status" | "status" | "created_at">, r: Pick<PaymentRecord, "kind" | "amount_minor" | "currency">): InvoiceLink {
  const kind = r.kind === "payment" ? "invoice" : "credit-note";
  return {
    transactionId: t.id,
    kind,
    number: invoiceNumber(t.id, kind),
    transactionType: t.detailed_status,
    status: t.status,
    amount: { value: formatDecimal(money(r.amount_minor, r.currency)), currency: r.currency, minor: r.amount_minor },
    createdAt: new Date(t.created_at).toISOString(),
    url: invoicePath(token, t.id),
  };
}

export const invoicePath = (token: string, transactionId: string) => `/api/v1/public/manage/${token}/invoices/${transactionId}`;

/** The booking itself, and the package it is a session of (a package's payments are its sessions' too). */
async function paidForIds(conn: Db | Tx, a: ActivityRow): Promise<string[]> {
  const relations = await listRelations(conn, a.account_id, a.id);
  const pkg = relations.find((r) => r.kind === "package_session" && r.to_id === a.id);
  return pkg ? [a.id, pkg.from_id] : [a.id];
}

async function render(conn: Db | Tx, t: ActivityRow): Promise<InvoiceFile> {
  if (!allowedTransactionActions(t.detailed_status, t.refundable_minor ?? 0).includes("download-invoice")) {
    throw new DomainError("action_not_allowed", `${t.id} is ${t.detailed_status}: it has no invoice.`, { activityId: t.id, action: "download-invoice", status: t.status, detailedStatus: t.detailed_status });
  }
  const rec = await findPaymentRecord(conn, t.account_id, t.id);
  const paidFor = rec?.for_activity_id ? await findActivity(conn, t.account_id, rec.for_activity_id) : undefined;
  const payment = rec?.kind === "refund" && rec.payment_activity_id ? await findPaymentRecord(conn, t.account_id, rec.payment_activity_id) : undefined;
  if (!rec || !paidFor || (rec.kind === "refund" && !payment)) {
    // The booking was deleted for good (Trash): the invoice cannot name it any more.
    throw new DomainError("unprocessable", `${t.id} no longer has the booking or payment it was for, so no invoice can be made.`, { activityId: t.id });
  }
  const recorded = await invoiceDetailsOf(conn, t);
  const kind = rec.kind === "payment" ? "invoice" : "credit-note";
  const model = buildInvoice({
    kind,
    transactionId: t.id,
    status: t.status,
    issuedAt: new Date(t.created_at),
    timeZone: recorded.time_zone,
    seller: { name: recorded.seller_name, address: recorded.seller_address, taxId: recorded.seller_tax_id },
    customer: { name: paidFor.customer_name, email: paidFor.customer_email },
    payer: rec.kind === "payment" ? payerOf(rec) : null,
    subject: { kind: paidFor.type === "package" ? "package" : "booking", id: paidFor.id },
    purchase: purchaseOf(rec, paidFor, payment, rec.paypal_order_id ? await findCheckoutByOrder(conn, t.account_id, rec.paypal_order_id) : undefined),
    amount: money(rec.amount_minor, rec.currency),
    tax: recorded.tax_name && recorded.tax_rate_bp !== null ? { name: recorded.tax_name, rateBp: recorded.tax_rate_bp } : null,
    // What PayPal charged is what the customer was shown: the price, tax included.
    pricesIncludeTax: true,
    refersTo: payment ? { transactionId: payment.activity_id, invoiceNumber: invoiceNumber(payment.activity_id, "invoice") } : null,
  });
  return { filename: `${model.number}.pdf`, pdf: await renderInvoicePdf(model), model };
}

/**
 * The business and tax as they were when the transaction was made (recorded then, by
 * createTransaction); a transaction older than that record gets it now, once, and keeps it.
 */
async function invoiceDetailsOf(conn: Db | Tx, t: ActivityRow) {
  const found = await findInvoiceDetails(conn, t.account_id, t.id);
  if (found) return found;
  await recordInvoiceDetails(conn, t.account_id, t.id, new Date(t.created_at));
  return (await findInvoiceDetails(conn, t.account_id, t.id))!;
}

/** The line's facts; a booking's time as it was paid for (the checkout), not where it has moved since. */
function purchaseOf(rec: PaymentRecord, paidFor: ActivityRow, payment: PaymentRecord | undefined, checkout: { starts: string[]; duration_minutes: number } | undefined): Purchase {
  if (rec.kind === "refund") {
    return { kind: "refund", ofTransactionId: payment!.activity_id, ofInvoiceNumber: invoiceNumber(payment!.activity_id, "invoice"), reason: rec.reason };
  }
  const pageName = paidFor.page_name ?? "Booking";
  if (rec.purpose === "reschedule") return { kind: "reschedule-fee", bookingId: paidFor.id, pageName };
  if (paidFor.type === "package") return { kind: "package", pageName, eventTypeName: paidFor.event_type_name, sessions: paidFor.session_count ?? 1 };
  if (checkout?.starts[0]) return { kind: "booking", pageName, eventTypeName: paidFor.event_type_name, start: new Date(checkout.starts[0]), durationMinutes: checkout.duration_minutes };
  const start = paidFor.start_at ? new Date(paidFor.start_at) : null;
  const end = paidFor.end_at ? new Date(paidFor.end_at) : null;
  return { kind: "booking", pageName, eventTypeName: paidFor.event_type_name, start, durationMinutes: start && end ? Math.round((end.getTime() - start.getTime()) / 60_000) : null };
}

function payerOf(rec: PaymentRecord): { name: string | null; email: string | null } | null {
  const p = rec.payer as unknown as { name?: string | null; email?: string | null } | null;
  return p ? { name: p.name ?? null, email: p.email ?? null } : null;
}
