import { createVerify, X509Certificate } from "node:crypto";
import { crc32 } from "node:zlib";
import type { Clock } from "../../domain/clock.js";
import { PayPalError, transportFailure } from "./errors.js";
import { readWebhookEvent, type PayPalWebhookEvent } from "./resources.js";

/**
 * Checking that a webhook delivery comes from PayPal, the way PayPal signs it: SHA256withRSA over
 * `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, unsigned decimal>`,
 * base64 in PAYPAL-TRANSMISSION-SIG, with the X.509 certificate at PAYPAL-CERT-URL. The
 * certificate is fetched only from PayPal's origin (certificateOrigins), without following
 * redirects, and kept in a bounded cache; its validity period is checked at every use. A
 * transmission time outside the tolerance is refused, so a captured delivery cannot be replayed
 * later. The remote way (verify-webhook-signature) shares the same first checks (client.ts).
 */

export interface WebhookDelivery {
  /** The request's headers as Node or Fastify give them (names in any case). */
  headers: Record<string, string | string[] | undefined>;
  /** The body exactly as received: the CRC32 is over these bytes. */
  rawBody: string | Buffer;
}

export type WebhookRejection =
  | "missing_headers" | "unsupported_algorithm" | "no_webhook_id" | "stale_transmission" | "cert_url_refused"
  | "cert_unusable" | "cert_not_valid_now" | "bad_signature" | "malformed_body";

export type WebhookVerification =
  | { ok: true; event: PayPalWebhookEvent; transmissionId: string; transmissionTime: string }
  | { ok: false; reason: WebhookRejection; detail: string };

/** The parts of a delivery every check needs, read once. */
export interface ParsedDelivery {
  transmissionId: string;
  transmissionTime: string;
  signature: string;
  certUrl: string;
  authAlgo: string;
  raw: Buffer;
  event: PayPalWebhookEvent;
}

export interface DeliveryChecks {
  webhookId: string | undefined;
  allowedCertOrigins: string[];
  clock: Clock;
  toleranceMs: number;
}

export const AUTH_ALGO = "SHA256withRSA";

export type WebhookRejected = Extract<WebhookVerification, { ok: false }>;

const reject = (reason: WebhookRejection, detail: string): WebhookRejected => ({ ok: false, reason, detail });

function header(headers: WebhookDelivery["headers"], name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    const value = Array.isArray(v) ? v[0] : v;
    return typeof value === "string" && value !== "" ? value : undefined;
  }
  return undefined;
}

/** RFC 3339 / ISO 8601 with a zone, as PayPal writes PAYPAL-TRANSMISSION-TIME. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The checks that need no certificate: headers present, algorithm, webhook id configured,
 * transmission time within tolerance, cert URL on PayPal's origin, body a PayPal event.
 */
export function checkDelivery(delivery: WebhookDelivery, checks: DeliveryChecks): { ok: true; parsed: ParsedDelivery; webhookId: string } | WebhookRejected {
  const h = (name: string) => header(delivery.headers, name);
  const transmissionId = h("paypal-transmission-id");
  const transmissionTime = h("paypal-transmission-time");
  const signature = h("paypal-transmission-sig");
  const certUrl = h("paypal-cert-url");
  const authAlgo = h("paypal-auth-algo");
  if (!transmissionId || !transmissionTime || !signature || !certUrl || !authAlgo) {
    return reject("missing_headers", "PAYPAL-TRANSMISSION-ID, -TIME, -SIG, PAYPAL-CERT-URL and PAYPAL-AUTH-ALGO are all required");
  }
  if (authAlgo.toUpperCase() !== AUTH_ALGO.toUpperCase()) return reject("unsupported_algorithm", `PAYPAL-AUTH-ALGO ${authAlgo.slice(0, 40)}`);
  if (!checks.webhookId) return reject("no_webhook_id", "the account has no webhook id configured");
  const sent = RFC3339.test(transmissionTime) ? Date.parse(transmissionTime) : Number.NaN;
  if (Number.isNaN(sent)) return reject("stale_transmission", "PAYPAL-TRANSMISSION-TIME is not a date-time");
  const skew = Math.abs(checks.clock.now().getTime() - sent);
  if (skew > checks.toleranceMs) return reject("stale_transmission", `sent ${Math.round(skew / 1000)} s from now; the tolerance is ${checks.toleranceMs / 1000} s`);
  if (!certUrlAllowed(certUrl, checks.allowedCertOrigins)) return reject("cert_url_refused", "PAYPAL-CERT-URL is not on PayPal's origin");
  const raw = typeof delivery.rawBody === "string" ? Buffer.from(delivery.rawBody, "utf8") : delivery.rawBody;
  let event: PayPalWebhookEvent;
  try {
    event = readWebhookEvent(JSON.parse(raw.toString("utf8")));
  } catch {
    return reject("malformed_body", "the body is not a PayPal webhook event");
  }
  return { ok: true, webhookId: checks.webhookId, parsed: { transmissionId, transmissionTime, signature, certUrl, authAlgo, raw, event } };
}

