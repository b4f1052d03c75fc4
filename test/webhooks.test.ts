import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchPending, registerConsumers } from "../src/jobs/outbox-dispatcher.js";
import { sendDueWebhooks, webhooksConsumer } from "../src/integrations/webhooks/consumer.js";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { startReceiver, verifyStandardWebhook, type Receiver } from "./support/webhook-receiver.js";

/**
 * Outbound webhooks against a real local receiver: Standard Webhooks signatures (verified here
 * from the specification), a webhook-id stable across retries, back-off, one endpoint's failures
 * kept from another, disabling after a run of failures, replay, event-type filtering, secrets
 * never shown twice, accounts kept apart.
 */
describe.each(ENGINES)("webhooks on $name", (engine) => {
  let server: TestServer;
  let receiver: Receiver;
  const consumer = () => webhooksConsumer(server.ctx);
  beforeAll(async () => {
    server = await startTestServer(engine);
    receiver = await startReceiver();
    await registerConsumers(server.ctx, [consumer()]);
  });
  afterAll(async () => {
    await receiver?.close();
    await server?.close();
  });

  /** What the workers do: fan out, then send (short timeout for the slow receiver). */
  async function deliver() {
    await dispatchPending(server.ctx, consumer());
    return sendDueWebhooks(server.ctx, { timeoutMs: 300 });
  }

  async function subscribe(acct: TestAccount, path: string, eventTypes = ["activity.created", "activity.updated"]) {
    const r = await client(server.url, acct.admin.token).post("/api/v1/webhook-endpoints", { url: receiver.url + path, eventTypes, description: path });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { id: r.body.item.id as string, secret: r.body.secret as string };
  }

  async function book(acct: TestAccount, start: string) {
    const r = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start, customer: customer() });
    expect(r.status).toBe(201);
    return r.body.activity.id as string;
  }

  const at = (path: string) => receiver.received.filter((r) => r.path === path);
  const later = async (ms: number) => server.clock.moveTo(new Date(server.clock.now().getTime() + ms));

  it("signs each message the Standard Webhooks way, with the event as the body", async () => {
    const acct = await newAccount(server);
    const path = `/signed-${acct.accountId}`;
    const ep = await subscribe(acct, path);
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const id = await book(acct, futureSlots(server, 1, 100)[0]!);
    await deliver();
    const got = at(path);
    expect(got).toHaveLength(1);
    const msg = got[0]!;
    expect(verifyStandardWebhook(ep.secret, msg.headers, msg.body)).toBe(true);
    expect(verifyStandardWebhook(ep.secret, msg.headers, msg.body + " ")).toBe(false);
    expect(msg.headers["webhook-id"]).toMatch(/^msg_\d+_[0-9a-f]{32}$/);
    expect(Math.abs(Number(msg.headers["webhook-timestamp"]) - server.clock.now().getTime() / 1000)).toBeLessThan(60);
    const body = JSON.parse(msg.body);
    expect(body.type).toBe("activity.created");
    expect(body.data.activity.id).toBe(id);
    expect(body.data.activity.status).toBe("Scheduled");
  });

  it("never shows the secret again; rotating gives a new one that signs from then on", async () => {
    const acct = await newAccount(server);
    const path = `/rotate-${acct.accountId}`;
    const ep = await subscribe(acct, path);
    const admin = client(server.url, acct.admin.token);
    const listed = await admin.get("/api/v1/webhook-endpoints");
    const one = await admin.get(`/api/v1/webhook-endpoints/${ep.id}`);
    for (const r of [listed, one]) {
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain(ep.secret);
      expect(JSON.stringify(r.body)).not.toContain("whsec_");
    }
    const rotated = await admin.post(`/api/v1/webhook-endpoints/${ep.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(ep.secret);
    await book(acct, futureSlots(server, 1, 110)[0]!);
    await deliver();
    const msg = at(path)[0]!;
    expect(verifyStandardWebhook(rotated.body.secret, msg.headers, msg.body)).toBe(true);
    expect(verifyStandardWebhook(ep.secret, msg.headers, msg.body)).toBe(false);
    // The secret is stored sealed, not as given.
    const row = await server.handle.db.selectFrom("webhook_endpoints").select("secret_sealed").where("id", "=", ep.id).executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(rotated.body.secret.slice(6));
  });

  it("retries a receiver answering 500 with back-off, under the same webhook-id, and records each attempt", async () => {
    const acct = await newAccount(server);
    const path = `/flaky-${acct.accountId}`;
    await subscribe(acct, path);
    receiver.behave(path, { status: 500 });
    const id = await book(acct, futureSlots(server, 1, 120)[0]!);
    await deliver();
    expect(at(path)).toHaveLength(1);
    await deliver(); // not due yet: back-off
    expect(at(path)).toHaveLength(1);
    const log = await client(server.url, acct.admin.token).get(`/api/v1/deliveries?consumer=webhooks&activityId=${id}`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(1);
    const first = log.body.items[0];
    expect(first).toMatchObject({ consumer: "webhooks", state: "retrying", attempts: 1, lastStatus: 500 });
    expect(first.lastError).toContain("500");
    expect(first.sentence).toMatch(/^Webhook failed: 500, retrying /);
    const wait = new Date(first.nextAttemptAt).getTime() - server.clock.now().getTime();
    expect(wait).toBeGreaterThan(0);
    await later(wait + 1000);
    await deliver();
    expect(at(path)).toHaveLength(2);
    const log2 = await client(server.url, acct.admin.token).get(`/api/v1/deliveries?consumer=webhooks&activityId=${id}`);
    const second = log2.body.items[0];
    expect(second.attempts).toBe(2);
    // Exponential: the second wait is longer than the first.
    expect(new Date(second.nextAttemptAt).getTime() - new Date(second.lastAttemptAt).getTime()).toBeGreaterThan(wait);
    receiver.behave(path, { status: 200 });
    await later(new Date(second.nextAttemptAt).getTime() - server.clock.now().getTime() + 1000);
    await deliver();
    const all = at(path);
    expect(all).toHaveLength(3);
    expect(new Set(all.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const done = await client(server.url, acct.admin.token).get(`/api/v1/deliveries?consumer=webhooks&activityId=${id}`);
    expect(done.body.items[0]).toMatchObject({ state: "delivered", attempts: 3, lastStatus: 200 });
  });

  it("counts a receiver that answers too slowly as a failed attempt", async () => {
    const acct = await newAccount(server);
    const path = `/slow-${acct.accountId}`;
    await subscribe(acct, path);
    receiver.behave(path, { status: 200, delayMs: 2000 });
    await book(acct, futureSlots(server, 1, 130)[0]!);
    await deliver();
    const log = await client(server.url, acct.admin.token).get(`/api/v1/deliveries?consumer=webhooks`);
    expect(log.body.items[0]).toMatchObject({ state: "retrying", attempts: 1, lastStatus: null });
    expect(log.body.items[0].lastError).toMatch(/no answer within/);
  });

  it("keeps one endpoint's failures from another: the healthy one gets every event once, in order", async () => {
    const acct = await newAccount(server);
    const good = `/good-${acct.accountId}`;
    const bad = `/bad-${acct.accountId}`;
    await subscribe(acct, good);
    await subscribe(acct, bad);
    receiver.behave(bad, { status: 503 });
    const slots = futureSlots(server, 3, 140);
    const id = await book(acct, slots[0]!);
    const admin = client(server.url, acct.admin.token);
    expect((await admin.post(`/api/v1/activities/${id}/actions/cancel`, { reason: "test" })).status).toBe(200);
    const other = await book(acct, slots[1]!);
    await deliver();
    await deliver();
    const goods = at(good).map((r) => JSON.parse(r.body));
    expect(goods.filter((b) => b.data.activity.id === id).map((b) => b.type)).toEqual(["activity.created", "activity.updated"]);
    expect(goods.filter((b) => b.data.activity.id === other).map((b) => b.type)).toEqual(["activity.created"]);
    expect(new Set(at(good).map((r) => r.headers["webhook-id"])).size).toBe(3);
    // The failing endpoint got the first event of each activity; the cancel waits behind its retry.
    expect(at(bad).map((r) => JSON.parse(r.body).type)).toEqual(["activity.created", "activity.created"]);
    const badLog = await admin.get(`/api/v1/deliveries?consumer=webhooks&state=retrying`);
    expect(badLog.body.items).toHaveLength(2);
  });

  it("sends only the event types an endpoint asked for", async () => {
    const acct = await newAccount(server);
    const path = `/updates-${acct.accountId}`;
    await subscribe(acct, path, ["activity.updated"]);
    const id = await book(acct, futureSlots(server, 1, 150)[0]!);
    await client(server.url, acct.admin.token).post(`/api/v1/activities/${id}/actions/cancel`, { reason: "test" });
    await deliver();
    const got = at(path).map((r) => JSON.parse(r.body));
    expect(got.map((b) => b.type)).toEqual(["activity.updated"]);
    expect(got[0].data.action).toBe("cancel");
  });

  it("replays a failed delivery, and all failed ones", async () => {
    const acct = await newAccount(server);
    const path = `/replay-${acct.accountId}`;
    const ep = await subscribe(acct, path);
    receiver.behave(path, { status: 500 });
    await book(acct, futureSlots(server, 1, 160)[0]!);
    await deliver();
    // Park it as failed, as after three days of retries.
    await server.handle.db.updateTable("webhook_deliveries").set({ status: "failed" }).where("endpoint_id", "=", ep.id).execute();
    const admin = client(server.url, acct.admin.token);
    const [failed] = (await admin.get(`/api/v1/deliveries?state=failed&endpointId=${ep.id}`)).body.items;
    expect(failed.key).toBe(`webhooks:${ep.id}`);
    receiver.behave(path, { status: 200 });
    const r = await admin.post(`/api/v1/deliveries/${failed.key}/${failed.eventId}/replay`);
    expect(r.status).toBe(200);
    expect((await admin.get(`/api/v1/deliveries?endpointId=${ep.id}`)).body.items[0].state).toBe("pending");
    await deliver();
    expect(at(path)).toHaveLength(2);
    expect((await admin.get(`/api/v1/deliveries?endpointId=${ep.id}`)).body.items[0].state).toBe("delivered");
    // Replay-all: fail it again and bring it back with the bulk call.
    await server.handle.db.updateTable("webhook_deliveries").set({ status: "failed" }).where("endpoint_id", "=", ep.id).execute();
    const all = await admin.post("/api/v1/deliveries/replay-failed", { consumer: "webhooks" });
    expect(all.body.replayed).toBe(1);
    await deliver();
    expect(at(path)).toHaveLength(3);
    expect(new Set(at(path).map((x) => x.headers["webhook-id"])).size).toBe(1);
  });

  it("disables an endpoint after a day-long run of failures, and writes the event the e-mail consumer tells admins with", async () => {
    const acct = await newAccount(server);
    const path = `/dead-${acct.accountId}`;
    const ep = await subscribe(acct, path);
    receiver.behave(path, { status: 502 });
    for (const slot of futureSlots(server, 3, 24 * 40)) await book(acct, slot);
    const admin = client(server.url, acct.admin.token);
    for (let round = 0; round < 12; round++) {
      await deliver();
      if (!(await admin.get(`/api/v1/webhook-endpoints/${ep.id}`)).body.enabled) break;
      await later(6 * 3_600_000);
    }
    const after = (await admin.get(`/api/v1/webhook-endpoints/${ep.id}`)).body;
    expect(after.enabled).toBe(false);
    expect(after.failureStreak).toBeGreaterThanOrEqual(20);
    expect(after.disabledReason).toMatch(/failed attempts in a row/);
    const events = await server.handle.db.selectFrom("outbox_events").selectAll().where("account_id", "=", acct.accountId).where("type", "=", "webhook_endpoint.disabled").execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ endpoint: { id: ep.id, url: receiver.url + path } });
    // Disabled: nothing more is sent; enabling again resumes the waiting deliveries.
    const count = at(path).length;
    await later(7 * 3_600_000);
    await deliver();
    expect(at(path)).toHaveLength(count);
    receiver.behave(path, { status: 200 });
    expect((await admin.call("PATCH", `/api/v1/webhook-endpoints/${ep.id}`, { enabled: true })).body).toMatchObject({ enabled: true, failureStreak: 0 });
    await later(7 * 3_600_000);
    await deliver();
    expect(at(path).length).toBeGreaterThan(count);
  });

  it("checks URLs and who may manage endpoints; accounts never see each other's", async () => {
    const a = await newAccount(server);
    const b = await newAccount(server);
    const ep = await subscribe(a, `/iso-${a.accountId}`);
    const adminA = client(server.url, a.admin.token);
    for (const url of ["ftp://example.com/hook", "javascript:alert(1)", "http://user:pw@example.com/", "http://169.254.169.254/latest", "not a url"]) {
      const r = await adminA.post("/api/v1/webhook-endpoints", { url, eventTypes: ["activity.created"] });
      expect(r.status, url).toBe(400);
    }
    expect((await adminA.post("/api/v1/webhook-endpoints", { url: "https://example.com/x", eventTypes: ["refund.requested"] })).status).toBe(400);
    expect((await adminA.post("/api/v1/webhook-endpoints", { url: "https://example.com/x", eventTypes: ["customer.link_issued"] })).status).toBe(400);
    expect((await client(server.url, a.member.token).get("/api/v1/webhook-endpoints")).status).toBe(403);
    expect((await client(server.url, a.member.token).get("/api/v1/deliveries")).status).toBe(403);
    const adminB = client(server.url, b.admin.token);
    expect((await adminB.get(`/api/v1/webhook-endpoints/${ep.id}`)).status).toBe(404);
    expect((await adminB.call("PATCH", `/api/v1/webhook-endpoints/${ep.id}`, { enabled: false })).status).toBe(404);
    expect((await adminB.post(`/api/v1/webhook-endpoints/${ep.id}/rotate-secret`)).status).toBe(404);
    expect((await adminB.call("DELETE", `/api/v1/webhook-endpoints/${ep.id}`)).status).toBe(404);
    expect((await adminB.get("/api/v1/webhook-endpoints")).body.items).toEqual([]);
    await book(a, futureSlots(server, 1, 170)[0]!);
    await deliver();
    expect((await adminB.get("/api/v1/deliveries")).body.items).toEqual([]);
    expect((await adminA.get("/api/v1/deliveries?consumer=webhooks")).body.items.length).toBeGreaterThan(0);
    // B's endpoint gets nothing of A's.
    const bPath = `/iso-b-${b.accountId}`;
    await subscribe(b, bPath);
    await book(a, futureSlots(server, 1, 171)[0]!);
    await deliver();
    expect(at(bPath)).toHaveLength(0);
    expect((await adminA.call("DELETE", `/api/v1/webhook-endpoints/${ep.id}`)).status).toBe(204);
  });

  it("lists the event catalogue with payload schemas, and test-sends a signed message", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const cat = await admin.get("/api/v1/webhook-event-types");
    expect(cat.status).toBe(200);
    expect(cat.body.items.map((i: any) => i.type)).toEqual(["activity.created", "activity.updated", "package.created", "transaction.created", "transaction.updated"]);
    expect(cat.body.items[0].schema.properties.data).toBeDefined();
    const path = `/test-${acct.accountId}`;
    const ep = await subscribe(acct, path);
    const r = await admin.post(`/api/v1/webhook-endpoints/${ep.id}/test`);
    expect(r.body).toMatchObject({ ok: true, status: 204 });
    const msg = at(path)[0]!;
    expect(JSON.parse(msg.body).type).toBe("webhook.test");
    expect(verifyStandardWebhook(ep.secret, msg.headers, msg.body)).toBe(true);
  });
});
