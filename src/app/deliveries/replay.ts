import { DomainError, forbidden, notFound, unprocessable } from "../../domain/errors.js";
import { FAN_OUT_CONSUMER, lockDelivery, requeueDeliveries } from "../../store/deliveries-repo.js";
import { findEndpoint } from "../../store/webhooks-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";

/** "payments", "email" … or "webhooks:<endpoint id>" (the log's `key`). */
export function parseConsumerKey(key: string): { consumer: string; endpointId: string | null } {
  const [consumer, endpointId] = key.split(":", 2) as [string, string | undefined];
  if (consumer === FAN_OUT_CONSUMER && !endpointId) throw new DomainError("validation_failed", "consumer: name the endpoint, webhooks:<endpoint id>", { field: "consumer" });
  return { consumer, endpointId: endpointId ?? null };
}

function assertAdmin(caller: Caller) {
  if (caller.role !== "admin") throw forbidden("Only an admin may replay deliveries.");
}

async function assertEndpointEnabled(ctx: AppContext, caller: Caller, endpointId: string) {
  const ep = await findEndpoint(ctx.db, caller.accountId, endpointId);
  if (!ep) throw notFound("Webhook endpoint", endpointId);
  if (!ep.enabled) throw unprocessable("This webhook endpoint is disabled: enable it first, then replay.", { reason: "endpoint_disabled", endpointId });
}

/** Sends one delivery again, now, with a fresh retry schedule (delivered ones too: a resend). */
export async function replayDelivery(ctx: AppContext, caller: Caller, key: string, eventId: string) {
  assertAdmin(caller);
  const { consumer, endpointId } = parseConsumerKey(key);
  if (endpointId) await assertEndpointEnabled(ctx, caller, endpointId);
  const now = ctx.clock.now();
  await inTransaction(ctx, async (tx) => {
    const d = await lockDelivery(tx, { accountId: caller.accountId, consumer, endpointId, eventId });
    if (!d) throw notFound("Delivery", `${key}/${eventId}`);
    if (d.status === "pending" && d.leased && new Date(d.next_attempt_at) > now) {
      throw new DomainError("conflict", "This delivery is being sent right now; look again in a moment.", { reason: "sending" });
    }
    await requeueDeliveries(tx, { accountId: caller.accountId, consumer, endpointId: endpointId ?? undefined, eventId, onlyFailed: false, now });
  });
  return { replayed: 1 };
}

/** Every failed delivery of the account (or of one consumer / endpoint) back to pending, now. */
export async function replayFailed(ctx: AppContext, caller: Caller, filter: { consumer?: string }) {
  assertAdmin(caller);
  const parsed = filter.consumer ? parseConsumerKeyLoose(filter.consumer) : { consumer: undefined, endpointId: null };
  if (parsed.endpointId) await assertEndpointEnabled(ctx, caller, parsed.endpointId);
  const replayed = await inTransaction(ctx, (tx) =>
    requeueDeliveries(tx, { accountId: caller.accountId, consumer: parsed.consumer, endpointId: parsed.endpointId ?? undefined, onlyFailed: true, now: ctx.clock.now() }),
  );
  return { replayed };
}

/** Like parseConsumerKey, but "webhooks" alone means every endpoint. */
function parseConsumerKeyLoose(key: string) {
  const [consumer, endpointId] = key.split(":", 2) as [string, string | undefined];
  return { consumer, endpointId: endpointId ?? null };
}
