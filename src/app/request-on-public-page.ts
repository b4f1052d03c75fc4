import { invalid, notFound, unprocessable } from "../domain/errors.js";
import { findUser } from "../store/accounts-repo.js";
import { findPageBySlug } from "../store/pages-repo.js";
import { createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { addMinutes, assertAnswers, assertCustomerMayBook, bookingFields, meetingLength, saveCustomer, type CustomerInput, type PageRow, proposing } from "./booking-rules.js";
import type { AppContext } from "./context.js";
import type { Tx } from "../store/database.js";

export interface PublicRequestInput {
  proposedTimes: Date[];
  customer: CustomerInput;
  answers?: Record<string, string>;
  eventTypeId?: string;
}

/**
 * Checks proposed times (as many as the page requires, no duplicates, each a free slot of the
 * host) and returns them sorted. `ignoreActivityId`: a request being replaced keeps no hold.
 */
export async function checkProposedTimes(
  tx: Tx,
  ctx: AppContext,
  page: PageRow,
  times: Date[],
  eventTypeId?: string | null,
  opts: { hostId?: string; ignoreActivityId?: string } = {},
) {
  if (times.length === 0) throw invalid("proposedTimes", "propose at least one time");
  if (times.length < page.proposals_required) {
    throw invalid("proposedTimes", `booking page ${page.slug} needs ${page.proposals_required} proposed times; ${times.length} given`);
  }
  const unique = [...new Set(times.map((t) => t.getTime()))].sort((a, b) => a - b).map((t) => new Date(t));
  if (unique.length !== times.length) throw invalid("proposedTimes", "the same time is proposed twice");
  const { minutes, eventType } = await meetingLength(tx, page, eventTypeId);
  for (const t of unique) {
    await assertCustomerMayBook(tx, page, opts.hostId ?? page.owner_id, t, addMinutes(t, minutes), ctx.clock.now(), { ignoreActivityId: opts.ignoreActivityId });
  }
  return { times: unique, minutes, eventType };
}

/** A customer proposes times on a booking-with-approval page: a booking request. */
export async function requestOnPublicPage(ctx: AppContext, slug: string, input: PublicRequestInput) {
  return inTransaction(ctx, async (tx) => {
    const page = await findPageBySlug(tx, slug);
    if (!page) throw notFound("Booking page", slug);
    if (page.mode !== "approval") {
      throw unprocessable(`Booking page ${slug} books automatically: book a time with POST /api/v1/public/pages/${slug}/bookings.`, { mode: page.mode });
    }
    assertAnswers(page, input.answers);
    const { times, eventType } = await checkProposedTimes(tx, ctx, page, input.proposedTimes, input.eventTypeId);
    const owner = (await findUser(tx, page.account_id, page.owner_id))!;
    const customerId = await saveCustomer(tx, page.account_id, input.customer);
    const { activity, manageToken } = await createBooking(tx, ctx, {
      accountId: page.account_id,
      origin: "customer-requests",
      actor: { type: "customer", id: null, name: input.customer.name },
      fields: {
        ...bookingFields(page, owner, customerId, input.customer, eventType),
        ...proposing(times, input.answers ?? null),
      },
    });
    return { activityId: activity.id, accountId: page.account_id, manageLink: manageLink(ctx, manageToken), manageToken };
  }, { genericPlans: true });
}
