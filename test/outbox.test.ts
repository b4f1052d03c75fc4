import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "../src/jobs/outbox-dispatcher.js";
import type { ClaimedDelivery } from "../src/store/outbox-repo.js";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";

/**
 * The transactional outbox: every state change writes its events in the same transaction, and a
 * consumer receives each event exactly once, in order per activity, even with several
 * dispatchers running at once and a failing delivery being retried.
 */
type Mode = "in-transaction" | "leased";
const MODES: Mode[] = ["in-transaction", "leased"];

describe.each(ENGINES)("outbox on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  type Handler = (d: ClaimedDelivery) => Promise<void>;
  async function withConsumer(handle: Handler, run: (c: OutboxConsumer) => Promise<void>, mode: Mode = "in-transaction") {
    const name = `test-${randomUUID()}`;
    const consumer: OutboxConsumer = mode === "in-transaction" ? { name, handle: (d) => handle(d) } : { name, deliver: handle };
    await registerConsumers(server.ctx, [consumer]);
    try {
      await run(consumer);
    } finally {
      await server.handle.db.deleteFrom("outbox_consumers").where("name", "=", consumer.name).execute();
    }
  }

  async function makeActivity(acct: Awaited<ReturnType<typeof newAccount>>, slots: string[]) {
    const booked = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: slots[0], customer: customer() });
    expect(booked.status).toBe(201);
    const id = booked.body.activity.id as string;
    const token = booked.body.manageLink.split("/").pop();
    expect((await client(server.url).post(`/api/v1/public/manage/${token}/reschedule`, { start: slots[1] })).status).toBe(200);
    expect((await client(server.url, acct.admin.token).post(`/api/v1/activities/${id}/actions/cancel`, { reason: "test" })).status).toBe(200);
    return id;
  }

  it.each(MODES)("delivers every event once, in order per activity, with two dispatchers racing (%s)", async (mode) => {
    const acct = await newAccount(server);
    const seen: { account: string; activity: string; type: string; event: number; action?: string }[] = [];
    await withConsumer(async (d) => {
      if (d.account_id !== acct.accountId) return; // other tests' accounts share this database
      seen.push({ account: d.account_id, activity: d.activity_id!, type: d.type, event: Number(d.event_id), action: (d.payload as any).action });
    }, async (consumer) => {
      const slots = futureSlots(server, 8, 500);
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await makeActivity(acct, slots.slice(i * 2, i * 2 + 2)));
      const [a, b] = await Promise.all([dispatchPending(server.ctx, consumer), dispatchPending(server.ctx, consumer)]);
      expect(a + b).toBeGreaterThanOrEqual(12);
      expect(new Set(seen.map((s) => s.event)).size).toBe(seen.length); // no event twice
      expect(seen).toHaveLength(12); // 4 activities × (created, rescheduled, canceled)
      for (const id of ids) {
        const mine = seen.filter((s) => s.activity === id);
        expect(mine.map((s) => s.type)).toEqual(["activity.created", "activity.updated", "activity.updated"]);
        expect(mine.map((s) => s.action)).toEqual([undefined, "customer-reschedule", "cancel"]);
        expect(mine.map((s) => s.event)).toEqual([...mine.map((s) => s.event)].sort((x, y) => x - y));
      }
      expect(await dispatchPending(server.ctx, consumer)).toBe(0); // nothing left, nothing redelivered
    }, mode);
  });

  it("settles the events a leased consumer calls idle together, without calling it, and keeps the rest in order with two dispatchers racing", async () => {
    const acct = await newAccount(server);
    const called: { activity: string; event: number; action?: string }[] = [];
    const idleSeen: number[] = [];
    const name = `test-${randomUUID()}`;
    const consumer: OutboxConsumer = {
      name,
      // One slot: each claim takes more than it can start, so busy events beyond it are handed back.
      concurrency: 1,
      idle: (ds) => {
        const idle = ds.filter((d) => d.account_id !== acct.accountId || (d.payload as any).action === "customer-reschedule");
        idleSeen.push(...idle.filter((d) => d.account_id === acct.accountId).map((d) => Number(d.event_id)));
        return new Set(idle.map((d) => d.event_id));
      },
      deliver: async (d) => {
        expect(d.account_id).toBe(acct.accountId);
        called.push({ activity: d.activity_id!, event: Number(d.event_id), action: (d.payload as any).action });
      },
    };
    await registerConsumers(server.ctx, [consumer]);
    try {
      const slots = futureSlots(server, 8, 600);
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(await makeActivity(acct, slots.slice(i * 2, i * 2 + 2)));
      await Promise.all([dispatchPending(server.ctx, consumer), dispatchPending(server.ctx, consumer)]);
      expect(new Set(called.map((c) => c.event)).size).toBe(called.length); // none called twice
      expect(called).toHaveLength(8); // created and canceled, for 4 activities
      expect(new Set(idleSeen).size).toBe(4); // each reschedule settled without a call
      for (const id of ids) {
        const mine = called.filter((c) => c.activity === id);
        expect(mine.map((c) => c.action)).toEqual([undefined, "cancel"]);
        expect(mine[0]!.event).toBeLessThan(mine[1]!.event);
      }
      const rows = await server.handle.db.selectFrom("outbox_deliveries").select(["status", "attempts", "lease_token"])
        .where("consumer", "=", name).where("account_id", "=", acct.accountId).execute();
      expect(rows).toHaveLength(12);
      expect(rows.every((r) => r.status === "delivered" && r.attempts === 1 && r.lease_token === null)).toBe(true);
      expect(await dispatchPending(server.ctx, consumer)).toBe(0);
    } finally {
      await server.handle.db.deleteFrom("outbox_consumers").where("name", "=", name).execute();
    }
  });

  it.each(MODES)("retries a failed delivery later and holds that activity's later events until it succeeds (%s)", async (mode) => {
    const acct = await newAccount(server);
    const delivered: string[] = [];
    let failures = 0;
    await withConsumer(async (d) => {
      if (d.account_id !== acct.accountId) return;
      if (d.type === "activity.created" && failures === 0) {
        failures++;
        throw new Error("calendar server unavailable");
      }
      delivered.push(`${d.type}:${(d.payload as any).action ?? ""}`);
    }, async (consumer) => {
      await makeActivity(acct, futureSlots(server, 2, 700));
      await dispatchPending(server.ctx, consumer);
      expect(delivered).toEqual([]); // the first event failed; its successors wait
      const row = await server.handle.db.selectFrom("outbox_deliveries").selectAll().where("consumer", "=", consumer.name).where("account_id", "=", acct.accountId).orderBy("event_id").executeTakeFirstOrThrow();
      expect(row.attempts).toBe(1);
      expect(row.last_error).toBe("calendar server unavailable");
      server.clock.moveTo(new Date(server.clock.now().getTime() + 60_000)); // past the back-off
      await dispatchPending(server.ctx, consumer);
      expect(delivered).toEqual(["activity.created:", "activity.updated:customer-reschedule", "activity.updated:cancel"]);
    }, mode);
  });

  it("keeps the database free while a peer hangs, and lets only the lease's holder record the outcome", async () => {
    const acct = await newAccount(server);
    let release!: () => void;
    const hanging = new Promise<void>((r) => (release = r));
    let calls = 0;
    const consumer: OutboxConsumer = {
      name: `test-${randomUUID()}`,
      leaseMs: 30_000,
      concurrency: 1,
      deliver: async (d) => {
        if (d.account_id !== acct.accountId) return;
        calls++;
        if (calls === 1) await hanging; // the first attempt hangs until released
      },
    };
    await registerConsumers(server.ctx, [consumer]);
    try {
      await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: futureSlots(server, 1, 1100)[0], customer: customer() });
      const stuck = dispatchPending(server.ctx, consumer, 1);
      await new Promise((r) => setTimeout(r, 50));
      // While the peer hangs, the API answers: no transaction is held open.
      const list = await client(server.url, acct.admin.token).get("/api/v1/activities");
      expect(list.status).toBe(200);
      // The lease runs out: another worker takes the delivery over and delivers it.
      server.clock.moveTo(new Date(server.clock.now().getTime() + 31_000));
      expect(await dispatchPending(server.ctx, consumer)).toBe(1);
      release();
      expect(await stuck).toBe(0); // the first worker's lease was lost: it records nothing
      const rows = await server.handle.db.selectFrom("outbox_deliveries").selectAll().where("consumer", "=", consumer.name).where("account_id", "=", acct.accountId).execute();
      expect(rows.map((r) => [r.status, r.attempts, r.lease_token])).toEqual([["delivered", 1, null]]);
    } finally {
      await server.handle.db.deleteFrom("outbox_consumers").where("name", "=", consumer.name).execute();
    }
  });

  it("writes no event when the change is refused (nothing half-written)", async () => {
    const acct = await newAccount(server);
    const [start] = futureSlots(server, 1, 900);
    const booked = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start, customer: customer() });
    const id = booked.body.activity.id;
    const before = await server.handle.db.selectFrom("outbox_events").select((eb) => eb.fn.countAll<number>().as("n")).where("activity_id", "=", id).executeTakeFirstOrThrow();
    const refused = await client(server.url, acct.admin.token).post(`/api/v1/activities/${id}/actions/approve`, {});
    expect(refused.status).toBe(409);
    const after = await server.handle.db.selectFrom("outbox_events").select((eb) => eb.fn.countAll<number>().as("n")).where("activity_id", "=", id).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const history = await server.handle.db.selectFrom("activity_history").select("action").where("activity_id", "=", id).execute();
    expect(history.map((h) => h.action)).toEqual(["customer-books"]);
  });
});
