import { Kysely, PostgresDialect, type Transaction } from "kysely";
import pg from "pg";
import { PGlitePool } from "./pglite-pool.js";
import { lockDataDir } from "./data-dir-lock.js";
import { migrate } from "./migrate.js";
import { isLastStatement, mayTravelWithBegin, preparedNameOf, transactionStartText } from "./prepared.js";
import type { Database } from "./schema.js";

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type Engine = "pglite" | "postgres";

// node-postgres returns int8 (count(*), bigserial) as strings; PGlite as numbers. Make both numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** The pieces pg-boss and the CLI need besides Kysely. */
export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /** Runs raw SQL (pg-boss's `db` adapter, bulk loads). */
  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number }>;
  /**
   * Runs `work` while no other process on this database runs start-up work (seeding the demo).
   * PostgreSQL: a session advisory lock on a connection of its own. PGlite: one process only
   * (its data folder is locked), so nothing to wait for.
   */
  withStartupLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const STARTUP_LOCK = 727275;

/** The embedded databases' pools, by their Kysely instance (for waitUntilQuiet). */
const embeddedPools = new WeakMap<Db, PGlitePool>();

/**
 * Bulk work in small batches calls this before each batch: on the embedded database (one
 * connection for every request) it waits until the connection has been free for `ms`, so the
 * batches run in the gaps between requests; on PostgreSQL each request has a connection of its own
 * and it returns at once.
 */
