import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { asLastStatement, withGenericPlans } from "../src/store/prepared.js";
import { createFileSchema } from "./support/harness.js";
import { socketWrites } from "./support/socket-writes.js";

/**
 * A transaction that opens with a read sends its BEGIN in the same write as that read (the
 * PostgreSQL client, database.ts): one round trip fewer, on the booking path one of five. What
 * must hold: the read runs inside the transaction, a write never goes before its BEGIN is
 * answered, an error leaves the connection as usable as before, and a transaction without
 * statements sends nothing. Likewise a statement marked as its transaction's last (asLastStatement)
 * carries the COMMIT: what it wrote is committed when it answers, its failure or the COMMIT's rolls
 * everything back, and nothing may follow it. PostgreSQL only: the embedded database has no socket.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)("a transaction's BEGIN on PostgreSQL", () => {
  let schema: Awaited<ReturnType<typeof createFileSchema>>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    schema = await createFileSchema(process.env.TEST_DATABASE_URL!);
    // One connection and no server beside it: every socket write in this file is that connection's.
    handle = await openDatabase({ databaseUrl: schema.url, poolSize: 1, migrate: false });
    await sql`SELECT 1`.execute(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    await schema?.drop();
  });
  afterEach(() => vi.restoreAllMocks());

  const ids = (rows: { id: string }[]) => rows[0].id;

  it("sends a BEGIN with the transaction's first read, which runs inside the transaction", async () => {
    const writes = socketWrites();
    const [first, second] = await handle.db.transaction().execute(async (tx) => [
      ids((await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(tx)).rows),
      ids((await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(tx)).rows),
    ]);
    // [BEGIN + first read], second read, COMMIT.
    expect(writes()).toBe(3);
    expect(first).toBe(second);
    // Under withGenericPlans the BEGIN's setting is in force for the first read already.
    const mode = await withGenericPlans(() =>
      handle.db.transaction().execute(async (tx) => (await sql<{ m: string }>`SELECT current_setting('plan_cache_mode') AS m`.execute(tx)).rows[0].m),
    );
    expect(mode).toBe("force_generic_plan");
    expect((await sql<{ m: string }>`SELECT current_setting('plan_cache_mode') AS m`.execute(handle.db)).rows[0].m).toBe("auto");
  });

  it("sends a write only after its BEGIN is answered, and rolls it back with the transaction", async () => {
    await sql`CREATE TEMP TABLE IF NOT EXISTS begin_probe (n int)`.execute(handle.db);
    const writes = socketWrites();
    await expect(
      handle.db.transaction().execute(async (tx) => {
        await sql`INSERT INTO begin_probe VALUES (1)`.execute(tx);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    // BEGIN, INSERT, ROLLBACK: three round trips.
    expect(writes()).toBe(3);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM begin_probe`.execute(handle.db)).rows[0].n).toBe(0);
  });

  it("a failed first read fails the transaction; the connection then works as before", async () => {
    await expect(handle.db.transaction().execute(async (tx) => sql`SELECT 1 / 0`.execute(tx))).rejects.toThrow(/division by zero/);
    const status = await handle.db.transaction().execute(async (tx) => {
      const a = ids((await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(tx)).rows);
      const b = ids((await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(tx)).rows);
      return a === b;
    });
    expect(status).toBe(true);
    // Outside a transaction, each statement is its own again.
    const outside = [
      ids((await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(handle.db)).rows),
      ids((await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(handle.db)).rows),
    ];
    expect(outside[0]).not.toBe(outside[1]);
  });

  it("a transaction that ends before any statement sends nothing", async () => {
    const writes = socketWrites();
    await handle.db.transaction().execute(async () => undefined);
    await expect(handle.db.transaction().execute(async () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(writes()).toBe(0);
  });

  describe("a statement marked as the transaction's last", () => {
    const count = async (table: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(handle.db)).rows[0].n;
    beforeAll(async () => {
      // Deferred: a duplicate passes its statement and fails at COMMIT.
      await sql`CREATE TABLE last_probe (n int UNIQUE DEFERRABLE INITIALLY DEFERRED, CHECK (n >= 0))`.execute(handle.db);
    });
    afterEach(async () => {
      await sql`TRUNCATE last_probe`.execute(handle.db);
    });

    it("goes with the COMMIT in one write, and is committed when it answers", async () => {
      const writes = socketWrites();
      const txids = await handle.db.transaction().execute(async (tx) => {
        const first = ids((await sql<{ id: string }>`SELECT txid_current()::text AS id`.execute(tx)).rows);
        const last = await asLastStatement(() => sql<{ id: string }>`INSERT INTO last_probe VALUES (1) RETURNING txid_current()::text AS id`.execute(tx));
        return [first, ids(last.rows)];
      });
      // [BEGIN + read], [INSERT + COMMIT]; Kysely's own commit sends nothing.
      expect(writes()).toBe(2);
      expect(txids[0]).toBe(txids[1]);
      expect(await count("last_probe")).toBe(1);
      // The connection is back to its usual self: a transaction after it commits on its own.
      await handle.db.transaction().execute(async (tx) => sql`INSERT INTO last_probe VALUES (2)`.execute(tx));
      expect(await count("last_probe")).toBe(2);
    });

    it("a failed last statement rolls back the whole transaction, with the statement's error", async () => {
      await expect(
        handle.db.transaction().execute(async (tx) => {
          await sql`INSERT INTO last_probe VALUES (1)`.execute(tx);
          // With a parameter: the extended protocol, whose Sync the COMMIT behind it follows.
          await asLastStatement(() => sql`INSERT INTO last_probe VALUES (${-1})`.execute(tx));
        }),
      ).rejects.toThrow(/check constraint/);
      expect(await count("last_probe")).toBe(0);
      expect(await sql<{ ok: number }>`SELECT 1 AS ok`.execute(handle.db).then((r) => r.rows[0].ok)).toBe(1);
    });

    it("a failed COMMIT fails the statement's caller and keeps nothing", async () => {
      let answered = false;
      await expect(
        handle.db.transaction().execute(async (tx) => {
          await sql`INSERT INTO last_probe VALUES (1)`.execute(tx);
          await asLastStatement(() => sql`INSERT INTO last_probe VALUES (${1})`.execute(tx));
          answered = true;
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(answered).toBe(false);
      expect(await count("last_probe")).toBe(0);
    });

    it("refuses a statement after it, and says the transaction was committed", async () => {
      await expect(
        handle.db.transaction().execute(async (tx) => {
          await sql`SELECT 1`.execute(tx);
          await asLastStatement(() => sql`INSERT INTO last_probe VALUES (1)`.execute(tx));
          await sql`INSERT INTO last_probe VALUES (2)`.execute(tx);
        }),
      ).rejects.toThrow(/committed with its last statement/);
      expect(await count("last_probe")).toBe(1);
    });

    it("outside a transaction, or as a transaction's first statement, runs as usual", async () => {
      let writes = socketWrites();
      await asLastStatement(() => sql`INSERT INTO last_probe VALUES (1)`.execute(handle.db));
      expect(writes()).toBe(1);
      vi.restoreAllMocks();
      writes = socketWrites();
      // Its BEGIN is answered first (a write waits for it), then it, then Kysely's COMMIT.
      await handle.db.transaction().execute(async (tx) => asLastStatement(() => sql`INSERT INTO last_probe VALUES (2)`.execute(tx)));
      expect(writes()).toBe(3);
      expect(await count("last_probe")).toBe(2);
    });
  });
});
