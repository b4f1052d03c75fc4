import { sql } from "kysely";
import { accountHolding } from "./global-names.js";
import type { Db, Tx } from "./database.js";
import type { Insertable } from "kysely";
import type { UserLinksTable } from "./schema.js";

/** The team: roles, deactivation, profiles, passwords and one-time links (invitations, resets). */
type Conn = Db | Tx;

/**
 * The account's active admins, their rows locked until the transaction ends: two admins demoting
 * or deactivating each other at once take turns, so the second sees the first's change.
 */
export async function lockActiveAdmins(tx: Tx, accountId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom("users")
    .select("id")
    .where("account_id", "=", accountId)
    .where("role", "=", "admin")
    .where("deactivated_at", "is", null)
    .orderBy("id")
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

export async function setUserRole(tx: Tx, accountId: string, userId: string, role: "admin" | "member"): Promise<void> {
  await tx.updateTable("users").set({ role }).where("account_id", "=", accountId).where("id", "=", userId).execute();
}

/** Marks the user deactivated and ends every session and API token of theirs. */
export async function deactivateUser(tx: Tx, accountId: string, userId: string, at: Date): Promise<void> {
  await tx.updateTable("users").set({ deactivated_at: at }).where("account_id", "=", accountId).where("id", "=", userId).execute();
  await tx.deleteFrom("sessions").where("account_id", "=", accountId).where("user_id", "=", userId).execute();
  await tx.deleteFrom("api_tokens").where("account_id", "=", accountId).where("user_id", "=", userId).execute();
}

export async function reactivateUser(tx: Tx, accountId: string, userId: string): Promise<void> {
  await tx.updateTable("users").set({ deactivated_at: null }).where("account_id", "=", accountId).where("id", "=", userId).execute();
}

export async function updateUserProfile(tx: Tx, accountId: string, userId: string, changes: { name?: string; email?: string; time_zone?: string }): Promise<void> {
  const set = definedOnly(changes);
  if (Object.keys(set).length === 0) return;
  await tx.updateTable("users").set(set).where("account_id", "=", accountId).where("id", "=", userId).execute();
}

export async function emailTaken(conn: Conn, email: string, exceptUserId?: string): Promise<boolean> {
  let q = conn.selectFrom("users").select("id")
    .where("account_id", "=", accountHolding("user_email", email))
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()));
  if (exceptUserId) q = q.where("id", "!=", exceptUserId);
  return Boolean(await q.executeTakeFirst());
}

export async function setPasswordHash(tx: Tx, accountId: string, userId: string, hash: string): Promise<void> {
  await tx.updateTable("users").set({ password_hash: hash }).where("account_id", "=", accountId).where("id", "=", userId).execute();
}

/** Ends the user's sessions, all of them or all but the one with `keepTokenHash`. */
export async function deleteSessionsOf(tx: Tx, accountId: string, userId: string, keepTokenHash?: string): Promise<void> {
  let q = tx.deleteFrom("sessions").where("account_id", "=", accountId).where("user_id", "=", userId);
  if (keepTokenHash) q = q.where("token_hash", "!=", keepTokenHash);
  await q.execute();
}

export type NewUserLink = Omit<Insertable<UserLinksTable>, "used_at" | "revoked_at"> & { created_at: Date; expires_at: Date; user_id: string | null; role: "admin" | "member" | null; created_by: string | null };

export async function insertUserLink(tx: Tx, link: NewUserLink): Promise<void> {
  await tx.insertInto("user_links").values(link).execute();
}

/** Revokes the open links for this invitee e-mail (invitations) or user (resets); returns how many. */
export async function revokeOpenLinks(tx: Tx, accountId: string, target: { kind: "invitation"; email: string } | { kind: "password_reset"; userId: string }, at: Date): Promise<number> {
  let q = tx
    .updateTable("user_links")
    .set({ revoked_at: at })
    .where("account_id", "=", accountId)
    .where("kind", "=", target.kind)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null);
  q = target.kind === "invitation" ? q.where((eb) => eb(eb.fn("lower", ["email"]), "=", target.email.toLowerCase())) : q.where("user_id", "=", target.userId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function findUserLink(conn: Conn, accountId: string, id: string) {
  return conn.selectFrom("user_links").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

/** A link by its token's hash, with the account's name (the accept page says whom you join). */
export async function findUserLinkByToken(conn: Conn, tokenHash: string) {
  return conn
    .selectFrom("user_links as l")
    .innerJoin("accounts as a", "a.id", "l.account_id")
    .leftJoin("users as u", "u.id", "l.user_id")
    .selectAll("l")
    .select(["a.name as account_name", "u.name as user_name"])
    .where("l.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** Uses the link once: false when it was used or revoked meanwhile (a concurrent accept won). */
export async function markLinkUsed(tx: Tx, id: string, at: Date, userId: string): Promise<boolean> {
  const r = await tx
    .updateTable("user_links")
    .set({ used_at: at, user_id: userId })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokeLink(tx: Tx, accountId: string, id: string, at: Date): Promise<boolean> {
  const r = await tx
    .updateTable("user_links")
    .set({ revoked_at: at })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Invitations not used nor revoked (expired ones too: the admin sees them and renews). */
export async function listOpenInvitations(conn: Conn, accountId: string) {
  return conn
    .selectFrom("user_links as l")
    .leftJoin("users as u", "u.id", "l.created_by")
    .select(["l.id", "l.email", "l.role", "l.created_at", "l.expires_at", "u.name as invited_by"])
    .where("l.account_id", "=", accountId)
    .where("l.kind", "=", "invitation")
    .where("l.used_at", "is", null)
    .where("l.revoked_at", "is", null)
    .orderBy("l.created_at", "desc")
    .execute();
}

const LIVE_FUTURE = ["Scheduled", "Rescheduled"];

/**
 * A user's live bookings from `now` on (Scheduled/Rescheduled in the future, and requests), the
 * first `limit` by meeting time, with their count: what to reassign when someone leaves.
 */
export async function upcomingBookingsOf(conn: Conn, accountId: string, userId: string, now: Date, limit: number) {
  const live = conn
    .selectFrom("activities")
    .where("account_id", "=", accountId)
    .where("owner_id", "=", userId)
    .where("type", "=", "booking")
    .where((eb) => eb.or([eb.and([eb("status", "in", LIVE_FUTURE), eb("start_at", ">", now)]), eb("status", "=", "Requested")]));
  const [items, count] = await Promise.all([
    live
      .select(["id", "status", "start_at", "latest_proposed_at", "customer_name", "page_name"])
      .orderBy(sql`coalesce(start_at, latest_proposed_at)`)
      .orderBy("id")
      .limit(limit)
      .execute(),
    live.select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow(),
  ]);
  return { count: Number(count.n), items };
}

/** How many upcoming live bookings each of these users has (the team list's reassign hint). */
export async function countUpcomingBookings(conn: Conn, accountId: string, userIds: string[], now: Date): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (userIds.length === 0) return counts;
  const rows = await conn
    .selectFrom("activities")
    .select(["owner_id", sql<number>`count(*)::int`.as("n")])
    .where("account_id", "=", accountId)
    .where("owner_id", "in", userIds)
    .where("type", "=", "booking")
    .where((eb) => eb.or([eb.and([eb("status", "in", LIVE_FUTURE), eb("start_at", ">", now)]), eb("status", "=", "Requested")]))
    .groupBy("owner_id")
    .execute();
  for (const r of rows) counts.set(r.owner_id!, Number(r.n));
  return counts;
}

/** The fields given a value: an update with nothing to set is no statement at all. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
