import { randomUUID } from "node:crypto";
import type { AppContext } from "../../app/context.js";
import type { OutboxConsumer } from "../../jobs/outbox-dispatcher.js";
import { isWebhookEventType, WEBHOOK_TIMEOUT_MS } from "../../domain/webhooks.js";
import { claimDueWebhooks, fanOutEvents, settleWebhooksDelivered, type DeliveredWebhook, type DueWebhook } from "../../store/webhooks-repo.js";
import { recordAttempt } from "../../app/webhooks/record-attempt.js";
import { webhookMessageId } from "../../domain/webhooks.js";
import { sendWebhook } from "./sender.js";
import { openEndpointSecret } from "../../app/webhooks/endpoint-secret.js";

/**
 * Webhooks are delivered in two steps, each with its own state:
 *
 * 1. The "webhooks" outbox consumer fans an event out: one `webhook_deliveries` row per enabled
 *    endpoint that wants its type. This is quick, local database work, so it runs in the outbox
 *    delivery's own transaction (`handleBatch`, many events per transaction): the rows commit
 *    with the "delivered" mark, once — no lease or at-least-once repeat is needed for it.
 * 2. The sender (`sendDueWebhooks`, run by the workers beside the dispatcher) leases due rows and
 *    POSTs them outside any transaction. Each (endpoint, event) pair retries on its own schedule,
 *    so one endpoint failing neither blocks nor repeats another's deliveries — which a single
 *    outbox delivery per event could not give (its one state and back-off are shared by all).
 */
export function webhooksConsumer(ctx: AppContext): OutboxConsumer {
  return {
    name: "webhooks",
    maxAttempts: 25,
    // Batches: one transaction per event would cap the fan-out (and so all webhooks) at a few hundred a second.
    batchSize: 200,
    async handleBatch(ds, tx) {
      const wanted = ds.filter((d) => isWebhookEventType(d.type));
      await fanOutEvents(tx, wanted.map((d) => ({ eventId: d.event_id, accountId: d.account_id, activityId: d.activity_id, type: d.type, eventAt: d.created_at })), ctx.clock.now());
    },
  };
}

/** The body every receiver gets (Standard Webhooks' shape): the event's type, time and data. */
export function webhookBody(type: string, at: Date, payload: Record<string, unknown>): string {
  const { type: _t, ...data } = payload;
  return JSON.stringify({ type, timestamp: at.toISOString(), data });
}

export interface SenderOptions {
  /** Requests in flight at once per worker (default 32). */
  concurrency?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Stop after this many attempts in one run (the next wake continues). */
  maxAttempts?: number;
}

/**
 * Sends what is due: keeps up to `concurrency` requests in flight, claiming more as each one
 * finishes, so a slow receiver occupies one slot, not the whole batch. Returns attempts made.
 * Successes are settled together (one statement for all that finished since the last claim) just
 * before the next claim, which must see them: an activity's next event waits for its previous one.
 * A failure is recorded on its own at once (it may disable the endpoint, and it is the rare case).
 */
export async function sendDueWebhooks(ctx: AppContext, opts: SenderOptions = {}): Promise<number> {
  const concurrency = opts.concurrency ?? 32;
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const leaseMs = timeoutMs + 60_000;
  const budget = opts.maxAttempts ?? 5000;
  const inFlight = new Set<Promise<void>>();
  let delivered: DeliveredWebhook[] = [];
  let attempts = 0;
  let exhausted = false;
  // Attempts finished so far: one that finishes while a claim runs may unblock its activity's next
  // event after the claim's snapshot, so that claim's "nothing due" is stale.
  let finished = 0;
  const settleDelivered = async () => {
    if (delivered.length === 0) return;
    const done = delivered;
    delivered = [];
    await settleWebhooksDelivered(ctx.db, done, ctx.clock.now());
  };
  try {
    while (true) {
      if (delivered.length > 0 && (!exhausted || inFlight.size === 0)) {
        await settleDelivered();
        exhausted = false; // what they unblocked (an activity's next event) may be due now
      }
      if (!exhausted && inFlight.size < concurrency && attempts < budget) {
        const now = ctx.clock.now();
        const token = randomUUID();
        const want = Math.min(concurrency - inFlight.size, budget - attempts);
        const finishedBefore = finished;
        const rows = await claimDueWebhooks(ctx.db, now, new Date(now.getTime() + leaseMs), token, want);
        exhausted = rows.length < want && finished === finishedBefore;
        for (const row of rows) {
          attempts++;
          const p: Promise<void> = attempt(ctx, row, token, timeoutMs)
            .then((ok) => void (ok && delivered.push(ok)))
            .catch((err) => console.error("[webhooks]", err))
            .finally(() => {
              finished++;
              inFlight.delete(p);
            });
          inFlight.add(p);
        }
      }
      if (inFlight.size > 0) {
        await Promise.race(inFlight);
        exhausted = false; // something finished: a retry or the next event of an activity may be claimable
      } else if (delivered.length === 0 && (exhausted || attempts >= budget)) {
        break;
      }
    }
  } finally {
    await settleDelivered();
  }
  return attempts;
}

/** Sends one; a success is returned for settling with others, a failure is recorded here. */
async function attempt(ctx: AppContext, row: DueWebhook, token: string, timeoutMs: number): Promise<DeliveredWebhook | undefined> {
  const secret = openEndpointSecret(ctx, row.account_id, row.endpoint_id, row.secret_sealed);
  const result = await sendWebhook({
    url: row.url,
    secret,
    id: webhookMessageId(row.event_id, row.endpoint_id),
    body: webhookBody(row.type, new Date(row.event_at), row.payload),
    at: ctx.clock.now(),
    timeoutMs,
  });
  if (result.ok) return { endpointId: row.endpoint_id, eventId: row.event_id, token, status: result.status ?? 200 };
  await recordAttempt(ctx, row, token, result);
  return undefined;
}
