import { invalid, notFound } from "../domain/errors.js";
import { findUser } from "../store/accounts-repo.js";
import { findPage } from "../store/pages-repo.js";
import { createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { addMinutes, bookingFields, meetingLength, reserveHostTime, saveCustomer, type CustomerInput } from "./booking-rules.js";
import type { AppContext, Caller } from "./context.js";
import { canSee, visibilityOf } from "./permissions.js";
import { userActor } from "./load-for-action.js";

export interface BookOnBehalfInput {
  bookingPageId: string;
  start: Date;
  customer: CustomerInput;
  ownerId?: string;
  eventTypeId?: string;
  answers?: Record<string, string>;
}

/**
 * A user schedules for a customer (e.g. on a call). It is the booking the customer would have
 * made on the page, so it starts "Scheduled (By customer)"; the history names the user.
 * Users are not bound by open hours or notice, but the host must be free.
 */
export async function bookOnBehalf(ctx: AppContext, caller: Caller, input: BookOnBehalfInput) {
  return inTransaction(ctx, async (tx) => {
    const page = await findPage(tx, caller.accountId, input.bookingPageId);
    if (!page) throw notFound("Booking page", input.bookingPageId);
    const vis = await visibilityOf(tx, caller);
    if (!canSee(vis, { booking_page_id: page.id, owner_id: null })) throw notFound("Booking page", input.bookingPageId);
    const owner = await findUser(tx, caller.accountId, input.ownerId ?? page.owner_id);
    if (!owner) throw invalid("ownerId", `no user ${input.ownerId} in this account`);
    const { minutes, eventType } = await meetingLength(tx, page, input.eventTypeId);
    const end = addMinutes(input.start, minutes);
    await reserveHostTime(tx, caller.accountId, owner.id, input.start, end);
    const customerId = await saveCustomer(tx, caller.accountId, input.customer);
    const { activity, manageToken } = await createBooking(tx, ctx, {
      accountId: caller.accountId,
      origin: "user-books-on-behalf",
      actor: userActor(caller),
      fields: {
        ...bookingFields(page, owner, customerId, input.customer, eventType),
        start_at: input.start,
        end_at: end,
        proposed_times: null,
        latest_proposed_at: null,
        reschedules_id: null,
        reschedule_request: null,
        reason: null,
        answers: input.answers ?? null,
      },
    });
    return { activityId: activity.id, manageLink: manageLink(ctx, manageToken) };
  });
}
