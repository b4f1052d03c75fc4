import { sql } from "kysely";
import type { Db, Tx } from "./database.js";

type Conn = Db | Tx;

/** Failed sign-ins per key in fixed windows (migration 004), shared by every process. */
export async function countFailures(conn: Conn, keys: { key: string; since: Date }[]): Promise<Map<string, { failures: number; windowStart: Date }>> {
  if (keys.length === 0) return new Map();
  const rows = await conn.selectFrom("sign_in_failures").selectAll().where("key", "in", keys.map((k) => k.key)).execute();
  const since = new Map(keys.map((k) => [k.key, k.since.getTime()]));
  return new Map(rows.filter((r) => r.window_start.getTime() > since.get(r.key)!).map((r) => [r.key, { failures: r.failures, windowStart: r.window_start }]));
}

/** One more failure for `key`; a window older than `since` starts over. */
export async function addFailure(conn: Conn, key: string, now: Date, since: Date): Promise<void> {
  await sql`
    INSERT INTO sign_in_failures (key, window_start, failures) VALUES (${key}, ${now}, 1)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN sign_in_failures.window_start <= ${since} THEN 1 ELSE sign_in_failures.failures + 1 END,
      window_start = CASE WHEN sign_in_failures.window_start <= ${since} THEN ${now}::timestamptz ELSE sign_in_failures.window_start END`.execute(conn);
}

export async function clearFailures(conn: Conn, key: string): Promise<void> {
  await conn.deleteFrom("sign_in_failures").where("key", "=", key).execute();
}

export async function deleteStaleFailures(conn: Conn, before: Date): Promise<number> {
  const r = await conn.deleteFrom("sign_in_failures").where("window_start", "<", before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
