import type { AppContext } from "../../app/context.js";
import { idleSalesforceEvents, syncBookingEvent } from "../../app/salesforce/sync-event.js";
import type { OutboxConsumer } from "../../jobs/outbox-dispatcher.js";
import type { Backoff } from "../../store/outbox-repo.js";
import { findSalesforceEvent, saveSalesforceEvent } from "../../store/salesforce-repo.js";

/**
 * The outbox consumer "salesforce": each booking's lifecycle change becomes a write to its
 * Salesforce Event. Leased delivery (Salesforce may be slow or down; no database connection is held
 * meanwhile), retried with back-off, in order per activity; its state shows in the delivery log.
 */
export interface SalesforceConsumerOptions {
  /** Per Salesforce call (default 20 s; well inside the lease, so a slow call never overlaps its retry). */
  timeoutMs?: number;
  backoff?: Backoff;
  maxAttempts?: number;
  concurrency?: number;
}

/** 5 s, 10 s, 20 s … capped at 15 minutes: a REQUEST_LIMIT_EXCEEDED org needs time, a blip does not. */
export const salesforceBackoff: Backoff = (attempts) => Math.min(15 * 60_000, 2 ** (attempts - 1) * 5_000);

export function salesforceConsumer(ctx: AppContext, opts: SalesforceConsumerOptions = {}): OutboxConsumer {
  return {
    name: "salesforce",
    maxAttempts: opts.maxAttempts ?? 16,
    backoff: opts.backoff ?? salesforceBackoff,
    leaseMs: 120_000,
    // Deliveries at once. Their calls to one org share a batcher that keeps at most 4 HTTP calls in
    // flight (composite-batcher.ts), well under the 25 long requests Salesforce allows an org, so
    // many deliveries can wait on Salesforce together: at 50 changes a second, 8 queued behind
    // each other (sync lag p95 4.5 s), 32 keep the p95 near 0.5 s.
    concurrency: opts.concurrency ?? 32,
    idle: (ds) => idleSalesforceEvents(ctx, ds),
    async deliver(d) {
      try {
        await syncBookingEvent(ctx, d, { timeoutMs: opts.timeoutMs });
      } catch (err) {
        // Shown in the Details pane next to the Event; the delivery log holds the attempts.
        if (d.activity_id && (await findSalesforceEvent(ctx.db, d.account_id, d.activity_id))) {
          await saveSalesforceEvent(ctx.db, d.account_id, d.activity_id, { note: `Retrying: ${String((err as Error)?.message ?? err).slice(0, 300)}` }).catch(() => undefined);
        }
        throw err;
      }
    },
  };
}
