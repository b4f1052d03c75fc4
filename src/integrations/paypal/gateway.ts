import type { CaptureResult, CaptureState, PaymentGateway, PaymentGateways, ProviderEvent, RefundResult, RefundState } from "../../app/payments/gateway.js";
import { PaymentProviderError } from "../../app/payments/gateway.js";
import type { SecretBox } from "../../app/secrets.js";
import type { Db } from "../../store/database.js";
import { findConnection } from "../../store/payments-repo.js";
import { normalizeBaseUrl, type PayPalAccountConfig } from "./account-config.js";
import { createPayPalClient, type PayPalClient, type PayPalClientOptions } from "./client.js";
import { PayPalError } from "./errors.js";
import { captureFromEvent, refundFromEvent, type PayPalCapture, type PayPalPayer, type PayPalRefund, type PayPalWebhookEvent } from "./resources.js";

/**
 * PayPal behind Bookstream's PaymentGateway: the client (client.ts) speaks PayPal's REST API, this
 * turns its shapes into Bookstream's (capture and refund states, payer, errors) and back.
 */

/** The webhook events Bookstream subscribes to and reads. */
export const PAYPAL_EVENT_TYPES = [
  "CHECKOUT.ORDER.APPROVED",
  "PAYMENT.CAPTURE.COMPLETED",
  "PAYMENT.CAPTURE.PENDING",
  "PAYMENT.CAPTURE.DENIED",
  "PAYMENT.CAPTURE.DECLINED",
  "PAYMENT.CAPTURE.REFUNDED",
  "PAYMENT.CAPTURE.REVERSED",
];

const captureState = (c: PayPalCapture): CaptureState =>
  c.status === "PENDING" ? "pending" : c.status === "DECLINED" || c.status === "FAILED" ? "denied" : "completed";

const refundState = (r: PayPalRefund): RefundState => (r.status === "COMPLETED" ? "completed" : r.status === "PENDING" ? "pending" : "failed");

function payerOf(p: PayPalPayer | undefined) {
  const name = [p?.givenName, p?.surname].filter(Boolean).join(" ");
  return { email: p?.email ?? null, name: name || null, payerId: p?.payerId ?? null };
}

function toCapture(c: PayPalCapture, payer?: PayPalPayer): CaptureResult {
  return { captureId: c.id, state: captureState(c), amount: c.amount, payer: payerOf(payer), orderId: c.orderId ?? null };
}

function toRefund(r: PayPalRefund): RefundResult {
  return { refundId: r.id, state: refundState(r), amount: r.amount, captureId: r.captureId ?? null, invoiceId: r.invoiceId ?? null };
}

/** PayPal's failures as the use cases read them: retryable or not, with PayPal's issue. */
async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof PayPalError) throw new PaymentProviderError(err.message, err.retryable, err.issues[0]?.issue ?? err.name, err.status);
    throw err;
  }
}

function eventOf(e: PayPalWebhookEvent): ProviderEvent {
  const base = { id: e.id, eventType: e.eventType };
  if (e.resourceType === "capture") return { ...base, kind: "capture", capture: toCapture(captureFromEvent(e)) };
  if (e.resourceType === "refund") return { ...base, kind: "refund", refund: toRefund(refundFromEvent(e)) };
  const resource = (e.resource ?? {}) as { id?: string; purchase_units?: { custom_id?: string }[] };
  if (e.eventType === "CHECKOUT.ORDER.APPROVED" && resource.id) return { ...base, kind: "order-approved", orderId: resource.id, customId: resource.purchase_units?.[0]?.custom_id ?? null };
  return { ...base, kind: "other", resourceId: resource.id ?? null };
}

export function payPalGateway(client: PayPalClient): PaymentGateway {
  return {
    createOrder: (o) =>
      translated(async () => {
        const order = await client.createOrder({ requestId: o.requestId, amount: o.amount, returnUrl: o.returnUrl, cancelUrl: o.cancelUrl, brandName: o.brandName.slice(0, 127), customId: o.customId, description: o.description.slice(0, 127) });
        return { orderId: order.orderId, approveUrl: order.approveUrl };
      }),
    captureOrder: (orderId, requestId) =>
      translated(async () => {
        const r = await client.captureOrder(orderId, { requestId });
        return { ...toCapture(r.capture, r.payer), orderId: r.orderId };
      }),
    getCapture: (captureId) => translated(async () => toCapture(await client.getCapture(captureId))),
    refundCapture: (captureId, r) =>
      translated(async () => toRefund(await client.refundCapture(captureId, { requestId: r.requestId, amount: r.amount, invoiceId: r.invoiceId, noteToPayer: r.note?.slice(0, 255) }))),
    getRefund: (refundId) => translated(async () => toRefund(await client.getRefund(refundId))),
    verifyWebhook: async (m) => {
      const v = await translated(() => client.verifyWebhookLocally(m));
      if (!v.ok) return { ok: false, reason: v.reason };
      try {
        return { ok: true, event: eventOf(v.event) };
      } catch {
        return { ok: false, reason: "malformed_body" };
      }
    },
    subscribeWebhook: (url) => translated(async () => (await client.createWebhook({ url, eventTypes: PAYPAL_EVENT_TYPES })).id),
    checkCredentials: () => translated(async () => void (await client.testConnection())),
  };
}

/**
 * Each account's gateway, built from its stored connection (the secret opened only here) and kept
 * until the connection changes (`forget`, or a newer updated_at).
 */
export function payPalGateways(db: Db, secrets: SecretBox | undefined, options: PayPalClientOptions = {}): PaymentGateways {
  const built = new Map<string, { version: number; gateway: PaymentGateway }>();
  return {
    async forAccount(accountId, conn = db) {
      const c = await findConnection(conn, accountId);
      return c ? this.forConnection(c) : undefined;
    },
    forConnection(c) {
      if (!secrets) return undefined;
      const accountId = c.account_id;
      const version = c.updated_at.getTime();
      const cached = built.get(accountId);
      if (cached?.version === version) return cached.gateway;
      const config: PayPalAccountConfig = {
        baseUrl: c.base_url,
        clientId: c.client_id,
        clientSecret: secrets.openSecret(c.client_secret_sealed, { accountId, purpose: "paypal.client_secret" }),
        webhookId: c.webhook_id ?? undefined,
        mode: c.mode,
      };
      const gateway = payPalGateway(createPayPalClient(config, options));
      built.set(accountId, { version, gateway });
      return gateway;
    },
    forget(accountId) {
      built.delete(accountId);
    },
    forCredentials(credentials) {
      return payPalGateway(createPayPalClient({ ...credentials, baseUrl: normalizeBaseUrl(credentials.baseUrl, credentials.mode) }, options));
    },
  };
}
