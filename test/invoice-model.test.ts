import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assembleInvoice, buildInvoice, formatAmount, formatRate, invoiceNumber, linesFor, parseRate, taxOf, type InvoiceInput, type InvoiceLine } from "../src/domain/invoice.js";
import { MAX_MINOR, money, PAYPAL_CURRENCIES } from "../src/domain/money.js";
import { printable } from "../src/integrations/pdf/invoice-pdf.js";

const base = (over: Partial<InvoiceInput> = {}): InvoiceInput => ({
  kind: "invoice",
  transactionId: "TXN-7K2M9QXA",
  status: "Paid",
  issuedAt: new Date("2027-03-14T23:30:00.000Z"),
  timeZone: "Europe/Berlin",
  seller: { name: "Studio Nord", address: "Hafenstraße 1\n20095 Hamburg", taxId: "DE123456789" },
  customer: { name: "Ada Lovelace", email: "ada@example.com" },
  subject: { kind: "booking", id: "BKNG-ABCDEFGHJKLM" },
  purchase: { kind: "booking", pageName: "Consultation", eventTypeName: "Intro", start: new Date("2027-03-20T09:00:00.000Z"), durationMinutes: 30 },
  amount: money(5000, "USD"),
  tax: null,
  pricesIncludeTax: true,
  ...over,
});

describe("invoice model", () => {
  it("numbers documents after their transaction: stable, and a credit note is told apart", () => {
    expect(invoiceNumber("TXN-7K2M9QXA", "invoice")).toBe("INV-7K2M9QXA");
    expect(invoiceNumber("TXN-7K2M9QXA", "credit-note")).toBe("CN-7K2M9QXA");
    expect(buildInvoice(base()).number).toBe(buildInvoice(base()).number);
  });

  it("dates the document on the account's day, not UTC's", () => {
    expect(buildInvoice(base()).date).toBe("2027-03-15"); // 23:30 UTC is past midnight in Berlin
    expect(buildInvoice(base({ timeZone: "America/New_York" })).date).toBe("2027-03-14");
  });

  it("describes a booking, a package as N sessions, a reschedule fee and a refund", () => {
    expect(linesFor(base().purchase, money(5000, "USD"), "Europe/Berlin")).toEqual([
      { description: "Consultation: Intro, 2027-03-20 10:00 (30 min)", quantity: 1, unit: money(5000, "USD"), amount: money(5000, "USD") },
    ]);
    const pkg = linesFor({ kind: "package", pageName: "Coaching", eventTypeName: null, sessions: 3 }, money(9000, "USD"), "UTC");
    expect(pkg).toEqual([{ description: "Session package, Coaching", quantity: 3, unit: money(3000, "USD"), amount: money(9000, "USD") }]);
    // An amount that does not split evenly stays one line: no cent is invented or lost.
    expect(linesFor({ kind: "package", pageName: "Coaching", eventTypeName: null, sessions: 3 }, money(10000, "USD"), "UTC")[0]).toMatchObject({ quantity: 1, amount: money(10000, "USD") });
    expect(linesFor({ kind: "reschedule-fee", bookingId: "BKNG-X", pageName: "Coaching" }, money(1000, "USD"), "UTC")[0].description).toBe("Reschedule fee for booking BKNG-X (Coaching)");
    expect(linesFor({ kind: "refund", ofInvoiceNumber: "INV-1", ofTransactionId: "TXN-1", reason: "Ill" }, money(1000, "USD"), "UTC")[0].description).toBe("Refund of invoice INV-1 (TXN-1): Ill");
  });

  it("takes tax out of prices that include it, and adds it to prices that do not", () => {
    const inclusive = buildInvoice(base({ tax: { name: "VAT", rateBp: 1900 } }));
    expect([inclusive.net.minor, inclusive.tax!.amount.minor, inclusive.total.minor]).toEqual([4202, 798, 5000]);
    const exclusive = buildInvoice(base({ tax: { name: "Sales tax", rateBp: 725 }, pricesIncludeTax: false }));
    expect([exclusive.net.minor, exclusive.tax!.amount.minor, exclusive.total.minor]).toEqual([5000, 363, 5363]);
    const none = buildInvoice(base());
    expect([none.net.minor, none.tax, none.total.minor]).toEqual([5000, null, 5000]);
  });

  it("a credit note refers to the payment's invoice", () => {
    const cn = buildInvoice(base({ kind: "credit-note", transactionId: "TXN-REFUND01", refersTo: { transactionId: "TXN-7K2M9QXA", invoiceNumber: "INV-7K2M9QXA" }, purchase: { kind: "refund", ofInvoiceNumber: "INV-7K2M9QXA", ofTransactionId: "TXN-7K2M9QXA", reason: null } }));
    expect([cn.title, cn.number, cn.refersTo]).toEqual(["Credit note", "CN-REFUND01", { transactionId: "TXN-7K2M9QXA", invoiceNumber: "INV-7K2M9QXA" }]);
  });

  it("formats amounts from minor units with the currency's own decimals", () => {
    expect(formatAmount(money(123450, "USD"))).toBe("USD 1,234.50");
    expect(formatAmount(money(1200, "JPY"))).toBe("JPY 1,200");
    expect(formatAmount(money(MAX_MINOR, "EUR"))).toBe("EUR 9,999,999,999,999.99");
    expect([formatRate(2000), formatRate(725), formatRate(5), formatRate(0)]).toEqual(["20%", "7.25%", "0.05%", "0%"]);
    expect([parseRate("20"), parseRate("7.25"), parseRate("7.5"), parseRate("100"), parseRate("100.01"), parseRate("1e2"), parseRate("-1")]).toEqual([2000, 725, 750, 10000, null, null, null]);
  });

  it("prints text the standard fonts can show", () => {
    expect(printable("Zoë Müller, Łukasz Żak, 王")).toBe("Zoë Müller, ?ukasz Zak, ?");
  });
});

