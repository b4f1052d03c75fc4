import { sql, type ExpressionBuilder, type Selectable } from "kysely";
import { accountHolding } from "./global-names.js";
import type { Db, Tx } from "./database.js";
import { executePrepared, firstPrepared } from "./prepared.js";
import type { BookingPagesTable, Database, ListsEvery, OpenHours } from "./schema.js";

type Conn = Db | Tx;

export interface NewBookingPage {
  id: string;
  account_id: string;
  slug: string;
  name: string;
  owner_id: string;
  time_zone: string;
  duration_minutes: number;
  mode: "automatic" | "approval";
  location: string | null;
  open_hours: OpenHours;
}

export async function insertBookingPage(conn: Conn, p: NewBookingPage) {
  await conn
    .insertInto("booking_pages")
    .values({ ...p, open_hours: JSON.stringify(p.open_hours) })
    .execute();
}

export async function insertPageMember(conn: Conn, m: { account_id: string; booking_page_id: string; user_id: string; role: "editor" | "viewer" }) {
  await conn.insertInto("booking_page_members").values(m).execute();
}

export async function insertEventType(conn: Conn, e: { id: string; account_id: string; booking_page_id: string; name: string; duration_minutes: number }) {
  await conn.insertInto("event_types").values(e).execute();
}

/** A booking page by its public address; deleted pages have none. */
export async function findPageBySlug(conn: Conn, slug: string) {
  return conn
    .selectFrom("booking_pages")
    .selectAll()
    .where("account_id", "=", accountHolding("booking_page_slug", slug))
    .where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase()))
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/**
 * A booking page by slug with everything a customer's booking on it reads, in one round trip: its
 * hosts (the team in order, else the owner) with names, its event types and the account's other
 * automatic pages (the answer's "move to another page" choices).
 *
 * With `lockHostId`, or when the page has a single host, it also takes that host's scheduling lock
 * (the same key as lockHost) in this statement, so the availability read that follows already
 * runs under it: one round trip less on the busiest write. `lockedHostId` says whom it locked.
 */
export async function findPageForBooking(tx: Tx, slug: string, opts: { lockHostId?: string } = {}): Promise<PageForBooking | undefined> {
  const lockHostId = opts.lockHostId ?? null;
  const query = sql<PageForBooking & { locked: unknown }>`
    SELECT ${sql.join(PAGE_COLUMNS.map((c) => sql.ref(`p.${c}`)))}, hosts.list AS hosts, event_types.list AS event_types, other_pages.list AS other_pages,
           l.locked_host_id,
           -- STRICT: no host to lock (a team page, no host chosen yet) takes no lock.
           pg_advisory_xact_lock(hashtext(l.locked_host_id)) AS locked
      FROM booking_pages p
     CROSS JOIN LATERAL (SELECT coalesce(
             (SELECT json_agg(json_build_object('id', u.id, 'name', u.name) ORDER BY h.position)
                FROM booking_page_hosts h JOIN users u ON u.account_id = h.account_id AND u.id = h.user_id
               WHERE h.account_id = p.account_id AND h.booking_page_id = p.id),
             (SELECT json_build_array(json_build_object('id', u.id, 'name', u.name)) FROM users u WHERE u.account_id = p.account_id AND u.id = p.owner_id)) AS list) hosts
     CROSS JOIN LATERAL (SELECT coalesce(
             (SELECT json_agg(json_build_object('id', e.id, 'name', e.name, 'duration_minutes', e.duration_minutes, 'price_minor', e.price_minor) ORDER BY e.name)
                FROM event_types e WHERE e.account_id = p.account_id AND e.booking_page_id = p.id AND e.deleted_at IS NULL), '[]') AS list) event_types
     CROSS JOIN LATERAL (SELECT coalesce(
             (SELECT json_agg(json_build_object('name', o.name, 'slug', o.slug) ORDER BY o.name)
                FROM booking_pages o WHERE o.account_id = p.account_id AND o.id <> p.id AND o.mode = 'automatic' AND o.deleted_at IS NULL), '[]') AS list) other_pages
     CROSS JOIN LATERAL (SELECT CASE
             WHEN ${lockHostId}::uuid IS NOT NULL THEN ${lockHostId}::uuid::text
             WHEN NOT EXISTS (SELECT 1 FROM booking_page_hosts h WHERE h.account_id = p.account_id AND h.booking_page_id = p.id) THEN p.owner_id::text
           END AS locked_host_id) l
     WHERE p.account_id = ${accountHolding("booking_page_slug", slug)} AND lower(p.slug) = ${slug.toLowerCase()} AND p.deleted_at IS NULL`;
  const r = await executePrepared(tx, query);
  const row = r.rows[0];
  if (!row) return undefined;
  const { locked: _, ...page } = row;
  return page;
}

/**
 * Every column of booking_pages, named: a prepared statement that says `p.*` fails once a migration
 * adds a column ("cached plan must not change result type") on connections that prepared it before.
 */
