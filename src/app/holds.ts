import { DomainError } from "../domain/errors.js";
import type { NewActivity } from "../store/activities-repo.js";
import type { Tx } from "../store/database.js";
import { isExclusionViolation } from "../store/db-errors.js";
import { findEventType, findPage } from "../store/pages-repo.js";
import { deleteHolds, insertHolds, lockHost } from "../store/scheduling-repo.js";

/**
 * A pending booking request holds its proposed times from other customers when its booking page
 * says so (holds_requested_slots). Holds are placed when the request is written and released
 * when it leaves "Requested" (approved, canceled, resubmitted, expired) — both from
 * activity-writes.ts, in the same transaction.
 */
export async function placeHolds(tx: Tx, row: NewActivity): Promise<void> {
  const proposed = row.proposed_times ?? [];
  if (row.type !== "booking" || row.status !== "Requested" || proposed.length === 0 || !row.booking_page_id || !row.owner_id) return;
  const page = await findPage(tx, row.account_id, row.booking_page_id);
  if (!page?.holds_requested_slots) return;
  const et = row.event_type_id ? await findEventType(tx, row.account_id, row.event_type_id) : undefined;
  const minutes = et?.duration_minutes ?? page.duration_minutes;
  await lockHost(tx, row.owner_id);
  const ms = 60_000;
  try {
    await insertHolds(
      tx,
      proposed.map((iso) => {
        const start = new Date(iso).getTime();
        return {
          accountId: row.account_id,
          activityId: row.id,
          ownerId: row.owner_id!,
          start: new Date(start - page.buffer_before_minutes * ms),
          end: new Date(start + (minutes + page.buffer_after_minutes) * ms),
        };
      }),
    );
  } catch (err) {
    if (isExclusionViolation(err)) {
      throw new DomainError("slot_unavailable", "One of the proposed times is no longer available: another request holds it; propose other times.", {
        field: "proposedTimes",
      });
    }
    throw err;
  }
}

export async function releaseHolds(tx: Tx, accountId: string, activityId: string): Promise<void> {
  await deleteHolds(tx, accountId, activityId);
}
