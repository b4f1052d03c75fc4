import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlitePool } from "../src/store/pglite-pool.js";
import { executePrepared } from "../src/store/prepared.js";
import { openDatabase, type DatabaseHandle } from "../src/store/database.js";
import { sql } from "kysely";

/**
 * The embedded pool runs a statement with parameters in one call into PGlite (parse, bind,
 * execute and sync together) and named statements for executePrepared's texts. Its answers must
 * be those of PGlite.query: the same values for every type the product uses, the same errors,
 * and a connection that works on after an error, in and out of a transaction.
 */
describe("the embedded database's statements", () => {
  let pool: PGlitePool;
  beforeAll(async () => {
    pool = await PGlitePool.open();
    await pool.query(`CREATE TABLE t (id int PRIMARY KEY, at timestamptz, day date, doc jsonb, tags text[], big bigint, price numeric(10,2), raw bytea, ok boolean, u uuid)`);
  });
  afterAll(() => pool.end());

  it("answers with the same values as PGlite.query for every column type", async () => {
    const at = new Date("2027-03-28T01:30:00.000Z");
    const values = [1, at, "2027-03-28", { a: [1, "x"], b: null }, ["a", "b,c", 'q"uote'], 9_007_199_254_740_991, "12.50", Buffer.from([0, 1, 255]), true, "0b7f7f52-52a6-4c43-9a49-0d2a4c47c0a1"];
    await pool.query(`INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, values);
    const ours = await pool.query(`SELECT * FROM t WHERE id = $1`, [1]);
    const theirs = await pool.pg.query(`SELECT * FROM t WHERE id = $1`, [1]);
    expect(ours.rows).toEqual(theirs.rows);
    expect(ours.rows[0]).toMatchObject({ at, doc: { a: [1, "x"], b: null }, tags: ["a", "b,c", 'q"uote'], big: 9_007_199_254_740_991, ok: true });
  });

  it("counts the rows an update changed, and returns none for a select that finds none", async () => {
    await pool.query(`INSERT INTO t (id, ok) VALUES ($1, $2), ($3, $4)`, [2, false, 3, false]);
    const r = await pool.query(`UPDATE t SET ok = $1 WHERE id > $2`, [true, 1]);
    expect(r.rowCount).toBe(2);
    expect((await pool.query(`SELECT id FROM t WHERE id = $1`, [404])).rows).toEqual([]);
  });

  it("names a data-modifying WITH statement by its main command, with its row count, as pg does (Kysely reads numAffectedRows only then)", async () => {
    await pool.query(`CREATE TABLE w (id int PRIMARY KEY)`);
    const withParams = await pool.query(`WITH made AS (INSERT INTO w SELECT g FROM generate_series(1, $1::int) g RETURNING id) INSERT INTO w SELECT id + 100 FROM made`, [2]);
    expect([withParams.command, withParams.rowCount]).toEqual(["INSERT", 2]);
    const without = await pool.query(`WITH gone AS (DELETE FROM w WHERE id > 100 RETURNING id) DELETE FROM w WHERE id IN (SELECT id - 100 FROM gone)`);
    expect([without.command, without.rowCount]).toEqual(["DELETE", 2]);
    const read = await pool.query(`WITH x AS (SELECT 1 AS one) SELECT one FROM x`);
    expect([read.command, read.rows]).toEqual(["SELECT", [{ one: 1 }]]);
  });

  it("raises PostgreSQL's error (code and constraint) and goes on working, in and out of a transaction", async () => {
    await expect(pool.query(`INSERT INTO t (id) VALUES ($1)`, [1])).rejects.toMatchObject({ code: "23505", constraint: "t_pkey" });
    await expect(pool.query(`SELECT * FROM t WHERE id = $1`, ["not a number"])).rejects.toMatchObject({ code: "22P02" });
    expect((await pool.query(`SELECT count(*)::int AS n FROM t WHERE id >= $1`, [1])).rows[0].n).toBe(3);
    const client = await pool.connect();
    await client.query("BEGIN");
    await client.query(`INSERT INTO t (id) VALUES ($1)`, [10]);
    await expect(client.query(`INSERT INTO t (id) VALUES ($1)`, [10])).rejects.toMatchObject({ code: "23505" });
    await expect(client.query(`SELECT 1 WHERE $1::int = 1`, [1])).rejects.toMatchObject({ code: "25P02" });
    await client.query("ROLLBACK");
    client.release();
    expect((await pool.query(`SELECT id FROM t WHERE id = $1`, [10])).rows).toEqual([]);
  });

  it("runs executePrepared's texts as named statements, reused with new values", async () => {
    let handle: DatabaseHandle | undefined;
    try {
      handle = await openDatabase({});
      const db = handle.db;
      const read = (n: number) => executePrepared(db, sql<{ n: number; at: Date }>`SELECT ${n}::int + 1 AS n, now() AS at`);
      for (let i = 0; i < 8; i++) expect((await read(i)).rows[0]!.n).toBe(i + 1);
      const named = await db.executeQuery(sql<{ name: string }>`SELECT name FROM pg_prepared_statements WHERE statement LIKE ${"%::int + 1 AS n%"}`.compile(db));
      expect(named.rows.length).toBe(1);
      // Dropped underneath it (or outdated by a schema change): that run fails as PostgreSQL says, the next prepares it again.
      await handle.executeSql("DEALLOCATE ALL");
      await expect(read(1)).rejects.toMatchObject({ code: "26000" });
      expect((await read(2)).rows[0]!.n).toBe(3);
    } finally {
      await handle?.close();
    }
  });
});
