import { sql } from "kysely";
import type { Db } from "./database.js";

/**
 * The time partitions of migrations 026 (history) and 029 (the outbox): which tables, by what unit,
 * and how far ahead the workers (as they start) and housekeeping create them — on PostgreSQL; the
 * embedded database keeps its default partitions alone. Partitions are named `<table>_YYYY` or
 * `<table>_YYYY_MM` (UTC), which is how the retention below knows a month's bounds without parsing
 * the catalog's bound expressions.
 */
const PARTITIONED = [
  { table: "activity_history", unit: "year", aheadMonths: 12 },
  { table: "outbox_events", unit: "month", aheadMonths: 2 },
  { table: "outbox_deliveries", unit: "month", aheadMonths: 2 },
  { table: "webhook_deliveries", unit: "month", aheadMonths: 2 },
] as const;

/** Creates the partitions from this month (year) to the ones `aheadMonths` ahead; returns how many were new. */
export async function ensureTimePartitions(db: Db, now: Date): Promise<number> {
  let made = 0;
  for (const p of PARTITIONED) {
    const until = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + p.aheadMonths, 1));
    const r = await sql<{ n: number }>`SELECT ensure_time_partitions(${p.table}, ${p.unit}, ${now}::timestamptz, ${until}::timestamptz) AS n`.execute(db);
    made += Number(r.rows[0].n);
  }
  return made;
}

/** The outbox's monthly partitions, oldest first, with the instant each one ends. */
export async function outboxMonths(db: Db): Promise<{ month: string; end: Date }[]> {
  const r = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'outbox_events'::regclass ORDER BY c.relname`.execute(db);
  return r.rows.flatMap((row) => {
    const m = /^outbox_events_(\d{4})_(\d{2})$/.exec(row.name);
    return m ? [{ month: `${m[1]}_${m[2]}`, end: new Date(Date.UTC(Number(m[1]), Number(m[2]), 1)) }] : [];
  });
}

/**
 * Drops one month of the outbox (its events and both deliveries' partitions) when nothing in it
 * is still pending; false (nothing dropped) when something is, or when the tables are busy beyond
 * a short wait (the next round tries again). Dropping takes an exclusive lock on the three
 * parents for a moment; the deliveries are locked before they are checked, so a delivery put back
 * to pending meanwhile (a replay from the delivery log) keeps its month.
 */
export async function dropSettledOutboxMonth(db: Db, month: string): Promise<boolean> {
  if (!/^\d{4}_\d{2}$/.test(month)) throw new Error(`dropSettledOutboxMonth: not a month: ${month}`);
  const events = sql.id(`outbox_events_${month}`);
  const outbox = sql.id(`outbox_deliveries_${month}`);
  const hooks = sql.id(`webhook_deliveries_${month}`);
  const exist = await sql<{ n: number }>`
    SELECT ((to_regclass(${`outbox_deliveries_${month}`}) IS NOT NULL)::int + (to_regclass(${`webhook_deliveries_${month}`}) IS NOT NULL)::int) AS n`.execute(db);
  // Without its own deliveries' partition, that month's deliveries are in the default one: left to the row-by-row pruning.
  if (Number(exist.rows[0].n) !== 2) return false;
  const anyPending = async (q: Db) => (await sql<{ busy: boolean }>`
    SELECT EXISTS (SELECT 1 FROM ${outbox} WHERE status = 'pending') OR EXISTS (SELECT 1 FROM ${hooks} WHERE status = 'pending') AS busy`.execute(q)).rows[0].busy;
  // A month still waiting on a delivery is seen without a lock, so housekeeping does not hold up
  // that month's claims every round; a settled one is checked again under the lock.
  if (await anyPending(db)) return false;
  try {
    return await db.transaction().execute(async (tx) => {
      await sql`SET LOCAL lock_timeout = '2s'`.execute(tx);
      await sql`LOCK TABLE ${outbox}, ${hooks} IN ACCESS EXCLUSIVE MODE`.execute(tx);
      if (await anyPending(tx)) return false;
      await sql`DROP TABLE ${outbox}, ${hooks}`.execute(tx);
      // A partition a foreign key points at is detached (which checks nothing still points at it) before it is dropped.
      await sql`ALTER TABLE outbox_events DETACH PARTITION ${events}`.execute(tx);
      await sql`DROP TABLE ${events}`.execute(tx);
      return true;
    });
  } catch (err: any) {
    if (err?.code === "55P03") return false; // lock_not_available: busy; the next round tries again
    throw err;
  }
}
