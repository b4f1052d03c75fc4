import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../src/app/housekeeping.js";
import { ENGINES, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { book } from "./support/lifecycle-drive.js";

/**
 * Issue 16: activity history is partitioned by year (migration 026). On PostgreSQL a change's
 * history row lands in its year's partition, housekeeping (and the workers as they start) create
 * the coming year's ahead of time, and never one whose range already has rows in the default
 * partition; the embedded database keeps the default partition alone. This file has its own
 * database: it moves its clock a year on.
 */
describe.each(ENGINES)("history partitions on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const db = () => server.handle.db;
  const exists = async (table: string) => (await sql<{ r: string | null }>`SELECT to_regclass(${table})::text AS r`.execute(db())).rows[0].r !== null;
  const partitionsOf = async () =>
    (await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'activity_history'::regclass ORDER BY 1`.execute(db())).rows.map((r) => r.name);
  const partitionOfHistory = async (activityId: string) =>
    (await sql<{ p: string }>`SELECT DISTINCT tableoid::regclass::text AS p FROM activity_history WHERE activity_id = ${activityId}`.execute(db())).rows.map((r) => r.p);
  const slotIn = (hours: number) => new Date(Math.ceil((server.clock.now().getTime() + hours * 3_600_000) / 1_800_000) * 1_800_000).toISOString();

  it("partitions activity history by range of its time, with a default partition", async () => {
    const key = (await sql<{ strategy: string; key: string }>`
      SELECT pt.partstrat AS strategy, a.attname AS key FROM pg_partitioned_table pt
        JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
       WHERE pt.partrelid = 'activity_history'::regclass`.execute(db())).rows;
    expect(key).toEqual([{ strategy: "r", key: "at" }]);
    expect(await exists("activity_history_default")).toBe(true);
  });

  it.runIf(engine.name === "pglite")("keeps the default partition alone on the embedded database: housekeeping makes none", async () => {
    expect((await housekeeping(server.ctx)).partitionsCreated).toBe(0);
    const acct = await newAccount(server);
    const b = await book(server, acct.autoPage.slug, slotIn(48));
    expect(await partitionOfHistory(b.id)).toEqual(["activity_history_default"]);
    expect(await partitionsOf()).toEqual(["activity_history_default"]);
  });

  it.runIf(engine.name === "postgres")("writes each change's history in its year's partition, made ahead by housekeeping; a year already in the default partition keeps its rows there", async () => {
    const year = server.clock.now().getUTCFullYear();
    // The workers make this year's partition and the next one's when they start; here, housekeeping
    // (which also makes the outbox's months: test/outbox-partitions.test.ts).
    expect((await housekeeping(server.ctx)).partitionsCreated).toBeGreaterThanOrEqual(2);
    expect(await partitionsOf()).toEqual([`activity_history_${year}`, `activity_history_${year + 1}`, "activity_history_default"]);
    expect((await housekeeping(server.ctx)).partitionsCreated).toBe(0);
    const acct = await newAccount(server);
    const b = await book(server, acct.autoPage.slug, slotIn(48));
    expect(await partitionOfHistory(b.id)).toEqual([`activity_history_${year}`]);

    // Three years on, before housekeeping runs: that year's history lands in the default partition,
    // and housekeeping then makes the year after it but not that one (its rows stay where they are).
    server.clock.moveTo(new Date(Date.UTC(year + 3, 5, 1)));
    const late = await book(server, acct.autoPage.slug, slotIn(48));
    expect(await partitionOfHistory(late.id)).toEqual(["activity_history_default"]);
    expect((await housekeeping(server.ctx)).partitionsCreated).toBeGreaterThanOrEqual(1);
    expect(await partitionsOf()).toEqual([`activity_history_${year}`, `activity_history_${year + 1}`, `activity_history_${year + 4}`, "activity_history_default"]);
    expect(await exists(`activity_history_${year + 3}`)).toBe(false);
    expect(await exists(`activity_history_${year + 4}`)).toBe(true);
    // Both bookings' histories read back whole, across partitions.
    const rows = await db().selectFrom("activity_history").select(["activity_id"]).where("account_id", "=", acct.accountId).execute();
    expect(new Set(rows.map((r) => r.activity_id))).toEqual(new Set([b.id, late.id]));
  });
});
