import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "../src/jobs/outbox-dispatcher.js";
import { paymentsConsumer } from "../src/app/payments/execute-refund.js";
import { sendDueWebhooks, webhooksConsumer } from "../src/integrations/webhooks/consumer.js";
import { deliverySentence } from "../src/domain/delivery-sentences.js";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { startReceiver, type Receiver } from "./support/webhook-receiver.js";

/**
 * The delivery log: every consumer's deliveries of an account in one list (webhooks per
 * endpoint), with state, filters, paging and replay; and an activity's own deliveries as
 * sentences for the Details pane, for whoever may see the activity.
 */
describe("delivery sentences", () => {
  const now = new Date("2030-05-06T12:00:00Z");
  const base = { action: null, deliveredAt: null, nextAttemptAt: null, lastError: null, lastStatus: null };
  it("says what happened, in the reader's zone", () => {
    expect(deliverySentence({ ...base, consumer: "email", eventType: "activity.created", state: "delivered", deliveredAt: new Date("2030-05-06T08:02:00Z") }, "Europe/Berlin", now))
      .toBe("Confirmation e-mailed 10:02");
    expect(deliverySentence({ ...base, consumer: "calendar", eventType: "activity.updated", action: "reschedule", state: "delivered" }, "UTC", now)).toBe("Calendar event updated");
    expect(deliverySentence({ ...base, consumer: "webhooks", eventType: "activity.updated", state: "retrying", lastStatus: 503, nextAttemptAt: new Date("2030-05-06T08:07:00Z") }, "Europe/Berlin", now))
      .toBe("Webhook failed: 503, retrying 10:07");
    expect(deliverySentence({ ...base, consumer: "webhooks", eventType: "activity.created", state: "failed", lastError: "ECONNREFUSED" }, "UTC", now)).toBe("Webhook failed: ECONNREFUSED");
    expect(deliverySentence({ ...base, consumer: "email", eventType: "activity.updated", action: "cancel", state: "retrying", lastError: "421 try later", nextAttemptAt: new Date("2030-05-07T09:00:00Z") }, "UTC", now))
      .toBe("Cancellation e-mail failed: 421 try later, retrying 7 May 09:00");
  });
});

