import { createVerify, X509Certificate } from "node:crypto";
import { crc32 } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import type { PayPalPeer, PayPalPeerOptions } from "../../peers/paypal/server.js";
import { link, PayPalTestClient, startReceiver, startTestPeer, type ReceivedWebhook } from "./paypal-support.js";

/**
 * The PayPal peer's webhooks, as a Bookstream listener will meet them: subscribed through the
 * REST API, signed with SHA256withRSA over `id|time|webhook id|crc32(body)`, verifiable with the
 * certificate at PAYPAL-CERT-URL or through verify-webhook-signature; retried, duplicated, dropped
 * and reordered on request.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(answer?: Parameters<typeof startReceiver>[0], opts: PayPalPeerOptions = {}) {
  const receiver = await startReceiver(answer);
  const { peer, api } = await startTestPeer(opts);
  cleanups.push(() => receiver.close(), () => peer.close());
  const created = await api.call("POST", "/v1/notifications/webhooks", { url: receiver.url, event_types: [{ name: "PAYMENT.CAPTURE.COMPLETED" }, { name: "PAYMENT.CAPTURE.PENDING" }, { name: "PAYMENT.CAPTURE.DENIED" }, { name: "PAYMENT.CAPTURE.REFUNDED" }, { name: "PAYMENT.CAPTURE.REVERSED" }] });
  expect(created.status).toBe(201);
  return { receiver, peer, api, webhookId: created.body.id as string };
}

/** What a listener does by hand: fetch the certificate, rebuild the signed string, verify. */
async function verifyByHand(hook: ReceivedWebhook, webhookId: string): Promise<boolean> {
  const h = hook.headers;
  expect(h["paypal-auth-algo"]).toBe("SHA256withRSA");
  const cert = new X509Certificate(await (await fetch(String(h["paypal-cert-url"]))).text());
  const signed = `${h["paypal-transmission-id"]}|${h["paypal-transmission-time"]}|${webhookId}|${crc32(Buffer.from(hook.raw))}`;
  return createVerify("sha256").update(signed).verify(cert.publicKey, String(h["paypal-transmission-sig"]), "base64");
}

function verifyByApi(api: PayPalTestClient, hook: ReceivedWebhook, webhookId: string, event: unknown = hook.event) {
  const h = hook.headers;
  return api.call("POST", "/v1/notifications/verify-webhook-signature", {
    auth_algo: h["paypal-auth-algo"], cert_url: h["paypal-cert-url"], transmission_id: h["paypal-transmission-id"],
    transmission_sig: h["paypal-transmission-sig"], transmission_time: h["paypal-transmission-time"], webhook_id: webhookId, webhook_event: event,
  });
}

describe("webhook subscriptions", () => {
  it("subscribes, lists, refuses a second subscription of the same URL, and deletes", async () => {
    const { api, receiver, webhookId } = await setUp();
    const list = await api.call("GET", "/v1/notifications/webhooks");
    expect(list.body.webhooks).toEqual([expect.objectContaining({ id: webhookId, url: receiver.url, event_types: expect.arrayContaining([expect.objectContaining({ name: "PAYMENT.CAPTURE.COMPLETED" })]) })]);
    const again = await api.call("POST", "/v1/notifications/webhooks", { url: receiver.url, event_types: [{ name: "*" }] });
    expect(again).toMatchObject({ status: 400, body: { name: "WEBHOOK_URL_ALREADY_EXISTS" } });
    const invalid = await api.call("POST", "/v1/notifications/webhooks", { url: "not a url", event_types: [] });
    expect(invalid).toMatchObject({ status: 400, body: { name: "VALIDATION_ERROR" } });
    expect((await api.call("DELETE", `/v1/notifications/webhooks/${webhookId}`)).status).toBe(204);
    expect((await api.call("GET", `/v1/notifications/webhooks/${webhookId}`)).status).toBe(404);
  });
});

