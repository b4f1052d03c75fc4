import { DomainError, notFound } from "../../domain/errors.js";
import { money } from "../../domain/money.js";
import { allowedTransactionActions, paymentType } from "../../domain/transactions.js";
import { findUser } from "../../store/accounts-repo.js";
import { findActivity, type ActivityRow } from "../../store/activities-repo.js";
import { findCheckout, finishCheckout, lockCheckout, setCheckoutExpiry } from "../../store/checkouts-repo.js";
import type { Db, Tx } from "../../store/database.js";
import { findEventType, findPage, listEventTypes, listPages } from "../../store/pages-repo.js";
import { deleteCheckoutHolds } from "../../store/scheduling-repo.js";
import type { CheckoutsTable } from "../../store/schema.js";
import type { Selectable } from "kysely";
import { createBooking, inTransaction, issueManageToken, manageLink } from "../activity-writes.js";
import { listPackageSessions } from "../../store/packages-repo.js";
import { writePackage } from "../book-package.js";
import { addMinutes, assertCustomerMayBook, atTime, bookingFields, type PageRow } from "../booking-rules.js";
import type { AppContext } from "../context.js";
import { moveOnSamePage } from "../customer-reschedule.js";
import { presentManageView } from "../get-manage-view.js";
import { customerActionsFor } from "../manage-link.js";
import type { CaptureResult } from "./gateway.js";
import { gatewayFor, providerCall } from "./gateway-access.js";
import { applyWaitingEvents } from "./paypal-events.js";
import { requestRefund } from "./refunds.js";
import { CHECKOUT_HOLD_MINUTES, placeCheckoutHolds } from "./start-checkout.js";
import { createTransaction } from "./transaction-writes.js";
import { invoiceLink, type InvoiceLink } from "./invoices.js";

type Checkout = Selectable<CheckoutsTable>;

/**
 * The customer is back from PayPal having approved (or PayPal tells us so by webhook): capture
 * the payment, then, in one transaction, make what was paid for — the booking, the package, or
 * the reschedule — and its payment (PAYMENT (SCHEDULE|RESCHEDULE), or PAYMENT PENDING while
 * PayPal reviews it), and let the hold go. A capture PayPal denies books nothing and frees the
 * time. The capture carries the checkout as PayPal-Request-Id, so a repeat (a reload, a retried
 * request, the webhook racing the customer) captures once; the checkout row decides the rest.
 */
export async function completeCheckout(ctx: AppContext, checkoutId: string, opts: { orderId?: string; accountId?: string; customerReturn?: boolean } = {}) {
  const c = await findCheckout(ctx.db, checkoutId);
  if (!c || (opts.orderId && c.paypal_order_id !== opts.orderId) || (opts.accountId && c.account_id !== opts.accountId)) throw notFound("Checkout", checkoutId);
  if (c.state === "completed") return opts.customerReturn ? returnedSummary(ctx, c) : summary(ctx.db, c);
  if (c.state === "declined" || c.state === "abandoned") {
    throw new DomainError("action_not_allowed", `This payment was ${c.state === "declined" ? "declined by PayPal" : "canceled"}; start again to book.`, { checkoutId, state: c.state });
  }
  if (!c.paypal_order_id) throw new DomainError("conflict", "This checkout has no PayPal order yet; start again.", { checkoutId, state: c.state });
  if (c.state === "expired" || c.expires_at.getTime() <= ctx.clock.now().getTime()) await retakeHold(ctx, c);

  const gateway = await gatewayFor(ctx, c.account_id);
  const capture = await providerCall(() => gateway.captureOrder(c.paypal_order_id!, `capture-${c.id}`));
  if (capture.state === "denied") {
    await inTransaction(ctx, async (tx) => {
      await deleteCheckoutHolds(tx, c.account_id, c.id);
      await finishCheckout(tx, c.id, { state: "declined", finished_at: ctx.clock.now() });
    });
    throw new DomainError("payment_declined", "PayPal declined the payment, so nothing was booked and the time is free again. Try another way to pay.", { checkoutId, reason: "payment_declined" });
  }
  return inTransaction(ctx, async (tx) => {
    const locked = (await lockCheckout(tx, c.id))!;
    if (locked.state === "completed") return summary(tx, locked);
    await deleteCheckoutHolds(tx, c.account_id, c.id);
    const page = (await findPage(tx, c.account_id, c.booking_page_id))!;
    const made = await makeWhatWasPaidFor(tx, ctx, locked, page);
    const payment = await createTransaction(tx, ctx, {
      kind: "payment",
      purpose: c.purpose === "reschedule" ? "reschedule" : "schedule",
      type: paymentType(c.purpose === "reschedule" ? "reschedule" : "schedule", capture.state),
      forActivity: made.paidFor,
      amount: capture.amount,
      state: capture.state === "completed" ? "completed" : "pending",
      payer: capture.payer,
      paypal: { orderId: c.paypal_order_id, captureId: capture.captureId },
      requestId: `capture-${c.id}`,
      actor: { type: "customer", id: null, name: c.customer.name },
      action: "payment-captured",
    });
    await applyWaitingEvents(tx, ctx, c.account_id, capture.captureId);
    await finishCheckout(tx, c.id, { state: "completed", finished_at: ctx.clock.now(), result_activity_id: made.paidFor.id, payment_activity_id: payment.id });
    return { ...withInvoice(made, payment), state: "completed" as const, checkoutId: c.id, transactionId: payment.id, transactionType: payment.detailed_status, paidFor: made.paidFor.id };
  }).catch((err) => recoverCapturedReschedule(ctx, c, capture, err));
}

