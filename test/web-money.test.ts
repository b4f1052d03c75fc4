import { describe, expect, it } from "vitest";
import { decimalOf, parseAmount } from "../web/src/ui/money.js";

/** The refund dialog's amount: typed in major units, read into minor units exactly (no float). */
describe("parseAmount", () => {
  it.each([
    ["12.5", "USD", 1250, "12.50"],
    [" 12 ", "USD", 1200, "12.00"],
    ["12,50", "EUR", 1250, "12.50"],
    ["1,234.56", "USD", 123456, "1234.56"],
    ["0.29", "USD", 29, "0.29"], // 0.29 * 100 is 28.999999999999996 in floating point
    ["1.15", "USD", 115, "1.15"], // and 1.15 * 100 is 114.99999999999999
    ["1200", "JPY", 1200, "1200"],
    ["999999999999.99", "USD", 99999999999999, "999999999999.99"],
  ])("%j %s → %i minor units (%s)", (text, currency, minor, value) => {
    expect(parseAmount(text, currency)).toEqual({ minor, value });
  });

  it.each([
    ["", "USD", /Enter an amount/],
    ["12.345", "USD", /at most 2 decimals/],
    ["12.5", "JPY", /no decimals/],
    ["-3", "USD", /not an amount/],
    ["1e3", "USD", /not an amount/],
    ["abc", "USD", /not an amount/],
  ])("%j %s is refused: %s", (text, currency, message) => {
    const r = parseAmount(text, currency);
    expect("error" in r && r.error).toMatch(message);
  });

  it("writes minor units back as the API's decimal string", () => {
    expect(decimalOf({ minor: 5, currency: "USD" })).toBe("0.05");
    expect(decimalOf({ minor: 1200, currency: "JPY" })).toBe("1200");
  });
});
