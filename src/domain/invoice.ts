import { addMoney, formatDecimal, minorDigits, money, subtractMoney, sumMoney, type Money } from "./money.js";
import { isoInZone } from "./zone-clock.js";

/**
 * Invoices and credit notes, as data: what was bought (lines), the tax in it, the totals and the
 * document's number, from a transaction and the account's business details. Pure: no I/O, no
 * clock, no floating point — every amount is integer minor units (domain/money.ts), and tax is
 * rounded once, half up, with BigInt so that no intermediate product loses a digit.
 *
 * The PDF (src/app/payments/invoice-pdf.ts) only lays this model out.
 */

export type InvoiceKind = "invoice" | "credit-note";

/** What a payment paid for, or what a refund gave back (the line items come from it). */
export type Purchase =
  | { kind: "booking"; pageName: string; eventTypeName: string | null; start: Date | null; durationMinutes: number | null }
  | { kind: "package"; pageName: string; eventTypeName: string | null; sessions: number }
  | { kind: "reschedule-fee"; bookingId: string; pageName: string }
  | { kind: "refund"; ofInvoiceNumber: string; ofTransactionId: string; reason: string | null };

export interface InvoiceLine {
  description: string;
  quantity: number;
  unit: Money;
  /** quantity × unit, exactly. */
  amount: Money;
}

export interface InvoiceTax {
  /** The label on the document ("VAT", "GST", "Sales tax"). */
  name: string;
  /** Basis points: 2000 = 20 %, 725 = 7.25 %. */
  rateBp: number;
}

export interface InvoiceInput {
  kind: InvoiceKind;
  transactionId: string;
  /** Transaction status as the stream shows it (Paid, Pending, Refunded, Refund pending). */
  status: string;
  issuedAt: Date;
  /** The account's time zone: the document's date is the day there. */
  timeZone: string;
  seller: { name: string; address: string | null; taxId: string | null };
  customer: { name: string | null; email: string | null };
  payer?: { name: string | null; email: string | null } | null;
  /** The booking or package the money was for. */
  subject: { kind: "booking" | "package"; id: string };
  purchase: Purchase;
  /** What was charged (a payment) or given back (a refund). */
  amount: Money;
  tax: InvoiceTax | null;
  /** Prices include the tax (what PayPal charged is the gross); otherwise tax is added on top. */
  pricesIncludeTax: boolean;
  /** For a credit note: the payment it refunds. */
  refersTo?: { transactionId: string; invoiceNumber: string } | null;
}

export interface InvoiceModel {
  kind: InvoiceKind;
  title: string;
  number: string;
  transactionId: string;
  status: string;
  /** YYYY-MM-DD in the account's time zone. */
  date: string;
  timeZone: string;
  seller: InvoiceInput["seller"];
  customer: InvoiceInput["customer"];
  payer: { name: string | null; email: string | null } | null;
  subject: InvoiceInput["subject"];
  refersTo: { transactionId: string; invoiceNumber: string } | null;
  currency: string;
  lines: InvoiceLine[];
  pricesIncludeTax: boolean;
  tax: (InvoiceTax & { amount: Money }) | null;
  /** Before tax. */
  net: Money;
  /** net + tax.amount, exactly; equal to what was charged or refunded. */
  total: Money;
}

const NUMBER_PREFIX: Record<InvoiceKind, string> = { invoice: "INV-", "credit-note": "CN-" };

/**
 * A document's number: stable (the same every time it is downloaded) and unique in the account,
 * because it is its transaction's own ID under another prefix: TXN-7K2M9QXA → INV-7K2M9QXA, a
 * refund's TXN-… → CN-…. A payment and its credit notes can be matched by eye.
 */
export function invoiceNumber(transactionId: string, kind: InvoiceKind): string {
  return NUMBER_PREFIX[kind] + transactionId.replace(/^TXN-/, "");
}

/** Rounds numerator/denominator (both ≥ 0) half up, exactly. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * The tax in (inclusive) or on top of (exclusive) an amount, in minor units, rounded half up once
 * on the whole document rather than per line, so that net + tax always equals the total charged.
 */
export function taxOf(base: Money, rateBp: number, inclusive: boolean): Money {
  if (!Number.isInteger(rateBp) || rateBp < 0 || rateBp > 10_000) throw new RangeError(`tax rate ${rateBp} bp is outside 0–10000`);
  if (base.minor < 0) throw new RangeError("tax of a negative amount");
  const b = BigInt(base.minor);
  const r = BigInt(rateBp);
  const tax = inclusive ? divideHalfUp(b * r, 10_000n + r) : divideHalfUp(b * r, 10_000n);
  return money(Number(tax), base.currency);
}

