import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SANDBOX_APP, startPayPalPeer, type PayPalPeer } from "../peers/paypal/server.js";
import type { Clock } from "../src/domain/clock.js";
import { money, parseMoney } from "../src/domain/money.js";
import { certificateOrigins } from "../src/integrations/paypal/account-config.js";
import { createPayPalClient, type PayPalClient, type PayPalClientOptions } from "../src/integrations/paypal/client.js";
import { PayPalError } from "../src/integrations/paypal/errors.js";
import { captureFromEvent, refundFromEvent } from "../src/integrations/paypal/resources.js";
import { CertificateCache, httpCertificateFetcher, type WebhookDelivery } from "../src/integrations/paypal/webhook-verification.js";
import { startReceiver, type ReceivedWebhook } from "./peers/paypal-support.js";

/**
 * Webhook subscriptions and verification against the local PayPal: real deliveries caught by a
 * small node:http receiver, checked with the certificate at PAYPAL-CERT-URL and with PayPal's
 * verify-webhook-signature; forged, replayed-late and misdirected ones refused.
 */

const EVENTS = ["PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"];

let peer: PayPalPeer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let webhookId: string;
const peerLog: string[] = [];
let n = 0;
const rid = (what: string) => `${what}-${process.pid}-${++n}`;

function client(opts: PayPalClientOptions & { webhookId?: string } = {}): PayPalClient {
  return createPayPalClient(
    { baseUrl: peer.url, clientId: DEFAULT_SANDBOX_APP.clientId, clientSecret: DEFAULT_SANDBOX_APP.clientSecret, mode: "sandbox", webhookId: "webhookId" in opts ? opts.webhookId : webhookId },
    { certificates: new CertificateCache(4), ...opts },
  );
}

beforeAll(async () => {
  peer = await startPayPalPeer({ log: (l) => peerLog.push(l), webhookRetry: { maxAttempts: 1 } });
  receiver = await startReceiver();
  const subscription = await client({ webhookId: undefined }).createWebhook({ url: receiver.url, eventTypes: EVENTS, requestId: rid("webhook") });
  webhookId = subscription.id;
});
afterAll(async () => {
  await receiver.close();
  await peer.close();
});
beforeEach(() => {
  peer.control.reset();
});

const delivery = (hook: ReceivedWebhook, changes: { raw?: string; headers?: Record<string, string> } = {}): WebhookDelivery => ({
  headers: { ...(hook.headers as Record<string, string>), ...changes.headers },
  rawBody: changes.raw ?? hook.raw,
});

/** Pays an order through the client and returns the capture and the webhook PayPal sent about it. */
async function paidWithHook(pp: PayPalClient, value = "50.00") {
  const from = receiver.received.length;
  const order = await pp.createOrder({ requestId: rid("order"), amount: parseMoney(value, "USD"), returnUrl: "https://book.example/r", cancelUrl: "https://book.example/c", customId: "TXN-HOOK0001" });
  peer.control.approveOrder(order.orderId);
  const { capture } = await pp.captureOrder(order.orderId, { requestId: rid("capture") });
  await peer.control.waitForWebhooks();
  const hook = receiver.received.slice(from).find((h) => h.event.resource?.id === capture.id);
  if (!hook) throw new Error("no webhook arrived for the capture");
  return { capture, hook };
}

const certFetches = () => peerLog.filter((l) => l.includes("GET /v1/notifications/certs/")).length;
const verifyCalls = () => peerLog.filter((l) => l.includes("POST /v1/notifications/verify-webhook-signature")).length;

describe("webhook subscriptions", () => {
  it("creates, lists and deletes subscriptions", async () => {
    const pp = client();
    expect(await pp.listWebhooks()).toContainEqual({ id: webhookId, url: receiver.url, eventTypes: EVENTS });
    const other = await pp.createWebhook({ url: `${receiver.url}/other`, eventTypes: ["*"] });
    expect(other).toEqual({ id: expect.stringMatching(/^[A-Z0-9]+$/), url: `${receiver.url}/other`, eventTypes: ["*"] });
    await pp.deleteWebhook(other.id);
    expect((await pp.listWebhooks()).map((w) => w.id)).toEqual([webhookId]);
    expect(await caught(pp.createWebhook({ url: receiver.url, eventTypes: ["*"] }))).toMatchObject({ status: 400, name: "WEBHOOK_URL_ALREADY_EXISTS", retryable: false });
  });
});

async function caught(p: Promise<unknown>): Promise<PayPalError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PayPalError) return err;
    throw err;
  }
  throw new Error("expected a PayPalError");
}

