import { DomainError, notFound } from "../../domain/errors.js";
import { findConnectionByWebhookKey, insertWebhookEvent, lockWaitingEvent, markWebhookEvent } from "../../store/payments-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";
import { completeCheckout } from "./complete-checkout.js";
import type { ProviderEvent, WebhookMessage } from "./gateway.js";
import { applyProviderEvent } from "./paypal-events.js";

/**
 * PayPal's webhook for one account (POST /api/v1/webhooks/paypal/{accountKey}): verified with
 * PayPal's signature for this account's webhook, or refused (400) and nothing kept. Each event is
 * kept once — a repeat changes nothing — and applied in one transaction with what it changes; one
 * about something unknown (yet) is kept and answered 200. An approval the customer did not come
 * back from is completed here (the capture is idempotent, so racing the customer is harmless).
 */
export async function ingestPayPalWebhook(ctx: AppContext, accountKey: string, message: WebhookMessage): Promise<{ outcome: string }> {
  const connection = await findConnectionByWebhookKey(ctx.db, accountKey);
  if (!connection) throw notFound("Webhook", accountKey.slice(0, 4) + "…");
  const gateway = ctx.payments?.forConnection(connection);
  if (!gateway) throw notFound("Webhook", accountKey.slice(0, 4) + "…");
  const check = await gateway.verifyWebhook(message);
  if (!check.ok) throw new DomainError("validation_failed", `body: not a message PayPal signed for this webhook (${check.reason})`, { field: "body", reason: check.reason });
  const e = check.event;
  const accountId = connection.account_id;
  const captureId = e.kind === "capture" ? e.capture.captureId : e.kind === "refund" ? e.refund.captureId : null;
  const resourceId = e.kind === "capture" ? e.capture.captureId : e.kind === "refund" ? e.refund.refundId : e.kind === "order-approved" ? e.orderId : e.resourceId;
  const row = {
    account_id: accountId,
    event_id: e.id,
    event_type: e.eventType,
    resource_id: resourceId,
    capture_id: captureId,
    payload: { paypal: JSON.parse(message.rawBody), bookstream: e },
    received_at: ctx.clock.now(),
  };
  if (e.kind === "order-approved") {
    // Completing calls PayPal (the capture), which must not happen inside a transaction.
    if (!(await insertWebhookEvent(ctx.db, row))) return { outcome: "duplicate" };
    return { outcome: await completeApproved(ctx, accountId, e) };
  }
  // Applied, then kept with its outcome, in one transaction: the event's unique id makes a repeat
  // (or a copy racing this one) conflict on the insert, which rolls back what it applied — so a
  // repeat changes nothing, and a crash midway leaves neither the event nor its effect.
  try {
    const outcome = await inTransaction(ctx, async (tx) => {
      const o = await applyProviderEvent(tx, ctx, accountId, e);
      if (o === "waiting") throw new NotKnownYet();
      if (!(await insertWebhookEvent(tx, { ...row, outcome: o, processed_at: ctx.clock.now() }))) throw new RepeatedEvent();
      return o;
    });
    return { outcome };
  } catch (err) {
    if (err instanceof RepeatedEvent) return { outcome: "duplicate" };
    if (!(err instanceof NotKnownYet)) throw err;
  }
  // About a capture Bookstream has not recorded yet (its capture answer is on the way): the event is
  // kept first, on its own, so that the checkout recording that capture finds it (applyWaitingEvents)
  // even if it commits while this runs; then it is tried once more.
  if (!(await insertWebhookEvent(ctx.db, row))) return { outcome: "duplicate" };
  const outcome = await inTransaction(ctx, async (tx) => {
    // Locked, like applyWaitingEvents does: whichever comes second finds it applied.
    if (!(await lockWaitingEvent(tx, accountId, e.id))) return "applied";
    const o = await applyProviderEvent(tx, ctx, accountId, e);
    if (o !== "waiting") await markWebhookEvent(tx, accountId, e.id, o, ctx.clock.now());
    return o;
  });
  return { outcome };
}

/** Thrown inside the transaction when the event is about a capture not recorded yet. */
class NotKnownYet extends Error {}

/** Thrown inside the transaction to roll back a repeated event's effects. */
class RepeatedEvent extends Error {}

async function completeApproved(ctx: AppContext, accountId: string, e: Extract<ProviderEvent, { kind: "order-approved" }>): Promise<string> {
  let outcome = "ignored";
  if (e.customId) {
    outcome = await completeCheckout(ctx, e.customId, { orderId: e.orderId, accountId }).then(
      () => "applied",
      (err) => (err instanceof DomainError ? `not completed: ${err.code}` : Promise.reject(err)),
    );
  }
  await markWebhookEvent(ctx.db, accountId, e.id, outcome, ctx.clock.now());
  return outcome;
}
