import { invalid } from "../domain/errors.js";
import { findActivity, insertRelation } from "../store/activities-repo.js";
import { findPage } from "../store/pages-repo.js";
import { applyTransition, inTransaction } from "./activity-writes.js";
import { addMinutes, meetingLength } from "./booking-rules.js";
import type { AppContext, Caller } from "./context.js";
import { loadForAction, userActor } from "./load-for-action.js";
import { assertStaffMayBook } from "./staff-time-check.js";

/**
 * Approve a booking request at a time the user picks (the customer's proposed times are offered
 * first; without `start` the earliest proposed time still ahead is used).
 */
export async function approveRequest(ctx: AppContext, caller: Caller, id: string, body: { start?: Date; expectedVersion?: number; override?: boolean }) {
  return inTransaction(ctx, async (tx) => {
    const a = await loadForAction(tx, caller, id, "approve", { kind: "approve", reschedulesBooking: false }, body.expectedVersion);
    const now = ctx.clock.now();
    const proposed = ((a.proposed_times as unknown as string[] | null) ?? []).map((t) => new Date(t));
    const start = body.start ?? proposed.find((t) => t > now);
    if (!start) throw invalid("start", "all proposed times have passed; choose a start time");
    // A request to move a booking that is still live: approving it cancels that booking (the
    // customer asked for the move) before the new time is taken, and relates the two.
    const moved = a.reschedules_id ? await findActivity(tx, a.account_id, a.reschedules_id) : undefined;
    if (moved && (moved.status === "Scheduled" || moved.status === "Rescheduled")) {
      await applyTransition(tx, ctx, {
        activity: moved,
        transition: { kind: "customer-reschedule-other-page" },
        action: "customer-reschedule",
        actor: { type: "customer", id: null, name: moved.customer_name },
        data: { approvedRequest: a.id, approvedBy: caller.name },
      });
      await insertRelation(tx, a.account_id, moved.id, a.id, "rescheduled_as", now);
    }
    const page = (await findPage(tx, a.account_id, a.booking_page_id!))!;
    const { minutes } = await meetingLength(tx, page, a.event_type_id);
    const end = addMinutes(start, minutes);
    await assertStaffMayBook(tx, { page, host: { id: a.owner_id!, name: a.owner_name ?? "the host" }, start, end, now, override: body.override, ignoreActivityId: a.id });
    return applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "approve", reschedulesBooking: a.reschedules_id !== null },
      action: "approve",
      actor: userActor(caller),
      changes: { start_at: start, end_at: end },
      data: { start: start.toISOString(), proposed: proposed.some((p) => p.getTime() === start.getTime()) },
    });
  });
}
