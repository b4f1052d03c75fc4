import { unprocessable } from "../domain/errors.js";
import { describeMinutes, pastDeadline, policyDeadline } from "../domain/policy.js";
import type { ActivityRow } from "../store/activities-repo.js";
import type { Tx } from "../store/database.js";
import { findPage } from "../store/pages-repo.js";

/**
 * Enforces the booking page's cancel/reschedule policy on the customer's manage actions. It binds
 * a meeting that is still on (its start), or a pending request (its earliest proposed time still
 * ahead). Answering a user's own reschedule or new-times request is never refused by it, and users
 * are never bound by it (their actions do not come through here).
 */
export async function assertWithinPolicy(tx: Tx, a: ActivityRow, now: Date, action: "cancel" | "reschedule" | "resubmit"): Promise<void> {
  const meeting = meetingOf(a, now);
  if (!meeting || !a.booking_page_id) return;
  const page = await findPage(tx, a.account_id, a.booking_page_id);
  if (!page || page.policy_minutes === null) return;
  if (!pastDeadline(page.policy_minutes, meeting, now)) return;
  const deadline = policyDeadline(page.policy_minutes, meeting)!;
  throw unprocessable(
    `Booking page ${page.name} lets customers ${action} up to ${describeMinutes(page.policy_minutes)} before the meeting; ` +
      `the deadline for ${a.id} was ${deadline.toISOString()}. Please contact the host.`,
    { activityId: a.id, action, deadline: deadline.toISOString(), policyMinutes: page.policy_minutes },
  );
}

function meetingOf(a: ActivityRow, now: Date): Date | null {
  if ((a.status === "Scheduled" || a.status === "Rescheduled") && a.start_at) return new Date(a.start_at);
  if (a.status === "Requested") {
    const ahead = ((a.proposed_times as unknown as string[] | null) ?? []).map((t) => new Date(t)).filter((t) => t > now);
    return ahead.length > 0 ? new Date(Math.min(...ahead.map((t) => t.getTime()))) : null;
  }
  return null;
}
