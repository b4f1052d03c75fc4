import { formatDecimal, formatForPeople, money, parseMoney } from "../../../src/domain/money";

/**
 * Money in the web app, through the server's own money module: amounts are minor units with their
 * currency, read from and written to decimal strings digit by digit — never a float.
 */
export interface MoneyLike {
  minor: number;
  currency: string;
}

/** "$1,234.50" in the reader's locale (falls back to "1234.50 USD" for a currency PayPal lacks). */
export function formatMoney(m: MoneyLike): string {
  try {
    return formatForPeople(money(m.minor, m.currency), navigator.language || "en-US");
  } catch {
    return `${m.minor} ${m.currency} (minor units)`;
  }
}

/** A decimal string ("50.00") with its currency, for people. */
export function formatDecimalMoney(value: string, currency: string): string {
  try {
    return formatMoney(parseMoney(value, currency));
  } catch {
    return `${value} ${currency}`;
  }
}

/**
 * What a person typed as an amount in major units ("12.5", "12,50", "1,234.50", " 12 ") → minor
 * units, exactly: the string is read digit by digit (parseMoney), never through a float. A comma
 * alone is a decimal comma; beside a point, commas group thousands.
 */
export function parseAmount(text: string, currency: string): { minor: number; value: string } | { error: string } {
  let t = text.replace(/\s+/g, "");
  if (t === "") return { error: "Enter an amount." };
  if (t.includes(".")) t = t.replace(/,/g, "");
  else if (/^\d+,\d+$/.test(t)) t = t.replace(",", ".");
  try {
    const m = parseMoney(t, currency);
    return { minor: m.minor, value: formatDecimal(m) };
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^[\w.]+: /, "") : String(err);
    return { error: message.charAt(0).toUpperCase() + message.slice(1) + "." };
  }
}

/** Minor units back to the decimal string the API takes ("1250" USD → "12.50"). */
export const decimalOf = (m: MoneyLike) => formatDecimal(money(m.minor, m.currency));