/** The line items for what was bought or refunded: one line per kind, a package as N sessions. */
export function linesFor(purchase: Purchase, amount: Money, timeZone: string): InvoiceLine[] {
  const one = (description: string): InvoiceLine[] => [{ description, quantity: 1, unit: amount, amount }];
  switch (purchase.kind) {
    case "booking": {
      const what = purchase.eventTypeName ? `${purchase.pageName}: ${purchase.eventTypeName}` : purchase.pageName;
      const when = purchase.start ? `, ${localDateTime(purchase.start, timeZone)}` : "";
      const length = purchase.durationMinutes ? ` (${purchase.durationMinutes} min)` : "";
      return one(`${what}${when}${length}`);
    }
    case "package": {
      const what = purchase.eventTypeName ? `${purchase.pageName}: ${purchase.eventTypeName}` : purchase.pageName;
      const n = purchase.sessions;
      // N sessions at one price each when the amount divides evenly; otherwise the package as one line.
      if (n > 1 && amount.minor % n === 0) {
        return [{ description: `Session package, ${what}`, quantity: n, unit: money(amount.minor / n, amount.currency), amount }];
      }
      return one(`Session package of ${n} session${n === 1 ? "" : "s"}, ${what}`);
    }
    case "reschedule-fee":
      return one(`Reschedule fee for booking ${purchase.bookingId} (${purchase.pageName})`);
    case "refund":
      return one(`Refund of invoice ${purchase.ofInvoiceNumber} (${purchase.ofTransactionId})${purchase.reason ? `: ${purchase.reason}` : ""}`);
  }
}

/** Builds the document: lines, tax, totals and number. */
export function buildInvoice(input: InvoiceInput): InvoiceModel {
  const lines = linesFor(input.purchase, input.amount, input.timeZone);
  return assembleInvoice(input, lines);
}

/** The totals of given lines (exported for tests that vary the lines freely). */
export function assembleInvoice(input: InvoiceInput, lines: InvoiceLine[]): InvoiceModel {
  const currency = input.amount.currency;
  minorDigits(currency);
  for (const l of lines) {
    if (l.amount.currency !== currency || l.unit.currency !== currency) throw new RangeError("every line is in the document's currency");
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.unit.minor * l.quantity !== l.amount.minor) throw new RangeError(`line "${l.description}": amount is not quantity × unit`);
  }
  const sum = sumMoney(lines.map((l) => l.amount), currency);
  let net: Money;
  let tax: InvoiceModel["tax"] = null;
  let total: Money;
  if (!input.tax || input.tax.rateBp === 0) {
    net = sum;
    total = sum;
  } else if (input.pricesIncludeTax) {
    const amount = taxOf(sum, input.tax.rateBp, true);
    tax = { ...input.tax, amount };
    total = sum;
    net = subtractMoney(sum, amount);
  } else {
    const amount = taxOf(sum, input.tax.rateBp, false);
    tax = { ...input.tax, amount };
    net = sum;
    total = addMoney(sum, amount);
  }
  return {
    kind: input.kind,
    title: input.kind === "invoice" ? "Invoice" : "Credit note",
    number: invoiceNumber(input.transactionId, input.kind),
    transactionId: input.transactionId,
    status: input.status,
    date: isoInZone(input.issuedAt.getTime(), input.timeZone).slice(0, 10),
    timeZone: input.timeZone,
    seller: input.seller,
    customer: input.customer,
    payer: input.payer ?? null,
    subject: input.subject,
    refersTo: input.kind === "credit-note" ? (input.refersTo ?? null) : null,
    currency,
    lines,
    pricesIncludeTax: input.pricesIncludeTax,
    tax,
    net,
    total,
  };
}

/** A tax rate for people: 2000 bp → "20%", 725 → "7.25%". */
export function formatRate(rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const frac = String(rateBp % 100).padStart(2, "0").replace(/0+$/, "");
  return `${whole}${frac ? `.${frac}` : ""}%`;
}

/** A percentage as people type it ("20", "7.25", "0") → basis points; null when it is not one. */
export function parseRate(percent: string): number | null {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent);
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return bp <= 10_000 ? bp : null;
}

/**
 * An amount on a document: the ISO code and grouped digits ("USD 1,234.50", "JPY 1,200"). The
 * code rather than a symbol: unambiguous ($ is a dozen currencies) and printable with the PDF's
 * standard fonts. Intl formats the decimal string exactly; no float.
 */
export function formatAmount(m: Money): string {
  const digits = minorDigits(m.currency);
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency: m.currency, currencyDisplay: "code", minimumFractionDigits: digits, maximumFractionDigits: digits });
  return format.format(formatDecimal(m) as unknown as number).replace(/\u00a0/g, " ");
}

/** "2027-03-14 09:00" in the zone. */
function localDateTime(at: Date, zone: string): string {
  const s = isoInZone(at.getTime(), zone);
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
}
