import type { AppContext } from "../../app/context.js";
import { syncBookingEvent } from "../../app/salesforce/sync-event.js";
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
    // Salesforce allows 25 long requests at once per org; 8 keeps up with 50 changes a second at
    // ~100 ms a call and leaves room for other integrations on the same org.
    concurrency: opts.concurrency ?? 8,
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