describe("webhook events and signatures", () => {
  it("sends PAYMENT.CAPTURE.COMPLETED signed so that the cert and the verify API both accept it", async () => {
    const { peer, api, receiver, webhookId } = await setUp();
    const capture = await api.paidCapture(peer, "50.00", "USD", { custom_id: "BKNG-HOOK1", invoice_id: "INV-HOOK1" });
    await peer.control.waitForWebhooks();
    expect(receiver.types()).toEqual(["PAYMENT.CAPTURE.COMPLETED"]);
    const [hook] = receiver.received;
    expect(hook!.event).toMatchObject({
      id: expect.stringMatching(/^WH-/), event_version: "1.0", resource_type: "capture", event_type: "PAYMENT.CAPTURE.COMPLETED",
      summary: "Payment completed for 50.00 USD", create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      resource: { id: capture.id, status: "COMPLETED", custom_id: "BKNG-HOOK1", invoice_id: "INV-HOOK1", amount: { value: "50.00" }, supplementary_data: { related_ids: { order_id: expect.any(String) } } },
    });
    expect(link(hook!.event, "self")).toBe(`${peer.url}/v1/notifications/webhooks-events/${hook!.event.id}`);
    expect(hook!.headers["paypal-cert-url"]).toMatch(new RegExp(`^${peer.url}/v1/notifications/certs/CERT-`));
    expect(await verifyByHand(hook!, webhookId)).toBe(true);
    expect(await verifyByHand(hook!, "SOMEOTHERWEBHOOK1")).toBe(false);
    expect(await verifyByHand({ ...hook!, raw: hook!.raw.replace("50.00", "5.00") }, webhookId)).toBe(false);

    expect((await verifyByApi(api, hook!, webhookId)).body).toEqual({ verification_status: "SUCCESS" });
    const tampered = { ...hook!.event, summary: "Payment completed for 5000.00 USD" };
    expect((await verifyByApi(api, hook!, webhookId, tampered)).body).toEqual({ verification_status: "FAILURE" });
    expect((await api.call("GET", `/v1/notifications/webhooks-events/${hook!.event.id}`)).body).toEqual(hook!.event);
  });

  it("sends REFUNDED for API refunds and refunds made on PayPal's site, REVERSED for reversals", async () => {
    const { peer, api, receiver, webhookId } = await setUp();
    const capture = await api.paidCapture(peer, "90.00", "EUR", { custom_id: "BKNG-HOOK2" });
    await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "EUR", value: "10.00" } });
    peer.control.refundInPayPal(capture.id, { value: "20.00" });
    peer.control.reverseCapture(capture.id);
    await peer.control.waitForWebhooks();
    const byType = (t: string) => receiver.received.filter((h) => h.event.event_type === t).map((h) => h.event);
    const refunds = byType("PAYMENT.CAPTURE.REFUNDED");
    expect(refunds.map((e) => e.resource.amount.value).sort()).toEqual(["10.00", "20.00"]);
    for (const e of refunds) {
      expect(e).toMatchObject({ resource_type: "refund", resource: { status: "COMPLETED", custom_id: "BKNG-HOOK2" } });
      expect(link(e.resource, "up")).toBe(`${peer.url}/v2/payments/captures/${capture.id}`);
    }
    expect(byType("PAYMENT.CAPTURE.REVERSED")).toEqual([expect.objectContaining({ resource_type: "refund", resource: expect.objectContaining({ amount: { currency_code: "EUR", value: "60.00" } }) })]);
    for (const hook of receiver.received) expect(await verifyByHand(hook, webhookId)).toBe(true);
    expect(peer.control.ledger().totals.EUR).toMatchObject({ capturedMinor: 9000, refundedMinor: 9000, netMinor: 0, net: "0.00" });
  });

  it("sends PENDING, then COMPLETED or DENIED when PayPal settles the capture", async () => {
    const { peer, api, receiver } = await setUp();
    peer.control.scriptCapture({ outcome: "PENDING", times: 2 });
    const later = await api.paidCapture(peer, "30.00");
    const denied = await api.paidCapture(peer, "31.00");
    await peer.control.waitForWebhooks();
    expect(receiver.types()).toEqual(["PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.PENDING"]);
    expect(receiver.received[0]!.event.resource).toMatchObject({ status: "PENDING", status_details: { reason: "PENDING_REVIEW" } });
    expect(peer.control.ledger().totals.USD).toMatchObject({ capturedMinor: 0, pendingMinor: 6100 });

    // Deliveries run side by side (PayPal promises no order), so one settles at a time here.
    await fetch(`${peer.url}/__peer/captures/${later.id}/settle`, { method: "POST", body: JSON.stringify({ status: "COMPLETED" }) });
    await peer.control.waitForWebhooks();
    peer.control.settleCapture(denied.id, "DECLINED");
    await peer.control.waitForWebhooks();
    expect(receiver.types().slice(2)).toEqual(["PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.DENIED"]);
    expect(receiver.received[2]!.event.resource.seller_receivable_breakdown).toBeDefined();
    expect((await api.call("GET", `/v2/payments/captures/${denied.id}`)).body.status).toBe("DECLINED");
  });

  it("delivers only the subscribed event types", async () => {
    const receiver = await startReceiver();
    const { peer, api } = await startTestPeer();
    cleanups.push(() => receiver.close(), () => peer.close());
    await api.call("POST", "/v1/notifications/webhooks", { url: receiver.url, event_types: [{ name: "PAYMENT.CAPTURE.REFUNDED" }] });
    const capture = await api.paidCapture(peer, "8.00");
    await api.call("POST", `/v2/payments/captures/${capture.id}/refund`);
    await peer.control.waitForWebhooks();
    expect(receiver.types()).toEqual(["PAYMENT.CAPTURE.REFUNDED"]);
  });
});

