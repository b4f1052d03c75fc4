import { DomainError, notFound } from "../../domain/errors.js";
import { countLiveBookingsOf, markPageDeleted, masterPagesRoutingTo } from "../../store/page-settings-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { pageFor } from "../manage-booking-pages.js";

/**
 * Deletes a booking page (its owner or an admin). Refused while it has live bookings (meetings to
 * come, open requests: cancel or move them first) or while a master page routes to it. The page
 * stays as a row for its past activities and frees its address; its public link stops working.
 */
export async function deleteBookingPage(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, id, "manage");
    const live = await countLiveBookingsOf(tx, caller.accountId, { pageId: page.id }, ctx.clock.now());
    if (live > 0) {
      throw new DomainError(
        "conflict",
        `${page.name} has ${live} live booking${live === 1 ? "" : "s"} (meetings to come or open requests); cancel or move ${live === 1 ? "it" : "them"} before deleting the page.`,
        { reason: "live_bookings", liveBookings: live, bookingPageId: page.id },
      );
    }
    const masters = await masterPagesRoutingTo(tx, caller.accountId, page.id);
    if (masters.length > 0) {
      throw new DomainError("conflict", `Master page${masters.length === 1 ? "" : "s"} ${masters.map((m) => m.name).join(", ")} route${masters.length === 1 ? "s" : ""} to ${page.name}; remove it there first.`, {
        reason: "master_pages", masterPages: masters,
      });
    }
    if (!(await markPageDeleted(tx, caller.accountId, page.id, ctx.clock.now()))) throw notFound("Booking page", id);
  });
}
