import type { Money } from "../../domain/money.js";

/**
 * What Bookstream asks of a payment provider (PayPal), in its own words. The adapter
 * (src/integrations/paypal/gateway.ts) speaks PayPal's REST API; the use cases never see its
 * shapes. Every call that moves money carries the caller's request id, which PayPal answers a
 * repeat of with the first result (PayPal-Request-Id).
 */
export interface Payer {
  email: string | null;
  name: string | null;
  payerId: string | null;
}

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
  /** Whether a webhook message is PayPal's, for this account's webhook, unaltered and recent. */
  verifyWebhook(message: WebhookMessage): Promise<boolean>;
  /** Subscribes `url` to the events Bookstream reads; returns the webhook id to verify with. */
  subscribeWebhook(url: string): Promise<string>;
  /** Checks the credentials (an access token can be had). */
  checkCredentials(): Promise<void>;
}

/** The account's gateway, or none when it has not connected a provider. */
export interface PaymentGateways {
  forAccount(accountId: string): Promise<PaymentGateway | undefined>;
  /** Drops what was built from an account's old connection (after connect/disconnect). */
  forget(accountId: string): void;
}
