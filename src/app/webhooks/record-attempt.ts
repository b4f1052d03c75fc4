import type { AppContext } from "../context.js";
import { shouldDisableEndpoint, webhookBackoff, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_WINDOW_MS } from "../../domain/webhooks.js";
import type { OutboxEvent } from "../../domain/events.js";
import { enqueueEvents } from "../../store/outbox-repo.js";
import { extendFailureStreak, recordWebhookFailure, settleWebhooksDelivered, updateEndpoint, type DueWebhook } from "../../store/webhooks-repo.js";
import type { SendResult } from "../../integrations/webhooks/sender.js";

/**
 * Records one attempt's outcome, only if this worker still holds the delivery's lease.
 * A failure backs off (10 s tripling, at most 6 h) until the three-day window is spent, then the
 * delivery is failed. A long, old run of failures disables the endpoint and writes the outbox
 * event `webhook_endpoint.disabled`, which the e-mail consumer turns into a note to the admins.
 */
export async function recordAttempt(ctx: AppContext, row: DueWebhook, token: string, result: SendResult): Promise<void> {
  const now = ctx.clock.now();
  if (result.ok) {
    await settleWebhooksDelivered(ctx.db, [{ endpointId: row.endpoint_id, eventId: row.event_id, token, status: result.status ?? 200 }], now);
    return;
  }
  const attempts = row.attempts + 1;
  const giveUp = attempts >= WEBHOOK_MAX_ATTEMPTS || now.getTime() - new Date(row.created_at).getTime() >= WEBHOOK_RETRY_WINDOW_MS;
  const disabled = await ctx.db.transaction().execute(async (tx) => {
    const recorded = await recordWebhookFailure(tx, {
      endpointId: row.endpoint_id, eventId: row.event_id, token, now, status: result.status, error: result.error ?? "failed",
      nextAttemptAt: new Date(now.getTime() + webhookBackoff(attempts)), giveUp,
    });
    if (!recorded) return false;
    const ep = await extendFailureStreak(tx, row.endpoint_id, now);
    if (!ep || !ep.enabled || !shouldDisableEndpoint(ep.failure_streak, ep.failing_since, now)) return false;
    const reason = `Disabled after ${ep.failure_streak} failed attempts in a row since ${ep.failing_since!.toISOString()}; last: ${result.error ?? "failed"}`;
    await updateEndpoint(tx, ep.account_id, ep.id, { enabled: false, disabled_reason: reason.slice(0, 500), updated_at: now });
    const event: OutboxEvent = {
      type: "webhook_endpoint.disabled",
      endpoint: { id: ep.id, url: ep.url, description: ep.description },
      failures: ep.failure_streak,
      failingSince: ep.failing_since!.toISOString(),
      lastError: result.error,
    };
    await enqueueEvents(tx, [{ accountId: ep.account_id, activityId: null, type: event.type, payload: event as unknown as Record<string, unknown>, at: now }]);
    return true;
  });
  if (disabled) ctx.onEventsCommitted?.();
}
