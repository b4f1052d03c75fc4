import { forbidden } from "../domain/errors.js";
import { ALLOWED_USER_ACTIONS, isDetailedStatus, USER_ACTIONS, type UserAction } from "../domain/lifecycle.js";
import { allowedTransactionActions, TRANSACTION_ACTIONS, type TransactionAction } from "../domain/transactions.js";
import type { Db, Tx } from "../store/database.js";
import { visiblePageIds } from "../store/pages-repo.js";
import type { Caller } from "./context.js";

/** What a caller may see: admins everything; members the pages they own, edit or view, and their own bookings. */
export interface Visibility {
  all: boolean;
  pageIds: string[];
  userId: string;
}

export async function visibilityOf(conn: Db | Tx, caller: Caller): Promise<Visibility> {
  if (caller.role === "admin") return { all: true, pageIds: [], userId: caller.userId };
  return { all: false, pageIds: await visiblePageIds(conn, caller.accountId, caller.userId), userId: caller.userId };
}

/** Members never see an activity in the Trash (only admins see the Trash). */
export function canSee(v: Visibility, a: { booking_page_id: string | null; owner_id: string | null; trashed_at?: Date | null }): boolean {
  if (a.trashed_at && !v.all) return false;
  return v.all || a.owner_id === v.userId || (a.booking_page_id !== null && v.pageIds.includes(a.booking_page_id));
}

/** Changing a booking is for its host, its booking page's owner, or an admin. */
export function canChange(caller: Caller, a: { owner_id: string | null; page_owner_id: string | null }): boolean {
  return caller.role === "admin" || a.owner_id === caller.userId || a.page_owner_id === caller.userId;
}

export function assertCanChange(caller: Caller, a: { id: string; owner_id: string | null; page_owner_id: string | null }, action: string): void {
  if (!canChange(caller, a)) {
    throw forbidden(`Only the booking's host, its booking page's owner or an admin may ${action.replace(/-/g, " ")} ${a.id}.`, {
      activityId: a.id,
      action,
    });
  }
}

/**
 * The actions this caller may take on this activity now: the lifecycle table (bookings) or the
 * transaction table (payments and refunds), filtered by permission.
 */
export function actionsFor(
  caller: Caller,
  a: { type: string; detailed_status: string; owner_id: string | null; page_owner_id: string | null; refundable_minor?: number | null },
): ActivityAction[] {
  if (!canChange(caller, a)) return [];
  if (a.type === "transaction") return allowedTransactionActions(a.detailed_status, a.refundable_minor ?? 0);
  if (a.type !== "booking" || !isDetailedStatus(a.detailed_status)) return [];
  return [...ALLOWED_USER_ACTIONS[a.detailed_status]];
}

/** Every action the API names on an activity. */
export const ACTIVITY_ACTIONS = [...USER_ACTIONS, ...TRANSACTION_ACTIONS] as const;
export type ActivityAction = UserAction | TransactionAction;
