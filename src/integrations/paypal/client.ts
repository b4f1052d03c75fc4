import { systemClock, type Clock } from "../../domain/clock.js";
import { toPayPalAmount, type Money } from "../../domain/money.js";
import { certificateOrigins, normalizeBaseUrl, type PayPalAccountConfig, type PayPalMode } from "./account-config.js";
import { invalidResponse } from "./errors.js";
import {
  readCapture, readOrder, readRefund, readWebhookList, readWebhookSubscription,
  type OrderStatus, type PayPalCapture, type PayPalOrder, type PayPalPayer, type PayPalRefund, type WebhookSubscription,
} from "./resources.js";
import { createTransport } from "./transport.js";
import {
  checkDelivery, httpCertificateFetcher, sharedCertificateCache, verifyLocally,
  type CertificateCache, type DeliveryChecks, type WebhookDelivery, type WebhookVerification,
} from "./webhook-verification.js";

/**
 * The product's PayPal client, one per account: Orders v2 (create, get, capture), Payments v2
 * (get capture, refund, get refund), webhook subscriptions, and webhook verification (locally with
 * PayPal's certificate, or remotely). Every call has a deadline; every failure is a PayPalError.
 * Why this is our own small client and not @paypal/paypal-server-sdk: README.md.
 */

export interface PayPalClientOptions {
  /** Deadline per operation, token included (default 10 s). */
  timeoutMs?: number;
  /** "Now" for token expiry and the webhook transmission-time check (default: the system clock). */
  clock?: Clock;
  /** How far PAYPAL-TRANSMISSION-TIME may be from now (default 5 minutes). */
  webhookToleranceMs?: number;
  /** Where fetched webhook certificates are kept (default: one cache shared by all clients, 32 entries). */
  certificates?: CertificateCache;
  /** One line per HTTP exchange: method, path, status, PayPal's debug id. Never secrets or bodies. */
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export interface CreateOrderInput {
  /** PayPal-Request-Id: a retry with the same id gets the same order. */
  requestId: string;
  amount: Money;
  /** Where PayPal sends the buyer after approving (`?token=<order id>&PayerID=…`) or cancelling. */
  returnUrl: string;
  cancelUrl: string;
  /** Shown on PayPal's pages instead of the merchant's account name (≤ 127). */
  brandName?: string;
  /** Ours, echoed on the capture and in webhooks: e.g. the transaction's TXN id (≤ 127). */
  customId?: string;
  /** Unique per payment at PayPal (a second capture with the same one is refused) (≤ 127). */
  invoiceId?: string;
  /** What the buyer sees (≤ 127). */
  description?: string;
  referenceId?: string;
  /** BCP 47 locale of PayPal's pages, e.g. "en-US". */
  locale?: string;
}

export interface CreatedOrder {
  orderId: string;
  status: OrderStatus;
  /** Send the buyer here (rel "payer-action"). */
  approveUrl: string;
}

export interface CapturedOrder {
  orderId: string;
  orderStatus: OrderStatus;
  /** COMPLETED, PENDING (see statusReason) or DECLINED. */
  capture: PayPalCapture;
  payer?: PayPalPayer;
}

export interface RefundInput {
  requestId: string;
  /** Omit for the rest of the capture. */
  amount?: Money;
  invoiceId?: string;
  /** Shown to the buyer (≤ 255). */
  noteToPayer?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PayPalClient {
  /** The connection without its secret. */
  readonly account: { baseUrl: string; clientId: string; webhookId: string | undefined; mode: PayPalMode };
  /** Fetches a new token: the credentials work ("test the connection"). */
  testConnection(opts?: CallOptions): Promise<{ appId: string | undefined; scopes: string[] }>;
  createOrder(input: CreateOrderInput, opts?: CallOptions): Promise<CreatedOrder>;
  getOrder(orderId: string, opts?: CallOptions): Promise<PayPalOrder>;
  captureOrder(orderId: string, input: { requestId: string }, opts?: CallOptions): Promise<CapturedOrder>;
  getCapture(captureId: string, opts?: CallOptions): Promise<PayPalCapture>;
  refundCapture(captureId: string, input: RefundInput, opts?: CallOptions): Promise<PayPalRefund>;
  getRefund(refundId: string, opts?: CallOptions): Promise<PayPalRefund>;
  createWebhook(input: { url: string; eventTypes: string[]; requestId?: string }, opts?: CallOptions): Promise<WebhookSubscription>;
  listWebhooks(opts?: CallOptions): Promise<WebhookSubscription[]>;
  deleteWebhook(webhookId: string, opts?: CallOptions): Promise<void>;
  /** With the certificate at PAYPAL-CERT-URL (fetched only from PayPal's origin, cached). */
  verifyWebhookLocally(delivery: WebhookDelivery, opts?: CallOptions): Promise<WebhookVerification>;
  /** With POST /v1/notifications/verify-webhook-signature, after the same local checks. */
  verifyWebhookRemotely(delivery: WebhookDelivery, opts?: CallOptions): Promise<WebhookVerification>;
}

/** PayPal accepts up to 108 characters (Orders v2); visible ASCII keeps it a plain header. */
const REQUEST_ID = /^[\x21-\x7e]{1,108}$/;

function requestIdOf(id: string): string {
  if (typeof id !== "string" || !REQUEST_ID.test(id)) throw new RangeError("PayPal-Request-Id must be 1 to 108 visible ASCII characters (a UUID is a good one)");
  return id;
}

function segment(id: string, what: string): string {
  if (typeof id !== "string" || id === "" || id.length > 200) throw new RangeError(`${what} must be a non-empty id`);
  return encodeURIComponent(id);
}

export function createPayPalClient(config: PayPalAccountConfig, options: PayPalClientOptions = {}): PayPalClient {
  const baseUrl = normalizeBaseUrl(config.baseUrl, config.mode);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const transport = createTransport({ baseUrl, clientId: config.clientId, clientSecret: config.clientSecret, timeoutMs, clock, fetch: fetchFn, log: options.log });
  const checks: DeliveryChecks = {
    webhookId: config.webhookId,
    allowedCertOrigins: certificateOrigins(baseUrl),
    clock,
    toleranceMs: options.webhookToleranceMs ?? 300_000,
  };
  const certs = options.certificates ?? sharedCertificateCache;
  const fetchCertificate = httpCertificateFetcher(fetchFn, timeoutMs);

  return {
    account: Object.freeze({ baseUrl, clientId: config.clientId, webhookId: config.webhookId, mode: config.mode }),

    async testConnection(opts) {
      const t = await transport.fetchToken(opts?.signal);
      return { appId: t.appId, scopes: t.scopes };
    },

    async createOrder(input, opts) {
      const what = "create order";
      if (!(input.amount.minor > 0)) throw new RangeError("an order's amount must be more than zero");
      const unit: Record<string, unknown> = { amount: toPayPalAmount(input.amount) };
      if (input.referenceId !== undefined) unit.reference_id = input.referenceId;
      if (input.customId !== undefined) unit.custom_id = input.customId;
      if (input.invoiceId !== undefined) unit.invoice_id = input.invoiceId;
      if (input.description !== undefined) unit.description = input.description;
      const experience: Record<string, unknown> = {
        return_url: input.returnUrl,
        cancel_url: input.cancelUrl,
        user_action: "PAY_NOW",
        shipping_preference: "NO_SHIPPING",
      };
      if (input.brandName !== undefined) experience.brand_name = input.brandName;
      if (input.locale !== undefined) experience.locale = input.locale;
      const answer = await transport.send({
        method: "POST", path: "/v2/checkout/orders", what, requestId: requestIdOf(input.requestId),
        body: { intent: "CAPTURE", purchase_units: [unit], payment_source: { paypal: { experience_context: experience } } },
      }, opts?.signal);
      const order = readOrder(answer.json, what, answer.status);
      if (!order.approveUrl) throw invalidResponse(what, answer.status, "no payer-action link", answer.debugId);
      return { orderId: order.id, status: order.status, approveUrl: order.approveUrl };
    },

    async getOrder(orderId, opts) {
      const what = "get order";
      const answer = await transport.send({ method: "GET", path: `/v2/checkout/orders/${segment(orderId, "orderId")}`, what }, opts?.signal);
      return readOrder(answer.json, what, answer.status);
    },

    async captureOrder(orderId, input, opts) {
      const what = "capture order";
      const answer = await transport.send({
        method: "POST", path: `/v2/checkout/orders/${segment(orderId, "orderId")}/capture`, what,
        requestId: requestIdOf(input.requestId), representation: true, body: {},
      }, opts?.signal);
      const order = readOrder(answer.json, what, answer.status);
      const capture = order.captures[0];
      if (!capture) throw invalidResponse(what, answer.status, "no capture in the answer", answer.debugId);
      return { orderId: order.id, orderStatus: order.status, capture, ...(order.payer ? { payer: order.payer } : {}) };
    },

    async getCapture(captureId, opts) {
      const what = "get capture";
      const answer = await transport.send({ method: "GET", path: `/v2/payments/captures/${segment(captureId, "captureId")}`, what }, opts?.signal);
      return readCapture(answer.json, what, answer.status);
    },

    async refundCapture(captureId, input, opts) {
      const what = "refund capture";
      const body: Record<string, unknown> = {};
      if (input.amount !== undefined) {
        if (!(input.amount.minor > 0)) throw new RangeError("a refund's amount must be more than zero");
        body.amount = toPayPalAmount(input.amount);
      }
      if (input.invoiceId !== undefined) body.invoice_id = input.invoiceId;
      if (input.noteToPayer !== undefined) body.note_to_payer = input.noteToPayer;
      const answer = await transport.send({
        method: "POST", path: `/v2/payments/captures/${segment(captureId, "captureId")}/refund`, what,
        requestId: requestIdOf(input.requestId), representation: true, body,
      }, opts?.signal);
      return readRefund(answer.json, what, answer.status);
    },

    async getRefund(refundId, opts) {
      const what = "get refund";
      const answer = await transport.send({ method: "GET", path: `/v2/payments/refunds/${segment(refundId, "refundId")}`, what }, opts?.signal);
      return readRefund(answer.json, what, answer.status);
    },

    async createWebhook(input, opts) {
      const what = "create webhook";
      const answer = await transport.send({
        method: "POST", path: "/v1/notifications/webhooks", what,
        ...(input.requestId !== undefined ? { requestId: requestIdOf(input.requestId) } : {}),
        body: { url: input.url, event_types: input.eventTypes.map((name) => ({ name })) },
      }, opts?.signal);
      return readWebhookSubscription(answer.json, what, answer.status);
    },

    async listWebhooks(opts) {
      const what = "list webhooks";
      const answer = await transport.send({ method: "GET", path: "/v1/notifications/webhooks", what }, opts?.signal);
      return readWebhookList(answer.json, what);
    },

    async deleteWebhook(webhookId, opts) {
      await transport.send({ method: "DELETE", path: `/v1/notifications/webhooks/${segment(webhookId, "webhookId")}`, what: "delete webhook" }, opts?.signal);
    },

    verifyWebhookLocally(delivery, opts) {
      const signal = opts?.signal ?? new AbortController().signal;
      return verifyLocally(delivery, checks, { cache: certs, fetcher: fetchCertificate, signal });
    },

    async verifyWebhookRemotely(delivery, opts) {
      const pre = checkDelivery(delivery, checks);
      if (!pre.ok) return pre;
      const p = pre.parsed;
      const fields = {
        auth_algo: p.authAlgo, cert_url: p.certUrl, transmission_id: p.transmissionId,
        transmission_sig: p.signature, transmission_time: p.transmissionTime, webhook_id: pre.webhookId,
      };
      // The event goes as the bytes received, not re-serialized: PayPal checks the CRC32 of its own
      // serialization of webhook_event, which matches only what it sent.
      const body = `${JSON.stringify(fields).slice(0, -1)},"webhook_event":${p.raw.toString("utf8")}}`;
      const what = "verify webhook signature";
      const answer = await transport.send({ method: "POST", path: "/v1/notifications/verify-webhook-signature", what, body }, opts?.signal);
      const status = (answer.json as { verification_status?: unknown } | undefined)?.verification_status;
      if (status === "SUCCESS") return { ok: true, event: p.event, transmissionId: p.transmissionId, transmissionTime: p.transmissionTime };
      if (status === "FAILURE") return { ok: false, reason: "bad_signature", detail: "PayPal's verify-webhook-signature answered FAILURE" };
      throw invalidResponse(what, answer.status, "no verification_status", answer.debugId);
    },
  };
}
