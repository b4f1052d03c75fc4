import { sql, type Updateable } from "kysely";
import { accountHolding } from "./global-names.js";
import type { Db, Tx } from "./database.js";
import type { BookingPagesTable, MasterPagesTable } from "./schema.js";
import { definedOnly } from "./team-repo.js";
import { customerSeenBy, type MemberScope } from "./pages-repo.js";

/** Booking page settings, event types, master pages and customer look-ups for the admin API. */
type Conn = Db | Tx;

export type PageChanges = Omit<Updateable<BookingPagesTable>, "id" | "account_id" | "created_at">;

export async function updatePage(tx: Tx, accountId: string, id: string, changes: PageChanges): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await tx.updateTable("booking_pages").set(changes).where("account_id", "=", accountId).where("id", "=", id).execute();
}

export async function slugTaken(conn: Conn, slug: string, exceptPageId?: string): Promise<boolean> {
  let q = conn
    .selectFrom("booking_pages")
    .select("id")
    .where("account_id", "=", accountHolding("booking_page_slug", slug))
    .where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase()))
    .where("deleted_at", "is", null);
  if (exceptPageId) q = q.where("id", "!=", exceptPageId);
  return Boolean(await q.executeTakeFirst());
}

export async function updateEventType(tx: Tx, accountId: string, id: string, changes: { name?: string; duration_minutes?: number }): Promise<void> {
  const set = definedOnly(changes);
  if (Object.keys(set).length === 0) return;
  await tx.updateTable("event_types").set(set).where("account_id", "=", accountId).where("id", "=", id).execute();
}

export async function masterSlugTaken(conn: Conn, slug: string, exceptId?: string): Promise<boolean> {
  let q = conn.selectFrom("master_pages").select("id")
    .where("account_id", "=", accountHolding("master_page_slug", slug))
    .where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase()));
  if (exceptId) q = q.where("id", "!=", exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function insertMasterPage(tx: Tx, m: { id: string; account_id: string; slug: string; name: string; routing: MasterPagesTable["routing"] }) {
  await tx.insertInto("master_pages").values(m).execute();
}

export async function updateMasterPage(tx: Tx, accountId: string, id: string, changes: { slug?: string; name?: string; routing?: MasterPagesTable["routing"]; updated_at: Date }) {
  await tx.updateTable("master_pages").set(changes).where("account_id", "=", accountId).where("id", "=", id).execute();
}

export async function replaceMasterTargets(tx: Tx, accountId: string, masterPageId: string, targets: { id: string; bookingPageId: string; userId: string | null }[]) {
  await tx.deleteFrom("master_page_targets").where("account_id", "=", accountId).where("master_page_id", "=", masterPageId).execute();
  if (targets.length === 0) return;
  await tx
    .insertInto("master_page_targets")
    .values(targets.map((t, position) => ({ id: t.id, account_id: accountId, master_page_id: masterPageId, booking_page_id: t.bookingPageId, user_id: t.userId, position })))
    .execute();
}

export async function findMasterPage(conn: Conn, accountId: string, id: string) {
  return conn.selectFrom("master_pages").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

export async function findMasterPageBySlug(conn: Conn, slug: string) {
  return conn.selectFrom("master_pages").selectAll()
    .where("account_id", "=", accountHolding("master_page_slug", slug))
    .where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase()))
    .executeTakeFirst();
}

export async function listMasterPages(conn: Conn, accountId: string) {
  return conn.selectFrom("master_pages").selectAll().where("account_id", "=", accountId).orderBy("name").execute();
}

/** A master page's targets in order, with the booking page and pinned user's names. */
export async function listMasterTargets(conn: Conn, accountId: string, masterPageId: string) {
  return conn
    .selectFrom("master_page_targets as t")
    .innerJoin("booking_pages as p", "p.id", "t.booking_page_id")
    .leftJoin("users as u", "u.id", "t.user_id")
    .select(["t.id", "t.booking_page_id", "t.user_id", "t.position", "p.slug as page_slug", "p.name as page_name", "u.name as user_name", "u.deactivated_at as user_deactivated_at"])
    .where("t.account_id", "=", accountId)
    .where("t.master_page_id", "=", masterPageId)
    .orderBy("t.position")
    .execute();
}

/** Live bookings from `from` on, per booking page (for routing to pages by fewest upcoming). */
export async function countUpcomingByPage(conn: Conn, accountId: string, pageIds: string[], from: Date): Promise<Map<string, number>> {
  const counts = new Map<string, number>(pageIds.map((p) => [p, 0]));
  if (pageIds.length === 0) return counts;
  const rows = await conn
    .selectFrom("activities")
    .select(["booking_page_id", sql<number>`count(*)::int`.as("n")])
    .where("account_id", "=", accountId)
    .where("booking_page_id", "in", pageIds)
    .where("type", "=", "booking")
    .where("status", "in", ["Scheduled", "Rescheduled"])
    .where("start_at", ">=", from)
    .groupBy("booking_page_id")
    .execute();
  for (const r of rows) counts.set(r.booking_page_id!, Number(r.n));
  return counts;
}

