/**
 * Money as PayPal's API writes it (a decimal string in the currency's units) and as the peer keeps
 * it (an integer count of minor units). Nothing here touches floating point: strings are split at
 * the point and read digit by digit.
 */

/** PayPal's supported currencies and how many decimal places each allows (HUF, JPY, TWD: none). */
export const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  AUD: 2, BRL: 2, CAD: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, HKD: 2, HUF: 0, ILS: 2, JPY: 0, MYR: 2,
  MXN: 2, TWD: 0, NZD: 2, NOK: 2, PHP: 2, PLN: 2, GBP: 2, SGD: 2, SEK: 2, CHF: 2, THB: 2, USD: 2,
};

/** PayPal's schema for `value`: an optional minus, digits, an optional fraction; at most 32 characters. */
const VALUE_SYNTAX = /^((-?[0-9]+)|(-?([0-9]+)?[.][0-9]+))$/;

export type AmountProblem = { status: 400 | 422; issue: string; description: string; field: "currency_code" | "value" };
export type AmountResult = { ok: true; minor: number } | ({ ok: false } & AmountProblem);

export function decimalsOf(currency: string): number {
  const d = CURRENCY_DECIMALS[currency];
  if (d === undefined) throw new Error(`unsupported currency ${currency}`);
  return d;
}

/**
 * Reads `{currency_code, value}` the way Orders/Payments v2 validate it. `allowZero` is for the
 * few places PayPal accepts 0.00 (none in this peer yet, kept explicit for readers).
 */
export function parseAmount(currency: unknown, value: unknown, allowZero = false): AmountResult {
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) {
    return { ok: false, status: 400, field: "currency_code", issue: "INVALID_PARAMETER_SYNTAX", description: "The value of a field does not conform to the expected format." };
  }
  if (CURRENCY_DECIMALS[currency] === undefined) {
    return { ok: false, status: 422, field: "currency_code", issue: "CURRENCY_NOT_SUPPORTED", description: "Currency code is unsupported." };
  }
  if (typeof value !== "string" || value.length > 32 || !VALUE_SYNTAX.test(value)) {
    return { ok: false, status: 400, field: "value", issue: "INVALID_PARAMETER_SYNTAX", description: "The value of a field does not conform to the expected format." };
  }
  const negative = value.startsWith("-");
  const [whole = "", fraction = ""] = (negative ? value.slice(1) : value).split(".");
  const decimals = decimalsOf(currency);
  if (decimals === 0 && value.includes(".")) {
    return { ok: false, status: 422, field: "value", issue: "DECIMALS_NOT_SUPPORTED", description: "Currency does not support decimals." };
  }
  if (fraction.length > decimals) {
    return { ok: false, status: 422, field: "value", issue: "DECIMAL_PRECISION", description: "If the currency supports decimals, only two decimal place precision is supported." };
  }
  const digits = (whole.replace(/^0+/, "") + fraction.padEnd(decimals, "0")).replace(/^0+/, "") || "0";
  // The peer keeps minor units as exact JavaScript integers; PayPal's own ceiling
  // (999999999999999.99) is higher, see README "Departures".
  if (digits.length > 15) {
    return { ok: false, status: 422, field: "value", issue: "MAX_VALUE_EXCEEDED", description: "Should be less than or equal to 999999999999999.99." };
  }
  const minor = Number(digits);
  if (negative && minor !== 0) {
    return { ok: false, status: 422, field: "value", issue: "CANNOT_BE_NEGATIVE", description: "Must be greater than or equal to 0." };
  }
  if (minor === 0 && !allowZero) {
    return { ok: false, status: 422, field: "value", issue: "CANNOT_BE_ZERO_OR_NEGATIVE", description: "Must be greater than zero." };
  }
  return { ok: true, minor };
}

/** Minor units back to PayPal's string: 1050 USD → "10.50", 1050 JPY → "1050". */
export function formatMinor(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new Error(`not a minor-unit amount: ${minor}`);
  const decimals = decimalsOf(currency);
  if (decimals === 0) return String(minor);
  const s = String(minor).padStart(decimals + 1, "0");
  return `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
}

export function money(minor: number, currency: string): { currency_code: string; value: string } {
  return { currency_code: currency, value: formatMinor(minor, currency) };
}

/** amount × basisPoints / 10000, rounded half up, in integers only (BigInt: no overflow). */
export function percentOf(minor: number, basisPoints: number): number {
  return Number((BigInt(minor) * BigInt(basisPoints) + 5000n) / 10000n);
}
