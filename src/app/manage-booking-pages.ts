import { randomUUID } from "node:crypto";
import { DomainError, forbidden, invalid, notFound } from "../domain/errors.js";
import { listUsers } from "../store/accounts-repo.js";
import type { Db, Tx } from "../store/database.js";
import { countLiveBookingsOf, markEventTypeDeleted, slugTaken, updateEventType, updatePage, type PageChanges } from "../store/page-settings-repo.js";
import { findActivePage, findEventType, insertBookingPage, insertEventType, listEventTypes } from "../store/pages-repo.js";
import { listPageHosts, listPageMembers, replacePageHosts, replacePageMembers } from "../store/scheduling-repo.js";
import type { OpenHours, PageQuestion } from "../store/schema.js";
import { inTransaction } from "./activity-writes.js";
import type { PageRow } from "./booking-rules.js";
import type { AppContext, Caller } from "./context.js";
import { canSee, visibilityOf } from "./permissions.js";

/** Booking page settings (admin API). Input is validated at the HTTP edge (scheduling-schemas.ts). */
export interface PageSettingsInput {
  slug?: string;
  name?: string;
  ownerId?: string;
  timeZone?: string;
  durationMinutes?: number;
  mode?: "automatic" | "approval";
  location?: string | null;
  videoLink?: string | null;
  openHours?: OpenHours;
  minNoticeMinutes?: number;
  maxDaysAhead?: number | null;
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  slotIntervalMinutes?: number | null;
  proposalsRequired?: number;
  holdsRequestedSlots?: boolean;
  policyMinutes?: number | null;
  packagesEnabled?: boolean;
  maxPackageSessions?: number;
  questions?: PageQuestion[];
}

export interface NewPageInput extends PageSettingsInput {
  slug: string;
  name: string;
  timeZone: string;
  durationMinutes: number;
  mode: "automatic" | "approval";
  eventTypes?: { name: string; durationMinutes: number }[];
}

const WEEKDAYS_9_TO_5: OpenHours = Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]]));

/** Any user may create a page; a member only one they own themselves. */
export async function createPage(ctx: AppContext, caller: Caller, input: NewPageInput) {
  const ownerId = input.ownerId ?? caller.userId;
  if (caller.role !== "admin" && ownerId !== caller.userId) throw forbidden("Only an admin may create a booking page owned by someone else.", { field: "ownerId" });
  const id = randomUUID();
  await inTransaction(ctx, async (tx) => {
    await assertUsers(tx, caller.accountId, [ownerId], "ownerId");
    if (await slugTaken(tx, input.slug)) throw slugConflict(input.slug);
    await insertBookingPage(tx, {
      id, account_id: caller.accountId, slug: input.slug, name: input.name, owner_id: ownerId, time_zone: input.timeZone,
      duration_minutes: input.durationMinutes, mode: input.mode, location: input.location ?? null, open_hours: input.openHours ?? WEEKDAYS_9_TO_5,
    });
    await updatePage(tx, caller.accountId, id, settingsChanges(input));
    for (const et of input.eventTypes ?? []) {
      await insertEventType(tx, { id: randomUUID(), account_id: caller.accountId, booking_page_id: id, name: et.name, duration_minutes: et.durationMinutes });
    }
  });
  return getPageSettings(ctx, caller, id);
}

/** Owner, editors and admins change settings; only the owner or an admin hands the page to someone else. */
export async function updatePageSettings(ctx: AppContext, caller: Caller, id: string, patch: PageSettingsInput) {
  await inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, id, "edit");
    if (patch.ownerId && patch.ownerId !== page.owner_id) {
      if (caller.role !== "admin" && page.owner_id !== caller.userId) throw forbidden(`Only the owner or an admin may change the owner of booking page ${page.slug}.`, { field: "ownerId" });
      await assertUsers(tx, caller.accountId, [patch.ownerId], "ownerId");
    }
    if (patch.slug && (await slugTaken(tx, patch.slug, page.id))) throw slugConflict(patch.slug);
    await updatePage(tx, caller.accountId, page.id, { ...settingsChanges(patch), updated_at: ctx.clock.now() });
  });
  return getPageSettings(ctx, caller, id);
}

