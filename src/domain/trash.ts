import { DomainError, unprocessable } from "./errors.js";

/**
 * The Trash, as data (the seed's "Deleting activities from the Activity stream"). Pure: no I/O.
 *
 * Moving to the Trash is for deleting personal data, not for canceling: it does not change an
 * activity's status, so these actions are not rows of the lifecycle table. They apply to every
 * activity (booking, package, transaction) in any status, and are for admins only.
 */

/** Days an activity stays in the Trash before it is deleted permanently. */
export const TRASH_RETENTION_DAYS = 30;
const RETENTION_MS = TRASH_RETENTION_DAYS * 24 * 60 * 60_000;

/** How many activities one bulk move may take (the seed: "up to 50 activities at one time"). */
export const TRASH_BULK_LIMIT = 50;

export const TRASH_ACTIONS = ["move-to-trash", "restore", "delete-permanently"] as const;
export type TrashAction = (typeof TRASH_ACTIONS)[number];

/** Where an activity is, and the Trash actions each place allows. */
export const ALLOWED_TRASH_ACTIONS: Record<"active" | "in-trash", readonly TrashAction[]> = {
  active: ["move-to-trash"],
  "in-trash": ["restore", "delete-permanently"],
};

/** The Trash actions a caller may take: admins only. */
export function trashActionsFor(role: "admin" | "member", trashedAt: Date | null): TrashAction[] {
  if (role !== "admin") return [];
  return [...ALLOWED_TRASH_ACTIONS[trashedAt === null ? "active" : "in-trash"]];
}

/** A lifecycle or payment action on an activity in the Trash: restore it first. */
export function inTrashError(a: { id: string; status: string; detailed_status: string }, action: string): DomainError {
  return new DomainError("action_not_allowed", `Cannot ${action.replace(/-/g, " ")} ${a.id}: it is in the Trash (${a.detailed_status}); restore it first.`, {
    activityId: a.id,
    action,
    status: a.status,
    detailedStatus: a.detailed_status,
    inTrash: true,
  });
}

/** When an activity trashed at `trashedAt` is deleted permanently (on the account's clock). */
export function deletesAt(trashedAt: Date): Date {
  return new Date(trashedAt.getTime() + RETENTION_MS);
}

/** Trashed at or before this instant: due for the permanent deletion now. */
export function purgeCutoff(now: Date): Date {
  return new Date(now.getTime() - RETENTION_MS);
}

export function isRestorable(trashedAt: Date, now: Date): boolean {
  return deletesAt(trashedAt).getTime() > now.getTime();
}

/** What a bulk request does, as its refusal names it. */
const BULK_VERBS = {
  move: (n: number) => `move up to ${n} activities to the Trash`,
  restore: (n: number) => `restore up to ${n} activities from the Trash`,
  delete: (n: number) => `delete up to ${n} activities permanently`,
} as const;

/** A bulk move, restore or permanent deletion: 1 to 50 distinct IDs (a repeated ID counts once). */
export function assertBulkSize(ids: readonly string[], what: keyof typeof BULK_VERBS = "move"): string[] {
  const unique = [...new Set(ids.map((id) => id.toUpperCase()))];
  if (unique.length === 0) throw new DomainError("validation_failed", "ids: name at least one activity", { field: "ids" });
  if (unique.length > TRASH_BULK_LIMIT) {
    throw unprocessable(`You can ${BULK_VERBS[what](TRASH_BULK_LIMIT)} at one time; ${unique.length} were selected. Select ${TRASH_BULK_LIMIT} or fewer and try again.`, {
      field: "ids",
      reason: "too_many",
      limit: TRASH_BULK_LIMIT,
      selected: unique.length,
    });
  }
  return unique;
}

/** Restoring after the 30 days: the activity is gone (or about to be), and says so. */
export function restoreTooLate(id: string, trashedAt: Date): DomainError {
  return new DomainError(
    "not_found",
    `${id} was moved to the Trash more than ${TRASH_RETENTION_DAYS} days ago (on ${trashedAt.toISOString().slice(0, 10)}) and is deleted permanently; it cannot be restored.`,
    { id, reason: "trash_expired", deletedAt: deletesAt(trashedAt).toISOString() },
  );
}