describe("a real delivery", () => {
  it("verifies locally (certificate fetched once, then cached) and remotely, and reads the capture in it", async () => {
    const pp = client();
    const { capture, hook } = await paidWithHook(pp, "50.00");
    const fetchesBefore = certFetches();
    const local = await pp.verifyWebhookLocally(delivery(hook));
    expect(local).toMatchObject({ ok: true, event: { eventType: "PAYMENT.CAPTURE.COMPLETED", resourceType: "capture", id: hook.event.id } });
    if (!local.ok) throw new Error(local.detail);
    expect(captureFromEvent(local.event)).toMatchObject({ id: capture.id, status: "COMPLETED", amount: money(5000, "USD"), customId: "TXN-HOOK0001" });
    expect(await pp.verifyWebhookLocally(delivery(hook))).toMatchObject({ ok: true });
    expect(certFetches() - fetchesBefore).toBe(1);

    const remote = await pp.verifyWebhookRemotely(delivery(hook));
    expect(remote).toMatchObject({ ok: true, event: { id: hook.event.id } });
  });

  it("a refund made in PayPal arrives as PAYMENT.CAPTURE.REFUNDED, pointing at its capture", async () => {
    const pp = client();
    const { capture } = await paidWithHook(pp, "30.00");
    const from = receiver.received.length;
    peer.control.refundInPayPal(capture.id, { value: "10.00" });
    await peer.control.waitForWebhooks();
    const hook = receiver.received.slice(from).find((h) => h.event.event_type === "PAYMENT.CAPTURE.REFUNDED")!;
    const verified = await pp.verifyWebhookLocally(delivery(hook));
    if (!verified.ok) throw new Error(verified.detail);
    expect(refundFromEvent(verified.event)).toMatchObject({ status: "COMPLETED", captureId: capture.id, amount: money(1000, "USD") });
  });
});