describe("webhook delivery faults", () => {
  it("retries non-2xx answers with back-off: same event and body, a new transmission each time", async () => {
    const { peer, api, receiver, webhookId } = await setUp((n) => (n < 3 ? 500 : 200));
    await api.paidCapture(peer, "11.00");
    await peer.control.waitForWebhooks();
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((h) => h.raw)).size).toBe(1);
    expect(new Set(receiver.received.map((h) => h.headers["paypal-transmission-id"])).size).toBe(3);
    for (const hook of receiver.received) expect(await verifyByHand(hook, webhookId)).toBe(true);
    expect(peer.control.webhookDeliveries().map((d) => [d.attempt, d.outcome, d.status])).toEqual([[1, "rejected", 500], [2, "rejected", 500], [3, "delivered", 200]]);
  });

  it("gives up after the configured number of attempts", async () => {
    const { peer, api, receiver } = await setUp(() => 503, { webhookRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    await api.paidCapture(peer, "12.00");
    await peer.control.waitForWebhooks();
    expect(receiver.received).toHaveLength(3);
  });

  it("duplicates and drops events on request", async () => {
    const { peer, api, receiver } = await setUp();
    peer.control.setWebhookFaults({ duplicateRate: 1 });
    await api.paidCapture(peer, "13.00");
    await peer.control.waitForWebhooks();
    expect(receiver.types()).toEqual(["PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.COMPLETED"]);
    expect(receiver.received[0]!.event.id).toBe(receiver.received[1]!.event.id);

    await fetch(`${peer.url}/__peer/webhooks/faults`, { method: "POST", body: JSON.stringify({ drop_rate: 1 }) });
    await api.paidCapture(peer, "14.00");
    await peer.control.waitForWebhooks();
    expect(receiver.received).toHaveLength(2);
    expect(peer.control.webhookDeliveries().at(-1)).toMatchObject({ outcome: "dropped", eventType: "PAYMENT.CAPTURE.COMPLETED" });
  });

  it("holds a batch and delivers it out of order", async () => {
    const { peer, api, receiver } = await setUp();
    peer.control.holdWebhooks();
    const capture = await api.paidCapture(peer, "16.00");
    await api.call("POST", `/v2/payments/captures/${capture.id}/refund`);
    await peer.control.waitForWebhooks();
    expect(receiver.received).toHaveLength(0);
    expect(peer.control.releaseWebhooks("reverse")).toBe(2);
    await peer.control.waitForWebhooks();
    expect(receiver.types()).toEqual(["PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.COMPLETED"]);

    peer.control.holdWebhooks();
    for (const value of ["1.00", "2.00", "3.00", "4.00"]) await api.paidCapture(peer, value);
    peer.control.releaseWebhooks("shuffle");
    await peer.control.waitForWebhooks();
    expect(receiver.received.slice(2).map((h) => h.event.resource.amount.value).sort()).toEqual(["1.00", "2.00", "3.00", "4.00"]);
  });
});
