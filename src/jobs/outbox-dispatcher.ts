import type { AppContext } from "../app/context.js";
import type { Tx } from "../store/database.js";
import { claimDeliveries, markDelivered, markFailed, registerConsumer, type ClaimedDelivery } from "../store/outbox-repo.js";

/**
 * A consumer of outbox events (calendar, Salesforce, e-mail and webhooks in later issues).
 * `handle` runs inside the delivery's transaction: DB-side effects commit with the "delivered"
 * mark (exactly once); external calls are at-least-once and get the event id as idempotency key.
 */
export interface OutboxConsumer {
  name: string;
  maxAttempts?: number;
  handle(event: ClaimedDelivery, tx: Tx): Promise<void>;
}

export async function registerConsumers(ctx: AppContext, consumers: OutboxConsumer[]): Promise<void> {
  for (const c of consumers) await registerConsumer(ctx.db, c.name);
}

/**
 * Delivers what is pending for one consumer, one event per transaction, in event order per
 * activity. Several workers may run this at once (rows are claimed with SKIP LOCKED).
 */
export async function dispatchPending(ctx: AppContext, consumer: OutboxConsumer, maxEvents = 1000): Promise<number> {
  let delivered = 0;
  while (delivered < maxEvents) {
    const done = await ctx.db.transaction().execute(async (tx) => {
      const now = ctx.clock.now();
      const [d] = await claimDeliveries(tx, consumer.name, now, 1);
      if (!d) return "empty" as const;
      try {
        await consumer.handle(d, tx);
        await markDelivered(tx, consumer.name, d.event_id, now);
        return "delivered" as const;
      } catch (err) {
        throw new DeliveryFailed(d, err);
      }
    }).catch(async (err) => {
      if (!(err instanceof DeliveryFailed)) throw err;
      // The handler's transaction rolled back; record the failed attempt in a fresh one.
      await ctx.db.transaction().execute((tx) => markFailed(tx, consumer.name, err.delivery, String((err.cause as Error)?.message ?? err.cause), ctx.clock.now(), consumer.maxAttempts ?? 10));
      return "failed" as const;
    });
    if (done === "empty") break;
    if (done === "delivered") delivered++;
  }
  return delivered;
}

class DeliveryFailed extends Error {
  constructor(readonly delivery: ClaimedDelivery, cause: unknown) {
    super("delivery failed", { cause });
  }
}
