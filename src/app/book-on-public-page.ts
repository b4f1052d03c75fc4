import { notFound, unprocessable } from "../domain/errors.js";
import { findPageForBooking } from "../store/pages-repo.js";
import { createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { chooseHost } from "./assign-host.js";
import { addMinutes, assertAnswers, assertCustomerMayBook, bookingFields, meetingLengthOn, type CustomerInput, atTime } from "./booking-rules.js";
import type { AppContext } from "./context.js";
import { assertFree, bookingPrice } from "./payments/prices.js";
import { presentManageView } from "./get-manage-view.js";
import { customerActionsFor } from "./manage-link.js";

export interface PublicBookingInput {
  start: Date;
  customer: CustomerInput;
  answers?: Record<string, string>;
  eventTypeId?: string;
  /** A team page's member the customer picked (or a master page routed to); default: round robin. */
  hostId?: string;
}

/**
 * A customer (or anyone filling the public form for them) books a time on an automatic page.
 * Answers with the new booking's manage view, built from what the transaction read and wrote:
 * this is the busiest write, and reading the booking back would double its round trips.
 */
export async function bookOnPublicPage(ctx: AppContext, slug: string, input: PublicBookingInput) {
  return inTransaction(ctx, async (tx) => {
    const page = await findPageForBooking(tx, slug, { lockHostId: input.hostId });
    if (!page) throw notFound("Booking page", slug);
    if (page.mode !== "automatic") {
      throw unprocessable(`Booking page ${slug} takes booking requests: propose times with POST /api/v1/public/pages/${slug}/requests.`, { mode: page.mode });
    }
    const { minutes, eventType } = meetingLengthOn(page, input.eventTypeId);
    assertFree(page, bookingPrice(page, eventType), "this meeting", `POST /api/v1/public/pages/${slug}/checkouts`);
    const end = addMinutes(input.start, minutes);
    assertAnswers(page, input.answers);
    const now = ctx.clock.now();
    const hostIds = page.hosts.map((h) => h.id);
    const hostId = await chooseHost(tx, page, hostIds, [{ start: input.start, end }], now, input.hostId);
    await assertCustomerMayBook(tx, page, hostId, input.start, end, now, { hostLocked: page.locked_host_id === hostId });
    // The host is locked and free (checked above); the exclusion constraint is the final guard.
    const owner = page.hosts.find((h) => h.id === hostId)!;
    const { activity, manageToken } = await createBooking(tx, ctx, {
      accountId: page.account_id,
      origin: "customer-books",
      actor: { type: "customer", id: null, name: input.customer.name },
      newCustomer: input.customer,
      // What follows reads nothing: the booking's statement carries the COMMIT (one round trip fewer).
      lastInTransaction: true,
      fields: {
        ...bookingFields(page, owner, null, input.customer, eventType),
        ...atTime(input.start, end, input.answers ?? null),
      },
    });
    const view = presentManageView(activity, page, await customerActionsFor(tx, activity), page.event_types, page.other_pages);
    return { activityId: activity.id, accountId: page.account_id, manageLink: manageLink(ctx, manageToken), manageToken, view };
  }, { genericPlans: true });
}
