import { findPage } from "../store/pages-repo.js";
import { applyTransition, createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { addMinutes, meetingLength, answersOf, atTime, sameBookingAs } from "./booking-rules.js";
import type { AppContext, Caller } from "./context.js";
import { loadForAction, requireReason, requireStart, userActor } from "./load-for-action.js";
import { assertStaffMayBook } from "./staff-time-check.js";

/**
 * A user reschedules on the customer's behalf: the original becomes "Canceled (Reschedule
 * requested by user)" and a new, related booking "Rescheduled (Initiated by user)" is made at
 * `start` with the same host, page and customer (and optionally another event type of the page).
 */
export async function rescheduleBooking(ctx: AppContext, caller: Caller, id: string, body: { reason?: string; start?: Date; eventTypeId?: string; expectedVersion?: number; override?: boolean }) {
  const reason = requireReason(body.reason);
  const start = requireStart(body.start);
  return inTransaction(ctx, async (tx) => {
    const a = await loadForAction(tx, caller, id, "reschedule", { kind: "reschedule" }, body.expectedVersion);
    const page = (await findPage(tx, a.account_id, a.booking_page_id!))!;
    const { minutes, eventType } = await meetingLength(tx, page, body.eventTypeId ?? a.event_type_id);
    const end = addMinutes(start, minutes);
    await assertStaffMayBook(tx, { page, host: { id: a.owner_id!, name: a.owner_name ?? "the host" }, start, end, now: ctx.clock.now(), override: body.override, ignoreActivityId: a.id });
    const original = await applyTransition(tx, ctx, {
      activity: a,
      transition: { kind: "reschedule" },
      action: "reschedule",
      actor: userActor(caller),
      reason,
      changes: { reschedule_request: { eventType: body.eventTypeId && body.eventTypeId !== a.event_type_id ? "any" : "same", reason } },
      data: { newStart: start.toISOString() },
    });
    const { activity: created, manageToken } = await createBooking(tx, ctx, {
      accountId: a.account_id,
      origin: "user-reschedules-on-behalf",
      actor: userActor(caller),
      reason,
      relatedFrom: { id: a.id, kind: "rescheduled_as" },
      fields: {
        ...sameBookingAs(a),
        event_type_id: eventType?.id ?? a.event_type_id,
        event_type_name: eventType?.name ?? a.event_type_name,
        ...atTime(start, end, answersOf(a), reason),
      },
    });
    return { activity: original, created, manageLink: manageLink(ctx, manageToken) };
  });
}