describe.each(ENGINES)("the delivery log on $name", (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  let calendarFails = true;
  // Stand-ins for the e-mail and calendar consumers other branches build: the log shows any consumer.
  const email: OutboxConsumer = { name: "email", deliver: async () => undefined };
  const calendar: OutboxConsumer = {
    name: "calendar", maxAttempts: 2,
    deliver: async () => {
      if (calendarFails) throw new Error("CalDAV answered 503 Service Unavailable");
    },
  };
  const consumers = () => [email, calendar, paymentsConsumer(server.ctx), webhooksConsumer(server.ctx)];
  beforeAll(async () => {
    server = await startTestServer(engine);
    receiver = await startReceiver();
    await registerConsumers(server.ctx, consumers());
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  async function deliverAll() {
    for (const c of consumers()) await dispatchPending(server.ctx, c);
    await sendDueWebhooks(server.ctx, { timeoutMs: 1000 });
  }

  async function setUp(acct: TestAccount, hours: number) {
    const admin = client(server.url, acct.admin.token);
    const ep = await admin.post("/api/v1/webhook-endpoints", { url: `${receiver.url}/log-${acct.accountId}`, eventTypes: ["activity.created", "activity.updated"] });
    const slots = futureSlots(server, 2, hours);
    const ids: string[] = [];
    for (const start of slots) {
      const r = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start, customer: customer() });
      ids.push(r.body.activity.id);
    }
    expect((await admin.post(`/api/v1/activities/${ids[0]}/actions/cancel`, { reason: "test" })).status).toBe(200);
    await deliverAll();
    return { admin, ids, endpointId: ep.body.item.id as string };
  }

  it("lists every consumer's deliveries with their state, filtered and paged", async () => {
    calendarFails = true;
    const acct = await newAccount(server);
    const { admin, ids, endpointId } = await setUp(acct, 100);
    const all = await admin.get("/api/v1/deliveries?limit=200");
    expect(all.status).toBe(200);
    const byConsumer = (c: string) => all.body.items.filter((d: any) => d.consumer === c);
    // 3 events (2 created, 1 canceled) × (email, calendar, payments, one webhook endpoint).
    for (const c of ["email", "calendar", "payments", "webhooks"]) expect(byConsumer(c), c).toHaveLength(3);
    expect(byConsumer("email").every((d: any) => d.state === "delivered" && d.deliveredAt)).toBe(true);
    // The calendar failed both bookings' first events; the cancel waits behind its activity's retry.
    const calendar = byConsumer("calendar");
    expect(calendar.map((d: any) => d.state).sort()).toEqual(["pending", "retrying", "retrying"]);
    expect(calendar.filter((d: any) => d.state === "retrying").every((d: any) => d.nextAttemptAt && d.lastError.includes("503"))).toBe(true);
    expect(byConsumer("webhooks").every((d: any) => d.endpointId === endpointId && d.key === `webhooks:${endpointId}`)).toBe(true);
    // Filters.
    expect((await admin.get("/api/v1/deliveries?state=retrying")).body.items.map((d: any) => d.consumer)).toEqual(["calendar", "calendar"]);
    expect((await admin.get(`/api/v1/deliveries?activityId=${ids[0]}`)).body.items).toHaveLength(8);
    expect((await admin.get(`/api/v1/deliveries?endpointId=${endpointId}`)).body.items).toHaveLength(3);
    expect((await admin.get("/api/v1/deliveries?consumer=email")).body.items).toHaveLength(3);
    // Paging: pages of 5 cover the 12 once each, newest first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await admin.get(`/api/v1/deliveries?limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((d: any) => `${d.key}/${d.eventId}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect((await admin.get("/api/v1/deliveries?cursor=nonsense")).status).toBe(400);
  });

  it("replays one delivery and all failed ones of a consumer", async () => {
    calendarFails = true;
    const acct = await newAccount(server);
    const { admin } = await setUp(acct, 200);
    // The calendar gives up after its second attempt (the cancel's turn comes after its booking's).
    for (let i = 0; i < 3; i++) {
      await server.clock.moveTo(new Date(server.clock.now().getTime() + 3_600_000));
      await deliverAll();
    }
    const failed = (await admin.get("/api/v1/deliveries?consumer=calendar")).body.items;
    expect(failed.map((d: any) => d.state)).toEqual(["failed", "failed", "failed"]);
    calendarFails = false;
    const one = await admin.post(`/api/v1/deliveries/calendar/${failed[0].eventId}/replay`);
    expect(one.status).toBe(200);
    expect((await admin.get("/api/v1/deliveries?consumer=calendar&state=pending")).body.items).toHaveLength(1);
    await deliverAll();
    expect((await admin.get("/api/v1/deliveries?consumer=calendar&state=delivered")).body.items).toHaveLength(1);
    const rest = await admin.post("/api/v1/deliveries/replay-failed", { consumer: "calendar" });
    expect(rest.body.replayed).toBe(2);
    await deliverAll();
    expect((await admin.get("/api/v1/deliveries?consumer=calendar&state=delivered")).body.items).toHaveLength(3);
    // Nothing of another account's, and unknown deliveries are 404.
    const other = await newAccount(server);
    const otherAdmin = client(server.url, other.admin.token);
    expect((await otherAdmin.post(`/api/v1/deliveries/calendar/${failed[0].eventId}/replay`)).status).toBe(404);
    expect((await otherAdmin.post("/api/v1/deliveries/replay-failed", {})).body.replayed).toBe(0);
    expect((await admin.post("/api/v1/deliveries/webhooks/1/replay")).status).toBe(400);
    expect((await client(server.url, acct.member.token).post("/api/v1/deliveries/replay-failed", {})).status).toBe(403);
  });

  it("refuses to replay a delivery a worker is sending right now", async () => {
    calendarFails = false;
    const acct = await newAccount(server);
    const { admin } = await setUp(acct, 300);
    const [d] = (await admin.get("/api/v1/deliveries?consumer=email")).body.items;
    await server.handle.db.updateTable("outbox_deliveries")
      .set({ status: "pending", lease_token: "00000000-0000-4000-8000-000000000000", next_attempt_at: new Date(server.clock.now().getTime() + 60_000) })
      .where("consumer", "=", "email").where("event_id", "=", d.eventId).execute();
    expect((await admin.post(`/api/v1/deliveries/email/${d.eventId}/replay`)).status).toBe(409);
  });

  it("shows an activity's deliveries as sentences to whoever may see it", async () => {
    calendarFails = false;
    const acct = await newAccount(server);
    const { ids } = await setUp(acct, 400);
    const viewer = client(server.url, acct.viewer.token);
    const r = await viewer.get(`/api/v1/activities/${ids[0]}/deliveries`);
    expect(r.status).toBe(200);
    const sentences = r.body.items.map((d: any) => d.sentence);
    expect(sentences.filter((s: string) => s.startsWith("Confirmation e-mailed"))).toHaveLength(1);
    expect(sentences.filter((s: string) => s.startsWith("Cancellation e-mailed"))).toHaveLength(1);
    expect(sentences).toContain("Calendar event created");
    expect(sentences).toContain("Calendar event canceled");
    expect(sentences.filter((s: string) => s.startsWith("Webhook activity."))).toHaveLength(2);
    // The payments consumer had nothing to do with a booking: no line for it.
    expect(r.body.items.some((d: any) => d.consumer === "payments")).toBe(false);
    expect(r.body.items.every((d: any) => d.lastError === null && d.endpointId === null)).toBe(true);
    expect((await client(server.url, acct.outsider.token).get(`/api/v1/activities/${ids[0]}/deliveries`)).status).toBe(404);
    const other = await newAccount(server);
    expect((await client(server.url, other.admin.token).get(`/api/v1/activities/${ids[0]}/deliveries`)).status).toBe(404);
  });
});
