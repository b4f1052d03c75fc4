import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql, type Kysely } from "kysely";

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies the SQL files in migrations/ in name order, each in its own transaction, once. */
export async function migrate(db: Kysely<any>): Promise<string[]> {
  const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith(".sql")).sort();
  const applied: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(MIGRATIONS_DIR, file), "utf8");
    const didApply = await db.transaction().execute(async (trx) => {
      // Several servers may start at once against one PostgreSQL: one migrates, the others wait.
      await sql`SELECT pg_advisory_xact_lock(727274)`.execute(trx);
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(trx);
      const done = await sql<{ name: string }>`SELECT name FROM schema_migrations WHERE name = ${file}`.execute(trx);
      if (done.rows.length > 0) return false;
      await sql.raw(text).execute(trx);
      await sql`INSERT INTO schema_migrations (name) VALUES (${file})`.execute(trx);
      return true;
    });
    if (didApply) applied.push(file);
  }
  return applied;
}
