import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import {
  addMoney, compareMoney, formatDecimal, formatForPeople, fromPayPalAmount, MAX_MINOR, minorDigits, money, parseMoney,
  PAYPAL_CURRENCIES, subtractMoney, sumMoney, toPayPalAmount, type Money,
} from "../src/domain/money.js";

const currencies = Object.keys(PAYPAL_CURRENCIES);
const anyCurrency = fc.constantFrom(...currencies);
const amountIn = (currency: string, max = MAX_MINOR) => fc.integer({ min: 0, max }).map((minor) => money(minor, currency));
const anyAmount = anyCurrency.chain((c) => amountIn(c));

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return String(err.details.reason);
    throw err;
  }
  return undefined;
}

describe("money: minor digits as PayPal defines them", () => {
  it("has no decimals for JPY, HUF and TWD and two for the others", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(minorDigits("HUF")).toBe(0);
    expect(minorDigits("TWD")).toBe(0);
    for (const c of ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK"]) expect(minorDigits(c)).toBe(2);
  });

  it("refuses currencies PayPal does not take, and lower-case codes", () => {
    expect(reasonOf(() => minorDigits("XYZ"))).toBe("unsupported_currency");
    expect(reasonOf(() => minorDigits("usd"))).toBe("unsupported_currency");
    expect(reasonOf(() => minorDigits("toString"))).toBe("unsupported_currency");
  });
});

describe("money: parsing decimal strings", () => {
  it("reads whole amounts and fewer decimals than the currency has", () => {
    expect(parseMoney("10", "USD")).toEqual({ minor: 1000, currency: "USD" });
    expect(parseMoney("10.5", "USD")).toEqual({ minor: 1050, currency: "USD" });
    expect(parseMoney("0.01", "EUR")).toEqual({ minor: 1, currency: "EUR" });
    expect(parseMoney("1200", "JPY")).toEqual({ minor: 1200, currency: "JPY" });
    expect(parseMoney("0", "GBP")).toEqual({ minor: 0, currency: "GBP" });
  });

  it("refuses too many decimals, signs, exponents, NaN, spaces and huge values", () => {
    expect(reasonOf(() => parseMoney("10.505", "USD"))).toBe("too_many_decimals");
    expect(reasonOf(() => parseMoney("10.500", "USD"))).toBe("too_many_decimals");
    expect(reasonOf(() => parseMoney("1200.0", "JPY"))).toBe("too_many_decimals");
    expect(reasonOf(() => parseMoney("5.5", "HUF"))).toBe("too_many_decimals");
    for (const bad of ["-1.00", "+1.00", "1e3", "1E3", "NaN", "Infinity", "", " 1.00", "1.00 ", "1,00", ".5", "5.", "0x10", "١٢"]) {
      expect(reasonOf(() => parseMoney(bad, "USD")), bad).toBe("not_a_decimal");
    }
    expect(reasonOf(() => parseMoney("10000000000000.00", "USD"))).toBe("too_large");
    expect(reasonOf(() => parseMoney("9".repeat(40), "JPY"))).toBe("not_a_decimal");
    expect(parseMoney("9999999999999.99", "USD").minor).toBe(MAX_MINOR);
    expect(parseMoney("000000000000000000001.00", "USD").minor).toBe(100);
  });

  it("names the field it refuses, as a 400 the HTTP edge can show", () => {
    const err = (() => {
      try {
        parseMoney("1.234", "EUR", "price");
      } catch (e) {
        return e as DomainError;
      }
    })();
    expect(err?.code).toBe("validation_failed");
    expect(err?.details).toEqual({ reason: "too_many_decimals", field: "price" });
  });
});

describe("money: formatting", () => {
  it("writes PayPal's decimal strings", () => {
    expect(formatDecimal(money(1050, "USD"))).toBe("10.50");
    expect(formatDecimal(money(5, "EUR"))).toBe("0.05");
    expect(formatDecimal(money(0, "USD"))).toBe("0.00");
    expect(formatDecimal(money(1200, "JPY"))).toBe("1200");
    expect(formatDecimal(money(-5, "EUR"))).toBe("-0.05");
    expect(toPayPalAmount(money(1999, "GBP"))).toEqual({ currency_code: "GBP", value: "19.99" });
    expect(fromPayPalAmount({ currency_code: "TWD", value: "300" })).toEqual({ minor: 300, currency: "TWD" });
  });

  it("refuses non-integers and negative PayPal amounts", () => {
    expect(reasonOf(() => money(10.5, "USD"))).toBe("not_an_integer");
    expect(reasonOf(() => money(Number.NaN, "USD"))).toBe("not_an_integer");
    expect(reasonOf(() => money(MAX_MINOR + 1, "USD"))).toBe("too_large");
    expect(reasonOf(() => toPayPalAmount(money(-1, "USD")))).toBe("not_a_decimal");
  });

  it("formats for people per locale with the currency's PayPal decimals", () => {
    // Intl's exact spacing characters vary by ICU version: compare digits and symbols only.
    const plain = (s: string) => s.replace(/\s/g, " ");
    expect(plain(formatForPeople(money(123450, "USD"), "en-US"))).toBe("$1,234.50");
    expect(plain(formatForPeople(money(123450, "EUR"), "de-DE"))).toBe("1.234,50 €");
    expect(plain(formatForPeople(money(1200, "JPY"), "en-US"))).toBe("¥1,200");
    expect(formatForPeople(money(1200, "HUF"), "en-US")).not.toMatch(/[.,]00/);
    expect(plain(formatForPeople(money(MAX_MINOR, "USD"), "en-US"))).toBe("$9,999,999,999,999.99");
  });
});

