import { randomUUID } from "node:crypto";
import { DomainError, notFound, unprocessable } from "../../domain/errors.js";
import { formatDecimal, type Money } from "../../domain/money.js";
import type { ActivityRow } from "../../store/activities-repo.js";
import { finishCheckout, insertCheckout, setCheckoutOrder, type NewCheckout } from "../../store/checkouts-repo.js";
import type { Tx } from "../../store/database.js";
import { findPage, findPageForBooking, type PageForBooking } from "../../store/pages-repo.js";
import { deleteCheckoutHolds, insertHolds, lockHost } from "../../store/scheduling-repo.js";
import { inTransaction } from "../activity-writes.js";
import { chooseHost } from "../assign-host.js";
import { planPackage } from "../book-package.js";
import { addMinutes, assertAnswers, assertCustomerMayBook, meetingLength, meetingLengthOn, type CustomerInput, type PageRow } from "../booking-rules.js";
import type { AppContext } from "../context.js";
import { assertCustomerMay, activityForToken } from "../manage-link.js";
import { assertWithinPolicy } from "../customer-policy.js";
import { gatewayFor, providerCall } from "./gateway-access.js";
import { bookingPrice, packagePrice, rescheduleFee } from "./prices.js";

/** How long a customer's time is held while they are at PayPal. */
export const CHECKOUT_HOLD_MINUTES = 15;

export interface CheckoutInput {
  /** One meeting; or `starts` for a session package. */
  start?: Date;
  starts?: Date[];
  customer: CustomerInput;
  answers?: Record<string, string>;
  eventTypeId?: string;
  hostId?: string;
}

export interface StartedCheckout {
  checkoutId: string;
  approveUrl: string;
  amount: Money;
  expiresAt: string;
}

/**
 * A customer books on a paid page: their time is checked as for a free booking and held for
 * CHECKOUT_HOLD_MINUTES (a hold nobody else can book over), then a PayPal order is created and the
 * customer is sent to approve it. Nothing is booked until the payment is captured
 * (complete-checkout.ts); an abandoned checkout frees the time when its hold runs out.
 */
export async function startCheckout(ctx: AppContext, slug: string, input: CheckoutInput): Promise<StartedCheckout> {
  const prepared = await inTransaction(ctx, async (tx) => {
    const page = await findPageForBooking(tx, slug, { lockHostId: input.hostId });
    if (!page) throw notFound("Booking page", slug);
    const plan = input.starts ? planPaidPackage(page, { ...input, starts: input.starts }) : planMeeting(page, input);
    if (!plan.price) throw unprocessable(`Booking page ${slug} is free for this: book with POST /api/v1/public/pages/${slug}/${input.starts ? "packages" : "bookings"}.`, { reason: "free" });
    const now = ctx.clock.now();
    const hostId = await chooseHost(tx, page, page.hosts.map((h) => h.id), plan.times, now, input.hostId);
    for (const t of plan.times) await assertCustomerMayBook(tx, page, hostId, t.start, t.end, now, { hostLocked: page.locked_host_id === hostId });
    const checkout = await holdCheckout(tx, {
      page,
      purpose: input.starts ? "package" : "booking",
      hostId,
      eventTypeId: plan.eventType?.id ?? null,
      times: plan.times,
      customer: input.customer,
      answers: input.answers ?? null,
      movesActivityId: null,
      price: plan.price,
      now,
    });
    return { checkout, page };
  });
  return sendToPayPal(ctx, prepared.page, prepared.checkout);
}

/**
 * The customer reschedules on a page that charges for it: the new time is held while they pay
 * the fee; the booking moves when the fee is captured.
 */
export async function startRescheduleCheckout(ctx: AppContext, token: string, input: { start: Date; eventTypeId?: string }): Promise<StartedCheckout> {
  const prepared = await inTransaction(ctx, async (tx) => {
    const a = await activityForToken(tx, token);
    await assertCustomerMay(tx, a, "reschedule");
    const now = ctx.clock.now();
    await assertWithinPolicy(tx, a, now, "reschedule");
    if (a.status === "Canceled") throw unprocessable(`${a.id} was canceled; reschedule it from its link without a fee.`, { reason: "free" });
    const page = (await findPage(tx, a.account_id, a.booking_page_id!))!;
    const fee = rescheduleFee(page);
    if (!fee || page.mode !== "automatic") throw unprocessable(`Rescheduling on booking page ${page.slug} is free: use POST /api/v1/public/manage/{token}/reschedule.`, { reason: "free" });
    const { minutes, eventType } = await meetingLength(tx, page, input.eventTypeId ?? a.event_type_id);
    const end = addMinutes(input.start, minutes);
    await assertCustomerMayBook(tx, page, a.owner_id!, input.start, end, now, { ignoreActivityId: a.id });
    const checkout = await holdCheckout(tx, {
      page,
      purpose: "reschedule",
      hostId: a.owner_id!,
      eventTypeId: eventType?.id ?? a.event_type_id,
      times: [{ start: input.start, end }],
      customer: customerOf(a),
      answers: null,
      movesActivityId: a.id,
      price: fee,
      now,
    });
    return { checkout, page };
  });
  return sendToPayPal(ctx, prepared.page, prepared.checkout);
}

