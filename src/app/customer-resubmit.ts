import { findPage } from "../store/pages-repo.js";
import type { Tx } from "../store/database.js";
import type { ActivityRow } from "../store/activities-repo.js";
import { applyTransition, createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { proposing, answersOf, sameBookingAs } from "./booking-rules.js";
import type { AppContext } from "./context.js";
import { assertWithinPolicy } from "./customer-policy.js";
import { activityForToken, assertCustomerMay, customerActor } from "./manage-link.js";
import { checkProposedTimes } from "./request-on-public-page.js";
import type { CreationOrigin } from "../domain/lifecycle.js";

/**
 * The customer submits new proposed times:
 * - for their own pending request: it becomes "Canceled (By customer)" and a related new request
 *   "Requested (By customer)" is made;
 * - after the user asked for new times: a related new request "Requested (Initiated by user)".
 */
export async function customerResubmit(ctx: AppContext, token: string, body: { proposedTimes: Date[] }) {
  return inTransaction(ctx, async (tx) => {
    const a = await activityForToken(tx, token);
    await assertCustomerMay(tx, a, "resubmit");
    await assertWithinPolicy(tx, a, ctx.clock.now(), "resubmit");
    const page = (await findPage(tx, a.account_id, a.booking_page_id!))!;
    const { times } = await checkProposedTimes(tx, ctx, page, body.proposedTimes, a.event_type_id, { hostId: a.owner_id ?? undefined, ignoreActivityId: a.id });
    let origin: CreationOrigin = "customer-resubmits-after-user-request";
    if (a.status === "Requested") {
      await applyTransition(tx, ctx, { activity: a, transition: { kind: "customer-resubmit" }, action: "customer-resubmit", actor: customerActor(a) });
      origin = "customer-resubmits-own-request";
    }
    return newRequestFrom(tx, ctx, a, origin, times);
  });
}

async function newRequestFrom(tx: Tx, ctx: AppContext, a: ActivityRow, origin: CreationOrigin, times: Date[]) {
  const { activity, manageToken } = await createBooking(tx, ctx, {
    accountId: a.account_id,
    origin,
    actor: customerActor(a),
    relatedFrom: { id: a.id, kind: "resubmitted_as" },
    fields: {
      ...sameBookingAs(a),
      ...proposing(times, answersOf(a), a.reschedules_id),
    },
  });
  return { activityId: activity.id, accountId: a.account_id, manageLink: manageLink(ctx, manageToken), manageToken };
}
