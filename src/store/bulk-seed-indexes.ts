import { sql, type Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * Drops a table's secondary indexes and foreign keys (PostgreSQL's advice for a bulk load: one
 * index build and one validating join instead of millions of index inserts and key look-ups),
 * returning their saved definitions, from which each is recreated after. Kept: the primary key,
 * the exclusion constraints and the unique indexes (the load's ON CONFLICT relies on them on
 * `activities`), and triggers. A partitioned table's index is recreated on the table and every
 * partition (its saved definition says ON ONLY, which would build none).
 */
export type DeferrableTable = "activities" | "activity_history" | "activity_relations" | "payment_records";
export const DEFERRABLE_TABLES: DeferrableTable[] = ["activities", "activity_history", "activity_relations", "payment_records"];

/** `table`: where it was dropped from (a deferrable table), or a partition of one its key is checked on. */
export interface DeferredDefinition { table: string; kind: "index" | "foreign key"; name: string; def: string }

export async function dropIndexesAndForeignKeys(trx: Kysely<Database>, table: DeferrableTable): Promise<DeferredDefinition[]> {
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
  return [
    ...indexes.map((ix) => ({ table, kind: "index" as const, ...ix })),
    ...foreignKeys.map((fk) => ({ table, kind: "foreign key" as const, ...fk })),
  ];
}

/** Drops them now; `restore` recreates each, indexes first (in the caller's transaction). */
export async function deferIndexesAndForeignKeys(trx: Kysely<Database>, table: DeferrableTable): Promise<{ restore(): Promise<void> }> {
  const deferred = await dropIndexesAndForeignKeys(trx, table);
  return {
    restore: async () => {
      for (const d of deferred) await (d.kind === "index" ? createIndex(trx, d) : addForeignKey(trx, d));
    },
  };
}

export const createIndex = (trx: Kysely<Database>, d: DeferredDefinition) => sql.raw(d.def.replace(/ ON ONLY /, " ON ")).execute(trx);

/**
 * `validated: false` adds the key NOT VALID (a moment's lock, nothing read) for `validateForeignKey`
 * to check later: validation locks only the key's own table against schema changes, so keys of
 * different tables can be validated at once, on several connections.
 */
export const addForeignKey = (trx: Kysely<Database>, d: DeferredDefinition, validated = true) =>
  sql`ALTER TABLE ${sql.table(d.table)} ADD CONSTRAINT ${sql.id(d.name)} ${sql.raw(d.def)} ${sql.raw(validated ? "" : "NOT VALID")}`.execute(trx);

export const validateForeignKey = (trx: Kysely<Database>, d: DeferredDefinition) =>
  sql`ALTER TABLE ${sql.table(d.table)} VALIDATE CONSTRAINT ${sql.id(d.name)}`.execute(trx);

/** Whether the index or key is absent now (a load that stopped midway left it dropped). */
export async function isMissing(db: Kysely<Database>, d: DeferredDefinition): Promise<boolean> {
  const r = d.kind === "index"
    ? await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE oid = to_regclass(${d.name})`.execute(db)
    : await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = to_regclass(${d.table}) AND conname = ${d.name}`.execute(db);
  return r.rows[0].n === 0;
}
