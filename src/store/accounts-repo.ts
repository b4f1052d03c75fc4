import type { Db, Tx } from "./database.js";
import { firstPrepared } from "./prepared.js";
import { accountHolding } from "./global-names.js";

type Conn = Db | Tx;

export async function insertAccount(conn: Conn, a: { id: string; name: string }) {
  await conn.insertInto("accounts").values(a).execute();
}

export async function findAccount(conn: Conn, id: string) {
  return firstPrepared(conn, conn.selectFrom("accounts").selectAll().where("id", "=", id));
}

export async function listAccounts(conn: Conn) {
  return conn.selectFrom("accounts").selectAll().orderBy("created_at").execute();
}

/** Removes an account and everything in it (its rows cascade). */
export async function deleteAccount(conn: Conn, id: string) {
  await conn.deleteFrom("accounts").where("id", "=", id).execute();
}

/** Origins that may frame the account's public booking pages. */
export async function updateEmbedOrigins(conn: Conn, accountId: string, origins: string[]) {
  await conn.updateTable("accounts").set({ embed_origins: origins }).where("id", "=", accountId).execute();
}

/**
 * The embed origins of the account behind a public page's address: a booking page (/book/{slug})
 * or a master page (/m/{slug}). Undefined when no page has that slug.
 */
export async function embedOriginsForPublicPage(conn: Conn, kind: "booking" | "master", slug: string): Promise<string[] | undefined> {
  // A deleted booking page frees its address (migration 007): only the live one answers.
  const row = kind === "booking"
    ? await conn
        .selectFrom("booking_pages as p")
        .innerJoin("accounts as a", "a.id", "p.account_id")
        .select("a.embed_origins")
        .where("p.account_id", "=", accountHolding("booking_page_slug", slug))
        .where((eb) => eb(eb.fn("lower", ["p.slug"]), "=", slug.toLowerCase()))
        .where("p.deleted_at", "is", null)
        .executeTakeFirst()
    : await conn
        .selectFrom("master_pages as p")
        .innerJoin("accounts as a", "a.id", "p.account_id")
        .select("a.embed_origins")
        .where("p.account_id", "=", accountHolding("master_page_slug", slug))
        .where((eb) => eb(eb.fn("lower", ["p.slug"]), "=", slug.toLowerCase()))
        .executeTakeFirst();
  return row?.embed_origins;
}

export async function firstAccount(conn: Conn) {
  return conn.selectFrom("accounts").selectAll().orderBy("created_at").limit(1).executeTakeFirst();
}

export interface NewUser {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: "admin" | "member";
  password_hash: string | null;
  time_zone: string;
}

export async function insertUser(conn: Conn, u: NewUser) {
  await conn.insertInto("users").values(u).execute();
}

export async function findUserByEmail(conn: Conn, email: string) {
  return conn.selectFrom("users").selectAll()
    .where("account_id", "=", accountHolding("user_email", email))
    .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
    .executeTakeFirst();
}

export async function findUser(conn: Conn, accountId: string, id: string) {
  return firstPrepared(conn, conn.selectFrom("users").selectAll().where("account_id", "=", accountId).where("id", "=", id));
}

/** The account's users by name: active ones, or with `status` the deactivated ones or all. */
export async function listUsers(conn: Conn, accountId: string, status: "active" | "deactivated" | "all" = "active") {
  let q = conn
    .selectFrom("users")
    .select(["id", "email", "name", "role", "time_zone", "deactivated_at"])
    .where("account_id", "=", accountId);
  if (status === "active") q = q.where("deactivated_at", "is", null);
  if (status === "deactivated") q = q.where("deactivated_at", "is not", null);
  return q.orderBy("name").orderBy("id").execute();
}

export async function insertSession(conn: Conn, s: { token_hash: string; account_id: string; user_id: string; expires_at: Date }) {
  await conn.insertInto("sessions").values(s).execute();
}

export async function deleteSession(conn: Conn, tokenHash: string) {
  await conn.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
}

/** The signed-in user behind a session cookie or API token, if it is still valid and the user active. */
export async function findUserBySession(conn: Conn, tokenHash: string, now: Date) {
  return conn
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select(["users.id", "users.account_id", "users.email", "users.name", "users.role", "users.time_zone", "accounts.name as account_name"])
    .where("sessions.token_hash", "=", tokenHash)
    .where("sessions.expires_at", ">", now)
    .where("users.deactivated_at", "is", null)
    .executeTakeFirst();
}

export async function insertApiToken(conn: Conn, t: { id: string; account_id: string; user_id: string; name: string; token_hash: string; expires_at?: Date | null }) {
  await conn.insertInto("api_tokens").values(t).execute();
}

/** The user behind an API token, unless it has expired. */
export async function findUserByApiToken(conn: Conn, tokenHash: string, now: Date) {
  return conn
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .innerJoin("accounts", "accounts.id", "users.account_id")
    .select(["users.id", "users.account_id", "users.email", "users.name", "users.role", "users.time_zone", "accounts.name as account_name", "api_tokens.id as token_id", "api_tokens.expires_at"])
    .where("api_tokens.token_hash", "=", tokenHash)
    .where("users.deactivated_at", "is", null)
    .where((eb) => eb.or([eb("api_tokens.expires_at", "is", null), eb("api_tokens.expires_at", ">", now)]))
    .executeTakeFirst();
}

/** Notes a token's use, at most once a minute (a write per request would cost more than it tells). */
export async function touchApiToken(conn: Conn, tokenId: string, now: Date) {
  await conn
    .updateTable("api_tokens")
    .set({ last_used_at: now })
    .where("id", "=", tokenId)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", new Date(now.getTime() - 60_000))]))
    .execute();
}

export async function listApiTokens(conn: Conn, accountId: string, userId: string) {
  return conn
    .selectFrom("api_tokens")
    .select(["id", "name", "created_at", "last_used_at", "expires_at"])
    .where("account_id", "=", accountId)
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

export async function deleteApiToken(conn: Conn, accountId: string, userId: string, id: string): Promise<boolean> {
  const r = await conn.deleteFrom("api_tokens").where("account_id", "=", accountId).where("user_id", "=", userId).where("id", "=", id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