/** https (or the configured origin's own scheme), an allowed origin, PayPal's certificate path. */
export function certUrlAllowed(certUrl: string, allowedOrigins: string[]): boolean {
  let url: URL;
  try {
    url = new URL(certUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return allowedOrigins.includes(url.origin) && url.pathname.startsWith("/v1/notifications/certs/");
}

export function signedString(transmissionId: string, transmissionTime: string, webhookId: string, raw: Buffer): string {
  return `${transmissionId}|${transmissionTime}|${webhookId}|${crc32(raw) >>> 0}`;
}

/** Fetches a PEM certificate (no credentials sent); the caller has checked the origin. */
export type CertificateFetcher = (url: string, signal: AbortSignal) => Promise<string>;

const MAX_CERT_BYTES = 64 * 1024;

export function httpCertificateFetcher(fetchFn: typeof fetch, timeoutMs: number): CertificateFetcher {
  return async (url, signal) => {
    const what = "fetch PayPal's webhook certificate";
    let res: Response;
    try {
      res = await fetchFn(url, { redirect: "error", signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]), headers: { accept: "application/x-pem-file, text/plain" } });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw transportFailure(what, timedOut ? "TIMEOUT" : "NETWORK_ERROR", timedOut ? `no answer within ${timeoutMs} ms` : "the connection failed");
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new PayPalError({ status: res.status, name: `HTTP_${res.status}`, message: `${what}: PayPal answered ${res.status}`, retryable: res.status >= 500 || res.status === 429 });
    }
    const text = await readCapped(res, MAX_CERT_BYTES);
    if (text === undefined) throw new PayPalError({ status: 200, name: "INVALID_RESPONSE", message: `${what}: larger than ${MAX_CERT_BYTES} bytes`, retryable: false });
    return text;
  };
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readCapped(res: Response, limit: number): Promise<string | undefined> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Certificates by URL, at most `maxEntries` (the least recently used goes first). A failed fetch is
 * not kept, so the next delivery tries again. One cache can serve every account: an account only
 * ever looks up URLs its own origin check let through.
 */
export class CertificateCache {
  private readonly entries = new Map<string, Promise<X509Certificate>>();

  constructor(readonly maxEntries = 32) {}

  get size(): number {
    return this.entries.size;
  }

  get(url: string, fetcher: CertificateFetcher, signal: AbortSignal): Promise<X509Certificate> {
    const hit = this.entries.get(url);
    if (hit) {
      this.entries.delete(url);
      this.entries.set(url, hit);
      return hit;
    }
    const loading = fetcher(url, signal).then((pem) => {
      try {
        return new X509Certificate(pem);
      } catch {
        throw new PayPalError({ status: 200, name: "INVALID_RESPONSE", message: "fetch PayPal's webhook certificate: not an X.509 certificate", retryable: false });
      }
    });
    loading.catch(() => this.entries.delete(url));
    this.entries.set(url, loading);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return loading;
  }
}

/** Shared by every client that is not given its own cache. */
export const sharedCertificateCache = new CertificateCache(32);

/**
 * Verifies with the certificate. Returns a rejection for anything the sender got wrong; throws a
 * (retryable) PayPalError only when PayPal's certificate could not be fetched, so the receiver can
 * answer 5xx and let PayPal deliver again.
 */
export async function verifyLocally(
  delivery: WebhookDelivery,
  checks: DeliveryChecks,
  certs: { cache: CertificateCache; fetcher: CertificateFetcher; signal: AbortSignal },
): Promise<WebhookVerification> {
  const pre = checkDelivery(delivery, checks);
  if (!pre.ok) return pre;
  const { parsed, webhookId } = pre;
  let cert: X509Certificate;
  try {
    cert = await certs.cache.get(parsed.certUrl, certs.fetcher, certs.signal);
  } catch (err) {
    if (err instanceof PayPalError && err.name === "INVALID_RESPONSE") return reject("cert_unusable", err.message);
    throw err;
  }
  const now = checks.clock.now().getTime();
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
    return reject("cert_not_valid_now", `the certificate is valid from ${cert.validFrom} to ${cert.validTo}`);
  }
  let good = false;
  try {
    good = createVerify("sha256").update(signedString(parsed.transmissionId, parsed.transmissionTime, webhookId, parsed.raw)).verify(cert.publicKey, parsed.signature, "base64");
  } catch {
    good = false;
  }
  if (!good) return reject("bad_signature", "the signature does not match this body, transmission and webhook id");
  return { ok: true, event: parsed.event, transmissionId: parsed.transmissionId, transmissionTime: parsed.transmissionTime };
}
