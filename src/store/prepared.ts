import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import type { CompiledQuery, QueryResult } from "kysely";
import type { Db, Tx } from "./database.js";

/**
 * Prepared statements for the hottest fixed-shape queries (the booking write path). PostgreSQL
 * parses and plans an unnamed statement on every execution; for a statement of a few joins that
 * is most of its cost (the booking page read: ~1 ms of planning for ~0.1 ms of work). A statement
 * run through `executePrepared` is prepared once per connection under a name derived from its text
 * and reused, and PostgreSQL may settle on a generic plan after a few runs.
 *
 * Only statements whose shape the code fixes go here: the set of texts stays small (a cap guards
 * it anyway), and none has a plan that should depend on its values (the stream's queries do, so
 * they stay unnamed). PGlite runs them as usual.
 */
const MAX_PREPARED_TEXTS = 500;
const names = new Map<string, string>();

/** Runs a query builder or a sql`` statement as a prepared statement (on PostgreSQL). */
export async function executePrepared<R>(conn: Db | Tx, query: { compile(conn: Db | Tx): CompiledQuery<R> }): Promise<QueryResult<R>> {
  const compiled = query.compile(conn);
  if (!names.has(compiled.sql) && names.size < MAX_PREPARED_TEXTS) {
    names.set(compiled.sql, `bs_${createHash("sha1").update(compiled.sql).digest("hex").slice(0, 16)}`);
  }
  return conn.executeQuery(compiled);
}

/** The statement name for a text run through executePrepared, if any (the PostgreSQL client asks). */
export function preparedNameOf(text: string): string | undefined {
  return names.get(text);
}

/** The first row of a fixed-shape read (a lookup by key), run as a prepared statement. */
export async function firstPrepared<R>(conn: Db | Tx, query: { compile(conn: Db | Tx): CompiledQuery<R> }): Promise<R | undefined> {
  return (await executePrepared(conn, query)).rows[0];
}

const genericPlans = new AsyncLocalStorage<true>();

/**
 * Runs `work` so that the transaction it begins plans each statement once per connection: the
 * PostgreSQL client begins it with `SET LOCAL plan_cache_mode = force_generic_plan`, in the same
 * round trip. For transactions made only of fixed-shape reads and writes by key, where the plan
 * cannot depend on the values: the booking write path. PostgreSQL's own choice kept re-planning
 * the schedule read on every booking (its generic estimate of a time range never beats a custom
 * plan's), 15% of the database's CPU per booking. The setting ends with the transaction. The
 * embedded database keeps its own choice (no such client there: its `begin` is the pool's).
 */
export function withGenericPlans<T>(work: () => Promise<T>): Promise<T> {
  return genericPlans.run(true, work);
}

/**
 * What the PostgreSQL client sends to start a transaction, or undefined when `text` starts none.
 * A start is Kysely's `begin` or `start transaction …`; under withGenericPlans it carries the setting.
 */
export function transactionStartText(text: string): string | undefined {
  if (text !== "begin" && !text.startsWith("start transaction")) return undefined;
  return genericPlans.getStore() ? `${text}; SET LOCAL plan_cache_mode = force_generic_plan` : text;
}

/**
 * Whether a transaction's first statement may be sent in the same write as its BEGIN, without
 * waiting for the BEGIN's answer: a plain read (SELECT). Each goes with its own Sync, so should the
 * BEGIN fail, the statement would still run, in a transaction of its own: harmless for a read,
 * not for a write (a write first waits for its BEGIN).
 */
export function mayTravelWithBegin(text: string): boolean {
  return /^\s*select\b/i.test(text);
}

const lastStatement = new AsyncLocalStorage<true>();

/**
 * Runs `work`, whose one statement is its transaction's last: the PostgreSQL client writes the
 * COMMIT to the socket together with it, and answers once both are answered, so the booking path
 * saves the COMMIT's own round trip. The caller promises that nothing follows in the transaction
 * (the client refuses a statement after it), and that what it does after the statement cannot fail
 * for a reason that should undo it: the transaction is committed by then. Should the statement
 * fail, the COMMIT that follows it rolls the transaction back (PostgreSQL ends a failed
 * transaction so), and the statement's error is what `work` sees; should the COMMIT fail (a
 * serialization failure, a deferred constraint), its error is. Outside a transaction, and on the
 * embedded database, the statement runs as usual and the transaction commits as usual.
 */
export function asLastStatement<T>(work: () => Promise<T>): Promise<T> {
  return lastStatement.run(true, work);
}

/** Whether the statement being sent was marked by asLastStatement (the PostgreSQL client asks). */
export function isLastStatement(): boolean {
  return lastStatement.getStore() === true;
}