const PAGE_COLUMNS = [
  "id", "account_id", "slug", "name", "owner_id", "time_zone", "duration_minutes", "mode", "location", "open_hours",
  "created_at", "updated_at", "min_notice_minutes", "max_days_ahead", "buffer_before_minutes", "buffer_after_minutes",
  "slot_interval_minutes", "proposals_required", "holds_requested_slots", "policy_minutes", "packages_enabled",
  "max_package_sessions", "questions", "video_link", "deleted_at",
  "currency", "price_minor", "package_session_price_minor", "reschedule_fee_minor", "refund_policy",
] as const satisfies readonly (keyof BookingPagesTable)[];
const pageColumnsComplete: ListsEvery<keyof BookingPagesTable, (typeof PAGE_COLUMNS)[number]> = true;
void pageColumnsComplete;

export type PageForBooking = Selectable<BookingPagesTable> & {
  hosts: { id: string; name: string }[];
  event_types: { id: string; name: string; duration_minutes: number; price_minor: number | null }[];
  other_pages: { name: string; slug: string }[];
  locked_host_id: string | null;
};

/**
 * A booking page by id, deleted or not: an activity's page stays readable for its history and
 * its actions. Settings and new bookings use findActivePage.
 */
export async function findPage(conn: Conn, accountId: string, id: string) {
  return firstPrepared(conn, conn.selectFrom("booking_pages").selectAll().where("account_id", "=", accountId).where("id", "=", id));
}

/** A booking page that has not been deleted. */
export async function findActivePage(conn: Conn, accountId: string, id: string) {
  return conn
    .selectFrom("booking_pages")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

export async function listPages(conn: Conn, accountId: string) {
  return conn.selectFrom("booking_pages").selectAll().where("account_id", "=", accountId).where("deleted_at", "is", null).orderBy("name").execute();
}

export async function listEventTypes(conn: Conn, accountId: string, pageId: string) {
  return conn
    .selectFrom("event_types")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("booking_page_id", "=", pageId)
    .where("deleted_at", "is", null)
    .orderBy("name")
    .execute();
}

/** An event type customers may still pick (not deleted). */
export async function findEventType(conn: Conn, accountId: string, id: string) {
  return conn
    .selectFrom("event_types")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** Booking pages a member may see: owned, or shared with them as editor or viewer. */
export async function visiblePageIds(conn: Conn, accountId: string, userId: string): Promise<string[]> {
  const owned = await conn.selectFrom("booking_pages").select("id").where("account_id", "=", accountId).where("owner_id", "=", userId).execute();
  const shared = await conn
    .selectFrom("booking_page_members")
    .select("booking_page_id as id")
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .execute();
  return [...new Set([...owned, ...shared].map((r) => r.id))];
}

/**
 * Finds the customer by e-mail within the account, creating or refreshing the record, in one
 * statement (the unique index on (account_id, lower(email)) settles concurrent first bookings).
 */
export async function upsertCustomer(conn: Conn, c: NewCustomer): Promise<string> {
  const r = await customerUpsert(c).execute(conn);
  return r.rows[0].id;
}

export interface NewCustomer {
  id: string;
  account_id: string;
  name: string;
  email: string;
  phone: string | null;
  time_zone: string | null;
}

/** The upsert as a statement of its own, or as a WITH clause of a bigger write (returns id). */
export function customerUpsert(c: NewCustomer) {
  return sql<{ id: string }>`
    INSERT INTO customers (id, account_id, name, email, phone, time_zone)
    VALUES (${c.id}, ${c.account_id}, ${c.name}, ${c.email}, ${c.phone}, ${c.time_zone})
    ON CONFLICT (account_id, lower(email)) DO UPDATE
      SET name = excluded.name,
          phone = coalesce(excluded.phone, customers.phone),
          time_zone = coalesce(excluded.time_zone, customers.time_zone)
    RETURNING id`;
}

/** What a member may see: the activities of pages they own, edit or view, and their own bookings. */
export interface MemberScope {
  userId: string;
  pageIds: string[];
}

export async function findCustomer(conn: Conn, accountId: string, id: string, member?: MemberScope) {
  return conn
    .selectFrom("customers")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .$if(member !== undefined, (q) => q.where((eb) => customerSeenBy(eb, accountId, member!)))
    .executeTakeFirst();
}

/** A customer the member may see: one of an activity the member may see. */
export function customerSeenBy(eb: ExpressionBuilder<Database, "customers">, accountId: string, member: MemberScope) {
  return eb.exists(
    eb
      .selectFrom("activities")
      .select(sql`1`.as("one"))
      .where("activities.account_id", "=", accountId)
      .whereRef("activities.customer_id", "=", "customers.id")
      .where("activities.trashed_at", "is", null)
      .where((w) => w.or([w("activities.owner_id", "=", member.userId), ...(member.pageIds.length ? [w("activities.booking_page_id", "in", member.pageIds)] : [])])),
  );
}

export async function insertManageToken(conn: Conn, t: { token_hash: string; account_id: string; activity_id: string }) {
  await conn.insertInto("manage_tokens").values(t).execute();
}

export async function findManageToken(conn: Conn, tokenHash: string) {
  return conn.selectFrom("manage_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}
