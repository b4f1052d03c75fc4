import { randomUUID } from "node:crypto";
import type { AppContext } from "../app/context.js";
import type { Tx } from "../store/database.js";
import {
  claimDeliveries, claimLeasedDeliveries, defaultBackoff, markDelivered, markDeliveredMany, markFailed, registerConsumer, releaseLeased, settleLeased, settleLeasedDelivered,
  settleLeasedDeliveredMany, type Backoff, type ClaimedDelivery,
} from "../store/outbox-repo.js";

/** Claimed at once by a consumer that can tell idle events apart (the busy ones beyond its free slots are released). */
const IDLE_CLAIM = 200;

/**
 * A consumer of outbox events (payments, e-mail, calendars, webhooks, Salesforce). The dispatcher
 * stays ignorant of which consumers exist: `server.ts` registers them.
 *
 * Two ways to consume, chosen by what the consumer implements:
 * - `handle(event, tx)` runs inside the delivery's transaction: database-side effects commit with
 *   the "delivered" mark, exactly once. Only for work that is quick and local.
 * - `deliver(event)` runs outside any transaction, with the delivery leased to this worker
 *   (`leaseMs`): for calls to peers that may be slow, hang or fail — a peer must never hold a
 *   database connection or lock, or it would slow every API answer (PGlite has one connection).
 *   External calls are at-least-once; peers get the event id as idempotency key.
 */
export interface OutboxConsumer {
  name: string;
  /** Attempts before the delivery is parked as failed (default 10). */
  maxAttempts?: number;
  /** The wait after the n-th failed attempt (default 2 s doubling, capped at an hour). */
  backoff?: Backoff;
  handle?(event: ClaimedDelivery, tx: Tx): Promise<void>;
  /**
   * Like `handle`, for up to `batchSize` events in one transaction (for quick local work done for
   * every event, such as the webhooks fan-out: one transaction per event would cap its rate).
   * Events of one activity stay in order; a failure retries the whole batch.
   */
  handleBatch?(events: ClaimedDelivery[], tx: Tx): Promise<void>;
  batchSize?: number;
  deliver?(event: ClaimedDelivery): Promise<void>;
  /**
   * Deliver mode: which of these claimed events need no work at all (an account with no calendar
   * or Salesforce connected, an event that sends no e-mail), decided for the lot with pure checks
   * or one read. Those are marked delivered together in one statement instead of one leased call
   * each: most events concern only some consumers, and a commit per event per consumer was what
   * capped the outbox at ~100 events a second on a real server (its WAL flushes).
   */
  idle?(events: ClaimedDelivery[]): Promise<Set<string>> | Set<string>;
  /** How long a `deliver` may run before another worker may retry it (default 2 minutes). */
  leaseMs?: number;
  /** Deliveries a worker runs at once for this consumer (deliver mode; default 4). */
  concurrency?: number;
}

export async function registerConsumers(ctx: AppContext, consumers: OutboxConsumer[]): Promise<void> {
  for (const c of consumers) await registerConsumer(ctx.db, c.name);
}

/**
 * Delivers what is pending for one consumer, in event order per activity. Several workers may run
 * this at once (rows are claimed with SKIP LOCKED; deliver-mode rows are leased).
 */
export async function dispatchPending(ctx: AppContext, consumer: OutboxConsumer, maxEvents = 1000): Promise<number> {
  if (consumer.deliver) return dispatchLeased(ctx, consumer, consumer.deliver.bind(consumer), maxEvents);
  if (consumer.handleBatch) return dispatchBatches(ctx, consumer, consumer.handleBatch.bind(consumer), maxEvents);
  let delivered = 0;
  while (delivered < maxEvents) {
    const done = await ctx.db.transaction().execute(async (tx) => {
      const now = ctx.clock.now();
      const [d] = await claimDeliveries(tx, consumer.name, now, 1);
      if (!d) return "empty" as const;
      try {
        await consumer.handle!(d, tx);
        await markDelivered(tx, consumer.name, d.event_id, now);
        return "delivered" as const;
      } catch (err) {
        throw new DeliveryFailed(d, err);
      }
    }).catch(async (err) => {
      if (!(err instanceof DeliveryFailed)) throw err;
      // The handler's transaction rolled back; record the failed attempt in a fresh one.
      await ctx.db.transaction().execute((tx) => markFailed(tx, consumer.name, err.delivery, errorText(err.cause), ctx.clock.now(), consumer.maxAttempts ?? 10, consumer.backoff));
      return "failed" as const;
    });
    if (done === "empty") break;
    if (done === "delivered") delivered++;
  }
  return delivered;
}