function planPaidPackage(page: PageForBooking, input: CheckoutInput & { starts: Date[] }) {
  const plan = planPackage(page, input);
  return { ...plan, price: packagePrice(page, plan.eventType, plan.times.length) };
}

function planMeeting(page: PageForBooking, input: CheckoutInput) {
  if (!input.start) throw new DomainError("validation_failed", "start: choose a time (or starts, for a package)", { field: "start" });
  if (page.mode !== "automatic") throw unprocessable(`Booking page ${page.slug} takes booking requests; it does not take payments.`, { mode: page.mode });
  assertAnswers(page, input.answers);
  const { minutes, eventType } = meetingLengthOn(page, input.eventTypeId);
  return { times: [{ start: input.start, end: addMinutes(input.start, minutes) }], eventType, price: bookingPrice(page, eventType) };
}

interface HoldInput {
  page: PageRow;
  purpose: NewCheckout["purpose"];
  hostId: string;
  eventTypeId: string | null;
  times: { start: Date; end: Date }[];
  customer: CustomerInput;
  answers: Record<string, string> | null;
  movesActivityId: string | null;
  price: Money;
  now: Date;
}

/** Writes the checkout and holds its times (buffers included) for the host, under the host's lock. */
async function holdCheckout(tx: Tx, h: HoldInput): Promise<NewCheckout> {
  const checkout: NewCheckout = {
    id: randomUUID(),
    account_id: h.page.account_id,
    booking_page_id: h.page.id,
    purpose: h.purpose,
    host_id: h.hostId,
    event_type_id: h.eventTypeId,
    starts: h.times.map((t) => t.start.toISOString()),
    duration_minutes: (h.times[0].end.getTime() - h.times[0].start.getTime()) / 60_000,
    customer: { name: h.customer.name, email: h.customer.email, phone: h.customer.phone ?? null, timeZone: h.customer.timeZone ?? null },
    answers: h.answers,
    moves_activity_id: h.movesActivityId,
    amount_minor: h.price.minor,
    currency: h.price.currency,
    expires_at: new Date(h.now.getTime() + CHECKOUT_HOLD_MINUTES * 60_000),
    created_at: h.now,
  };
  await insertCheckout(tx, checkout);
  await placeCheckoutHolds(tx, h.page, checkout);
  return checkout;
}

/** The checkout's times, widened by the page's buffers, held for its host. */
export async function placeCheckoutHolds(tx: Tx, page: Pick<PageRow, "buffer_before_minutes" | "buffer_after_minutes">, c: Pick<NewCheckout, "id" | "account_id" | "host_id" | "starts" | "duration_minutes">) {
  await lockHost(tx, c.host_id);
  await deleteCheckoutHolds(tx, c.account_id, c.id);
  await insertHolds(
    tx,
    c.starts.map((iso) => {
      const start = new Date(iso);
      return {
        accountId: c.account_id,
        checkoutId: c.id,
        ownerId: c.host_id,
        start: addMinutes(start, -page.buffer_before_minutes),
        end: addMinutes(start, c.duration_minutes + page.buffer_after_minutes),
      };
    }),
  );
}

/** Creates the PayPal order; if PayPal cannot, the hold is let go at once and the customer told to try again. */
async function sendToPayPal(ctx: AppContext, page: PageRow, c: NewCheckout): Promise<StartedCheckout> {
  const gateway = await gatewayFor(ctx, c.account_id);
  const base = ctx.publicUrl.replace(/\/$/, "");
  const amount = { minor: c.amount_minor, currency: c.currency };
  try {
    const order = await providerCall(() =>
      gateway.createOrder({
        requestId: `order-${c.id}`,
        amount,
        description: c.purpose === "reschedule" ? `Reschedule fee: ${page.name}` : c.purpose === "package" ? `${page.name} (${c.starts.length} sessions)` : page.name,
        customId: c.id,
        brandName: page.name,
        returnUrl: `${base}/checkout/${c.id}/return`,
        cancelUrl: `${base}/checkout/${c.id}/cancel`,
      }),
    );
    await setCheckoutOrder(ctx.db, c.id, order.orderId);
    return { checkoutId: c.id, approveUrl: order.approveUrl, amount, expiresAt: c.expires_at.toISOString() };
  } catch (err) {
    await inTransaction(ctx, async (tx) => {
      await deleteCheckoutHolds(tx, c.account_id, c.id);
      await finishCheckout(tx, c.id, { state: "abandoned", finished_at: ctx.clock.now() });
    });
    throw err;
  }
}

function customerOf(a: ActivityRow): CustomerInput {
  return { name: a.customer_name ?? "", email: a.customer_email ?? "", phone: a.customer_phone, timeZone: a.customer_time_zone };
}

export const describeAmount = (m: Money) => `${formatDecimal(m)} ${m.currency}`;
