import { notFound } from "../../domain/errors.js";
import { formatDecimal, money } from "../../domain/money.js";
import { findCheckout, listExpiredCheckouts, lockCheckout, finishCheckout } from "../../store/checkouts-repo.js";
import { findPage } from "../../store/pages-repo.js";
import { deleteCheckoutHolds } from "../../store/scheduling-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";

/**
 * Lets go of the times held for customers who went to PayPal and did not come back within the
 * hold (CHECKOUT_HOLD_MINUTES). Runs with the system transitions, from the data: after downtime it
 * catches up. A customer who comes back later still gets their time if nobody took it (complete-checkout.ts).
 */
export async function expireCheckouts(ctx: AppContext, batch = 200): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await listExpiredCheckouts(ctx.db, ctx.clock.now(), batch);
    if (due.length === 0) return expired;
    for (const c of due) {
      const done = await inTransaction(ctx, async (tx) => {
        const locked = await lockCheckout(tx, c.id);
        if (!locked || locked.state !== "open" || locked.expires_at.getTime() > ctx.clock.now().getTime()) return false;
        await deleteCheckoutHolds(tx, c.account_id, c.id);
        await finishCheckout(tx, c.id, { state: "expired", finished_at: ctx.clock.now() });
        return true;
      });
      if (done) expired++;
    }
    if (due.length < batch) return expired;
  }
}

/** The customer canceled at PayPal (or closed our page): their time is free at once. */
export async function abandonCheckout(ctx: AppContext, checkoutId: string): Promise<{ state: string }> {
  return inTransaction(ctx, async (tx) => {
    const c = await lockCheckout(tx, checkoutId);
    if (!c) throw notFound("Checkout", checkoutId);
    if (c.state !== "open") return { state: c.state };
    await deleteCheckoutHolds(tx, c.account_id, c.id);
    await finishCheckout(tx, c.id, { state: "abandoned", finished_at: ctx.clock.now() });
    return { state: "abandoned" };
  });
}

/** What the customer's browser may know of a checkout (no one else's data, no links). */
export async function checkoutStatus(ctx: AppContext, checkoutId: string) {
  const c = await findCheckout(ctx.db, checkoutId);
  if (!c) throw notFound("Checkout", checkoutId);
  const page = await findPage(ctx.db, c.account_id, c.booking_page_id);
  return {
    id: c.id,
    state: c.state,
    purpose: c.purpose,
    bookingPage: { name: page?.name ?? "", slug: page?.slug ?? "" },
    starts: c.starts,
    durationMinutes: c.duration_minutes,
    amount: { value: formatDecimal(money(c.amount_minor, c.currency)), currency: c.currency, minor: c.amount_minor },
    expiresAt: c.expires_at.toISOString(),
    bookingId: c.purpose === "package" ? null : c.result_activity_id,
    packageId: c.purpose === "package" ? c.result_activity_id : null,
    transactionId: c.payment_activity_id,
  };
}
