import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../src/app/housekeeping.js";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "../src/jobs/outbox-dispatcher.js";
import { ENGINES, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { book } from "./support/lifecycle-drive.js";

/**
 * Issue 16: history and the outbox are partitioned by time (migration 026). Rows land in their
 * month's (history: year's) partition; housekeeping creates the coming partitions; a month of the
 * outbox that ended more than the retention ago goes whole once nothing in it is pending, and a
 * month still waiting on a delivery stays. This file has its own database: it moves its clock
 * months on and drops partitions.
 */
const DAY = 86_400_000;
const monthName = (d: Date) => `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const startOfMonth = (d: Date, plus = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));

describe.each(ENGINES)("time partitions on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const exists = async (table: string) =>
    (await sql<{ r: string | null }>`SELECT to_regclass(${table})::text AS r`.execute(server.handle.db)).rows[0].r !== null;
  const partitionOf = async (table: "activity_history" | "outbox_events", column: string, value: string) =>
    (await sql<{ p: string }>`SELECT tableoid::regclass::text AS p FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${value} LIMIT 1`.execute(server.handle.db)).rows[0]?.p;
  const eventIdsOf = async (activityId: string) =>
    (await server.handle.db.selectFrom("outbox_events").select("id").where("activity_id", "=", activityId).execute()).map((e) => String(e.id));

  it("history, outbox events and both deliveries are partitioned by time, each with a default partition", async () => {
    const rows = (await sql<{ name: string; strategy: string; key: string }>`
      SELECT c.relname AS name, pt.partstrat AS strategy, a.attname AS key
        FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
       ORDER BY 1`.execute(server.handle.db)).rows;
    expect(rows).toEqual([
      { name: "activity_history", strategy: "r", key: "at" },
      { name: "outbox_deliveries", strategy: "r", key: "event_at" },
      { name: "outbox_events", strategy: "r", key: "created_at" },
      { name: "webhook_deliveries", strategy: "r", key: "event_at" },
    ]);
    for (const t of ["activity_history", "outbox_events", "outbox_deliveries", "webhook_deliveries"]) expect(await exists(`${t}_default`)).toBe(true);
  });

  it("drops a month of the outbox once it is past the retention and nothing in it is pending; keeps a month still waiting", async () => {
    // Only this test's consumer: a month drops when every delivery in it is settled.
    await server.handle.db.deleteFrom("outbox_consumers").execute();
    let heldId = "";
    const consumer: OutboxConsumer = {
      name: "partition-test",
      deliver: async (d) => {
        if (d.activity_id === heldId) throw new Error("peer down");
      },
    };
    await registerConsumers(server.ctx, [consumer]);
    const acct = await newAccount(server);
    const inHours = (h: number) => new Date(Math.ceil((server.clock.now().getTime() + h * 3_600_000) / 1_800_000) * 1_800_000).toISOString();

    // Month M: a booking, delivered. Its history and events are in M's partitions.
    const monthM = server.clock.now();
    const a = await book(server, acct.autoPage.slug, inHours(48));
    await dispatchPending(server.ctx, consumer);
    expect(await partitionOf("activity_history", "activity_id", a.id)).toBe(`activity_history_${monthM.getUTCFullYear()}`);
    expect(await partitionOf("outbox_events", "activity_id", a.id)).toBe(`outbox_events_${monthName(monthM)}`);
    const aEvents = await eventIdsOf(a.id);
    expect(aEvents.length).toBeGreaterThan(0);

    // Month M+1: a booking whose delivery fails (pending, retried). Housekeeping there makes the partitions two months ahead.
    server.clock.moveTo(new Date(startOfMonth(monthM, 1).getTime() + DAY));
    const made = await housekeeping(server.ctx);
    expect(await exists(`outbox_events_${monthName(startOfMonth(monthM, 3))}`)).toBe(true);
    expect(await exists(`webhook_deliveries_${monthName(startOfMonth(monthM, 3))}`)).toBe(true);
    expect(made.partitionsCreated).toBeGreaterThan(0);
    const h = await book(server, acct.autoPage.slug, inHours(48));
    heldId = h.id;
    await dispatchPending(server.ctx, consumer);
    const monthH = monthName(server.clock.now());
    expect(await partitionOf("outbox_events", "activity_id", h.id)).toBe(`outbox_events_${monthH}`);

    // 31 days after M+1 ended: both months are past the retention; M goes whole, M+1 waits on H.
    server.clock.moveTo(new Date(startOfMonth(monthM, 2).getTime() + 31 * DAY));
    const r = await housekeeping(server.ctx);
    expect(r.outboxMonthsDropped).toBe(1);
    expect(await exists(`outbox_events_${monthName(monthM)}`)).toBe(false);
    expect(await exists(`outbox_deliveries_${monthName(monthM)}`)).toBe(false);
    expect(await exists(`webhook_deliveries_${monthName(monthM)}`)).toBe(false);
    expect(await eventIdsOf(a.id)).toEqual([]);
    expect(await exists(`outbox_events_${monthH}`)).toBe(true);
    expect((await eventIdsOf(h.id)).length).toBeGreaterThan(0);
    // History is kept: it is the activity's own record.
    expect(await partitionOf("activity_history", "activity_id", a.id)).toBe(`activity_history_${monthM.getUTCFullYear()}`);

    // Once H is delivered, its month goes too.
    heldId = "";
    server.clock.moveTo(new Date(server.clock.now().getTime() + 2 * DAY));
    await dispatchPending(server.ctx, consumer);
    const pending = await server.handle.db.selectFrom("outbox_deliveries").select("event_id").where("status", "=", "pending").execute();
    expect(pending).toEqual([]);
    expect((await housekeeping(server.ctx)).outboxMonthsDropped).toBe(1);
    expect(await exists(`outbox_events_${monthH}`)).toBe(false);
    expect(await eventIdsOf(h.id)).toEqual([]);
  });
});
