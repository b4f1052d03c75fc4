import { DomainError } from "../domain/errors.js";
import { ALLOWED_CUSTOMER_ACTIONS, statusOf, type CustomerAction, type DetailedStatus } from "../domain/lifecycle.js";
import { findActivity, hasOutgoingRelation, type ActivityRow } from "../store/activities-repo.js";
import type { Db, Tx } from "../store/database.js";
import { findManageToken } from "../store/pages-repo.js";
import { hashToken, type ActorInfo } from "./activity-writes.js";

/** Resolves a manage-link token to its activity; an unknown token is a plain 404. */
export async function activityForToken(conn: Db | Tx, token: string): Promise<ActivityRow> {
  const t = await findManageToken(conn, hashToken(token));
  const a = t ? await findActivity(conn, t.account_id, t.activity_id) : undefined;
  if (!a) throw new DomainError("not_found", "This link is not valid. Check that it was copied whole.", {});
  return a;
}

/** What the customer may do now; a reschedule or new-times request can be answered only once. */
export async function customerActionsFor(conn: Db | Tx, a: ActivityRow): Promise<CustomerAction[]> {
  if (a.type !== "booking") return [];
  const allowed = [...ALLOWED_CUSTOMER_ACTIONS[a.detailed_status as DetailedStatus]];
  if (statusOf(a.detailed_status as DetailedStatus) === "Canceled") {
    const kind = a.detailed_status === "Canceled (New times requested by user)" ? "resubmitted_as" : "rescheduled_as";
    if (await hasOutgoingRelation(conn, a.account_id, a.id, kind)) return [];
  }
  return allowed;
}

export async function assertCustomerMay(conn: Db | Tx, a: ActivityRow, action: CustomerAction): Promise<void> {
  if (!(await customerActionsFor(conn, a)).includes(action)) {
    const answered = statusOf(a.detailed_status as DetailedStatus) === "Canceled" && ALLOWED_CUSTOMER_ACTIONS[a.detailed_status as DetailedStatus].includes(action);
    throw new DomainError(
      "action_not_allowed",
      answered
        ? `${a.id} has already been ${action === "resubmit" ? "resubmitted" : "rescheduled"}.`
        : `You cannot ${action} ${a.id}: it is ${a.detailed_status}.`,
      { activityId: a.id, action, status: a.status, detailedStatus: a.detailed_status },
    );
  }
}

export function customerActor(a: ActivityRow): ActorInfo {
  return { type: "customer", id: null, name: a.customer_name };
}
