import { sql, type Selectable } from "kysely";
import type { Db, Tx } from "./database.js";
import type { CalendarConnectionsTable } from "./schema.js";

type Conn = Db | Tx;

/** Connected calendars, their cached busy times, the events written into them and feeds (migration 013). */

export type CalendarConnectionRow = Selectable<CalendarConnectionsTable>;

export async function findCalendarConnection(conn: Conn, accountId: string, userId: string): Promise<CalendarConnectionRow | undefined> {
  return conn.selectFrom("calendar_connections").selectAll().where("account_id", "=", accountId).where("user_id", "=", userId).executeTakeFirst();
}

/** Of these accounts, those where a calendar is connected or holds a booking's event (what the calendar consumer may have to do). */
export async function accountsWithCalendars(conn: Conn, accountIds: string[]): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const r = await sql<{ account_id: string }>`
    SELECT a.id AS account_id FROM unnest(${accountIds}::uuid[]) AS a(id)
    WHERE EXISTS (SELECT 1 FROM calendar_connections c WHERE c.account_id = a.id)
       OR EXISTS (SELECT 1 FROM calendar_event_copies e WHERE e.account_id = a.id)`.execute(conn);
  return new Set(r.rows.map((x) => x.account_id));
}

export async function listCalendarConnections(conn: Conn): Promise<Pick<CalendarConnectionRow, "account_id" | "user_id">[]> {
  return conn.selectFrom("calendar_connections").select(["account_id", "user_id"]).orderBy("user_id").execute();
}

export async function upsertCalendarConnection(tx: Tx, row: Omit<CalendarConnectionRow, "provider" | "busy_fetched_at" | "busy_error">): Promise<void> {
  await tx
    .insertInto("calendar_connections")
    .values(row)
    .onConflict((oc) =>
      oc.columns(["user_id", "account_id"]).doUpdateSet({
        server_url: row.server_url, username: row.username, password_sealed: row.password_sealed,
        calendar_url: row.calendar_url, calendar_name: row.calendar_name, updated_at: row.updated_at,
        busy_fetched_at: null, busy_error: null,
      }),
    )
    .execute();
}

/** Removes the connection and its cached busy times (the events already written stay in that calendar). */
export async function deleteCalendarConnection(tx: Tx, accountId: string, userId: string): Promise<boolean> {
  await tx.deleteFrom("calendar_busy").where("account_id", "=", accountId).where("owner_id", "=", userId).execute();
  await tx.deleteFrom("calendar_event_copies").where("account_id", "=", accountId).where("user_id", "=", userId).execute();
  const r = await tx.deleteFrom("calendar_connections").where("account_id", "=", accountId).where("user_id", "=", userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Replaces a user's cached busy times within [from, to) with what the calendar said, and records
 * when — only if the connection read from is still the current one (`updatedAt`), so a refresh
 * that finishes after a reconnect does not bring back the old calendar's times.
 */
export async function replaceBusyTimes(tx: Tx, accountId: string, userId: string, connectionUpdatedAt: Date, from: Date, to: Date, intervals: { start: Date; end: Date }[], at: Date): Promise<boolean> {
  const still = await tx.selectFrom("calendar_connections").select("user_id")
    .where("account_id", "=", accountId).where("user_id", "=", userId).where("updated_at", "=", connectionUpdatedAt)
    .forUpdate().executeTakeFirst();
  if (!still) return false;
  await tx.deleteFrom("calendar_busy").where("account_id", "=", accountId).where("owner_id", "=", userId).execute();
  const rows = intervals
    .filter((i) => i.end > from && i.start < to && i.end > i.start)
    .map((i) => ({ account_id: accountId, owner_id: userId, blocked: sql<string>`tstzrange(${i.start}::timestamptz, ${i.end}::timestamptz, '[)')` as unknown as string }));
  for (let k = 0; k < rows.length; k += 500) await tx.insertInto("calendar_busy").values(rows.slice(k, k + 500)).execute();
  await tx.updateTable("calendar_connections").set({ busy_fetched_at: at, busy_error: null })
    .where("account_id", "=", accountId).where("user_id", "=", userId).execute();
  return true;
}

export async function recordBusyError(conn: Conn, accountId: string, userId: string, error: string): Promise<void> {
  await conn.updateTable("calendar_connections").set({ busy_error: error.slice(0, 500) })
    .where("account_id", "=", accountId).where("user_id", "=", userId).execute();
}

export async function countBusyTimes(conn: Conn, accountId: string, userId: string): Promise<number> {
  const r = await conn.selectFrom("calendar_busy").select((eb) => eb.fn.countAll<string>().as("n"))
    .where("account_id", "=", accountId).where("owner_id", "=", userId).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listEventCopies(conn: Conn, accountId: string, activityId: string) {
  return conn.selectFrom("calendar_event_copies").selectAll().where("account_id", "=", accountId).where("activity_id", "=", activityId).execute();
}

export async function saveEventCopy(conn: Conn, row: { account_id: string; activity_id: string; user_id: string; object_url: string; written_at: Date }): Promise<void> {
  await conn.insertInto("calendar_event_copies").values(row)
    .onConflict((oc) => oc.columns(["account_id", "activity_id", "user_id"]).doUpdateSet({ object_url: row.object_url, written_at: row.written_at }))
    .execute();
}

export async function deleteEventCopy(conn: Conn, accountId: string, activityId: string, userId: string): Promise<void> {
  await conn.deleteFrom("calendar_event_copies").where("account_id", "=", accountId).where("activity_id", "=", activityId).where("user_id", "=", userId).execute();
}

export async function upsertFeed(tx: Tx, row: { account_id: string; user_id: string; token_hash: string; created_at: Date }): Promise<void> {
  await tx.insertInto("calendar_feeds").values(row)
    .onConflict((oc) => oc.columns(["user_id", "account_id"]).doUpdateSet({ token_hash: row.token_hash, created_at: row.created_at }))
    .execute();
}

export async function findFeedByHash(conn: Conn, tokenHash: string) {
  return conn.selectFrom("calendar_feeds").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

export async function findFeed(conn: Conn, accountId: string, userId: string) {
  return conn.selectFrom("calendar_feeds").selectAll().where("account_id", "=", accountId).where("user_id", "=", userId).executeTakeFirst();
}

export async function deleteFeed(conn: Conn, accountId: string, userId: string): Promise<boolean> {
  const r = await conn.deleteFrom("calendar_feeds").where("account_id", "=", accountId).where("user_id", "=", userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The bookings a user hosts that belong in their feed: live ones and recent cancellations, from `since` on. */
export async function listFeedBookings(conn: Conn, accountId: string, userId: string, since: Date, limit = 2000) {
  return conn.selectFrom("activities").selectAll()
    .where("account_id", "=", accountId).where("owner_id", "=", userId).where("type", "=", "booking")
    .where("status", "in", ["Scheduled", "Rescheduled", "Completed", "No-show", "Canceled"])
    .where("end_at", ">=", since)
    .orderBy("start_at").limit(limit).execute();
}
