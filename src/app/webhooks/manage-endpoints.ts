import { randomUUID } from "node:crypto";
import { forbidden, invalid, notFound } from "../../domain/errors.js";
import { WEBHOOK_TIMEOUT_MS, webhookUrlProblem, type WebhookEventType } from "../../domain/webhooks.js";
import { generateWebhookSecret } from "../../integrations/webhooks/signer.js";
import { sendWebhook } from "../../integrations/webhooks/sender.js";
import { deleteEndpoint, findEndpoint, insertEndpoint, listEndpoints, updateEndpoint, type WebhookEndpointRow } from "../../store/webhooks-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { openEndpointSecret, sealEndpointSecret } from "./endpoint-secret.js";

/**
 * The account's webhook endpoints, for admins. The signing secret is shown once, in the answer
 * that creates or rotates it, and never again (stored sealed).
 */
export interface EndpointInput {
  url: string;
  description?: string;
  eventTypes: WebhookEventType[];
  enabled?: boolean;
}

function assertAdmin(caller: Caller) {
  if (caller.role !== "admin") throw forbidden("Only an admin may see or change the account's webhooks.");
}

function checkUrl(url: string) {
  const problem = webhookUrlProblem(url);
  if (problem) throw invalid("url", problem);
}

export function presentEndpoint(e: WebhookEndpointRow) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.event_types as WebhookEventType[],
    enabled: e.enabled,
    disabledReason: e.disabled_reason,
    failureStreak: e.failure_streak,
    failingSince: e.failing_since ? new Date(e.failing_since).toISOString() : null,
    createdAt: new Date(e.created_at).toISOString(),
    updatedAt: new Date(e.updated_at).toISOString(),
  };
}

async function load(ctx: AppContext, caller: Caller, id: string) {
  assertAdmin(caller);
  const e = await findEndpoint(ctx.db, caller.accountId, id);
  if (!e) throw notFound("Webhook endpoint", id);
  return e;
}

export async function listWebhookEndpoints(ctx: AppContext, caller: Caller) {
  assertAdmin(caller);
  return { items: (await listEndpoints(ctx.db, caller.accountId)).map(presentEndpoint) };
}

export async function getWebhookEndpoint(ctx: AppContext, caller: Caller, id: string) {
  return presentEndpoint(await load(ctx, caller, id));
}

export async function createWebhookEndpoint(ctx: AppContext, caller: Caller, input: EndpointInput) {
  assertAdmin(caller);
  checkUrl(input.url);
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const sealed = sealEndpointSecret(ctx, caller.accountId, id, secret);
  const now = ctx.clock.now();
  const row = {
    id, account_id: caller.accountId, url: input.url, description: input.description ?? "", event_types: [...new Set(input.eventTypes)],
    secret_sealed: sealed, enabled: input.enabled ?? true, created_at: now, updated_at: now,
  };
  await inTransaction(ctx, (tx) => insertEndpoint(tx, row));
  return { secret, item: presentEndpoint({ ...row, disabled_reason: null, failure_streak: 0, failing_since: null }) };
}

export async function updateWebhookEndpoint(ctx: AppContext, caller: Caller, id: string, input: Partial<EndpointInput>) {
  const before = await load(ctx, caller, id);
  if (input.url !== undefined) checkUrl(input.url);
  const enabling = input.enabled === true && !before.enabled;
  const updated = await inTransaction(ctx, (tx) =>
    updateEndpoint(tx, caller.accountId, id, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes !== undefined ? { event_types: [...new Set(input.eventTypes)] } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      // Enabling again starts a fresh run: the old failures do not count against it.
      ...(enabling ? { disabled_reason: null, failure_streak: 0, failing_since: null } : {}),
      ...(input.enabled === false && before.enabled ? { disabled_reason: `Disabled by ${caller.name}` } : {}),
      updated_at: ctx.clock.now(),
    }),
  );
  if (!updated) throw notFound("Webhook endpoint", id);
  return presentEndpoint(updated);
}

export async function deleteWebhookEndpoint(ctx: AppContext, caller: Caller, id: string) {
  assertAdmin(caller);
  const gone = await inTransaction(ctx, (tx) => deleteEndpoint(tx, caller.accountId, id));
  if (!gone) throw notFound("Webhook endpoint", id);
}

/** A new secret replaces the old one at once; the answer is the only time it is shown. */
export async function rotateWebhookSecret(ctx: AppContext, caller: Caller, id: string) {
  await load(ctx, caller, id);
  const secret = generateWebhookSecret();
  const sealed = sealEndpointSecret(ctx, caller.accountId, id, secret);
  const updated = await inTransaction(ctx, (tx) => updateEndpoint(tx, caller.accountId, id, { secret_sealed: sealed, updated_at: ctx.clock.now() }));
  if (!updated) throw notFound("Webhook endpoint", id);
  return { secret, item: presentEndpoint(updated) };
}

/**
 * Sends a signed `webhook.test` message now and answers with what the receiver said: a button
 * for the person setting the receiver up, not an event (it is not logged or retried).
 */
export async function testWebhookEndpoint(ctx: AppContext, caller: Caller, id: string) {
  const e = await load(ctx, caller, id);
  const now = ctx.clock.now();
  const body = JSON.stringify({ type: "webhook.test", timestamp: now.toISOString(), data: { endpointId: e.id, message: "A test from Bookstream" } });
  const result = await sendWebhook({
    url: e.url, secret: openEndpointSecret(ctx, e.account_id, e.id, e.secret_sealed), id: `msg_test_${randomUUID().replace(/-/g, "")}`, body, at: now, timeoutMs: WEBHOOK_TIMEOUT_MS,
  });
  return { ok: result.ok, status: result.status, error: result.error };
}
