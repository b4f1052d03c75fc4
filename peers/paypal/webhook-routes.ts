import type { Peer } from "./core.js";
import { PayPalError, type ErrorDetail } from "./errors.js";
import { isObject, jsonBody, type Route } from "./http-kit.js";
import { AUTH_ALGO, CERT_NAME } from "./webhook-signing.js";
import type { WebhookListener } from "./webhooks.js";

/**
 * Webhooks Management v1 as far as a listener needs it: subscribe, list, show, delete, verify a
 * signature, fetch the signing certificate, show and resend an event.
 */

/** PayPal allows 10 webhooks per app. */
const MAX_WEBHOOKS_PER_APP = 10;

const EVENT_DESCRIPTIONS: Record<string, string> = {
  "*": "ALL",
  "CHECKOUT.ORDER.APPROVED": "An order has been approved by buyer.",
  "PAYMENT.CAPTURE.COMPLETED": "A payment capture completes.",
  "PAYMENT.CAPTURE.PENDING": "The state of a payment capture changes to pending.",
  "PAYMENT.CAPTURE.DECLINED": "A payment capture is declined.",
  "PAYMENT.CAPTURE.DENIED": "A payment capture is denied.",
  "PAYMENT.CAPTURE.REFUNDED": "A merchant refunds a payment capture.",
  "PAYMENT.CAPTURE.REVERSED": "PayPal reverses a payment capture.",
};

const validation = (...details: ErrorDetail[]) => new PayPalError(400, "VALIDATION_ERROR", details, "webhooks");
const notFound = () => new PayPalError(404, "INVALID_RESOURCE_ID", [], "webhooks");

export function webhookJson(peer: Peer, l: WebhookListener): Record<string, unknown> {
  const self = peer.core.url(`/v1/notifications/webhooks/${l.id}`);
  return {
    id: l.id,
    url: l.url,
    event_types: l.eventTypes.map((name) => ({ name, description: EVENT_DESCRIPTIONS[name] ?? name })),
    links: [{ href: self, rel: "self", method: "GET" }, { href: self, rel: "update", method: "PATCH" }, { href: self, rel: "delete", method: "DELETE" }],
  };
}

function visibleTo(l: WebhookListener, clientId: string): boolean {
  return l.clientId === undefined || l.clientId === clientId;
}

function findListener(peer: Peer, clientId: string, id: string): WebhookListener {
  const l = peer.hub.listeners.get(id);
  if (!l || !visibleTo(l, clientId)) throw notFound();
  return l;
}

function createWebhook(peer: Peer, clientId: string, body: Record<string, unknown>): WebhookListener {
  const details: ErrorDetail[] = [];
  let url: URL | undefined;
  if (typeof body.url !== "string") details.push({ field: "url", location: "body", issue: "Required field is missing", description: "url is required" });
  else {
    try {
      url = new URL(body.url);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("scheme");
    } catch {
      details.push({ field: "url", value: body.url, location: "body", issue: "Invalid URL", description: "url must be an absolute http(s) URL" });
    }
  }
  const types = body.event_types;
  const names: string[] = [];
  if (!Array.isArray(types) || types.length === 0) details.push({ field: "event_types", location: "body", issue: "Required field is missing", description: "event_types needs at least one {name}" });
  else {
    types.forEach((t, i) => {
      if (isObject(t) && typeof t.name === "string" && /^(\*|[A-Z0-9_-]+(\.[A-Z0-9_-]+)+)$/.test(t.name)) names.push(t.name);
      else details.push({ field: `event_types[${i}].name`, location: "body", issue: "Invalid event type", description: "An event type is a name such as PAYMENT.CAPTURE.COMPLETED, or *" });
    });
  }
  if (details.length > 0 || !url) throw validation(...details);
  const mine = [...peer.hub.listeners.values()].filter((l) => l.clientId === clientId);
  if (mine.some((l) => l.url === url!.toString())) throw new PayPalError(400, "WEBHOOK_URL_ALREADY_EXISTS", [], "webhooks");
  if (mine.length >= MAX_WEBHOOKS_PER_APP) throw new PayPalError(400, "WEBHOOK_NUMBER_LIMIT_EXCEEDED", [], "webhooks");
  return peer.hub.register({ url: url.toString(), eventTypes: names, clientId });
}

const VERIFY_FIELDS = ["auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time", "webhook_id"] as const;

