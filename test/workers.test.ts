import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClaimedDelivery } from "../src/store/outbox-repo.js";
import { startWorkers, type Workers } from "../src/jobs/workers.js";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";

/** pg-boss on the same database: the start-up catch-up and the outbox dispatcher woken by commits. */
describe.each(ENGINES)("background workers (pg-boss) on $name", (engine) => {
  let server: TestServer;
  let workers: Workers;
  const received: ClaimedDelivery[] = [];
  const consumerName = `workers-test-${randomUUID()}`;

  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => {
    await workers?.stop();
    await server?.handle.db.deleteFrom("outbox_consumers").where("name", "=", consumerName).execute();
    await server?.close();
  });

  async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`gave up waiting for ${what}`);
  }

  it("catches up on what fell due while no worker ran, then delivers new events after commit", async () => {
    const acct = await newAccount(server);
    const [past] = futureSlots(server, 1, 2);
    const pub = client(server.url);
    const booked = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: past, customer: customer() });
    expect(booked.status).toBe(201);
    // Time passes while no worker is running: the booking's end is now behind us.
    server.clock.moveTo(new Date(new Date(past).getTime() + 3 * 3_600_000));

    workers = await startWorkers(server.ctx, server.handle, [
      { name: consumerName, handle: async (d) => void (d.account_id === acct.accountId && received.push(d)) },
    ]);
    server.ctx.onEventsCommitted = workers.wake;
    const admin = client(server.url, acct.admin.token);
    await until(async () => (await admin.get(`/api/v1/activities/${booked.body.activity.id}`)).body.status === "Completed", "the catch-up run");

    const [next] = futureSlots(server, 1, 24);
    const second = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: next, customer: customer(2) });
    expect(second.status).toBe(201);
    const delivered = await until(() => received.find((d) => d.activity_id === second.body.activity.id), "delivery of the new booking's event");
    expect(delivered.type).toBe("activity.created");
    // The consumer was registered after the first booking's events: it only gets what came after.
    // (The catch-up also decided the completed booking's follow-up e-mail, after completing it.)
    expect(received.filter((d) => d.activity_id === booked.body.activity.id).map((d) => (d.payload as any).action ?? `${d.type}:${(d.payload as any).kind}`).sort()).toEqual(["complete", "notification.due:follow-up"]);
  });
});
