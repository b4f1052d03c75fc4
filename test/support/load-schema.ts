import { sql, type Kysely } from "kysely";
import type { Database } from "../../src/store/schema.js";

/**
 * What a bulk load that drops and rebuilds indexes and keys must leave as it found it, as sorted
 * lines: every index and constraint (validated or not) of the four tables it rebuilds, the keys'
 * own triggers, whether the report counts' trigger is on, and any helper table left behind.
 */
export async function loadedTablesSchema(db: Kysely<Database>): Promise<string[]> {
  const r = await sql<{ def: string }>`
    SELECT indexdef AS def FROM pg_indexes WHERE schemaname = current_schema()
       AND tablename IN ('activities', 'activity_history', 'activity_relations', 'payment_records')
    UNION ALL
    SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint
     WHERE conrelid IN ('activities'::regclass, 'activity_history'::regclass, 'activity_relations'::regclass, 'payment_records'::regclass)
       AND contype IN ('f', 'x', 'u', 'p') AND conparentid = 0
    UNION ALL
    SELECT 'trigger ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE tgrelid = 'activities'::regclass AND NOT tgisinternal
    UNION ALL
    -- The keys' own triggers (a partitioned table's key taken over from its partitions must leave the same).
    SELECT 'internal triggers ' || tgrelid::regclass::text || ' ' || count(*) FROM pg_trigger
     WHERE tgisinternal AND tgrelid IN ('activities'::regclass, 'activity_history'::regclass, 'activity_relations'::regclass, 'payment_records'::regclass)
     GROUP BY tgrelid
    UNION ALL
    SELECT 'helper ' || relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relname LIKE 'bulk\\_seed%'
    ORDER BY 1`.execute(db);
  return r.rows.map((x) => x.def);
}