/**
 * The confirmation offers the invoice under the customer's new manage link (a package: its first
 * session's). A reschedule fee's confirmation has no new link; its manage view lists the invoice.
 */
function withInvoice(made: Awaited<ReturnType<typeof makeWhatWasPaidFor>>, payment: ActivityRow) {
  const link = made.manageToken ? paymentInvoice(made.manageToken, payment) : null;
  if (!link) return made.answer;
  const answer = made.answer as typeof made.answer & { activity?: { invoices: InvoiceLink[] } };
  return { ...made.answer, ...(answer.activity ? { activity: { ...answer.activity, invoices: [link] } } : {}), invoiceUrl: link.url };
}

/** The payment's invoice under a manage token, when its row offers `download-invoice`. */
function paymentInvoice(token: string, payment: ActivityRow): InvoiceLink | null {
  if (!allowedTransactionActions(payment.detailed_status, 0).includes("download-invoice")) return null;
  return invoiceLink(token, payment, { kind: "payment", amount_minor: payment.amount_minor!, currency: payment.currency! });
}

/** The booking, package or reschedule the checkout paid for, and what the customer is shown of it. */
async function makeWhatWasPaidFor(tx: Tx, ctx: AppContext, c: Checkout, page: PageRow) {
  const starts = c.starts.map((s) => new Date(s));
  const eventType = c.event_type_id ? ((await findEventType(tx, c.account_id, c.event_type_id)) ?? null) : null;
  if (c.purpose === "reschedule") {
    const a = (await findActivity(tx, c.account_id, c.moves_activity_id!))!;
    const moved = await moveOnSamePage(tx, ctx, a, page, starts[0], c.event_type_id, { held: true });
    return { paidFor: moved, manageToken: null, answer: { bookingId: moved.id } };
  }
  const host = (await findUser(tx, c.account_id, c.host_id))!;
  if (c.purpose === "package") {
    const times = starts.map((start) => ({ start, end: addMinutes(start, c.duration_minutes) }));
    const { pkg, sessions } = await writePackage(tx, ctx, { page, host, customer: c.customer, eventType, times, answers: c.answers });
    return { paidFor: pkg, manageToken: sessions[0]?.manageToken ?? null, answer: { packageId: pkg.id, sessions } };
  }
  const { activity, manageToken } = await createBooking(tx, ctx, {
    accountId: c.account_id,
    origin: "customer-books",
    actor: { type: "customer", id: null, name: c.customer.name },
    newCustomer: c.customer,
    fields: { ...bookingFields(page, host, null, c.customer, eventType), ...atTime(starts[0], addMinutes(starts[0], c.duration_minutes), c.answers) },
    data: { checkout: c.id },
  });
  const view = await customerView(tx, activity, page);
  return { paidFor: activity, manageToken, answer: { bookingId: activity.id, activity: view, manageLink: manageLink(ctx, manageToken) } };
}

/** The booking as its manage page shows it (the confirmation's `activity`). */
async function customerView(tx: Tx, activity: ActivityRow, page: PageRow) {
  const [eventTypes, pages] = await Promise.all([listEventTypes(tx, activity.account_id, page.id), listPages(tx, activity.account_id)]);
  return presentManageView(activity, page, await customerActionsFor(tx, activity), eventTypes, pages.filter((p) => p.id !== page.id && p.mode === "automatic"));
}

/** A checkout finished earlier (a repeat of the same request): what was made, without new links. */
async function summary(conn: Db | Tx, c: Checkout) {
  const payment = c.payment_activity_id ? await findActivity(conn, c.account_id, c.payment_activity_id) : undefined;
  const key = c.purpose === "package" ? "packageId" : "bookingId";
  return { state: "completed" as const, checkoutId: c.id, [key]: c.result_activity_id, transactionId: c.payment_activity_id, transactionType: payment?.detailed_status ?? null, paidFor: c.result_activity_id };
}

/** How long after completion the customer's return address still hands out fresh links. */
const RETURN_LINKS_HOURS = 24;

