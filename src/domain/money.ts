import { DomainError } from "./errors.js";

/**
 * Money without floating point: an integer count of the currency's minor units (cents, pence; yen
 * itself) and an ISO 4217 code. Amounts arrive and leave as decimal strings (PayPal's `value`, form
 * fields) and are read and written digit by digit, never through a JavaScript number with a fraction.
 */
export interface Money {
  /** A safe integer; negative only for differences (a refund balance gone wrong shows, not hides). */
  readonly minor: number;
  /** ISO 4217, upper case, one of PAYPAL_CURRENCIES. */
  readonly currency: string;
}

/**
 * PayPal's currencies and how many decimals each takes, from PayPal's "Currency codes" reference
 * (https://developer.paypal.com/reference/currency-codes/): HUF, JPY and TWD "do not support
 * decimals"; every other listed currency takes two. BRL, CNY, INR and MYR are for in-country
 * accounts only, which PayPal enforces, not us. The local PayPal (peers/paypal/money.ts) keeps the
 * same table less INR.
 */
export const PAYPAL_CURRENCIES: Readonly<Record<string, number>> = Object.freeze({
  AUD: 2, BRL: 2, CAD: 2, CHF: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 0, ILS: 2,
  INR: 2, JPY: 0, MXN: 2, MYR: 2, NOK: 2, NZD: 2, PHP: 2, PLN: 2, SEK: 2, SGD: 2, THB: 2, TWD: 0, USD: 2,
});

/**
 * The largest amount we accept: 15 digits of minor units (999 999 999 999.99 USD). Below PayPal's
 * own ceiling (999999999999999.99), and small enough that sums of many such amounts stay exact.
 */
export const MAX_MINOR = 999_999_999_999_999;

/** Why an amount was refused; `details.reason` on the DomainError. */
export type MoneyProblem =
  | "unsupported_currency" | "not_a_decimal" | "too_many_decimals" | "too_large" | "not_an_integer" | "currency_mismatch" | "overflow";

function refuse(reason: MoneyProblem, message: string, field: string | undefined, code: "validation_failed" | "unprocessable" = "validation_failed"): DomainError {
  return new DomainError(code, field ? `${field}: ${message}` : message, { reason, ...(field ? { field } : {}) });
}

export function isSupportedCurrency(currency: string): boolean {
  return Object.hasOwn(PAYPAL_CURRENCIES, currency);
}

/** Decimals of a currency (2 for USD, 0 for JPY); refuses codes PayPal does not take. */
export function minorDigits(currency: string, field?: string): number {
  if (!isSupportedCurrency(currency)) {
    throw refuse("unsupported_currency", `${JSON.stringify(currency)} is not a currency PayPal accepts (${Object.keys(PAYPAL_CURRENCIES).join(", ")})`, field);
  }
  return PAYPAL_CURRENCIES[currency]!;
}

/** A Money from minor units, checked: a supported currency and a safe integer within MAX_MINOR. */
export function money(minor: number, currency: string, field?: string): Money {
  minorDigits(currency, field);
  if (!Number.isSafeInteger(minor)) throw refuse("not_an_integer", `${minor} is not a whole number of minor units`, field);
  if (Math.abs(minor) > MAX_MINOR) throw refuse("too_large", `the amount is larger than ${formatDecimal({ minor: MAX_MINOR, currency })} ${currency}`, field);
  return Object.freeze({ minor, currency });
}

export function zero(currency: string): Money {
  return money(0, currency);
}

/** Unsigned digits with an optional fraction: "10", "10.5", "10.50", "0.99". No sign, exponent or spaces. */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Reads a decimal string in the currency's units into minor units: "10.5" USD → 1050, "1200" JPY →
 * 1200. Refuses signs, exponents, spaces, "NaN", more decimals than the currency has (also trailing
 * zeros: "10.500" USD is refused, as PayPal does), and amounts above MAX_MINOR.
 */
export function parseMoney(value: string, currency: string, field?: string): Money {
  const digits = minorDigits(currency, field);
  if (typeof value !== "string" || value.length > 32) throw refuse("not_a_decimal", "an amount is a decimal string such as 10.50", field);
  const m = DECIMAL.exec(value);
  if (!m) throw refuse("not_a_decimal", `${JSON.stringify(value)} is not an amount (digits, and a point before the decimals)`, field);
  const whole = m[1]!;
  const fraction = m[2] ?? "";
  if (fraction.length > digits) {
    throw refuse("too_many_decimals", digits === 0 ? `${currency} amounts have no decimals` : `${currency} amounts have at most ${digits} decimals`, field);
  }
  const significant = (whole + fraction.padEnd(digits, "0")).replace(/^0+/, "") || "0";
  if (significant.length > String(MAX_MINOR).length) throw refuse("too_large", `the amount is larger than ${formatDecimal({ minor: MAX_MINOR, currency })} ${currency}`, field);
  // At most 15 digits: Number() of an integer string this short is exact.
  return money(Number(significant), currency, field);
}

/** The decimal string PayPal expects: 1050 USD → "10.50", 1200 JPY → "1200", -5 EUR → "-0.05". */
export function formatDecimal(m: Money): string {
  const digits = minorDigits(m.currency);
  if (!Number.isSafeInteger(m.minor)) throw refuse("not_an_integer", `${m.minor} is not a whole number of minor units`, undefined);
  const sign = m.minor < 0 ? "-" : "";
  const abs = String(Math.abs(m.minor));
  if (digits === 0) return sign + abs;
  const padded = abs.padStart(digits + 1, "0");
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** PayPal's `{currency_code, value}`. */
export interface PayPalAmount {
  currency_code: string;
  value: string;
}

export function toPayPalAmount(m: Money): PayPalAmount {
  if (m.minor < 0) throw refuse("not_a_decimal", "PayPal amounts are never negative", undefined);
  return { currency_code: m.currency, value: formatDecimal(m) };
}

export function fromPayPalAmount(a: PayPalAmount, field?: string): Money {
  return parseMoney(a.value, a.currency_code, field);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw refuse("currency_mismatch", `cannot combine ${a.currency} and ${b.currency}`, undefined, "unprocessable");
  }
}

function checked(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) throw refuse("overflow", "the sum is too large to keep exactly", undefined, "unprocessable");
  return Object.freeze({ minor, currency });
}

/** a + b, same currency only. Integer addition below 2^53 is exact; beyond it we refuse. */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return checked(a.minor + b.minor, a.currency);
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return checked(a.minor - b.minor, a.currency);
}

/** The total of a list in one currency (the currency is needed for an empty list). */
export function sumMoney(items: readonly Money[], currency: string): Money {
  return items.reduce((total, m) => addMoney(total, m), zero(currency));
}

/** -1, 0 or 1; same currency only. */
export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0;
}

export function equalMoney(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.minor === b.minor;
}

export function isPositive(m: Money): boolean {
  return m.minor > 0;
}

/**
 * For people (invoices, the web app): "$1,234.50", "1.234,50 €", "￥1,200" per the locale. The
 * amount reaches Intl as a decimal string, which Intl.NumberFormat formats exactly (no float), and
 * with the currency's PayPal decimals, so HUF and TWD show none even where CLDR would show two.
 */
export function formatForPeople(m: Money, locale: string): string {
  const digits = minorDigits(m.currency);
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: m.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Node's typings still say number | bigint; strings are exact decimals since Intl.NumberFormat v3.
  return format.format(formatDecimal(m) as unknown as number);
}