describe("money: arithmetic within one currency", () => {
  it("adds, subtracts and compares", () => {
    const a = money(1050, "USD");
    const b = money(25, "USD");
    expect(addMoney(a, b)).toEqual({ minor: 1075, currency: "USD" });
    expect(subtractMoney(b, a)).toEqual({ minor: -1025, currency: "USD" });
    expect(compareMoney(a, b)).toBe(1);
    expect(compareMoney(b, a)).toBe(-1);
    expect(compareMoney(a, money(1050, "USD"))).toBe(0);
    expect(sumMoney([], "JPY")).toEqual({ minor: 0, currency: "JPY" });
  });

  it("throws when currencies are mixed", () => {
    const usd = money(100, "USD");
    const eur = money(100, "EUR");
    expect(reasonOf(() => addMoney(usd, eur))).toBe("currency_mismatch");
    expect(reasonOf(() => subtractMoney(usd, eur))).toBe("currency_mismatch");
    expect(reasonOf(() => compareMoney(usd, eur))).toBe("currency_mismatch");
    expect(reasonOf(() => sumMoney([usd, eur], "USD"))).toBe("currency_mismatch");
  });

  it("refuses a sum that would stop being exact", () => {
    const big = { minor: Number.MAX_SAFE_INTEGER, currency: "USD" } satisfies Money;
    expect(reasonOf(() => addMoney(big, money(1, "USD")))).toBe("overflow");
  });
});

describe("money: properties", () => {
  it("parse ∘ format is the identity on every amount", () => {
    fc.assert(fc.property(anyAmount, (m) => {
      expect(parseMoney(formatDecimal(m), m.currency)).toEqual(m);
    }), { numRuns: 2000 });
  });

  it("format ∘ parse gives back any canonical decimal string", () => {
    const canonical = anyCurrency.chain((currency) => {
      const digits = minorDigits(currency);
      const whole = fc.oneof(fc.constant("0"), fc.stringMatching(/^[1-9]\d{0,11}$/));
      const fraction = fc.stringMatching(new RegExp(`^\\d{${digits}}$`));
      return fc.tuple(whole, fraction).map(([w, f]) => ({ currency, text: digits === 0 ? w : `${w}.${f}` }));
    });
    fc.assert(fc.property(canonical, ({ currency, text }) => {
      expect(formatDecimal(parseMoney(text, currency))).toBe(text);
    }), { numRuns: 2000 });
  });

  it("sums are exact: adding amounts equals adding their cents as BigInt", () => {
    const list = anyCurrency.chain((c) => fc.array(amountIn(c, 10_000_000_000_000), { maxLength: 200 }).map((items) => ({ c, items })));
    fc.assert(fc.property(list, ({ c, items }) => {
      const total = sumMoney(items, c);
      const exact = items.reduce((s, m) => s + BigInt(m.minor), 0n);
      expect(BigInt(total.minor)).toBe(exact);
      // And the decimal string adds up digit for digit (no 0.1 + 0.2 drift).
      expect(parseMoney(formatDecimal(total), c)).toEqual(total);
    }), { numRuns: 500 });
  });

  it("a + b − b = a, and compare agrees with the sign of the difference", () => {
    const pair = anyCurrency.chain((c) => fc.tuple(amountIn(c, Math.floor(MAX_MINOR / 2)), amountIn(c, Math.floor(MAX_MINOR / 2))));
    fc.assert(fc.property(pair, ([a, b]) => {
      expect(subtractMoney(addMoney(a, b), b)).toEqual(a);
      expect(compareMoney(a, b)).toBe(Math.sign(subtractMoney(a, b).minor) || 0);
    }));
  });

  it("every string parse accepts is a canonical-enough amount; everything else is refused with a reason", () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), anyCurrency, (s, c) => {
      const reason = reasonOf(() => parseMoney(s, c));
      if (reason === undefined) expect(s).toMatch(/^\d+(\.\d+)?$/);
      else expect(["not_a_decimal", "too_many_decimals", "too_large"]).toContain(reason);
    }), { numRuns: 2000 });
  });
});
