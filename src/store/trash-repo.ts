import { sql } from "kysely";
import type { Db, Tx } from "./database.js";

type Conn = Db | Tx;

/**
 * The Trash's writes and reads. A move and a restore change only trashed_at/trashed_by (and the
 * version, so an action loaded before the move cannot land after it): the status, the meeting
 * time and updated_at stay as they were, so a restored activity returns to its place in the stream.
 */

export interface TrashedRow {
  id: string;
  status: string;
  detailed_status: string;
}

/**
 * Moves the active activities among `ids` to the Trash and writes each one's history row, in one
 * statement (one round trip for up to 50); returns the ones it moved (the caller compares).
 */
export async function markTrashed(tx: Tx, accountId: string, ids: string[], at: Date, by: { id: string; name: string }, data: Record<string, unknown>): Promise<TrashedRow[]> {
  if (ids.length === 0) return [];
  const r = await sql<TrashedRow>`
    WITH moved AS (
      UPDATE activities SET trashed_at = ${at}::timestamptz, trashed_by = ${by.id}::uuid, version = version + 1
      WHERE account_id = ${accountId} AND id IN (${sql.join(ids)}) AND trashed_at IS NULL
      RETURNING id, status, detailed_status
    ), noted AS (
      INSERT INTO activity_history (account_id, activity_id, at, actor_type, actor_id, actor_name, action, from_status, from_detailed_status, to_status, to_detailed_status, data)
      SELECT ${accountId}::uuid, id, ${at}::timestamptz, 'user', ${by.id}::uuid, ${by.name}::text, 'move-to-trash', status, detailed_status, status, detailed_status, ${JSON.stringify(data)}::jsonb FROM moved
    )
    SELECT id, status, detailed_status FROM moved`.execute(tx);
  return r.rows;
}

/** Takes `id` out of the Trash if it went in after `cutoff` (the 30 days are not over). */
export async function markRestored(tx: Tx, accountId: string, id: string, cutoff: Date): Promise<TrashedRow | undefined> {
  return tx
    .updateTable("activities")
    .set({ trashed_at: null, trashed_by: null, version: sql`version + 1` })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where("trashed_at", ">", cutoff)
    .returning(["id", "status", "detailed_status"])
    .executeTakeFirst();
}

/** IDs of the account's trashed activities (all of them: "Empty trash now"), at most `limit`. */
export async function trashedIdsOf(conn: Conn, accountId: string, limit: number): Promise<string[]> {
  const rows = await conn
    .selectFrom("activities")
    .select("id")
    .where("account_id", "=", accountId)
    .where("trashed_at", "is not", null)
    .orderBy("trashed_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Trashed activities whose 30 days are over, any account (the scheduled purge's work list), read
 * in the order of activities_trash_due_key_idx (trashed_at, id) from where the last round ended.
 * Sorting is switched off for the statement: with statistics older than a large move to the Trash
 * (the embedded database has no autovacuum to refresh them) the planner took the Trash for one row,
 * read it through another Trash index and sorted all of it for every round — 100,000 due rows made
 * each round of 1,000 take 130 ms there, holding every request up. In key order it reads 1,000.
 */
export async function dueForPurge(db: Db, cutoff: Date, limit: number, after?: DueKey): Promise<(DueKey & { account_id: string })[]> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL enable_sort = off`.execute(tx);
    let q = tx
      .selectFrom("activities")
      .select(["id", "account_id", "trashed_at"])
      .where("trashed_at", "is not", null)
      .where("trashed_at", "<=", cutoff);
    if (after) q = q.where(sql<boolean>`(trashed_at, id) > (${after.trashed_at}, ${after.id})`);
    const rows = await q.orderBy("trashed_at").orderBy("id").limit(limit).execute();
    return rows.map((r) => ({ id: r.id, account_id: r.account_id, trashed_at: r.trashed_at! }));
  });
}

/** Where a round of the purge's work list ended (the next starts after it). */
export interface DueKey {
  id: string;
  trashed_at: Date;
}

/** Users' names, for "moved by" in the Trash. */
export async function userNames(conn: Conn, accountId: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await conn.selectFrom("users").select(["id", "name"]).where("account_id", "=", accountId).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
