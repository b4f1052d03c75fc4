import { DomainError, invalid, notFound, unprocessable } from "../domain/errors.js";
import type { CreationOrigin } from "../domain/lifecycle.js";
import { findUser } from "../store/accounts-repo.js";
import { findPendingRescheduleRequest, type ActivityRow } from "../store/activities-repo.js";
import type { Tx } from "../store/database.js";
import { findPage, findPageBySlug } from "../store/pages-repo.js";
import type { RescheduleRequest } from "../store/schema.js";
import { applyTransition, createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { addMinutes, assertCustomerMayBook, bookingFields, meetingLength, type PageRow, atTime, proposing, answersOf } from "./booking-rules.js";
import type { AppContext } from "./context.js";
import { activityForToken, assertCustomerMay, customerActor } from "./manage-link.js";
import { assertWithinPolicy } from "./customer-policy.js";
import { checkProposedTimes } from "./request-on-public-page.js";
import { assertFree, rescheduleFee } from "./payments/prices.js";

export interface CustomerRescheduleInput {
  start?: Date;
  /** Another booking page of the same account to move to. */
  pageSlug?: string;
  eventTypeId?: string;
  /** On a booking-with-approval page the customer proposes times instead of a start. */
  proposedTimes?: Date[];
}

/**
 * The customer moves their booking from the manage link:
 * - same booking page: the same Booking ID becomes "Rescheduled (By customer)", history keeps the old time;
 * - a different booking page: the original is "Canceled (By customer)" and a related new booking
 *   "Rescheduled (By customer)" is made on that page;
 * - answering a user's reschedule request: a related new booking "Rescheduled (Initiated by user)"
 *   (same event type) or "Scheduled (By customer)" (any event type); on an approval page, a related
 *   request that becomes "Rescheduled (Approved by user)" when approved;
 * - onto a booking-with-approval page: the customer proposes times; a request "Requested (By
 *   customer)" pointing at the booking is made, and the booking keeps its time until a user
 *   approves (then it becomes "Canceled (By customer)" and the two are related).
 */
export async function customerReschedule(ctx: AppContext, token: string, input: CustomerRescheduleInput) {
  return inTransaction(ctx, async (tx) => {
    const a = await activityForToken(tx, token);
    await assertCustomerMay(tx, a, "reschedule");
    await assertWithinPolicy(tx, a, ctx.clock.now(), "reschedule");
    const original = (await findPage(tx, a.account_id, a.booking_page_id!))!;
    let target = original;
    if (input.pageSlug && input.pageSlug.toLowerCase() !== original.slug.toLowerCase()) {
      const other = await findPageBySlug(tx, input.pageSlug);
      if (!other || other.account_id !== a.account_id) throw notFound("Booking page", input.pageSlug);
      target = other;
    }
    if (a.status === "Canceled") return answerRescheduleRequest(tx, ctx, a, target, input);
    if (target.mode === "approval") return requestToMove(tx, ctx, a, target, input);
    const start = requireStartFor(target, input);
    if (target.id === original.id) {
      assertFree(original, rescheduleFee(original), "rescheduling", `POST /api/v1/public/manage/{token}/reschedule-checkout`);
      const after = await moveOnSamePage(tx, ctx, a, target, start, input.eventTypeId);
      return { activityId: after.id, accountId: a.account_id, manageLink: null as string | null, manageToken: null as string | null };
    }
    await applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "customer-reschedule-other-page" },
      action: "customer-reschedule",
      actor: customerActor(a),
      data: { toPage: target.slug },
    });
    return bookOn(tx, ctx, a, target, start, input.eventTypeId, "customer-reschedules-other-page");
  });
}

/**
 * The customer's booking moves to `start` on its own page (same Booking ID, "Rescheduled (By
 * customer)"); the customer may pick another event type of the page. Also completes a paid
 * reschedule (payments/complete-checkout.ts), whose time was held while they paid.
 */
export async function moveOnSamePage(tx: Tx, ctx: AppContext, a: ActivityRow, page: PageRow, start: Date, eventTypeId: string | null | undefined, opts: { held?: boolean } = {}) {
  const { minutes, eventType } = await meetingLength(tx, page, eventTypeId ?? a.event_type_id);
  const end = addMinutes(start, minutes);
  if (!opts.held) await assertCustomerMayBook(tx, page, a.owner_id!, start, end, ctx.clock.now(), { ignoreActivityId: a.id });
  const typeChange = eventType && eventType.id !== a.event_type_id ? { event_type_id: eventType.id, event_type_name: eventType.name } : {};
  return applyTransition(tx, ctx, {
    activity: a,
    transition: { kind: "customer-reschedule-same-page" },
    action: "customer-reschedule",
    actor: customerActor(a),
    changes: { start_at: start, end_at: end, ...typeChange },
    data: {
      previousStart: iso(a.start_at),
      previousEnd: iso(a.end_at),
      start: start.toISOString(),
      end: end.toISOString(),
      ...(typeChange.event_type_id ? { previousEventType: a.event_type_name, eventType: typeChange.event_type_name } : {}),
    },
  });
}