function verifySignature(peer: Peer, body: Record<string, unknown>): "SUCCESS" | "FAILURE" {
  const details: ErrorDetail[] = [];
  for (const f of VERIFY_FIELDS) if (typeof body[f] !== "string" || body[f] === "") details.push({ field: f, location: "body", issue: "Required field is missing", description: `${f} is required` });
  if (!isObject(body.webhook_event)) details.push({ field: "webhook_event", location: "body", issue: "Required field is missing", description: "webhook_event is required" });
  if (details.length > 0) throw validation(...details);
  const s = body as Record<(typeof VERIFY_FIELDS)[number], string>;
  if (s.auth_algo.toUpperCase() !== AUTH_ALGO.toUpperCase()) return "FAILURE";
  let certPath = "";
  try {
    certPath = new URL(s.cert_url).pathname;
  } catch {
    return "FAILURE";
  }
  if (certPath !== `/v1/notifications/certs/${CERT_NAME}`) return "FAILURE";
  // Like PayPal, the event is serialized again: it verifies only if the caller kept the JSON as sent.
  const raw = JSON.stringify(body.webhook_event);
  return peer.hub.signer.verify(s.transmission_id, s.transmission_time, s.webhook_id, raw, s.transmission_sig) ? "SUCCESS" : "FAILURE";
}

export const webhookRoutes: Route[] = [
  {
    method: "POST", pattern: /^\/v1\/notifications\/webhooks$/, op: "webhooks.create", auth: "bearer", family: "webhooks", idempotent: true,
    handle: (ctx) => ({ status: 201, json: webhookJson(ctx.peer, createWebhook(ctx.peer, ctx.clientId, jsonBody(ctx, "webhooks"))) }),
  },
  {
    method: "GET", pattern: /^\/v1\/notifications\/webhooks$/, op: "webhooks.list", auth: "bearer", family: "webhooks",
    handle: (ctx) => ({ status: 200, json: { webhooks: [...ctx.peer.hub.listeners.values()].filter((l) => visibleTo(l, ctx.clientId)).map((l) => webhookJson(ctx.peer, l)) } }),
  },
  {
    method: "GET", pattern: /^\/v1\/notifications\/webhooks\/([^/]+)$/, op: "webhooks.get", auth: "bearer", family: "webhooks",
    handle: (ctx) => ({ status: 200, json: webhookJson(ctx.peer, findListener(ctx.peer, ctx.clientId, ctx.params[0]!)) }),
  },
  {
    method: "DELETE", pattern: /^\/v1\/notifications\/webhooks\/([^/]+)$/, op: "webhooks.delete", auth: "bearer", family: "webhooks",
    handle(ctx) {
      const l = findListener(ctx.peer, ctx.clientId, ctx.params[0]!);
      ctx.peer.hub.listeners.delete(l.id);
      return { status: 204 };
    },
  },
  {
    method: "POST", pattern: /^\/v1\/notifications\/verify-webhook-signature$/, op: "webhooks.verify", auth: "bearer", family: "webhooks",
    handle: (ctx) => ({ status: 200, json: { verification_status: verifySignature(ctx.peer, jsonBody(ctx, "webhooks")) } }),
  },
  {
    method: "GET", pattern: /^\/v1\/notifications\/certs\/([^/]+)$/, op: "certs.get", auth: "none", family: "webhooks",
    handle(ctx) {
      if (ctx.params[0] !== CERT_NAME) throw notFound();
      return { status: 200, text: { body: ctx.peer.hub.signer.certPem, contentType: "application/x-pem-file" } };
    },
  },
  {
    method: "GET", pattern: /^\/v1\/notifications\/webhooks-events\/([^/]+)$/, op: "webhook-events.get", auth: "bearer", family: "webhooks",
    handle(ctx) {
      const stored = ctx.peer.hub.events.get(ctx.params[0]!);
      if (!stored || stored.clientId !== ctx.clientId) throw notFound();
      return { status: 200, json: stored.event };
    },
  },
  {
    method: "POST", pattern: /^\/v1\/notifications\/webhooks-events\/([^/]+)\/resend$/, op: "webhook-events.resend", auth: "bearer", family: "webhooks",
    handle(ctx) {
      const body = jsonBody(ctx, "webhooks");
      const stored = ctx.peer.hub.events.get(ctx.params[0]!);
      if (!stored || stored.clientId !== ctx.clientId) throw notFound();
      const ids = Array.isArray(body.webhook_ids) ? body.webhook_ids.filter((x): x is string => typeof x === "string") : undefined;
      ctx.peer.hub.resend(stored.event.id, ids);
      return { status: 202, json: stored.event };
    },
  },
];
