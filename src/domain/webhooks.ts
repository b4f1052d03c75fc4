import type { OutboxEventType } from "./events.js";

/**
 * Outbound webhooks as data: which outbox events a subscriber may receive, the retry schedule,
 * when an endpoint is disabled, and which URLs are accepted. No I/O here.
 */

/**
 * The events an endpoint may subscribe to, each described for the catalogue. Derived from the
 * outbox's own event types; the ones left out are internal: `customer.link_issued` carries the
 * customer's manage link (a secret), `refund.requested` is the payments consumer's work order.
 */
export const WEBHOOK_EVENT_TYPES = {
  "activity.created": "A booking, request or session was created (by a customer, a user or the system)",
  "activity.updated": "A lifecycle change of a booking or request: approve, reschedule, reassign, cancel, no-show, complete, expire …",
  "package.created": "A session package was bought or booked, with the IDs of its sessions",
  "transaction.created": "A payment or refund transaction was recorded",
  "transaction.updated": "A payment or refund changed state (completed, denied, refunded …)",
} as const satisfies Partial<Record<OutboxEventType, string>>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_EVENT_TYPE_LIST = Object.keys(WEBHOOK_EVENT_TYPES) as [WebhookEventType, ...WebhookEventType[]];

export function isWebhookEventType(type: string): type is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENT_TYPES, type);
}

/** A request to a receiver gives up after this long (and counts as a failed attempt). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Retries stop after this long from the first attempt: the delivery is then failed. */
export const WEBHOOK_RETRY_WINDOW_MS = 3 * 24 * 60 * 60_000;

/**
 * The wait after the n-th failed attempt: 10 s, 30 s, 1.5 min … tripling, at most 6 hours.
 * Seventeen attempts span about three days (see WEBHOOK_MAX_ATTEMPTS).
 */
export function webhookBackoff(attempts: number): number {
  return Math.min(6 * 60 * 60_000, 10_000 * 3 ** Math.max(0, attempts - 1));
}

/** Attempts until the waits add up to the retry window (the last one falls just past it). */
export const WEBHOOK_MAX_ATTEMPTS = (() => {
  let total = 0;
  let n = 0;
  while (total < WEBHOOK_RETRY_WINDOW_MS) total += webhookBackoff(++n);
  return n + 1;
})();

/**
 * An endpoint is disabled after a run of failed attempts that is both long (20 in a row) and
 * old (failing for a day): a busy endpoint's short outage fails many deliveries at once and
 * should not cost it its subscription; a receiver gone for a day should stop being called.
 */
export const DISABLE_AFTER_FAILURES = 20;
export const DISABLE_AFTER_MS = 24 * 60 * 60_000;

export function shouldDisableEndpoint(streak: number, failingSince: Date | null, now: Date): boolean {
  return streak >= DISABLE_AFTER_FAILURES && failingSince !== null && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_MS;
}

/** A webhook-id stable per (event, endpoint): a receiver deduping by it drops our repeats. */
export function webhookMessageId(eventId: string, endpointId: string): string {
  return `msg_${eventId}_${endpointId.replace(/-/g, "")}`;
}

/**
 * Which endpoint URLs are refused, and why (null: accepted). Only http(s), no user:password in
 * the URL (it would be sent in clear and shown to every admin), and never the cloud metadata
 * address. Loopback and private networks are accepted on purpose: self-hosters run their
 * receivers next to Bookstream. Names are not resolved here; see README "Webhooks".
 */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "only http and https URLs can receive webhooks";
  if (url.username || url.password) return "put no user name or password in the URL; verify our signature instead";
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (/^169\.254\./.test(host) || host === "metadata.google.internal" || host.startsWith("fe80:") || host === "fd00:ec2::254") {
    return "link-local and cloud metadata addresses cannot receive webhooks";
  }
  if (url.hash) return "a URL with a #fragment cannot receive webhooks";
  return null;
}
