import { followUpSuppressedBy } from "../../domain/notifications.js";
import { findActivity, insertHistory } from "../../store/activities-repo.js";
import { claimScheduled, findDueFollowUps, findDueReminders, type DueBooking } from "../../store/notifications-repo.js";
import { emit, inTransaction, snapshot } from "../activity-writes.js";
import type { AppContext } from "../context.js";

const SYSTEM = { type: "system" as const, id: null, name: "Bookstream" };

/** A follow-up that fell due while no worker ran is still sent if it is at most this late. */
export const FOLLOW_UP_CATCH_UP_MS = 3 * 86_400_000;

/**
 * Reminders and follow-ups, worked out from the data each run (a minute's cron job, and the test
 * clock): whatever fell due since — even across a restart — is decided now, once per booking and
 * meeting time (the unique key in scheduled_notifications), and handed to the outbox.
 *
 * The follow-up is decided when it falls due: a booking that is No-show by then gets none, and
 * its history says "follow-up not sent: No-show" (the seed). A rescheduled booking's new time
 * gets its own reminder.
 */
export async function runTimedNotifications(ctx: AppContext, batchSize = 200): Promise<{ reminders: number; followUps: number; skipped: number }> {
  const out = { reminders: 0, followUps: 0, skipped: 0 };
  for (;;) {
    const now = ctx.clock.now();
    const reminders = await findDueReminders(ctx.db, now, batchSize);
    const followUps = await findDueFollowUps(ctx.db, now, FOLLOW_UP_CATCH_UP_MS, batchSize);
    if (reminders.length === 0 && followUps.length === 0) break;
    let progressed = 0;
    for (const r of reminders) if ((await decide(ctx, r, "reminder")) === "sent") (out.reminders++, progressed++);
    for (const f of followUps) {
      const d = await decide(ctx, f, "follow-up");
      if (d === "sent") (out.followUps++, progressed++);
      if (d === "skipped") (out.skipped++, progressed++);
    }
    // Another worker decided them all first: nothing left for this one.
    if (progressed === 0) break;
  }
  return out;
}

async function decide(ctx: AppContext, due: DueBooking, kind: "reminder" | "follow-up"): Promise<"sent" | "skipped" | "taken"> {
  return inTransaction(ctx, async (tx) => {
    const a = await findActivity(tx, due.account_id, due.id);
    if (!a || !a.start_at) return "taken";
    const now = ctx.clock.now();
    const suppressedBy = kind === "follow-up" ? followUpSuppressedBy(a.status) : null;
    const won = await claimScheduled(tx, {
      accountId: a.account_id, activityId: a.id, kind, forStart: a.start_at, dueAt: due.due_at, at: now,
      outcome: suppressedBy ? "skipped" : "sent", note: suppressedBy,
    });
    if (!won) return "taken";
    if (suppressedBy) {
      await insertHistory(tx, {
        accountId: a.account_id, activityId: a.id, at: now, actorType: SYSTEM.type, actorId: SYSTEM.id, actorName: SYSTEM.name,
        action: "follow-up-not-sent",
        from: { status: a.status, detailedStatus: a.detailed_status },
        to: { status: a.status, detailedStatus: a.detailed_status },
        reason: null,
        data: { because: suppressedBy },
      });
      return "skipped";
    }
    await emit(tx, a.account_id, [{ type: "notification.due", activity: snapshot(a), kind, forStart: a.start_at.toISOString() }], now);
    return "sent";
  });
}