export async function setPageHosts(ctx: AppContext, caller: Caller, id: string, userIds: string[]) {
  await inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, id, "manage");
    if (new Set(userIds).size !== userIds.length) throw invalid("userIds", "a user is listed twice");
    await assertUsers(tx, caller.accountId, userIds, "userIds");
    if (caller.role !== "admin") {
      // A member may take themselves on or off a page's team, never put a colleague on it.
      const current = new Set(await listPageHosts(tx, caller.accountId, page.id));
      const others = userIds.filter((u) => !current.has(u) && u !== caller.userId);
      if (others.length) throw forbidden("A member may add only themselves as a host; ask an admin to add colleagues.", { field: "userIds", userIds: others });
    }
    await replacePageHosts(tx, caller.accountId, page.id, userIds);
  });
  return getPageSettings(ctx, caller, id);
}

export async function setPageMembers(ctx: AppContext, caller: Caller, id: string, members: { userId: string; role: "editor" | "viewer" }[]) {
  await inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, id, "manage");
    if (new Set(members.map((m) => m.userId)).size !== members.length) throw invalid("members", "a user is listed twice");
    await assertUsers(tx, caller.accountId, members.map((m) => m.userId), "members");
    await replacePageMembers(tx, caller.accountId, page.id, members.filter((m) => m.userId !== page.owner_id));
  });
  return getPageSettings(ctx, caller, id);
}

export async function addEventType(ctx: AppContext, caller: Caller, pageId: string, input: { name: string; durationMinutes: number }) {
  const id = randomUUID();
  await inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, pageId, "edit");
    await insertEventType(tx, { id, account_id: caller.accountId, booking_page_id: page.id, name: input.name, duration_minutes: input.durationMinutes });
  });
  return { id, name: input.name, durationMinutes: input.durationMinutes };
}

export async function changeEventType(ctx: AppContext, caller: Caller, pageId: string, eventTypeId: string, patch: { name?: string; durationMinutes?: number }) {
  return inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, pageId, "edit");
    const et = await findEventType(tx, caller.accountId, eventTypeId);
    if (!et || et.booking_page_id !== page.id) throw notFound("Event type", eventTypeId);
    await updateEventType(tx, caller.accountId, et.id, { name: patch.name, duration_minutes: patch.durationMinutes });
    return { id: et.id, name: patch.name ?? et.name, durationMinutes: patch.durationMinutes ?? et.duration_minutes };
  });
}

/** Deletes an event type (owner, editors, admins); refused while live bookings use it. Past ones keep its name. */
export async function deleteEventType(ctx: AppContext, caller: Caller, pageId: string, eventTypeId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const page = await pageFor(tx, caller, pageId, "edit");
    const et = await findEventType(tx, caller.accountId, eventTypeId);
    if (!et || et.booking_page_id !== page.id) throw notFound("Event type", eventTypeId);
    const live = await countLiveBookingsOf(tx, caller.accountId, { eventTypeId: et.id }, ctx.clock.now());
    if (live > 0) {
      throw new DomainError("conflict", `${et.name} has ${live} live booking${live === 1 ? "" : "s"} (meetings to come or open requests); cancel or move ${live === 1 ? "it" : "them"} before deleting it.`, {
        reason: "live_bookings", liveBookings: live, eventTypeId: et.id,
      });
    }
    await markEventTypeDeleted(tx, caller.accountId, et.id, ctx.clock.now());
  });
}

