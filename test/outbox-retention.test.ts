import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { housekeeping } from "../src/app/housekeeping.js";
import { loadConfig } from "../src/config.js";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "../src/jobs/outbox-dispatcher.js";
import { ENGINES, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { book } from "./support/lifecycle-drive.js";

/**
 * Outbox retention (issue 16): housekeeping deletes events delivered more than
 * OUTBOX_RETENTION_DAYS ago, with their delivery rows; an event something still waits to deliver
 * stays however old, and so does a recent one. This file has its own database: moving its clock
 * a month on would prune other files' events.
 */
describe.each(ENGINES)("outbox retention on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const eventsOf = async (accountId: string) =>
    (await server.handle.db.selectFrom("outbox_events").select(["id", "created_at"]).where("account_id", "=", accountId).orderBy("id").execute()).map((e) => String(e.id));

  it("keeps delivered events for the retention, then deletes them with their delivery log; never one still pending", async () => {
    expect(loadConfig({}).outboxRetentionDays).toBe(30);
    expect(loadConfig({ OUTBOX_RETENTION_DAYS: "7" }).outboxRetentionDays).toBe(7);
    expect(() => loadConfig({ OUTBOX_RETENTION_DAYS: "0" })).toThrow(/OUTBOX_RETENTION_DAYS/);

    const acct = await newAccount(server);
    const slots = futureSlots(server, 3, 24 * 90);
    const delivered = new Set<string>();
    let heldId = "";
    // A consumer that delivers everything except one booking's events, which it refuses (so they stay pending, retried).
    const consumer: OutboxConsumer = {
      name: "retention-test",
      deliver: async (d) => {
        if (d.activity_id === heldId) throw new Error("peer down");
        delivered.add(d.event_id);
      },
    };
    await registerConsumers(server.ctx, [consumer]);
    heldId = (await book(server, acct.autoPage.slug, slots[0]!)).id;
    await book(server, acct.autoPage.slug, slots[1]!);
    await dispatchPending(server.ctx, consumer);
    const before = await eventsOf(acct.accountId);
    expect(before.length).toBeGreaterThanOrEqual(2);

    // 29 days on: nothing is old enough.
    server.clock.moveTo(new Date(server.clock.now().getTime() + 29 * 86_400_000));
    const recent = await book(server, acct.autoPage.slug, slots[2]!);
    await dispatchPending(server.ctx, consumer);
    expect((await housekeeping(server.ctx)).outboxEvents).toBe(0);

    // 31 days after the first ones: those delivered go, with their delivery rows; the held booking's
    // event (its delivery to this consumer still pending, retried) and the recent booking's stay.
    server.clock.moveTo(new Date(server.clock.now().getTime() + 2 * 86_400_000));
    const pendingFor = await server.handle.db.selectFrom("outbox_deliveries").select("event_id")
      .where("consumer", "=", consumer.name).where("status", "=", "pending").where("account_id", "=", acct.accountId).execute();
    const stillPending = new Set(pendingFor.map((p) => String(p.event_id)));
    const r = await housekeeping(server.ctx);
    const after = await eventsOf(acct.accountId);
    const oldOnes = before.filter((id) => !stillPending.has(id));
    expect(r.outboxEvents).toBeGreaterThanOrEqual(oldOnes.length);
    for (const id of oldOnes) expect(after, `event ${id} should be pruned`).not.toContain(id);
    for (const id of stillPending) expect(after, `pending event ${id} must stay`).toContain(id);
    const recentEvents = (await server.handle.db.selectFrom("outbox_events").select("id").where("activity_id", "=", recent.id).execute()).map((e) => String(e.id));
    expect(recentEvents.length).toBeGreaterThan(0);
    for (const id of recentEvents) expect(after).toContain(id);
    const orphans = await server.handle.db.selectFrom("outbox_deliveries").select("event_id").where("event_id", "in", oldOnes).execute();
    expect(orphans).toEqual([]);
    expect(stillPending.size).toBeGreaterThan(0); // the held booking's event
    expect(delivered.size).toBeGreaterThanOrEqual(oldOnes.length);
    await server.handle.db.deleteFrom("outbox_consumers").where("name", "=", consumer.name).execute();
  });
});
