import type { Actor, CreationOrigin } from "./lifecycle.js";

/**
 * Events written to the outbox in the transaction that caused them; later issues' consumers
 * (calendar, Salesforce, e-mail, webhooks) read these. One union, keyed by `type`.
 */
export interface ActivitySnapshot {
  id: string;
  type: "booking" | "package" | "transaction";
  status: string;
  detailedStatus: string;
  bookingPageId: string | null;
  eventTypeId: string | null;
  ownerId: string | null;
  customer: { name: string | null; email: string | null; timeZone: string | null };
  start: string | null;
  end: string | null;
  reason: string | null;
  /** Transactions: the amount in minor units and its currency. */
  amount?: { minor: number; currency: string } | null;
}

export type OutboxEvent =
  | { type: "activity.created"; activity: ActivitySnapshot; origin: CreationOrigin; actor: Actor; relatedTo: string | null }
  | {
      type: "activity.updated";
      activity: ActivitySnapshot;
      action: string;
      actor: Actor;
      from: { status: string; detailedStatus: string };
      previous: { start: string | null; end: string | null; ownerId: string | null };
      reason: string | null;
    }
  | { type: "package.created"; activity: ActivitySnapshot; sessionIds: string[]; actor: Actor }
  | {
      type: "customer.link_issued";
      activity: ActivitySnapshot;
      purpose: "reschedule" | "new-times";
      link: string;
      reason: string | null;
    }
  | {
      type: "transaction.created";
      activity: ActivitySnapshot;
      kind: "payment" | "refund";
      purpose: string;
      /** The booking or package it pays for (or whose payment it refunds). */
      forActivityId: string | null;
      paymentActivityId: string | null;
      actor: Actor;
    }
  | { type: "transaction.updated"; activity: ActivitySnapshot; action: string; actor: Actor; from: { status: string; detailedStatus: string } }
  /** A reminder or follow-up e-mail fell due (decided once per booking and meeting time). */
  | { type: "notification.due"; activity: ActivitySnapshot; kind: "reminder" | "follow-up"; forStart: string }
  /** A refund to send to PayPal (the payments consumer does, with the request id as PayPal-Request-Id). */
  | { type: "refund.requested"; activity: ActivitySnapshot; paymentActivityId: string; requestId: string }
  /**
   * A webhook endpoint was disabled after a run of failures (no activity): the e-mail consumer
   * tells the account's admins. Never sent to webhooks themselves.
   */
  | {
      type: "webhook_endpoint.disabled";
      endpoint: { id: string; url: string; description: string };
      failures: number;
      failingSince: string;
      lastError: string | null;
    };

export type OutboxEventType = OutboxEvent["type"];
