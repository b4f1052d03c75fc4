import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../src/app/housekeeping.js";
import { sendDueWebhooks, webhooksConsumer } from "../src/integrations/webhooks/consumer.js";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "../src/jobs/outbox-dispatcher.js";
import { ENGINES, client, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { book } from "./support/lifecycle-drive.js";
import { startReceiver, type Receiver } from "./support/webhook-receiver.js";

/**
 * Issue 16: the outbox is partitioned by month (migration 029). Events, their outbox deliveries and
 * their webhook deliveries land in their event's month; on PostgreSQL housekeeping creates the
 * coming months, and drops a month whole once it ended more than the retention ago with nothing in
 * it pending, while a month still waiting on a delivery stays. The claims read across months in
 * order. The embedded database keeps its default partitions alone. This file has its own
 * database: it moves its clock months on and drops partitions.
 */
const DAY = 86_400_000;
const monthName = (d: Date) => `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const startOfMonth = (d: Date, plus = 0) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plus, 1));

describe.each(ENGINES)("outbox partitions on $name", (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  beforeAll(async () => {
    server = await startTestServer(engine);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  const db = () => server.handle.db;
  const exists = async (table: string) => (await sql<{ r: string | null }>`SELECT to_regclass(${table})::text AS r`.execute(db())).rows[0].r !== null;
  const partitionsOf = async (parent: string) =>
    (await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ${parent}::regclass ORDER BY 1`.execute(db())).rows.map((r) => r.name);
  /** Which partitions hold an activity's rows in a table of the outbox. */
  const whereRows = async (table: "outbox_events" | "outbox_deliveries" | "webhook_deliveries", activityId: string) =>
    (await sql<{ p: string }>`SELECT DISTINCT tableoid::regclass::text AS p FROM ${sql.table(table)} WHERE activity_id = ${activityId}`.execute(db())).rows.map((r) => r.p);
  const eventIdsOf = async (activityId: string) =>
    (await db().selectFrom("outbox_events").select("id").where("activity_id", "=", activityId).execute()).map((e) => String(e.id));
  const inHours = (h: number) => new Date(Math.ceil((server.clock.now().getTime() + h * 3_600_000) / 1_800_000) * 1_800_000).toISOString();

  it("partitions events by month of their time and both deliveries by their event's, each with a default partition", async () => {
    const rows = (await sql<{ name: string; strategy: string; key: string }>`
      SELECT c.relname AS name, pt.partstrat AS strategy, a.attname AS key
        FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
        JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
       WHERE c.relname IN ('outbox_events', 'outbox_deliveries', 'webhook_deliveries')
       ORDER BY 1`.execute(db())).rows;
    expect(rows).toEqual([
      { name: "outbox_deliveries", strategy: "r", key: "event_at" },
      { name: "outbox_events", strategy: "r", key: "created_at" },
      { name: "webhook_deliveries", strategy: "r", key: "event_at" },
    ]);
    for (const t of ["outbox_events", "outbox_deliveries", "webhook_deliveries"]) expect(await exists(`${t}_default`)).toBe(true);
  });

  it.runIf(engine.name === "pglite")("keeps the default partitions alone on the embedded database", async () => {
    expect((await housekeeping(server.ctx)).partitionsCreated).toBe(0);
    await registerConsumers(server.ctx, [webhooksConsumer(server.ctx)]);
    const acct = await newAccount(server);
    const b = await book(server, acct.autoPage.slug, inHours(48));
    expect(await whereRows("outbox_events", b.id)).toEqual(["outbox_events_default"]);
    expect(await whereRows("outbox_deliveries", b.id)).toEqual(["outbox_deliveries_default"]);
    for (const t of ["outbox_events", "outbox_deliveries", "webhook_deliveries"]) expect(await partitionsOf(t)).toEqual([`${t}_default`]);
  });

  it.runIf(engine.name === "postgres")("writes each month in its partitions, delivers across them in order, and drops a month whole once it is settled and past the retention", async () => {
    // Only this test's consumers: a month drops when every delivery in it is settled.
    await db().deleteFrom("outbox_consumers").execute();
    let heldId = "";
    const refusing: OutboxConsumer = {
      name: "partition-test",
      deliver: async (d) => {
        if (d.activity_id === heldId) throw new Error("peer down");
      },
    };
    const fanOut = webhooksConsumer(server.ctx);
    await registerConsumers(server.ctx, [refusing, fanOut]);
    const deliver = async () => {
      await dispatchPending(server.ctx, refusing);
      await dispatchPending(server.ctx, fanOut);
      await sendDueWebhooks(server.ctx, { timeoutMs: 2_000 });
    };
    const acct = await newAccount(server);
    const path = `/partitions-${acct.accountId}`;
    const ep = await client(server.url, acct.admin.token).post("/api/v1/webhook-endpoints", { url: receiver.url + path, eventTypes: ["activity.created"] });
    expect(ep.status, JSON.stringify(ep.body)).toBe(201);

    // Month M: housekeeping (as the workers do when they start) makes M and the two after it.
    const monthM = server.clock.now();
    const M = monthName(monthM);
    expect((await housekeeping(server.ctx)).partitionsCreated).toBeGreaterThanOrEqual(9);
    for (const t of ["outbox_events", "outbox_deliveries", "webhook_deliveries"]) {
      for (const k of [0, 1, 2]) expect(await exists(`${t}_${monthName(startOfMonth(monthM, k))}`), `${t} month +${k}`).toBe(true);
    }
    const a = await book(server, acct.autoPage.slug, inHours(48));
    await deliver();
    expect(await whereRows("outbox_events", a.id)).toEqual([`outbox_events_${M}`]);
    expect(await whereRows("outbox_deliveries", a.id)).toEqual([`outbox_deliveries_${M}`]);
    expect(await whereRows("webhook_deliveries", a.id)).toEqual([`webhook_deliveries_${M}`]);
    expect(receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body).data.activity.id)).toEqual([a.id]);

    // Month M+1: a booking whose delivery to the refusing consumer fails (pending, retried); its
    // webhook goes out, read from the next month's partition by the same claim.
    server.clock.moveTo(new Date(startOfMonth(monthM, 1).getTime() + DAY));
    await housekeeping(server.ctx);
    expect(await exists(`outbox_events_${monthName(startOfMonth(monthM, 3))}`)).toBe(true);
    heldId = (await book(server, acct.autoPage.slug, inHours(48))).id;
    await deliver();
    const H = monthName(server.clock.now());
    expect(await whereRows("outbox_events", heldId)).toEqual([`outbox_events_${H}`]);
    expect(await whereRows("webhook_deliveries", heldId)).toEqual([`webhook_deliveries_${H}`]);
    expect(receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body).data.activity.id)).toEqual([a.id, heldId]);

    // 31 days after M+1 ended: both months are past the retention; M goes whole, M+1 waits on the held booking.
    server.clock.moveTo(new Date(startOfMonth(monthM, 2).getTime() + 31 * DAY));
    const r = await housekeeping(server.ctx);
    expect(r.outboxMonthsDropped).toBe(1);
    for (const t of ["outbox_events", "outbox_deliveries", "webhook_deliveries"]) expect(await exists(`${t}_${M}`), `${t}_${M}`).toBe(false);
    expect(await eventIdsOf(a.id)).toEqual([]);
    expect(await exists(`outbox_events_${H}`)).toBe(true);
    expect((await eventIdsOf(heldId)).length).toBeGreaterThan(0);
    // History is kept: it is the activity's own record.
    expect((await db().selectFrom("activity_history").select("id").where("activity_id", "=", a.id).execute()).length).toBeGreaterThan(0);

    // Once the held booking is delivered, its month goes too.
    heldId = "";
    server.clock.moveTo(new Date(server.clock.now().getTime() + 2 * DAY));
    await deliver();
    expect(await db().selectFrom("outbox_deliveries").select("event_id").where("status", "=", "pending").execute()).toEqual([]);
    expect((await housekeeping(server.ctx)).outboxMonthsDropped).toBe(1);
    expect(await exists(`outbox_events_${H}`)).toBe(false);
    expect(await eventIdsOf(heldId)).toEqual([]);
  });
});
