import { sql } from "kysely";
import type { Db } from "./database.js";

/**
 * The time partitions of migration 026 (PostgreSQL only; the embedded database keeps its default
 * partition alone): activity history by year, named `activity_history_YYYY` (UTC).
 */
const PARTITIONED = [{ table: "activity_history", unit: "year", aheadMonths: 12 }] as const;

/** Creates the partitions from this year to the one `aheadMonths` ahead; returns how many were new. */
export async function ensureTimePartitions(db: Db, now: Date): Promise<number> {
  let made = 0;
  for (const p of PARTITIONED) {
    const until = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + p.aheadMonths, 1));
    const r = await sql<{ n: number }>`SELECT ensure_time_partitions(${p.table}, ${p.unit}, ${now}::timestamptz, ${until}::timestamptz) AS n`.execute(db);
    made += Number(r.rows[0].n);
  }
  return made;
}