describe("refused deliveries", () => {
  let hook: ReceivedWebhook;
  beforeAll(async () => {
    hook = (await paidWithHook(client(), "75.00")).hook;
  });

  it("a tampered body fails both ways", async () => {
    const pp = client();
    const tampered = delivery(hook, { raw: hook.raw.replace('"value":"75.00"', '"value":"7.50"') });
    expect(tampered.rawBody).not.toBe(hook.raw);
    expect(await pp.verifyWebhookLocally(tampered)).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(await pp.verifyWebhookRemotely(tampered)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("another webhook id (a delivery meant for another listener) fails both ways; none configured is its own reason", async () => {
    const wrong = client({ webhookId: "SOMEOTHERWEBHOOK1" });
    expect(await wrong.verifyWebhookLocally(delivery(hook))).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(await wrong.verifyWebhookRemotely(delivery(hook))).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(await client({ webhookId: undefined }).verifyWebhookLocally(delivery(hook))).toMatchObject({ ok: false, reason: "no_webhook_id" });
  });

  it("a transmission time outside the tolerance (a replay) fails before any call to PayPal", async () => {
    const sent = Date.parse(String(hook.headers["paypal-transmission-time"]));
    const later: Clock = { now: () => new Date(sent + 6 * 60_000) };
    const earlier: Clock = { now: () => new Date(sent - 6 * 60_000) };
    const [certs, verifies] = [certFetches(), verifyCalls()];
    for (const clock of [later, earlier]) {
      const pp = client({ clock });
      expect(await pp.verifyWebhookLocally(delivery(hook))).toMatchObject({ ok: false, reason: "stale_transmission" });
      expect(await pp.verifyWebhookRemotely(delivery(hook))).toMatchObject({ ok: false, reason: "stale_transmission" });
    }
    expect([certFetches(), verifyCalls()]).toEqual([certs, verifies]);
    // Inside a tolerance set wider, the same delivery passes: only the time was wrong.
    expect(await client({ clock: later, webhookToleranceMs: 10 * 60_000 }).verifyWebhookLocally(delivery(hook))).toMatchObject({ ok: true });
  });

  it("a certificate URL on another host is refused without being fetched", async () => {
    let hits = 0;
    const pem = fs.readFileSync(new URL("../peers/paypal/fixtures/simulator-cert.pem", import.meta.url), "utf8");
    const elsewhere = http.createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { "content-type": "application/x-pem-file" }).end(pem);
    });
    await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
    try {
      const certPath = new URL(String(hook.headers["paypal-cert-url"])).pathname;
      const peerPort = new URL(peer.url).port;
      const verifies = verifyCalls();
      for (const certUrl of [
        `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}${certPath}`,
        `http://localhost:${peerPort}${certPath}`, // same server, another origin
        `https://127.0.0.1:${peerPort}${certPath}`,
        `${peer.url}/v1/oauth2/token`, // PayPal's host, not a certificate
      ]) {
        const forged = delivery(hook, { headers: { "paypal-cert-url": certUrl } });
        expect(await client().verifyWebhookLocally(forged), certUrl).toMatchObject({ ok: false, reason: "cert_url_refused" });
        expect(await client().verifyWebhookRemotely(forged), certUrl).toMatchObject({ ok: false, reason: "cert_url_refused" });
      }
      expect(hits).toBe(0);
      expect(verifyCalls()).toBe(verifies);
    } finally {
      await new Promise<void>((r) => elsewhere.close(() => r()));
    }
  });

  it("PayPal's certificate hosts are accepted for PayPal's base URLs, nothing else", () => {
    expect(certificateOrigins("https://api-m.sandbox.paypal.com")).toEqual(["https://api-m.sandbox.paypal.com", "https://api.sandbox.paypal.com"]);
    expect(certificateOrigins("https://api-m.paypal.com/")).toEqual(["https://api-m.paypal.com", "https://api.paypal.com"]);
    expect(certificateOrigins("http://127.0.0.1:4010")).toEqual(["http://127.0.0.1:4010"]);
  });

  it("a certificate outside its validity period is refused", async () => {
    const cert = new X509Certificate(fs.readFileSync(new URL("../peers/paypal/fixtures/simulator-cert.pem", import.meta.url), "utf8"));
    const afterExpiry: Clock = { now: () => new Date(Date.parse(cert.validTo) + 86_400_000) };
    const pp = client({ clock: afterExpiry, webhookToleranceMs: Number.MAX_SAFE_INTEGER });
    expect(await pp.verifyWebhookLocally(delivery(hook))).toMatchObject({ ok: false, reason: "cert_not_valid_now" });
  });

  it("missing headers, another algorithm, or a body that is not an event are refused", async () => {
    const pp = client();
    const { ["paypal-transmission-sig"]: _sig, ...unsigned } = hook.headers as Record<string, string>;
    expect(await pp.verifyWebhookLocally({ headers: unsigned, rawBody: hook.raw })).toMatchObject({ ok: false, reason: "missing_headers" });
    expect(await pp.verifyWebhookLocally(delivery(hook, { headers: { "paypal-auth-algo": "SHA1withRSA" } }))).toMatchObject({ ok: false, reason: "unsupported_algorithm" });
    expect(await pp.verifyWebhookLocally(delivery(hook, { raw: "not json" }))).toMatchObject({ ok: false, reason: "malformed_body" });
    expect(await pp.verifyWebhookRemotely(delivery(hook, { raw: '{"id":"WH-1"}' }))).toMatchObject({ ok: false, reason: "malformed_body" });
  });

  it("when PayPal's certificate cannot be fetched: a retryable error (answer 5xx, PayPal delivers again), not kept in the cache", async () => {
    const pp = client();
    peer.control.setFaults({ rules: [{ op: "certs.get", kind: "error", status: 503, times: 1 }] });
    expect(await caught(pp.verifyWebhookLocally(delivery(hook)))).toMatchObject({ status: 503, retryable: true });
    expect(await pp.verifyWebhookLocally(delivery(hook))).toMatchObject({ ok: true });
  });
});

describe("the certificate cache", () => {
  it("keeps at most its bound, dropping the least recently used", async () => {
    const cache = new CertificateCache(2);
    const pem = fs.readFileSync(new URL("../peers/paypal/fixtures/simulator-cert.pem", import.meta.url), "utf8");
    const fetched: string[] = [];
    const fetcher = async (url: string) => {
      fetched.push(url);
      return pem;
    };
    const signal = new AbortController().signal;
    for (const u of ["a", "b", "a", "c", "a", "b"]) await cache.get(`https://p.example/${u}`, fetcher, signal);
    expect(cache.size).toBe(2);
    // a, b fetched; a hit; c fetched (b dropped: a was used more recently); a hit; b fetched again.
    expect(fetched.map((u) => u.slice(-1))).toEqual(["a", "b", "c", "b"]);
  });

  it("fetches without following redirects and stops reading past 64 KiB", async () => {
    let redirectTargetHits = 0;
    const server = http.createServer((req, res) => {
      if (req.url === "/big") res.writeHead(200).end("x".repeat(200 * 1024));
      else if (req.url === "/moved") res.writeHead(302, { location: "/target" }).end();
      else {
        redirectTargetHits += 1;
        res.writeHead(200).end("pem");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const fetchCert = httpCertificateFetcher(fetch, 2_000);
      const signal = new AbortController().signal;
      expect(await caught(fetchCert(`${base}/big`, signal))).toMatchObject({ name: "INVALID_RESPONSE", retryable: false });
      expect(await caught(fetchCert(`${base}/moved`, signal))).toMatchObject({ status: null });
      expect(redirectTargetHits).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