async function answerRescheduleRequest(tx: Tx, ctx: AppContext, a: ActivityRow, target: PageRow, input: CustomerRescheduleInput) {
  const request = a.reschedule_request as unknown as RescheduleRequest | null;
  const anyEventType = request?.eventType === "any";
  if (!anyEventType && (target.id !== a.booking_page_id || (input.eventTypeId && input.eventTypeId !== a.event_type_id))) {
    throw unprocessable(`${a.id} must be rescheduled with the same event type on booking page ${a.page_name}.`, { field: "pageSlug" });
  }
  const eventTypeId = anyEventType ? input.eventTypeId : a.event_type_id;
  if (target.mode === "approval") {
    if (!input.proposedTimes?.length) throw invalid("proposedTimes", `booking page ${target.slug} takes requests: propose times`);
    const ownerId = target.id === a.booking_page_id ? a.owner_id! : target.owner_id;
    const { times, eventType } = await checkProposedTimes(tx, ctx, target, input.proposedTimes, eventTypeId, { hostId: ownerId, ignoreActivityId: a.id });
    const owner = (await findUser(tx, target.account_id, ownerId))!;
    const { activity, manageToken } = await createBooking(tx, ctx, {
      accountId: a.account_id,
      origin: "customer-requests",
      actor: customerActor(a),
      relatedFrom: { id: a.id, kind: "rescheduled_as" },
      fields: {
        ...bookingFields(target, owner, a.customer_id!, customerOf(a), eventType),
        ...proposing(times, answersOf(a), a.id),
      },
    });
    return { activityId: activity.id, accountId: a.account_id, manageLink: manageLink(ctx, manageToken), manageToken };
  }
  const start = requireStartFor(target, input);
  return bookOn(tx, ctx, a, target, start, eventTypeId, anyEventType ? "customer-rebooks-any-event-type" : "customer-rebooks-same-event-type");
}

async function requestToMove(tx: Tx, ctx: AppContext, a: ActivityRow, target: PageRow, input: CustomerRescheduleInput) {
  if (!input.proposedTimes?.length) throw invalid("proposedTimes", `booking page ${target.slug} takes requests: propose times`);
  const pending = await findPendingRescheduleRequest(tx, a.account_id, a.id);
  if (pending) {
    throw new DomainError("action_not_allowed", `A request to move ${a.id} (${pending}) is already waiting for approval; change it from that request's link.`, {
      activityId: a.id,
      pendingRequestId: pending,
      status: a.status,
      detailedStatus: a.detailed_status,
    });
  }
  const ownerId = target.id === a.booking_page_id ? a.owner_id! : target.owner_id;
  const { times, eventType } = await checkProposedTimes(tx, ctx, target, input.proposedTimes, input.eventTypeId ?? (target.id === a.booking_page_id ? a.event_type_id : null), {
    hostId: ownerId,
    ignoreActivityId: a.id,
  });
  const owner = (await findUser(tx, a.account_id, ownerId))!;
  const { activity, manageToken } = await createBooking(tx, ctx, {
    accountId: a.account_id,
    origin: "customer-requests",
    actor: customerActor(a),
    data: { reschedules: a.id },
    fields: {
      ...bookingFields(target, owner, a.customer_id!, customerOf(a), eventType),
      ...proposing(times, answersOf(a), a.id),
    },
  });
  return { activityId: activity.id, accountId: a.account_id, manageLink: manageLink(ctx, manageToken) as string | null, manageToken: manageToken as string | null };
}

async function bookOn(tx: Tx, ctx: AppContext, a: ActivityRow, page: PageRow, start: Date, eventTypeId: string | null | undefined, origin: CreationOrigin) {
  if (page.mode !== "automatic" && origin === "customer-reschedules-other-page") {
    throw unprocessable(`Booking page ${page.slug} takes requests; it cannot be used to reschedule directly.`, { field: "pageSlug" });
  }
  const { minutes, eventType } = await meetingLength(tx, page, eventTypeId);
  const end = addMinutes(start, minutes);
  // The same page keeps the same host; another page books with that page's owner.
  const ownerId = page.id === a.booking_page_id ? a.owner_id! : page.owner_id;
  await assertCustomerMayBook(tx, page, ownerId, start, end, ctx.clock.now(), { ignoreActivityId: a.id });
  const owner = (await findUser(tx, a.account_id, ownerId))!;
  const { activity, manageToken } = await createBooking(tx, ctx, {
    accountId: a.account_id,
    origin,
    actor: customerActor(a),
    relatedFrom: { id: a.id, kind: "rescheduled_as" },
    fields: {
      ...bookingFields(page, owner, a.customer_id!, customerOf(a), eventType),
      ...atTime(start, end, answersOf(a)),
    },
  });
  return { activityId: activity.id, accountId: a.account_id, manageLink: manageLink(ctx, manageToken) as string | null, manageToken: manageToken as string | null };
}

function requireStartFor(page: PageRow, input: CustomerRescheduleInput): Date {
  if (!input.start) {
    throw new DomainError("validation_failed", "start: a new start time is required", { field: "start", pageMode: page.mode });
  }
  return input.start;
}

function customerOf(a: ActivityRow) {
  return { name: a.customer_name ?? "", email: a.customer_email ?? "", phone: a.customer_phone, timeZone: a.customer_time_zone };
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
