import fs from "node:fs";
import path from "node:path";
import { parse as pgliteResults, PGlite, protocol, types } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import { preparedNameOf } from "./prepared.js";

/**
 * A pg-compatible "pool" over one embedded PGlite instance, for Kysely's PostgresDialect and
 * for pg-boss. PGlite is a single connection: a FIFO mutex hands it to one client at a time, so
 * a transaction (BEGIN … COMMIT on one client) is never interleaved with another caller's SQL.
 *
 * Durability: PGlite starts PostgreSQL with fsync off ("-F") and its Node filesystem turns
 * fsync into a no-op. PostgreSQL still write()s the WAL at every commit, so a committed write is
 * in the OS page cache (it survives kill -9); to also survive power loss we fsync the WAL files
 * that changed before a committing statement is acknowledged. Commits share fsyncs (group commit,
 * see connect): another caller may read a commit a few milliseconds before its fsync ends — after
 * kill -9 it is still there (page cache); only a power cut in that window could lose it.
 */

/** Statement texts whose parameter types are remembered (Kysely makes a text per `in (…)` length: bounded). */
const MAX_REMEMBERED_TEXTS = 5_000;

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

type QueryResult = { command: string; rowCount: number; rows: any[] };

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  /** Callers holding or waiting for the lock, and when the last of them let go. */
  private users = 0;
  private freedAt = 0;
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => next);
    this.users++;
    let released = false;
    return prev.then(() => () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.freedAt = performance.now();
      release();
    });
  }

  /** Resolves once nobody has held or waited for the lock for `ms` milliseconds. */
  async quiet(ms: number): Promise<void> {
    for (;;) {
      const idleFor = this.users === 0 ? performance.now() - this.freedAt : 0;
      if (idleFor >= ms) return;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.ceil(ms - idleFor))));
    }
  }
}

const WRITE_COMMANDS = /^\s*(insert|update|delete|create|alter|drop|truncate|commit|end|merge|with|copy|select\s+pg_catalog\.set_config|grant|comment|do)\b/i;

export interface PGlitePoolOptions {
  dataDir?: string;
  /** fsync the WAL after commits (on for a data folder, off for throwaway test databases). */
  durable?: boolean;
}

export class PGlitePool {
  readonly pg: PGlite;
  private mutex = new Mutex();
  private walDir: string | undefined;
  private ended = false;

  private constructor(pg: PGlite, walDir: string | undefined) {
    this.pg = pg;
    this.walDir = walDir;
  }

  static async open(opts: PGlitePoolOptions = {}): Promise<PGlitePool> {
    const startParams = (PGlite as unknown as { defaultStartParams?: string[] }).defaultStartParams;
    const pg = new PGlite({
      dataDir: opts.dataDir,
      // Same type handling as node-postgres after our parsers are set (see database.ts): int8 → number.
      parsers: { [types.INT8]: (v: string) => Number(v) },
      // The exclusion constraint against double booking (migration 002) needs btree_gist.
      extensions: { btree_gist },
      ...(startParams ? { startParams: startParams.filter((p) => p !== "-F") } : {}),
    });
    await pg.waitReady;
    const walDir = opts.dataDir && opts.durable !== false ? path.join(opts.dataDir, "pg_wal") : undefined;
    return new PGlitePool(pg, walDir);
  }

  /**
   * For bulk work in small transactions (the Trash purge): resolves once the connection has been
   * free for `ms`. A request's statements come a moment apart, each taking the connection anew;
   * a batch that took it in such a gap made the request wait for the whole batch at every one of
   * its statements (the stream's first page went from 10 to 70 ms during a purge).
   */
  quiet(ms: number): Promise<void> {
    return this.mutex.quiet(ms);
  }

