import { DomainError } from "../domain/errors.js";
import { findActivity, findDue } from "../store/activities-repo.js";
import { applyTransition, inTransaction } from "./activity-writes.js";
import type { AppContext } from "./context.js";
import { expireCheckouts } from "./payments/expire-checkouts.js";

const SYSTEM = { type: "system" as const, id: null, name: "Bookstream" };

/**
 * Completes bookings whose end has passed and expires requests whose proposed times have all
 * passed. It works from the data, not from what it saw last run, so after downtime one run
 * catches up on everything that fell due meanwhile. Safe to run in several workers at once:
 * each change is guarded, and the loser of a race skips the activity.
 */
export async function runSystemTransitions(ctx: AppContext, batchSize = 500): Promise<{ completed: number; expired: number }> {
  let completed = 0;
  let expired = 0;
  // Times held for customers who went to PayPal and did not come back are let go first.
  await expireCheckouts(ctx);
  for (;;) {
    const now = ctx.clock.now();
    const due = await findDue(ctx.db, now, batchSize);
    if (due.complete.length === 0 && due.expire.length === 0) break;
    let progressed = 0;
    for (const d of due.complete) if (await apply(ctx, d.account_id, d.id, "complete")) (completed++, progressed++);
    for (const d of due.expire) if (await apply(ctx, d.account_id, d.id, "expire")) (expired++, progressed++);
    if (progressed === 0) break;
  }
  return { completed, expired };
}

async function apply(ctx: AppContext, accountId: string, id: string, kind: "complete" | "expire"): Promise<boolean> {
  try {
    await inTransaction(ctx, async (tx) => {
      const a = await findActivity(tx, accountId, id);
      if (!a) return;
      await applyTransition(tx, ctx, { activity: a, transition: { kind }, action: kind, actor: SYSTEM });
    });
    return true;
  } catch (err) {
    // Another worker or a user changed it first: nothing left to do for this one.
    if (err instanceof DomainError && (err.code === "conflict" || err.code === "action_not_allowed")) return false;
    throw err;
  }
}
