import type { Money } from "../../domain/money.js";
import type { Payer } from "../../store/schema.js";
import type { Db, Tx } from "../../store/database.js";

export type { Payer };

/**
 * What Bookstream asks of a payment provider (PayPal), in its own words. The adapter
 * (src/integrations/paypal/gateway.ts) speaks PayPal's REST API; the use cases never see its
 * shapes. Every call that moves money carries the caller's request id, which PayPal answers a
 * repeat of with the first result (PayPal-Request-Id).
 */
export type CaptureState = "completed" | "pending" | "denied";

export interface CaptureResult {
  captureId: string;
  state: CaptureState;
  amount: Money;
  payer: Payer;
  orderId: string | null;
}

export type RefundState = "completed" | "pending" | "failed";

export interface RefundResult {
  refundId: string;
  state: RefundState;
  amount: Money;
  captureId: string | null;
  /** What Bookstream sent as the refund's invoice id (its refund TXN id), when it made the refund. */
  invoiceId: string | null;
}

export interface NewOrder {
  requestId: string;
  amount: Money;
  /** Shown to the payer. */
  description: string;
  /** Ours, echoed in the capture: the checkout's id. */
  customId: string;
  brandName: string;
  returnUrl: string;
  cancelUrl: string;
}

export interface WebhookMessage {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

/** A verified webhook event, in Bookstream's words. */
export type ProviderEvent = { id: string; eventType: string } & (
  | { kind: "capture"; capture: CaptureResult }
  | { kind: "refund"; refund: RefundResult }
  | { kind: "order-approved"; orderId: string; customId: string | null }
  | { kind: "other"; resourceId: string | null }
);

export type WebhookCheck = { ok: true; event: ProviderEvent } | { ok: false; reason: string };

/** A failure the provider reported: retryable (5xx, 429, timeouts) or final (e.g. nothing left to refund). */
export class PaymentProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly issue: string | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = "PaymentProviderError";
  }
}

export interface PaymentGateway {
  createOrder(order: NewOrder): Promise<{ orderId: string; approveUrl: string }>;
  captureOrder(orderId: string, requestId: string): Promise<CaptureResult>;
  getCapture(captureId: string): Promise<CaptureResult>;
  refundCapture(captureId: string, refund: { requestId: string; amount: Money; invoiceId: string; note: string | null }): Promise<RefundResult>;
  getRefund(refundId: string): Promise<RefundResult>;
  /** Whether a webhook message is PayPal's, for this account's webhook, unaltered and recent; and what it says. */
  verifyWebhook(message: WebhookMessage): Promise<WebhookCheck>;
  /** Subscribes `url` to the events Bookstream reads; returns the webhook id to verify with. */
  subscribeWebhook(url: string): Promise<string>;
  /** Checks the credentials (an access token can be had). */
  checkCredentials(): Promise<void>;
}

/** The account's gateway, or none when it has not connected a provider. */
export interface ProviderCredentials {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  webhookId?: string;
  mode: "sandbox" | "live";
}

/** The stored connection's columns a gateway is built from. */
export interface StoredConnection {
  account_id: string;
  base_url: string;
  client_id: string;
  client_secret_sealed: string;
  webhook_id: string | null;
  mode: "sandbox" | "live";
  updated_at: Date;
}

export interface PaymentGateways {
  /** `conn`: the caller's transaction, when it holds one (the embedded database has a single connection). */
  forAccount(accountId: string, conn?: Db | Tx): Promise<PaymentGateway | undefined>;
  /** The same, from a connection row the caller has read already (the webhook receiver finds it by its key). */
  forConnection(connection: StoredConnection): PaymentGateway | undefined;
  /** A gateway for credentials not stored yet (to check them before connecting). */
  forCredentials(credentials: ProviderCredentials): PaymentGateway;
  /** Drops what was built from an account's old connection (after connect/disconnect). */
  forget(accountId: string): void;
}
