import type { ClientCredentials, Peer } from "./core.js";
import type { FaultPlan } from "./faults.js";
import { buildLedger, type Ledger } from "./ledger.js";
import { approveOrder, findOrder, type Buyer } from "./orders.js";
import type { CaptureScript, RefundScript } from "./outcomes.js";
import { findCapture, findRefund, refundInPayPal, reverseCapture, settleCapture, settleRefund } from "./payments.js";
import { captureJson, orderJson, refundJson } from "./resources.js";
import { webhookJson } from "./webhook-routes.js";
import type { DeliveryRecord, ReleaseOrder, WebhookEvent, WebhookFaultPlan } from "./webhooks.js";

/**
 * The in-process handle for scripting the peer (what happens at "PayPal" that no API call of the
 * merchant causes). The HTTP control API under /__peer/ (control-routes.ts) offers the same.
 */
export interface PayPalPeerControl {
  /** Registers another app whose credentials the token endpoint accepts. */
  addClient(client: ClientCredentials): void;
  /** Makes every issued access token expire now; returns how many there were. */
  expireTokens(): number;

  /** The buyer approves the order (what the approval page does), without a browser. */
  approveOrder(orderId: string, buyer?: Buyer): { orderId: string; status: string; payerId: string; email: string };

  /** Decides the next capture (or the next `times` captures, or those of one order / custom_id). */
  scriptCapture(script: CaptureScript): void;
  /** Decides the next refund(s) (optionally of one capture): COMPLETED or PENDING. */
  scriptRefund(script: RefundScript): void;
  /** A PENDING capture completes (PAYMENT.CAPTURE.COMPLETED) or is denied (PAYMENT.CAPTURE.DENIED). */
  settleCapture(captureId: string, outcome: "COMPLETED" | "DECLINED"): Record<string, unknown>;
  /** A PENDING refund completes (PAYMENT.CAPTURE.REFUNDED) or fails (no event). */
  settleRefund(refundId: string, outcome: "COMPLETED" | "FAILED"): Record<string, unknown>;
  /** The merchant refunds on PayPal's site (default: what is left); sends PAYMENT.CAPTURE.REFUNDED. */
  refundInPayPal(captureId: string, opts?: { value?: string; noteToPayer?: string }): Record<string, unknown>;
  /** PayPal reverses what is left of a capture; sends PAYMENT.CAPTURE.REVERSED. */
  reverseCapture(captureId: string): Record<string, unknown>;

  /** REST API faults (replaces the previous plan; the seed restarts the PRNG). */
  setFaults(plan: FaultPlan): void;
  clearFaults(): void;
  /** Every fault that fired so far. */
  firedFaults(): { op: string; kind: string; when: string }[];

  /** Subscribes a listener without the REST API (`clientId` absent: events of every app). */
  registerWebhook(input: { url: string; eventTypes?: string[]; id?: string; clientId?: string }): Record<string, unknown>;
  setWebhookFaults(plan: WebhookFaultPlan): void;
  /** Events wait from now on until releaseWebhooks(). */
  holdWebhooks(): void;
  /** Sends the held events one by one in the given order; returns how many. */
  releaseWebhooks(order?: ReleaseOrder): number;
  webhookDeliveries(): DeliveryRecord[];
  webhookEvents(): WebhookEvent[];
  /** Resolves when no delivery is in flight or waiting for a retry. */
  waitForWebhooks(): Promise<void>;

  ledger(): Ledger;
  order(id: string): Record<string, unknown>;
  capture(id: string): Record<string, unknown>;
  refund(id: string): Record<string, unknown>;
  /** Forgets scripts and faults (not orders, captures, refunds or listeners). */
  reset(): void;
}

export function createControl(peer: Peer): PayPalPeerControl {
  const { core, hub } = peer;
  return {
    addClient: (c) => core.addClient(c),
    expireTokens: () => peer.tokens.expireAll(),
    approveOrder(orderId, buyer) {
      const o = approveOrder(peer, orderId, buyer);
      return { orderId: o.id, status: o.status, payerId: o.payer!.payerId, email: o.payer!.email };
    },
    scriptCapture: (s) => peer.scripts.addCapture(s),
    scriptRefund: (s) => peer.scripts.addRefund(s),
    settleCapture: (id, outcome) => captureJson(core, settleCapture(peer, id, outcome)),
    settleRefund: (id, outcome) => refundJson(core, settleRefund(peer, id, outcome)),
    refundInPayPal: (id, opts) => refundJson(core, refundInPayPal(peer, id, opts)),
    reverseCapture: (id) => refundJson(core, reverseCapture(peer, id)),
    setFaults: (plan) => peer.faults.set(plan, core.settings.seed),
    clearFaults: () => peer.faults.clear(),
    firedFaults: () => [...peer.faults.fired],
    registerWebhook: (input) => webhookJson(peer, hub.register(input)),
    setWebhookFaults: (plan) => hub.setFaults(plan),
    holdWebhooks: () => hub.hold(),
    releaseWebhooks: (order) => hub.release(order),
    webhookDeliveries: () => [...hub.deliveries],
    webhookEvents: () => [...hub.events.values()].map((e) => e.event),
    waitForWebhooks: () => hub.idle(),
    ledger: () => buildLedger(core),
    order: (id) => orderJson(core, findOrder(peer, undefined, id)),
    capture: (id) => captureJson(core, findCapture(peer, undefined, id)),
    refund: (id) => refundJson(core, findRefund(peer, undefined, id)),
    reset() {
      peer.scripts.clear();
      peer.faults.clear();
      hub.setFaults({});
    },
  };
}
