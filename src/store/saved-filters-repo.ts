import type { Selectable } from "kysely";
import type { Db, Tx } from "./database.js";
import type { SavedFiltersTable } from "./schema.js";

type Conn = Db | Tx;
export type SavedFilterRow = Selectable<SavedFiltersTable>;

/** A user's own saved filters: every query is scoped by account and user. */
export interface FilterOwner {
  accountId: string;
  userId: string;
}

export async function listSavedFilters(conn: Conn, o: FilterOwner): Promise<SavedFilterRow[]> {
  return conn.selectFrom("saved_filters").selectAll().where("account_id", "=", o.accountId).where("user_id", "=", o.userId).orderBy("name").execute();
}

export async function findSavedFilter(conn: Conn, o: FilterOwner, id: string): Promise<SavedFilterRow | undefined> {
  return conn.selectFrom("saved_filters").selectAll().where("account_id", "=", o.accountId).where("user_id", "=", o.userId).where("id", "=", id).executeTakeFirst();
}

/** The user's filter with this name (case-insensitive), if any. */
export async function findSavedFilterByName(conn: Conn, o: FilterOwner, name: string): Promise<SavedFilterRow | undefined> {
  return conn
    .selectFrom("saved_filters")
    .selectAll()
    .where("account_id", "=", o.accountId).where("user_id", "=", o.userId)
    .where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase()))
    .executeTakeFirst();
}

export async function countSavedFilters(conn: Conn, o: FilterOwner): Promise<number> {
  const r = await conn.selectFrom("saved_filters").select((eb) => eb.fn.countAll<number>().as("n")).where("account_id", "=", o.accountId).where("user_id", "=", o.userId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertSavedFilter(
  conn: Conn,
  f: { id: string; accountId: string; userId: string; name: string; query: Record<string, unknown>; now: Date },
): Promise<SavedFilterRow> {
  return conn
    .insertInto("saved_filters")
    .values({ id: f.id, account_id: f.accountId, user_id: f.userId, name: f.name, query: JSON.stringify(f.query), created_at: f.now, updated_at: f.now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateSavedFilter(
  conn: Conn,
  o: FilterOwner,
  id: string,
  changes: { name?: string; query?: Record<string, unknown>; now: Date },
): Promise<SavedFilterRow | undefined> {
  return conn
    .updateTable("saved_filters")
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.query !== undefined ? { query: JSON.stringify(changes.query) } : {}),
      updated_at: changes.now,
    })
    .where("account_id", "=", o.accountId)
    .where("user_id", "=", o.userId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSavedFilter(conn: Conn, o: FilterOwner, id: string): Promise<boolean> {
  const r = await conn
    .deleteFrom("saved_filters")
    .where("account_id", "=", o.accountId)
    .where("user_id", "=", o.userId)
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
