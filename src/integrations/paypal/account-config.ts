import { z } from "zod";

/**
 * One account's PayPal connection. The client secret is stored sealed (src/app/secrets.ts,
 * purpose "paypal.client_secret") and only opened to build a client; it is never returned by the API.
 */

export type PayPalMode = "sandbox" | "live";

export interface PayPalAccountConfig {
  /** REST base URL: PAYPAL_API_BASE_URLS[mode] for PayPal itself, the local PayPal's URL in tests and the demo. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** The webhook subscription's id; webhook signatures are made over it. Absent until subscribed. */
  webhookId?: string;
  mode: PayPalMode;
}

/** PayPal's REST hosts (developer.paypal.com, "REST API: Get started"). */
export const PAYPAL_API_BASE_URLS: Readonly<Record<PayPalMode, string>> = Object.freeze({
  sandbox: "https://api-m.sandbox.paypal.com",
  live: "https://api-m.paypal.com",
});

/**
 * PayPal serves webhook certificates from the older API host (PAYPAL-CERT-URL is
 * https://api.sandbox.paypal.com/v1/notifications/certs/CERT-… while the REST base is api-m.…):
 * for PayPal's own base URLs that host is accepted too. Any other base URL (the local PayPal)
 * accepts certificates from its own origin only.
 */
const PAYPAL_CERT_HOSTS: Readonly<Record<string, string[]>> = {
  "https://api-m.sandbox.paypal.com": ["https://api-m.sandbox.paypal.com", "https://api.sandbox.paypal.com"],
  "https://api-m.paypal.com": ["https://api-m.paypal.com", "https://api.paypal.com"],
};

export function certificateOrigins(baseUrl: string): string[] {
  const origin = new URL(baseUrl).origin;
  return PAYPAL_CERT_HOSTS[origin] ?? [origin];
}

/** The base URL without a trailing slash; https required in live mode. */
export function normalizeBaseUrl(baseUrl: string, mode: PayPalMode): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError("PayPal baseUrl must be an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("PayPal baseUrl must be http(s)");
  if (mode === "live" && url.protocol !== "https:") throw new TypeError("a live PayPal connection must use https");
  if (url.search || url.hash || url.username || url.password) throw new TypeError("PayPal baseUrl must not carry a query, fragment or credentials");
  return url.toString().replace(/\/+$/, "");
}

/**
 * The settings as an admin enters them (for the lead's route schema). The secret's length bound is
 * generous: PayPal's are 80 characters.
 */
export const PayPalAccountConfigSchema = z.object({
  mode: z.enum(["sandbox", "live"]).describe("sandbox: PayPal's sandbox (or the local PayPal); live: real money"),
  baseUrl: z.string().url().max(2000).describe("PayPal REST base URL; defaults per mode to api-m.sandbox.paypal.com / api-m.paypal.com"),
  clientId: z.string().min(1).max(200).describe("The REST app's client id"),
  clientSecret: z.string().min(1).max(500).describe("The REST app's secret; stored encrypted, never returned"),
  webhookId: z.string().regex(/^[A-Za-z0-9]{1,50}$/).optional().describe("The webhook subscription's id (signatures are made over it)"),
});