/** Customers whose name, e-mail or phone contains `q` (case-insensitive), by name. */
export async function searchCustomers(conn: Conn, accountId: string, q: string, limit: number, member?: MemberScope) {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return conn
    .selectFrom("customers")
    .selectAll()
    .where("account_id", "=", accountId)
    .where((eb) => eb.or([eb("name", "ilike", like), eb("email", "ilike", like), eb("phone", "ilike", like)]))
    .$if(member !== undefined, (qb) => qb.where((eb) => customerSeenBy(eb, accountId, member!)))
    .orderBy("name")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function setEventTypePrice(tx: Tx, accountId: string, pageId: string, eventTypeId: string, priceMinor: number | null): Promise<boolean> {
  const r = await tx.updateTable("event_types").set({ price_minor: priceMinor }).where("account_id", "=", accountId).where("booking_page_id", "=", pageId).where("id", "=", eventTypeId).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Live bookings of a booking page or one of its event types: Scheduled or Rescheduled meetings
 * still to come, and open requests. While there are any, neither may be deleted.
 */
export async function countLiveBookingsOf(conn: Conn, accountId: string, of: { pageId: string } | { eventTypeId: string }, now: Date): Promise<number> {
  let q = conn
    .selectFrom("activities")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("account_id", "=", accountId)
    .where("type", "=", "booking")
    .where((eb) => eb.or([eb.and([eb("status", "in", ["Scheduled", "Rescheduled"]), eb("start_at", ">", now)]), eb("status", "=", "Requested")]));
  q = "pageId" in of ? q.where("booking_page_id", "=", of.pageId) : q.where("event_type_id", "=", of.eventTypeId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Master pages that route to a booking page. */
export async function masterPagesRoutingTo(conn: Conn, accountId: string, pageId: string) {
  return conn
    .selectFrom("master_pages as m")
    .select(["m.id", "m.name"])
    .where("m.account_id", "=", accountId)
    .where((eb) => eb.exists(eb.selectFrom("master_page_targets as t").select("t.id").whereRef("t.master_page_id", "=", "m.id").where("t.booking_page_id", "=", pageId)))
    .orderBy("m.name")
    .execute();
}

export async function markPageDeleted(tx: Tx, accountId: string, id: string, at: Date): Promise<boolean> {
  const r = await tx
    .updateTable("booking_pages")
    .set({ deleted_at: at, updated_at: at })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function markEventTypeDeleted(tx: Tx, accountId: string, id: string, at: Date): Promise<void> {
  await tx.updateTable("event_types").set({ deleted_at: at }).where("account_id", "=", accountId).where("id", "=", id).execute();
}

export async function deleteMasterPage(tx: Tx, accountId: string, id: string): Promise<boolean> {
  const r = await tx.deleteFrom("master_pages").where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/**
 * Every booking page the caller may see, with its event types and the caller's access, in one
 * statement (an account may have hundreds). `memberId`: a member, who sees the pages they own or
 * are an editor or viewer of; undefined: an admin, who sees all.
 */
export async function listPagesOverview(conn: Conn, accountId: string, memberId: string | undefined) {
  const q = conn
    .selectFrom("booking_pages as p")
    .innerJoin("users as o", "o.id", "p.owner_id")
    .select([
      "p.id", "p.slug", "p.name", "p.owner_id", "o.name as owner_name", "p.time_zone", "p.mode", "p.duration_minutes",
      sql<{ id: string; name: string; duration_minutes: number }[]>`coalesce((SELECT json_agg(json_build_object('id', e.id, 'name', e.name, 'duration_minutes', e.duration_minutes) ORDER BY e.name)
        FROM event_types e WHERE e.account_id = p.account_id AND e.booking_page_id = p.id AND e.deleted_at IS NULL), '[]')`.as("event_types"),
      sql<number>`(SELECT count(*)::int FROM booking_page_hosts h WHERE h.account_id = p.account_id AND h.booking_page_id = p.id)`.as("team_size"),
    ])
    .where("p.account_id", "=", accountId)
    .where("p.deleted_at", "is", null);
  const withRole = q
    .leftJoin("booking_page_members as m", (j) => j.onRef("m.booking_page_id", "=", "p.id").on("m.user_id", "=", memberId ?? null))
    .select("m.role as member_role");
  const visible = memberId ? withRole.where((eb) => eb.or([eb("p.owner_id", "=", memberId), eb("m.user_id", "=", memberId)])) : withRole;
  return visible.orderBy("p.name").orderBy("p.id").execute();
}
