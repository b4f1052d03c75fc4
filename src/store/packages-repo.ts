import { sql } from "kysely";
import { firstPrepared } from "./prepared.js";
import type { Db, Tx } from "./database.js";
import { findActivity, type ActivityRow } from "./activities-repo.js";

/** Session packages: the package → session relations ('package_session'). */
type Conn = Db | Tx;

/** The package a session belongs to, if any. */
export async function findPackageIdOf(conn: Conn, accountId: string, sessionId: string): Promise<string | undefined> {
  const row = await firstPrepared(conn, conn
    .selectFrom("activity_relations")
    .select("from_id")
    .where("account_id", "=", accountId)
    .where("to_id", "=", sessionId)
    .where("kind", "=", "package_session"));
  return row?.from_id;
}

/** Loads the package locked for this transaction, so concurrent session changes take turns. */
export async function lockPackage(tx: Tx, accountId: string, packageId: string): Promise<ActivityRow | undefined> {
  const locked = await tx
    .selectFrom("activities")
    .select("id")
    .where("account_id", "=", accountId)
    .where("id", "=", packageId)
    .where("type", "=", "package")
    .forUpdate()
    .executeTakeFirst();
  return locked ? findActivity(tx, accountId, packageId) : undefined;
}

/** Every session of a package (replacements of rescheduled sessions included), by start. */
export async function listPackageSessions(conn: Conn, accountId: string, packageId: string) {
  return conn
    .selectFrom("activity_relations as r")
    .innerJoin("activities as a", "a.id", "r.to_id")
    .select(["a.id", "a.status", "a.detailed_status", "a.start_at", "a.end_at", "a.owner_id"])
    .where("r.account_id", "=", accountId)
    .where("r.from_id", "=", packageId)
    .where("r.kind", "=", "package_session")
    .orderBy("a.start_at")
    .orderBy("a.id")
    .execute();
}

/** The packages that any of `sessionIds` belongs to (a Trash move or restore re-sums them). */
export async function findPackageIdsOf(conn: Conn, accountId: string, sessionIds: string[]): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const rows = await conn
    .selectFrom("activity_relations")
    .select("from_id")
    .distinct()
    .where("account_id", "=", accountId)
    .where("to_id", "in", sessionIds)
    .where("kind", "=", "package_session")
    .orderBy("from_id")
    .execute();
  return rows.map((r) => r.from_id);
}

/**
 * Re-sums a package's sessions onto its row (migration 006): how many are held or still to come,
 * and their first and last start. A session in the Trash is not counted (migration 021): it has
 * left every view, and its package shows what is left. Derived data, like the row's customer and
 * owner names: the package's version and updated_at stay as they are.
 */
export async function refreshSessionSummary(tx: Tx, accountId: string, packageId: string): Promise<void> {
  await sql`
    UPDATE activities AS p
    SET session_count = s.n, sessions_first_start = s.first_start, sessions_last_start = s.last_start
    FROM (
      SELECT count(a.start_at)::integer AS n, min(a.start_at) AS first_start, max(a.start_at) AS last_start
      FROM activity_relations AS r
      JOIN activities AS a ON a.id = r.to_id
      WHERE r.account_id = ${accountId} AND r.from_id = ${packageId} AND r.kind = 'package_session'
        AND a.status NOT IN ('Canceled', 'Expired') AND a.trashed_at IS NULL
    ) AS s
    WHERE p.account_id = ${accountId} AND p.id = ${packageId} AND p.type = 'package'`.execute(tx);
}
