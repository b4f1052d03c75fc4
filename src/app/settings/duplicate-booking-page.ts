import { randomUUID } from "node:crypto";
import { listEventTypes, insertBookingPage, insertEventType } from "../../store/pages-repo.js";
import { slugTaken, updatePage } from "../../store/page-settings-repo.js";
import { listPageHosts, listPageMembers, replacePageHosts, replacePageMembers } from "../../store/scheduling-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { getPageSettings, pageFor, slugConflict } from "../manage-booking-pages.js";

/**
 * A copy of a booking page under a new address and name: every setting, its event types and
 * questions. Who may edit the original may copy it. An admin's copy keeps the owner, team, editors
 * and viewers; anyone else's copy is their own, without the team and sharing (a member does not
 * hand work or access to other people).
 */
export async function duplicateBookingPage(ctx: AppContext, caller: Caller, id: string, input: { slug: string; name: string }) {
  const newId = randomUUID();
  await inTransaction(ctx, async (tx) => {
    const source = await pageFor(tx, caller, id, "edit");
    if (await slugTaken(tx, input.slug)) throw slugConflict(input.slug);
    const admin = caller.role === "admin";
    const ownerId = admin ? source.owner_id : caller.userId;
    await insertBookingPage(tx, {
      id: newId, account_id: caller.accountId, slug: input.slug, name: input.name, owner_id: ownerId, time_zone: source.time_zone,
      duration_minutes: source.duration_minutes, mode: source.mode, location: source.location, open_hours: source.open_hours,
    });
    await updatePage(tx, caller.accountId, newId, {
      video_link: source.video_link, min_notice_minutes: source.min_notice_minutes, max_days_ahead: source.max_days_ahead,
      buffer_before_minutes: source.buffer_before_minutes, buffer_after_minutes: source.buffer_after_minutes,
      slot_interval_minutes: source.slot_interval_minutes, proposals_required: source.proposals_required,
      holds_requested_slots: source.holds_requested_slots, policy_minutes: source.policy_minutes, packages_enabled: source.packages_enabled,
      max_package_sessions: source.max_package_sessions, questions: JSON.stringify(source.questions ?? []),
    });
    for (const et of await listEventTypes(tx, caller.accountId, source.id)) {
      await insertEventType(tx, { id: randomUUID(), account_id: caller.accountId, booking_page_id: newId, name: et.name, duration_minutes: et.duration_minutes });
    }
    if (admin) {
      await replacePageHosts(tx, caller.accountId, newId, await listPageHosts(tx, caller.accountId, source.id));
      const members = await listPageMembers(tx, caller.accountId, source.id);
      await replacePageMembers(tx, caller.accountId, newId, members.map((m) => ({ userId: m.user_id, role: m.role })));
    }
  });
  return getPageSettings(ctx, caller, newId);
}