  async connect() {
    if (this.ended) throw new Error("the embedded database is closed");
    let held: (() => void) | null = await this.mutex.lock();
    let inTransaction = false;
    const client = {
      query: async (sql: string, params?: readonly unknown[]): Promise<QueryResult> => {
        // Used again after the connection was handed on at a commit: take it back first.
        if (!held) held = await this.mutex.lock();
        const trimmed = sql.trimStart().slice(0, 12).toLowerCase();
        if (trimmed.startsWith("begin") || trimmed.startsWith("start")) inTransaction = true;
        const result = await this.run(sql, params);
        const ends = trimmed.startsWith("commit") || trimmed.startsWith("end");
        if (trimmed.startsWith("rollback") || ends) inTransaction = false;
        if ((ends || (!inTransaction && WRITE_COMMANDS.test(sql))) && this.walDir) {
          // Group commit: the connection goes to the next caller before the disk is waited for,
          // so the statements queued behind this commit run meanwhile and their commits share the
          // next fsync. This commit is still acknowledged only once its WAL is on disk.
          const h = held;
          held = null;
          h();
          await this.syncCommitted();
        }
        return result;
      },
      release: () => {
        if (!held) return;
        const h = held;
        held = null;
        h();
      },
    };
    return client;
  }

  /** Runs one statement outside any caller's transaction (used by pg-boss). */
  async query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    const client = await this.connect();
    try {
      return await client.query(sql, params);
    } finally {
      client.release();
    }
  }

  private async run(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    const command = (sql.trimStart().match(/^\w+/)?.[0] ?? "").toUpperCase();
    // A WITH statement's command is its main statement's (INSERT … for a data-modifying CTE,
    // whose row count Kysely reads only under that name): the extended path reads it from the
    // server's CommandComplete tag, as pg does.
    if ((!params || params.length === 0) && command !== "WITH") {
      // The simple protocol accepts several statements (migrations, pg-boss schema).
      const results = await this.pg.exec(sql);
      const last = results[results.length - 1];
      return { command, rowCount: last?.affectedRows ?? last?.rows.length ?? 0, rows: last?.rows ?? [] };
    }
    const r = await this.runExtended(sql, params ?? []);
    return { command: r.command ?? command, rowCount: r.affectedRows ?? r.rows.length, rows: r.rows as any[] };
  }

  /** Per statement text: its parameters' types as PostgreSQL inferred them at its first run. */
  private paramTypes = new Map<string, number[]>();
  /** Texts prepared as named statements in this session (those run through executePrepared). */
  private prepared = new Set<string>();

  /**
   * A statement with parameters in one call into the database. `PGlite.query` makes six (parse,
   * describe, bind, describe, execute, sync), each a trip through the WebAssembly boundary: for a
   * primary-key read that was most of its ~0.5 ms, and the embedded database runs every statement
   * of every request and worker one after another. The parameters' types are learnt once per
   * text (a describe), then each run sends parse + bind + execute + sync together, so every run is
   * still planned for its own values, as before. Texts run through `executePrepared` (fixed shapes
   * whose plans do not depend on their values) are named statements, parsed once per session and
   * allowed a generic plan, as on a PostgreSQL server. Values are serialized and rows parsed with
   * PGlite's own serializers and parsers, so results are the same as `PGlite.query`'s.
   */
  private async runExtended(sql: string, params: readonly unknown[]): Promise<{ affectedRows?: number; rows: unknown[]; command?: string }> {
    const { serialize } = protocol;
    return this.pg.runExclusive(async () => {
      const name = preparedNameOf(sql);
      let types = this.paramTypes.get(sql);
      if (!types || (name && !this.prepared.has(sql))) {
        // A named one replaces any statement left under its name (Close of none is no error).
        const described = await this.pg.execProtocolStream(concat([
          ...(name ? [serialize.close({ type: "S", name })] : []),
          serialize.parse({ name: name ?? "", text: sql }), serialize.describe({ type: "S", name: name ?? "" }), serialize.sync(),
        ]), { syncToFs: false });
        types = pgliteResults.parseDescribeStatementResults(described);
        if (this.paramTypes.size >= MAX_REMEMBERED_TEXTS) this.paramTypes.clear();
        this.paramTypes.set(sql, types);
        if (name) this.prepared.add(sql);
      }
      const serializers = this.pg.serializers;
      const values = params.map((v, i) => {
        if (v === null || v === undefined) return null;
        const serializer = serializers[types![i]!];
        return serializer ? serializer(v) : String(v);
      });
      let messages;
      try {
        messages = await this.pg.execProtocolStream(concat([
          ...(name ? [] : [serialize.parse({ text: sql, types })]),
          serialize.bind({ statement: name ?? "", values }), serialize.describe({ type: "P" }), serialize.execute({}), serialize.sync(),
        ]), { syncToFs: false });
      } catch (err) {
        // A named statement gone (26000) or outdated by a schema change (0A000, "cached plan must
        // not change result type"): this run fails as PostgreSQL says, the next prepares it afresh.
        const code = (err as { code?: string }).code;
        if (name && (code === "26000" || code === "0A000")) {
          this.prepared.delete(sql);
          this.paramTypes.delete(sql);
        }
        throw err;
      }
      const tag = (messages.find((m) => m.name === "commandComplete") as { text?: string } | undefined)?.text;
      return { ...pgliteResults.parseResults(messages, this.pg.parsers)[0]!, command: tag?.match(/^\w+/)?.[0] };
    });
  }

  private lastSynced = new Map<string, number>();
  private syncRunning: Promise<void> | null = null;
  private syncQueued: Promise<void> | null = null;

  /**
   * Resolves once an fsync of the WAL that started after this call has finished. One runs at a
   * time; callers arriving meanwhile share the single next one (a running fsync may have started
   * before their commit was written, so it cannot count for them).
   */
  private syncCommitted(): Promise<void> {
    if (!this.syncRunning) {
      this.syncRunning = this.syncWal().finally(() => {
        this.syncRunning = null;
      });
      return this.syncRunning;
    }
    if (!this.syncQueued) {
      this.syncQueued = this.syncRunning.catch(() => undefined).then(() => {
        this.syncQueued = null;
        return this.syncCommitted();
      });
    }
    return this.syncQueued;
  }

  /** WAL segments before this one are complete and synced (see syncWal). */
  private syncedFrom = "";
  /** The segment the previous round found written last. */
  private previousNewest = "";

  private async syncWal(): Promise<void> {
    const dir = this.walDir!;
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      return;
    }
    // PostgreSQL writes its WAL one segment after another (names are fixed-width hex, so they sort
    // by position): only the segment being written and any after it can hold new commits. Looking
    // at every file instead cost a stat per segment per commit, and segments pile up between
    // checkpoints (a purge's thousands of commits spent seconds on it).
    const segments = names.filter((n) => /^[0-9A-F]{24}$/.test(n) && n >= this.syncedFrom).sort();
    let newest = { name: "", stamp: -1 };
    for (const name of segments) {
      const file = path.join(dir, name);
      const st = await fs.promises.stat(file).catch(() => undefined);
      if (!st) continue;
      const stamp = st.mtimeMs;
      if (stamp >= newest.stamp) newest = { name, stamp };
      if (this.lastSynced.get(name) === stamp) continue;
      const fh = await fs.promises.open(file, "r+").catch(() => undefined);
      if (!fh) continue;
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      this.lastSynced.set(name, stamp);
    }
    // The segment being written is the one written last (segments a checkpoint recycled, renamed
    // ahead with their old times, stay in the list until PostgreSQL reaches them). The window
    // starts at the one the previous round found: a segment this round saw may still have been
    // finished off while the round ran, and the next round looks at it once more.
    if (this.previousNewest) this.syncedFrom = this.previousNewest;
    if (newest.name) this.previousNewest = newest.name;
    for (const n of this.lastSynced.keys()) if (n < this.syncedFrom) this.lastSynced.delete(n);
  }

  async end(): Promise<void> {
    if (this.ended) return;
    const release = await this.mutex.lock();
    this.ended = true;
    try {
      await this.syncQueued?.catch(() => undefined);
      await this.syncRunning?.catch(() => undefined);
      await this.pg.close();
    } finally {
      release();
    }
  }
}