export async function getPageSettings(ctx: AppContext, caller: Caller, id: string) {
  const page = await pageFor(ctx.db, caller, id, "see");
  const [eventTypes, hostIds, members] = await Promise.all([
    listEventTypes(ctx.db, caller.accountId, page.id),
    listPageHosts(ctx.db, caller.accountId, page.id),
    listPageMembers(ctx.db, caller.accountId, page.id),
  ]);
  return {
    id: page.id, slug: page.slug, name: page.name, ownerId: page.owner_id, timeZone: page.time_zone, durationMinutes: page.duration_minutes,
    mode: page.mode, location: page.location, videoLink: page.video_link, openHours: page.open_hours as Record<string, [string, string][]>,
    minNoticeMinutes: page.min_notice_minutes, maxDaysAhead: page.max_days_ahead, bufferBeforeMinutes: page.buffer_before_minutes,
    bufferAfterMinutes: page.buffer_after_minutes, slotIntervalMinutes: page.slot_interval_minutes, proposalsRequired: page.proposals_required,
    holdsRequestedSlots: page.holds_requested_slots, policyMinutes: page.policy_minutes, packagesEnabled: page.packages_enabled,
    maxPackageSessions: page.max_package_sessions, questions: page.questions ?? [],
    eventTypes: eventTypes.map((e) => ({ id: e.id, name: e.name, durationMinutes: e.duration_minutes })),
    hostIds: hostIds.length > 0 ? hostIds : [page.owner_id],
    team: hostIds.length > 0,
    members: members.map((m) => ({ userId: m.user_id, role: m.role })),
    publicUrl: `${ctx.publicUrl.replace(/\/$/, "")}/book/${page.slug}`,
  };
}

/**
 * Loads a page for `need`: see (404 when hidden or deleted), edit (owner, editor, admin) or manage
 * (owner, admin) — else 403.
 */
export async function pageFor(conn: Db | Tx, caller: Caller, id: string, need: "see" | "edit" | "manage"): Promise<PageRow> {
  const page = await findActivePage(conn, caller.accountId, id);
  const vis = await visibilityOf(conn, caller);
  if (!page || !canSee(vis, { booking_page_id: page.id, owner_id: null })) throw notFound("Booking page", id);
  if (need === "see" || caller.role === "admin" || page.owner_id === caller.userId) return page;
  const role = (await listPageMembers(conn, caller.accountId, page.id)).find((m) => m.user_id === caller.userId)?.role;
  if (need === "edit" && role === "editor") return page;
  throw forbidden(`Only ${need === "edit" ? "the owner, an editor" : "the owner"} or an admin may change booking page ${page.slug}.`, { bookingPageId: page.id });
}

/** Owners and hosts are active users of the account. */
export async function assertUsers(conn: Db | Tx, accountId: string, ids: string[], field: string): Promise<void> {
  const users = new Map((await listUsers(conn, accountId, "all")).map((u) => [u.id, u]));
  const unknown = ids.find((id) => !users.has(id));
  if (unknown) throw invalid(field, `no user ${unknown} in this account`);
  const inactive = ids.map((id) => users.get(id)!).find((u) => u.deactivated_at);
  if (inactive) throw invalid(field, `${inactive.name} is deactivated`);
}

export function slugConflict(slug: string): DomainError {
  return new DomainError("conflict", `slug: the booking page address "${slug}" is taken; choose another.`, { field: "slug" });
}

export function settingsChanges(p: PageSettingsInput): PageChanges {
  const c: PageChanges = {};
  const set = <K extends keyof PageChanges>(k: K, v: PageChanges[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  set("slug", p.slug);
  set("name", p.name);
  set("owner_id", p.ownerId);
  set("time_zone", p.timeZone);
  set("duration_minutes", p.durationMinutes);
  set("mode", p.mode);
  set("location", p.location);
  set("video_link", p.videoLink);
  set("open_hours", p.openHours === undefined ? undefined : JSON.stringify(p.openHours));
  set("min_notice_minutes", p.minNoticeMinutes);
  set("max_days_ahead", p.maxDaysAhead);
  set("buffer_before_minutes", p.bufferBeforeMinutes);
  set("buffer_after_minutes", p.bufferAfterMinutes);
  set("slot_interval_minutes", p.slotIntervalMinutes);
  set("proposals_required", p.proposalsRequired);
  set("holds_requested_slots", p.holdsRequestedSlots);
  set("policy_minutes", p.policyMinutes);
  set("packages_enabled", p.packagesEnabled);
  set("max_package_sessions", p.maxPackageSessions);
  set("questions", p.questions === undefined ? undefined : JSON.stringify(p.questions));
  return c;
}
