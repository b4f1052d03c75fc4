import { createHash, randomBytes } from "node:crypto";
import type { FaultInjector } from "./faults.js";
import type { TokenStore } from "./oauth.js";
import type { OutcomeScripts } from "./outcomes.js";
import type { WebhookHub } from "./webhooks.js";

/**
 * The peer's state: registered apps, orders, captures, refunds, and the settings every module
 * reads. Plain in-memory maps; a peer lives as long as its test or demo.
 */

export interface ClientCredentials { clientId: string; clientSecret: string }

/**
 * The sandbox app registered when no `clients` are given. Not secret: it only opens this local
 * simulator, which nothing outside the machine can reach.
 */
export const DEFAULT_SANDBOX_APP: Readonly<ClientCredentials> = Object.freeze({
  clientId: "bookstream-sandbox-client-id",
  clientSecret: "bookstream-sandbox-client-secret",
});

export type OrderStatus = "CREATED" | "PAYER_ACTION_REQUIRED" | "APPROVED" | "COMPLETED";
export type CaptureStatus = "COMPLETED" | "PENDING" | "DECLINED" | "PARTIALLY_REFUNDED" | "REFUNDED";
export type RefundStatus = "COMPLETED" | "PENDING" | "FAILED";

export interface Payer { email: string; payerId: string; givenName: string; surname: string }

export interface Order {
  id: string;
  clientId: string;
  status: OrderStatus;
  /** Whether the create call carried `payment_source.paypal` (decides PAYER_ACTION_REQUIRED vs CREATED). */
  withPaymentSource: boolean;
  referenceId: string;
  customId?: string;
  invoiceId?: string;
  description?: string;
  currency: string;
  amountMinor: number;
  returnUrl?: string;
  cancelUrl?: string;
  userAction?: string;
  brandName?: string;
  payer?: Payer;
  captureId?: string;
  createTime: string;
  updateTime: string;
}

export interface Capture {
  id: string;
  orderId: string;
  clientId: string;
  status: CaptureStatus;
  reason?: string;
  currency: string;
  amountMinor: number;
  feeMinor: number;
  customId?: string;
  invoiceId?: string;
  refundIds: string[];
  createTime: string;
  updateTime: string;
}

/** Where a refund came from: the REST API, the merchant on PayPal's site, or a PayPal reversal. */
export type RefundOrigin = "api" | "paypal-site" | "reversal";

export interface Refund {
  id: string;
  captureId: string;
  clientId: string;
  status: RefundStatus;
  reason?: string;
  currency: string;
  amountMinor: number;
  feeMinor: number;
  invoiceId?: string;
  customId?: string;
  noteToPayer?: string;
  origin: RefundOrigin;
  createTime: string;
  updateTime: string;
}

export interface FeeSchedule { basisPoints: number; fixedMinor: Record<string, number> }

export interface RetrySettings { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; timeoutMs: number }

export interface CoreSettings {
  publicUrl: string;
  tokenTtlSeconds: number;
  fees: FeeSchedule;
  webhookRetry: RetrySettings;
  blockDuplicateInvoiceId: boolean;
  merchant: { email: string; merchantId: string };
  seed: number;
  now: () => Date;
  log: (line: string) => void;
}

/** A rough stand-in for PayPal's US schedule (3.49 % + a fixed fee); configurable per peer. */
export const DEFAULT_FEES: FeeSchedule = {
  basisPoints: 349,
  fixedMinor: { USD: 49, EUR: 39, GBP: 29, CAD: 59, AUD: 59, JPY: 40, HUF: 90, TWD: 10, CHF: 49 },
};

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** PayPal-looking IDs: 17 upper-case letters and digits (orders, captures, refunds, webhooks). */
export function paypalId(length = 17): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ID_ALPHABET[b % ID_ALPHABET.length];
  return out;
}

/** A buyer's payer ID is stable for an e-mail address, like a real PayPal account's. */
export function payerIdFor(email: string): string {
  const digest = createHash("sha256").update(email.trim().toLowerCase()).digest();
  let out = "";
  for (let i = 0; i < 13; i++) out += ID_ALPHABET[digest[i]! % ID_ALPHABET.length];
  return out;
}

export class PeerCore {
  readonly clients = new Map<string, ClientCredentials & { appId: string }>();
  readonly orders = new Map<string, Order>();
  readonly captures = new Map<string, Capture>();
  readonly refunds = new Map<string, Refund>();

  constructor(readonly settings: CoreSettings) {}

  addClient(c: ClientCredentials): void {
    if (!c.clientId || !c.clientSecret) throw new Error("a client needs clientId and clientSecret");
    this.clients.set(c.clientId, { ...c, appId: `APP-${paypalId(17)}` });
  }

  /** PayPal's timestamps: RFC 3339 in UTC without milliseconds. */
  timestamp(): string {
    return this.settings.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  url(path: string): string {
    return `${this.settings.publicUrl}${path}`;
  }

  fixedFee(currency: string): number {
    return this.settings.fees.fixedMinor[currency] ?? 0;
  }
}

/** Everything a handler may need, built once per peer by server.ts. */
export interface Peer {
  core: PeerCore;
  tokens: TokenStore;
  hub: WebhookHub;
  scripts: OutcomeScripts;
  faults: FaultInjector;
}