export function waitUntilQuiet(db: Db, ms: number): Promise<void> {
  return embeddedPools.get(db)?.quiet(ms) ?? Promise.resolve();
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  /** Folder for the embedded database; omitted = in memory (tests). */
  dataDir?: string;
  migrate?: boolean;
  poolSize?: number;
  /**
   * PostgreSQL: every transaction read-only, and connections named `applicationName` in
   * pg_stat_activity (the reports' replica connection: nothing may write through it).
   */
  readOnly?: { applicationName: string };
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const handle = opts.databaseUrl ? await openPostgres(opts.databaseUrl, opts.poolSize ?? 10, opts.readOnly) : await openPGlite(opts.dataDir);
  if (opts.migrate !== false) {
    try {
      await migrate(handle.db);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  return handle;
}

async function openPostgres(url: string, max: number, readOnly?: { applicationName: string }): Promise<DatabaseHandle> {
  // No parallel query: every statement here is a bounded page or a point write, and on a small
  // server starting workers costs more than it saves (a rare-matches stream page: 31 ms with two
  // workers, 14 ms without). Set per connection, so the server's own setting is left alone.
  const pool = new pg.Pool({
    connectionString: url,
    max,
    Client: PreparingClient,
    // Awaited before the pool hands the new connection out.
    ...(readOnly ? { application_name: readOnly.applicationName } : {}),
    onConnect: async (client) => {
      await client.query("SET max_parallel_workers_per_gather = 0");
      if (readOnly) await client.query("SET default_transaction_read_only = on");
    },
  });
  // An idle connection the server ends (a restart, a failover, pg_terminate_backend) is dropped
  // from the pool and replaced on next use; without a listener its error would end the process.
  pool.on("error", (err) => console.error(`[database] idle connection lost: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: "postgres",
    executeSql: async (text, values) => {
      const r = await pool.query(text, values as any[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    withStartupLock: async (work) => {
      const client = await pool.connect();
      try {
        await client.query("SELECT pg_advisory_lock($1)", [STARTUP_LOCK]);
        return await work();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [STARTUP_LOCK]).catch(() => undefined);
        client.release();
      }
    },
    close: () => db.destroy(),
  };
}

/**
 * A client that runs the texts marked by executePrepared as named (prepared) statements, begins a
 * transaction run under withGenericPlans with its plan setting, and saves each transaction that
 * opens with a read a round trip: its BEGIN is held back and written to the socket together with
 * that read (pg's pipeline mode, for those two statements only); likewise a statement marked as
 * its transaction's last (asLastStatement) travels with the COMMIT. On the booking path that is two
 * round trips of five; each costs both processes a wake-up, which on a small machine is most of
 * what a short statement costs.
 */
class PreparingClient extends pg.Client {
  /** A transaction's start not sent yet: it goes with the transaction's first statement. */
  private heldBegin: string | undefined;
  /**
   * The transaction ended with a statement marked by asLastStatement (its COMMIT went along):
   * "committed", or "ended" when the statement or the COMMIT failed and so rolled it back. Kysely's
   * own commit or rollback then has nothing left to send.
   */
  private endedAhead: "committed" | "ended" | undefined;

  query(...args: any[]): any {
    const [text, values] = args;
    if (args.length !== 2 || typeof text !== "string") {
      // Kysely sends (text, values) only; a cursor or callback query here would run outside the
      // transaction whose BEGIN is held back, so that is refused rather than reordered.
      if (this.heldBegin !== undefined || this.endedAhead !== undefined) throw new Error("PreparingClient: a transaction's statements must be (text, values)");
      return (super.query as (...a: any[]) => any)(...args);
    }
    const begin = transactionStartText(text);
    if (begin !== undefined) {
      this.heldBegin = begin;
      this.endedAhead = undefined;
      return Promise.resolve(NOTHING_SENT);
    }
    if (this.endedAhead !== undefined) return this.afterEndedAhead(text);
    const held = this.heldBegin;
    this.heldBegin = undefined;
    if (held === undefined) {
      // Only inside a transaction block, whose earlier statements have all been answered.
      if (isLastStatement() && this.getTransactionStatus() === "T") return this.withCommit(text, values);
      return this.send(text, values);
    }
    // A transaction that ends before any statement: there is nothing to commit or roll back.
    if (text === "commit" || text === "rollback") return Promise.resolve(NOTHING_SENT);
    return this.afterBegin(held, text, values);
  }

  /** pg types `pipeline` as read-only; the client reads it on every query, so it may change between queries. */
  private setPipeline(on: boolean) {
    (this as { pipeline: boolean }).pipeline = on;
  }

  private send(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const name = preparedNameOf(text);
    if (name) return super.query({ name, text, values });
    return super.query(text, values);
  }

  /** Sends `first` and `second` in one write (pipeline mode, each with its own Sync) and waits for both answers. */
  private async together<A, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]> {
    // Pipeline mode sends each query as it is issued; corked, both leave in one write. It stays on
    // until both are answered (pg reads their answers in order), then the client is as before.
    this.setPipeline(true);
    const socket = this.connection.stream;
    socket.cork();
    let a: Promise<A>;
    let b: Promise<B>;
    try {
      a = first();
      b = second();
    } finally {
      socket.uncork();
    }
    const settled = await Promise.allSettled([a, b]);
    this.setPipeline(false);
    return settled;
  }

  private async afterBegin(begin: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    if (!mayTravelWithBegin(text)) {
      await super.query(begin);
      return this.send(text, values);
    }
    const [b, f] = await this.together(() => super.query(begin), () => this.send(text, values));
    if (b.status === "rejected") throw b.reason;
    if (f.status === "rejected") throw f.reason;
    return f.value;
  }

  /**
   * The transaction's last statement and its COMMIT in one write. A failed statement leaves the
   * transaction failed, and the COMMIT after its Sync then rolls it back (answering ROLLBACK).
   */
  private async withCommit(text: string, values: unknown[]): Promise<pg.QueryResult> {
    const [s, c] = await this.together(() => this.send(text, values), () => super.query("commit"));
    this.endedAhead = "ended";
    if (s.status === "rejected") throw s.reason;
    if (c.status === "rejected") throw c.reason;
    if (c.value.command !== "COMMIT") throw new Error(`PreparingClient: the transaction's COMMIT answered ${c.value.command}`);
    this.endedAhead = "committed";
    return s.value;
  }

  /** What comes after a transaction ended with its last statement: Kysely's commit or rollback, or a mistake. */
  private afterEndedAhead(text: string): Promise<pg.QueryResult> {
    if (text !== "commit" && text !== "rollback") {
      throw new Error("PreparingClient: a statement after the one marked as its transaction's last (the transaction has ended)");
    }
    const ended = this.endedAhead;
    this.endedAhead = undefined;
    if (text === "rollback" && ended === "committed") {
      // The work failed after its last statement, which had committed: say so rather than pretend
      // it was undone (asLastStatement's callers do nothing after it that can fail).
      return Promise.reject(new Error("PreparingClient: the transaction was committed with its last statement and cannot be rolled back"));
    }
    return Promise.resolve(NOTHING_SENT);
  }
}

/** What Kysely gets for a statement held back or skipped: no rows, nothing affected. */
const NOTHING_SENT = { command: "", rowCount: null, rows: [], fields: [], oid: 0 } as unknown as pg.QueryResult;

async function openPGlite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const unlock = dataDir ? await lockDataDir(dataDir) : undefined;
  let pool: PGlitePool;
  try {
    pool = await PGlitePool.open({ dataDir, durable: Boolean(dataDir) });
  } catch (err) {
    await unlock?.();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as any }) });
  embeddedPools.set(db, pool);
  return {
    db,
    engine: "pglite",
    executeSql: (text, values) => pool.query(text, values),
    withStartupLock: (work) => work(),
    close: async () => {
      await db.destroy();
      await unlock?.();
    },
  };
}
