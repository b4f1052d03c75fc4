import { notFound, unprocessable } from "../domain/errors.js";
import { findUser } from "../store/accounts-repo.js";
import { findPageBySlug } from "../store/pages-repo.js";
import { createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { chooseHost } from "./assign-host.js";
import { addMinutes, assertAnswers, assertCustomerMayBook, bookingFields, meetingLength, saveCustomer, type CustomerInput, atTime } from "./booking-rules.js";
import type { AppContext } from "./context.js";

export interface PublicBookingInput {
  start: Date;
  customer: CustomerInput;
  answers?: Record<string, string>;
  eventTypeId?: string;
  /** A team page's member the customer picked (or a master page routed to); default: round robin. */
  hostId?: string;
}

/** A customer (or anyone filling the public form for them) books a time on an automatic page. */
export async function bookOnPublicPage(ctx: AppContext, slug: string, input: PublicBookingInput) {
  return inTransaction(ctx, async (tx) => {
    const page = await findPageBySlug(tx, slug);
    if (!page) throw notFound("Booking page", slug);
    if (page.mode !== "automatic") {
      throw unprocessable(`Booking page ${slug} takes booking requests: propose times with POST /api/v1/public/pages/${slug}/requests.`, { mode: page.mode });
    }
    const { minutes, eventType } = await meetingLength(tx, page, input.eventTypeId);
    const end = addMinutes(input.start, minutes);
    assertAnswers(page, input.answers);
    const hostId = await chooseHost(tx, page, [{ start: input.start, end }], ctx.clock.now(), input.hostId);
    await assertCustomerMayBook(tx, page, hostId, input.start, end, ctx.clock.now());
    // The host is locked and free (checked above); the exclusion constraint is the final guard.
    const owner = (await findUser(tx, page.account_id, hostId))!;
    const customerId = await saveCustomer(tx, page.account_id, input.customer);
    const { activity, manageToken } = await createBooking(tx, ctx, {
      accountId: page.account_id,
      origin: "customer-books",
      actor: { type: "customer", id: null, name: input.customer.name },
      fields: {
        ...bookingFields(page, owner, customerId, input.customer, eventType),
        ...atTime(input.start, end, input.answers ?? null),
      },
    });
    return { activityId: activity.id, accountId: page.account_id, manageLink: manageLink(ctx, manageToken), manageToken };
  });
}
