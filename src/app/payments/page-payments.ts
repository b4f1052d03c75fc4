import { invalid, unprocessable } from "../../domain/errors.js";
import { formatDecimal, minorDigits, money, parseMoney } from "../../domain/money.js";
import { listEventTypes } from "../../store/pages-repo.js";
import { findConnection } from "../../store/payments-repo.js";
import { setEventTypePrice, updatePage } from "../../store/page-settings-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { pageFor } from "../manage-booking-pages.js";

/**
 * A booking page's payment settings (its owner, editors and admins): currency, price, event types'
 * own prices, a package's price per session, a reschedule fee, and whether customers' cancellations
 * within the page's policy are refunded automatically. Amounts are decimal strings in the currency
 * ("50.00"); null is free. Pages that take requests (approval) take no payments.
 */
export interface PagePaymentsInput {
  currency: string | null;
  price: string | null;
  packageSessionPrice: string | null;
  rescheduleFee: string | null;
  refundPolicy: "none" | "automatic";
  /** Event type id → its own price (null: the page's). */
  eventTypePrices?: Record<string, string | null>;
}

export async function getPagePayments(ctx: AppContext, caller: Caller, pageId: string) {
  const page = await pageFor(ctx.db, caller, pageId, "see");
  const eventTypes = await listEventTypes(ctx.db, caller.accountId, page.id);
  const show = (minor: number | null | undefined) => (page.currency && minor ? formatDecimal(money(minor, page.currency)) : null);
  return {
    bookingPageId: page.id,
    currency: page.currency,
    price: show(page.price_minor),
    packageSessionPrice: show(page.package_session_price_minor),
    rescheduleFee: show(page.reschedule_fee_minor),
    refundPolicy: page.refund_policy,
    eventTypePrices: Object.fromEntries(eventTypes.map((e) => [e.id, show((e as { price_minor?: number | null }).price_minor)])),
    paypalConnected: Boolean(await findConnection(ctx.db, caller.accountId)),
  };
}

export async function setPagePayments(ctx: AppContext, caller: Caller, pageId: string, input: PagePaymentsInput) {
  await inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, pageId, "edit");
    const prices = [input.price, input.packageSessionPrice, input.rescheduleFee, ...Object.values(input.eventTypePrices ?? {})].filter((p) => p !== null);
    if (prices.length > 0) {
      if (!input.currency) throw invalid("currency", "a priced page needs its currency");
      minorDigits(input.currency, "currency");
      if (page.mode !== "automatic") throw unprocessable(`Booking page ${page.slug} takes requests for approval; only automatic pages take payments.`, { field: "price" });
      if (!(await findConnection(tx, caller.accountId))) throw unprocessable("Connect the account's PayPal before setting prices.", { field: "price", reason: "payments_not_connected" });
    }
    const minor = (value: string | null, field: string) => (value === null || !input.currency ? null : parseMoney(value, input.currency, field).minor || null);
    await updatePage(tx, caller.accountId, page.id, {
      currency: input.currency,
      price_minor: minor(input.price, "price"),
      package_session_price_minor: minor(input.packageSessionPrice, "packageSessionPrice"),
      reschedule_fee_minor: minor(input.rescheduleFee, "rescheduleFee"),
      refund_policy: input.refundPolicy,
      updated_at: ctx.clock.now(),
    });
    for (const [id, price] of Object.entries(input.eventTypePrices ?? {})) {
      if (!(await setEventTypePrice(tx, caller.accountId, page.id, id, minor(price, `eventTypePrices.${id}`)))) throw invalid(`eventTypePrices.${id}`, `not an event type of booking page ${page.slug}`);
    }
  });
  return getPagePayments(ctx, caller, pageId);
}
