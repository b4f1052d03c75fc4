import { sql } from "kysely";
import type { Db, Tx } from "./database.js";
import type { OpenHours } from "./schema.js";

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

export async function findPageBySlug(conn: Conn, slug: string) {
  return conn.selectFrom("booking_pages").selectAll().where((eb) => eb(eb.fn("lower", ["slug"]), "=", slug.toLowerCase())).executeTakeFirst();
}

export async function findPage(conn: Conn, accountId: string, id: string) {
  return conn.selectFrom("booking_pages").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

export async function listPages(conn: Conn, accountId: string) {
  return conn.selectFrom("booking_pages").selectAll().where("account_id", "=", accountId).orderBy("name").execute();
}

export async function listEventTypes(conn: Conn, accountId: string, pageId: string) {
  return conn
    .selectFrom("event_types")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("booking_page_id", "=", pageId)
    .orderBy("name")
    .execute();
}

export async function findEventType(conn: Conn, accountId: string, id: string) {
  return conn.selectFrom("event_types").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
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
export async function upsertCustomer(
  conn: Conn,
  c: { id: string; account_id: string; name: string; email: string; phone: string | null; time_zone: string | null },
): Promise<string> {
  const r = await sql<{ id: string }>`
    INSERT INTO customers (id, account_id, name, email, phone, time_zone)
    VALUES (${c.id}, ${c.account_id}, ${c.name}, ${c.email}, ${c.phone}, ${c.time_zone})
    ON CONFLICT (account_id, lower(email)) DO UPDATE
      SET name = excluded.name,
          phone = coalesce(excluded.phone, customers.phone),
          time_zone = coalesce(excluded.time_zone, customers.time_zone)
    RETURNING id`.execute(conn);
  return r.rows[0].id;
}

export async function findCustomer(conn: Conn, accountId: string, id: string) {
  return conn.selectFrom("customers").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

export async function insertManageToken(conn: Conn, t: { token_hash: string; account_id: string; activity_id: string }) {
  await conn.insertInto("manage_tokens").values(t).execute();
}

export async function findManageToken(conn: Conn, tokenHash: string) {
  return conn.selectFrom("manage_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}
