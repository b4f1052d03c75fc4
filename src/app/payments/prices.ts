import { DomainError } from "../../domain/errors.js";
import { formatDecimal, money, type Money } from "../../domain/money.js";
import type { PageRow } from "../booking-rules.js";

/**
 * What a booking page charges: its price, an event type's own price, a package's price per
 * session, and a fee to reschedule — all in the page's currency, in minor units. A price of
 * nothing (or zero) is free: the customer books without a checkout.
 */
type Priced = Pick<PageRow, "currency" | "price_minor" | "package_session_price_minor" | "reschedule_fee_minor">;

const charge = (minor: number | null | undefined, currency: string | null): Money | null => (currency && minor ? money(minor, currency) : null);

/** One meeting (of `eventType` when chosen; its own price wins over the page's). */
export function bookingPrice(page: Priced, eventType: { price_minor?: number | null } | null): Money | null {
  return charge(eventType?.price_minor ?? page.price_minor, page.currency);
}

/** A package of `sessions`: the per-session package price, else the meeting's price, times the sessions. */
export function packagePrice(page: Priced, eventType: { price_minor?: number | null } | null, sessions: number): Money | null {
  const each = page.package_session_price_minor ?? eventType?.price_minor ?? page.price_minor;
  return charge(each ? each * sessions : null, page.currency);
}

export function rescheduleFee(page: Priced): Money | null {
  return charge(page.reschedule_fee_minor, page.currency);
}

/** A free booking path refuses a priced one: the customer must pay through a checkout. */
export function assertFree(page: Pick<PageRow, "slug">, price: Money | null, what: string, checkout: string): void {
  if (!price) return;
  throw new DomainError("unprocessable", `Booking page ${page.slug} charges ${formatDecimal(price)} ${price.currency} for ${what}: pay with ${checkout}.`, {
    reason: "payment_required",
    amount: { value: formatDecimal(price), currency: price.currency },
  });
}

/**
 * What the customer's page shows before they book: the page's prices as decimal strings (null when
 * free), each event type's own price, a package's price per session, the reschedule fee and whether
 * a cancellation within the policy is refunded. Null for a page that charges nothing.
 */
export function publicPrices(
  page: Priced & { refund_policy: "none" | "automatic" },
  eventTypes: readonly { id: string; price_minor?: number | null }[],
): PublicPrices | null {
  const show = (minor: number | null | undefined) => (page.currency && minor ? formatDecimal(money(minor, page.currency)) : null);
  const eventTypePrices = Object.fromEntries(eventTypes.map((e) => [e.id, show(e.price_minor ?? page.price_minor)]));
  const any = [page.price_minor, page.package_session_price_minor, page.reschedule_fee_minor, ...eventTypes.map((e) => e.price_minor)].some((m) => m);
  if (!page.currency || !any) return null;
  return {
    currency: page.currency,
    price: show(page.price_minor),
    eventTypePrices,
    packageSessionPrice: show(page.package_session_price_minor ?? page.price_minor),
    rescheduleFee: show(page.reschedule_fee_minor),
    refundPolicy: page.refund_policy,
  };
}

export interface PublicPrices {
  currency: string;
  price: string | null;
  eventTypePrices: Record<string, string | null>;
  packageSessionPrice: string | null;
  rescheduleFee: string | null;
  refundPolicy: "none" | "automatic";
}