/**
 * The customer is back from PayPal but the checkout was completed already — usually by PayPal's
 * approval webhook racing the browser, or a reload of the confirmation. The first answer's links
 * went nowhere, and manage tokens are stored only as hashes, so fresh ones are issued to the holder
 * of the checkout's return address (the same trust the first answer had), for a day.
 */
async function returnedSummary(ctx: AppContext, c: Checkout) {
  const fresh = c.finished_at && ctx.clock.now().getTime() - c.finished_at.getTime() < RETURN_LINKS_HOURS * 3_600_000;
  if (!fresh || c.purpose === "reschedule" || !c.result_activity_id) return summary(ctx.db, c);
  return inTransaction(ctx, async (tx) => {
    const base = await summary(tx, c);
    const payment = c.payment_activity_id ? await findActivity(tx, c.account_id, c.payment_activity_id) : undefined;
    const invoiceFor = (token: string) => {
      const link = payment ? paymentInvoice(token, payment) : null;
      return link ? { invoiceUrl: link.url } : {};
    };
    if (c.purpose === "package") {
      const sessions = [];
      for (const s of await listPackageSessions(tx, c.account_id, c.result_activity_id!)) {
        const token = await issueManageToken(tx, c.account_id, s.id);
        sessions.push({ activityId: s.id, start: s.start_at!.toISOString(), end: s.end_at!.toISOString(), manageLink: manageLink(ctx, token), manageToken: token });
      }
      return { ...base, sessions, ...(sessions[0] ? invoiceFor(sessions[0].manageToken) : {}) };
    }
    const activity = (await findActivity(tx, c.account_id, c.result_activity_id!))!;
    const page = (await findPage(tx, c.account_id, activity.booking_page_id!))!;
    const token = await issueManageToken(tx, c.account_id, activity.id);
    return { ...base, activity: await customerView(tx, activity, page), manageLink: manageLink(ctx, token), ...invoiceFor(token) };
  });
}

/** The hold ran out before the customer came back: hold the time again if nobody took it meanwhile. */
async function retakeHold(ctx: AppContext, c: Checkout) {
  const taken = await inTransaction(ctx, async (tx) => {
    const page = (await findPage(tx, c.account_id, c.booking_page_id))!;
    await deleteCheckoutHolds(tx, c.account_id, c.id);
    const now = ctx.clock.now();
    try {
      for (const s of c.starts) {
        const start = new Date(s);
        await assertCustomerMayBook(tx, page, c.host_id, start, addMinutes(start, c.duration_minutes), now, { ignoreActivityId: c.moves_activity_id ?? undefined });
      }
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await finishCheckout(tx, c.id, { state: "expired", finished_at: now });
      return err;
    }
    await placeCheckoutHolds(tx, page, c);
    await setCheckoutExpiry(tx, c.id, new Date(now.getTime() + CHECKOUT_HOLD_MINUTES * 60_000));
    return null;
  });
  if (taken) {
    throw new DomainError("slot_unavailable", "Your time was held for 15 minutes and has been taken since; you were not charged. Pick another time.", { checkoutId: c.id, reason: taken.details.reason ?? "busy" });
  }
}

/**
 * Money was captured for a reschedule the booking can no longer take (the customer canceled it in
 * another tab meanwhile): the payment is recorded on the booking and refunded in full at once.
 */
async function recoverCapturedReschedule(ctx: AppContext, c: Checkout, capture: CaptureResult, err: unknown): Promise<never> {
  if (!(err instanceof DomainError) || c.purpose !== "reschedule" || capture.state !== "completed") throw err;
  await inTransaction(ctx, async (tx) => {
    const locked = (await lockCheckout(tx, c.id))!;
    if (locked.state !== "open" && locked.state !== "expired") return;
    const booking = (await findActivity(tx, c.account_id, c.moves_activity_id!)) as ActivityRow;
    const payment = await createTransaction(tx, ctx, {
      kind: "payment", purpose: "reschedule", type: paymentType("reschedule", "completed"), forActivity: booking, amount: capture.amount,
      state: "completed", payer: capture.payer, paypal: { orderId: c.paypal_order_id, captureId: capture.captureId }, requestId: `capture-${c.id}`,
      actor: { type: "customer", id: null, name: c.customer.name }, action: "payment-captured",
    });
    await requestRefund(tx, ctx, { payment, amount: money(capture.amount.minor, capture.amount.currency), origin: "cancellation", reason: `The reschedule could not be made: ${err.message}`, actor: { type: "system", id: null, name: "Bookstream" } });
    await finishCheckout(tx, c.id, { state: "declined", finished_at: ctx.clock.now(), result_activity_id: booking.id, payment_activity_id: payment.id });
  });
  throw new DomainError(err.code, `${err.message} The reschedule fee you paid is being refunded in full.`, { ...err.details, refunded: true });
}