async function dispatchBatches(ctx: AppContext, consumer: OutboxConsumer, handle: (ds: ClaimedDelivery[], tx: Tx) => Promise<void>, maxEvents: number): Promise<number> {
  let delivered = 0;
  while (delivered < maxEvents) {
    const n = await ctx.db.transaction().execute(async (tx) => {
      const now = ctx.clock.now();
      const ds = await claimDeliveries(tx, consumer.name, now, Math.min(consumer.batchSize ?? 100, maxEvents - delivered));
      if (ds.length === 0) return 0;
      try {
        await handle(ds, tx);
      } catch (err) {
        throw new DeliveryFailed(ds[0]!, err, ds);
      }
      await markDeliveredMany(tx, consumer.name, ds.map((d) => d.event_id), now);
      return ds.length;
    }).catch(async (err) => {
      if (!(err instanceof DeliveryFailed)) throw err;
      await ctx.db.transaction().execute(async (tx) => {
        for (const d of err.batch) await markFailed(tx, consumer.name, d, errorText(err.cause), ctx.clock.now(), consumer.maxAttempts ?? 10, consumer.backoff);
      });
      return -1;
    });
    if (n <= 0) break;
    delivered += n;
  }
  return delivered;
}

/**
 * Keeps up to `concurrency` deliveries in flight, claiming (and leasing) more in one statement as
 * slots free up, so one slow call holds one slot, not a batch. A success is settled in one
 * statement; a failure records its back-off in a transaction.
 */
async function dispatchLeased(ctx: AppContext, consumer: OutboxConsumer, deliver: (d: ClaimedDelivery) => Promise<void>, maxEvents: number): Promise<number> {
  const concurrency = Math.max(1, consumer.concurrency ?? 4);
  const leaseMs = consumer.leaseMs ?? 120_000;
  const inFlight = new Set<Promise<void>>();
  let delivered = 0;
  let claimed = 0;
  let exhausted = false;
  let mostlyIdle = true;
  let firstError: unknown;
  // Deliveries finished so far: one that finishes while a claim is running may unblock its
  // activity's next event after the claim's snapshot was taken, so that claim's "nothing due" is stale.
  let finished = 0;
  const run = async (d: ClaimedDelivery, token: string) => {
    let failure: string | undefined;
    try {
      await deliver(d);
    } catch (err) {
      failure = errorText(err);
    }
    const now = ctx.clock.now();
    if (failure === undefined) {
      if (await settleLeasedDelivered(ctx.db, consumer.name, d.event_id, token, now)) delivered++;
    } else {
      await settleLeased(ctx.db, consumer.name, d, token, now, { ok: false, error: failure, maxAttempts: consumer.maxAttempts ?? 10, backoff: consumer.backoff ?? defaultBackoff });
    }
  };
  while (firstError === undefined) {
    if (!exhausted && inFlight.size < concurrency && claimed < maxEvents) {
      const want = Math.min(concurrency - inFlight.size, maxEvents - claimed);
      // A lot at once while the events have been mostly idle; otherwise what the free slots can
      // start, as without a check (busy ones claimed beyond them would only be handed back).
      const claim = consumer.idle && mostlyIdle ? Math.min(want + IDLE_CLAIM, maxEvents - claimed) : want;
      const token = randomUUID();
      const now = ctx.clock.now();
      const finishedBefore = finished;
      let rows = await claimLeasedDeliveries(ctx.db, consumer.name, now, new Date(now.getTime() + leaseMs), token, claim);
      exhausted = rows.length < claim && finished === finishedBefore;
      if (consumer.idle && rows.length > 0) {
        // A failed check only means no shortcut: every event then goes through `deliver`, which checks again.
        const idle = await Promise.resolve().then(() => consumer.idle!(rows)).catch(() => new Set<string>());
        mostlyIdle = idle.size * 2 > rows.length;
        const busy = rows.filter((d) => !idle.has(d.event_id));
        if (idle.size > 0) {
          const n = await settleLeasedDeliveredMany(ctx.db, consumer.name, [...idle], token, ctx.clock.now());
          delivered += n;
          claimed += idle.size;
          // What they unblocked (an activity's next event) is due now.
          exhausted = false;
        }
        // More busy ones than free slots: the rest go back, due at once, for the next claim.
        if (busy.length > want) {
          await releaseLeased(ctx.db, consumer.name, busy.slice(want).map((d) => d.event_id), token, now);
          exhausted = false;
        }
        rows = busy.slice(0, want);
      }
      for (const d of rows) {
        claimed++;
        const p: Promise<void> = run(d, token).catch((err) => void (firstError ??= err)).finally(() => {
          finished++;
          inFlight.delete(p);
        });
        inFlight.add(p);
      }
    }
    if (inFlight.size === 0) {
      if (exhausted || claimed >= maxEvents) break;
      continue;
    }
    await Promise.race(inFlight);
    // A slot is free, and what it delivered may have let its activity's next event become due.
    exhausted = false;
  }
  await Promise.all(inFlight);
  if (firstError !== undefined) throw firstError;
  return delivered;
}

function errorText(err: unknown): string {
  return String((err as Error)?.message ?? err);
}

class DeliveryFailed extends Error {
  constructor(readonly delivery: ClaimedDelivery, cause: unknown, readonly batch: ClaimedDelivery[] = [delivery]) {
    super("delivery failed", { cause });
  }
}
