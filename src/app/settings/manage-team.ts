import { DomainError } from "../../domain/errors.js";
import { findUser, listUsers } from "../../store/accounts-repo.js";
import type { Tx } from "../../store/database.js";
import { pagesHostedBy } from "../../store/scheduling-repo.js";
import { countUpcomingBookings, deactivateUser, lockActiveAdmins, reactivateUser, setUserRole, upcomingBookingsOf } from "../../store/team-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./invite-user.js";
import { userNotFound } from "./one-time-links.js";

/**
 * The team (admins): roles, deactivation and reactivation. The account always keeps one active
 * admin: the last one can be neither demoted nor deactivated.
 */
export async function listTeam(ctx: AppContext, caller: Caller, status: "active" | "deactivated" | "all") {
  const users = await listUsers(ctx.db, caller.accountId, status);
  // Upcoming bookings to reassign matter for deactivated users, and only admins act on them.
  const leavers = caller.role === "admin" ? users.filter((u) => u.deactivated_at).map((u) => u.id) : [];
  const counts = await countUpcomingBookings(ctx.db, caller.accountId, leavers, ctx.clock.now());
  return {
    items: users.map((u) => ({
      id: u.id, name: u.name, email: u.email, role: u.role, timeZone: u.time_zone,
      active: u.deactivated_at === null, deactivatedAt: u.deactivated_at?.toISOString() ?? null,
      ...(u.deactivated_at && caller.role === "admin" ? { upcomingBookings: counts.get(u.id) ?? 0 } : {}),
    })),
  };
}

export async function changeRole(ctx: AppContext, caller: Caller, userId: string, role: "admin" | "member") {
  assertAdmin(caller, "change roles");
  await inTransaction(ctx, async (tx) => {
    const user = await loadUser(tx, caller, userId);
    if (user.role === role) return;
    if (role === "member") await assertNotLastAdmin(tx, caller, user, "demoted to member");
    await setUserRole(tx, caller.accountId, userId, role);
  });
  return teamMember(ctx, caller, userId);
}

/**
 * Deactivates a user: they cannot sign in, their sessions and API tokens end at once; their
 * history and bookings stay. The answer lists their upcoming bookings (to reassign) and the
 * pages they host (which offer no times with them any more).
 */
export async function deactivate(ctx: AppContext, caller: Caller, userId: string) {
  assertAdmin(caller, "deactivate users");
  if (userId === caller.userId) throw new DomainError("conflict", "You cannot deactivate yourself; ask another admin.", {});
  await inTransaction(ctx, async (tx) => {
    const user = await loadUser(tx, caller, userId);
    if (user.deactivated_at) return;
    if (user.role === "admin") await assertNotLastAdmin(tx, caller, user, "deactivated");
    await deactivateUser(tx, caller.accountId, userId, ctx.clock.now());
  });
  return { user: await teamMember(ctx, caller, userId), ...(await leftBehind(ctx, caller, userId)) };
}

export async function reactivate(ctx: AppContext, caller: Caller, userId: string) {
  assertAdmin(caller, "reactivate users");
  await inTransaction(ctx, async (tx) => {
    await loadUser(tx, caller, userId);
    await reactivateUser(tx, caller.accountId, userId);
  });
  return teamMember(ctx, caller, userId);
}

/** A user's upcoming bookings and the pages they host: what an admin hands to someone else. */
export async function leftBehind(ctx: AppContext, caller: Caller, userId: string) {
  assertAdmin(caller, "see another user's upcoming bookings");
  await loadUser(ctx.db, caller, userId);
  const [upcoming, pages] = await Promise.all([
    upcomingBookingsOf(ctx.db, caller.accountId, userId, ctx.clock.now(), 50),
    pagesHostedBy(ctx.db, caller.accountId, [userId]),
  ]);
  return {
    upcomingBookings: {
      count: upcoming.count,
      items: upcoming.items.map((a) => ({
        id: a.id, status: a.status, start: a.start_at?.toISOString() ?? null, latestProposedAt: a.latest_proposed_at?.toISOString() ?? null,
        customerName: a.customer_name, bookingPageName: a.page_name,
      })),
    },
    hostedPages: pages.map((p) => ({ id: p.id, name: p.name, slug: p.slug })),
  };
}

async function teamMember(ctx: AppContext, caller: Caller, userId: string) {
  const u = await loadUser(ctx.db, caller, userId);
  return { id: u.id, name: u.name, email: u.email, role: u.role, timeZone: u.time_zone, active: u.deactivated_at === null, deactivatedAt: u.deactivated_at?.toISOString() ?? null };
}

async function loadUser(conn: Parameters<typeof findUser>[0], caller: Caller, userId: string) {
  const user = await findUser(conn, caller.accountId, userId);
  if (!user) throw userNotFound(userId);
  return user;
}

async function assertNotLastAdmin(tx: Tx, caller: Caller, user: { id: string; name: string }, what: string) {
  const admins = await lockActiveAdmins(tx, caller.accountId);
  if (admins.length === 1 && admins[0] === user.id) {
    throw new DomainError("conflict", `${user.name} is the team's last admin and cannot be ${what}: make someone else an admin first.`, { reason: "last_admin" });
  }
}