describe("invoice totals: properties (exact in minor units)", () => {
  const currency = fc.constantFrom(...Object.keys(PAYPAL_CURRENCIES));
  const line = (c: string) =>
    fc.record({ quantity: fc.integer({ min: 1, max: 20 }), unit: fc.integer({ min: 0, max: 10_000_000_000 }) }).map(
      ({ quantity, unit }): InvoiceLine => ({ description: "x", quantity, unit: money(unit, c), amount: money(unit * quantity, c) }),
    );
  const doc = currency.chain((c) => fc.record({ c: fc.constant(c), lines: fc.array(line(c), { minLength: 1, maxLength: 8 }), rateBp: fc.integer({ min: 0, max: 10_000 }), inclusive: fc.boolean() }));

  it("total = net + tax, and equals the sum of the lines (plus tax when prices exclude it)", () => {
    fc.assert(
      fc.property(doc, ({ c, lines, rateBp, inclusive }) => {
        const sum = lines.reduce((s, l) => s + l.amount.minor, 0);
        const inv = assembleInvoice(base({ amount: money(sum, c), tax: { name: "VAT", rateBp }, pricesIncludeTax: inclusive }), lines);
        const tax = inv.tax?.amount.minor ?? 0;
        expect(Number.isSafeInteger(tax) && tax >= 0).toBe(true);
        expect(inv.net.minor + tax).toBe(inv.total.minor);
        expect(inv.total.minor).toBe(inclusive ? sum : sum + tax);
        expect(inv.net.minor).toBe(inclusive ? sum - tax : sum);
        expect(inv.total.currency).toBe(c);
      }),
      { numRuns: 500 },
    );
  });

  it("tax is the rate of the net, rounded half up, off by at most half a minor unit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MINOR }), fc.integer({ min: 0, max: 10_000 }), fc.boolean(), (minor, bp, inclusive) => {
        const tax = BigInt(taxOf(money(minor, "USD"), bp, inclusive).minor);
        const net = inclusive ? BigInt(minor) - tax : BigInt(minor);
        // |tax − net·bp/10000| ≤ ½ (inclusive: measured against the net that results, so within ½ of the exact share too)
        const exact2 = net * BigInt(bp) * 2n; // 2·net·bp, compared with 2·tax·10000
        const err = exact2 - tax * 20_000n;
        const bound = inclusive ? BigInt(10_000 + bp) : 10_000n;
        expect(err <= bound && err >= -bound).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("a package's lines always add up to what was paid", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 10_000_000 }), (sessions, minor) => {
        const lines = linesFor({ kind: "package", pageName: "P", eventTypeName: null, sessions }, money(minor, "EUR"), "UTC");
        expect(lines.reduce((s, l) => s + l.quantity * l.unit.minor, 0)).toBe(minor);
      }),
    );
  });
});
