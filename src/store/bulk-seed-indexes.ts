import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Drops a table's secondary indexes and foreign keys (PostgreSQL's advice for a bulk load: one
 * index build and one validating join instead of millions of index inserts and key look-ups),
 * returning `restore`, which recreates each from its saved definition. Kept: the primary key, the
 * exclusion constraints and the unique indexes (the load's ON CONFLICT relies on them on
 * `activities`), and triggers. A partitioned table's index is recreated on the table and every
 * partition (its saved definition says ON ONLY, which would build none).
 */
export type DeferrableTable = "activities" | "activity_history" | "activity_relations" | "payment_records";

export async function deferIndexesAndForeignKeys(trx: Kysely<Database>, table: DeferrableTable): Promise<{ restore(): Promise<void> }> {
  const indexes = (
    await sql<{ name: string; def: string }>`
      SELECT i.indexname AS name, i.indexdef AS def
      FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = ${table}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname)))
        AND i.indexdef NOT LIKE 'CREATE UNIQUE INDEX%'
      ORDER BY i.indexname`.execute(trx)
  ).rows;
  const foreignKeys = (
    await sql<{ name: string; def: string }>`
      SELECT conname AS name, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE conrelid = to_regclass(${table}) AND contype = 'f' AND conparentid = 0
      ORDER BY conname`.execute(trx)
  ).rows;
  for (const fk of foreignKeys) await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(fk.name)}`.execute(trx);
  for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.name)}`.execute(trx);
  return {
    restore: async () => {
      for (const ix of indexes) await sql.raw(ix.def.replace(/ ON ONLY /, " ON ")).execute(trx);
      for (const fk of foreignKeys) await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.id(fk.name)} ${sql.raw(fk.def)}`.execute(trx);
    },
  };
}
