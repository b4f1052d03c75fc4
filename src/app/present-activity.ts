import type { StreamRow } from "../store/activities-repo.js";
import type { RelationKind } from "../store/schema.js";
import { utcIso } from "../domain/zone-clock.js";
import { formatDecimal } from "../domain/money.js";
import type { Caller } from "./context.js";
import { actionsFor } from "./permissions.js";
import { deletesAt, trashActionsFor } from "../domain/trash.js";

/**
 * The API's view of an activity (a stream row). `actions` are what this caller may do now.
 * `movers`: users' names by ID, for who moved a trashed activity to the Trash.
 */
export function presentActivity(a: StreamRow, caller: Caller, movers: ReadonlyMap<string, string> = new Map()) {
  // A booking or package whose payment was deleted permanently loses its booking page link (the seed).
  const page = a.payment_purged_at ? null : a.booking_page_id;
  return {
    id: a.id,
    type: a.type,
    status: a.status,
    detailedStatus: a.detailed_status,
    bookingPage: page ? { id: page, name: a.page_name ?? "", slug: a.page_slug ?? "" } : null,
    eventType: a.event_type_id ? { id: a.event_type_id, name: a.event_type_name ?? "" } : null,
    owner: a.owner_id ? { id: a.owner_id, name: a.owner_name ?? "" } : null,
    customer: {
      id: a.customer_id,
      name: a.customer_name,
      email: a.customer_email,
      phone: a.customer_phone,
      timeZone: a.customer_time_zone,
    },
    start: iso(a.start_at),
    end: iso(a.end_at),
    proposedTimes: (a.proposed_times as unknown as string[] | null) ?? null,
    reason: a.reason,
    sessions: a.type === "package" && a.session_count !== null ? { count: a.session_count, firstStart: iso(a.sessions_first_start), lastStart: iso(a.sessions_last_start) } : null,
    amount: a.amount_minor != null && a.currency ? { value: formatDecimal({ minor: a.amount_minor, currency: a.currency }), currency: a.currency, minor: a.amount_minor } : null,
    createdAt: iso(a.created_at)!,
    updatedAt: iso(a.updated_at)!,
    actions: a.trashed_at ? [] : actionsFor(caller, a),
    /** In the Trash since, by whom, and when it is deleted permanently (30 days on); null when not in the Trash. */
    trash: a.trashed_at
      ? {
          trashedAt: iso(a.trashed_at)!,
          trashedBy: a.trashed_by ? { id: a.trashed_by, name: movers.get(a.trashed_by) ?? "" } : null,
          deletesAt: iso(deletesAt(new Date(a.trashed_at)))!,
        }
      : null,
    trashActions: trashActionsFor(caller.role, a.trashed_at ? new Date(a.trashed_at) : null),
    paymentDeleted: Boolean(a.payment_purged_at),
  };
}
export type ActivityView = ReturnType<typeof presentActivity>;

/** How the other activity relates to the one being viewed. */
export function relationLabel(kind: RelationKind, viewedIsFrom: boolean): string {
  const names: Record<RelationKind, [string, string]> = {
    rescheduled_as: ["rescheduled_as", "rescheduled_from"],
    resubmitted_as: ["resubmitted_as", "resubmitted_from"],
    package_session: ["session", "package"],
    payment: ["payment", "paid_for"],
    refund: ["refund", "refund_of"],
  };
  return names[kind][viewedIsFrom ? 0 : 1];
}

/**
 * An instant as the API writes it (2027-03-14T16:00:00.000Z). Through utcIso: a stream page has
 * 200 of them, and Date's toISOString (~0.4 µs each) was most of the cost of presenting a page.
 */
export const iso = (d: Date | string | null | undefined) => (d ? utcIso(d instanceof Date ? d.getTime() : Date.parse(d)) : null);
