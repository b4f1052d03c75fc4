import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SANDBOX_APP, startPayPalPeer, type PayPalPeer } from "../peers/paypal/server.js";
import { AdjustableClock } from "../src/domain/clock.js";
import { money, parseMoney, subtractMoney } from "../src/domain/money.js";
import { PAYPAL_API_BASE_URLS } from "../src/integrations/paypal/account-config.js";
import { createPayPalClient, type PayPalClient, type PayPalClientOptions } from "../src/integrations/paypal/client.js";
import { errorFromAnswer, PayPalError } from "../src/integrations/paypal/errors.js";

/**
 * The product's PayPal client against the local PayPal (peers/paypal): real HTTP, PayPal's
 * shapes and errors, faults on request. No database.
 */

let peer: PayPalPeer;
const peerLog: string[] = [];
const clientLog: string[] = [];
let n = 0;
const rid = (what: string) => `${what}-${process.pid}-${++n}`;

beforeAll(async () => {
  peer = await startPayPalPeer({ log: (line) => peerLog.push(line), webhookRetry: { maxAttempts: 1 } });
});
afterAll(async () => {
  await peer.close();
});
beforeEach(() => {
  peer.control.reset();
});

function client(opts: PayPalClientOptions & { secret?: string; baseUrl?: string } = {}): PayPalClient {
  return createPayPalClient(
    { baseUrl: opts.baseUrl ?? peer.url, clientId: DEFAULT_SANDBOX_APP.clientId, clientSecret: opts.secret ?? DEFAULT_SANDBOX_APP.clientSecret, mode: "sandbox" },
    { log: (line) => clientLog.push(line), ...opts },
  );
}

const tokenRequests = () => peerLog.filter((l) => l.includes("POST /v1/oauth2/token → 200")).length;

async function caught(p: Promise<unknown>): Promise<PayPalError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PayPalError) return err;
    throw err;
  }
  throw new Error("expected a PayPalError");
}

async function approvedOrder(pp: PayPalClient, value = "50.00", currency = "USD", extra: { customId?: string; invoiceId?: string } = {}) {
  const order = await pp.createOrder({
    requestId: rid("order"), amount: parseMoney(value, currency), returnUrl: "https://book.example/pay/return", cancelUrl: "https://book.example/pay/cancel",
    brandName: "Clinic One", description: "Consultation, 30 minutes", ...extra,
  });
  peer.control.approveOrder(order.orderId, { email: "ana@buyer.example", givenName: "Ana", surname: "Silva" });
  return order;
}

async function paid(pp: PayPalClient, value = "50.00", currency = "USD") {
  const order = await approvedOrder(pp, value, currency);
  return (await pp.captureOrder(order.orderId, { requestId: rid("capture") })).capture;
}

describe("OAuth token", () => {
  it("is fetched once for many calls (also concurrent ones), and again once after PayPal expires it", async () => {
    const order = await approvedOrder(client());
    const pp = client();
    const before = tokenRequests();
    // A cold client: five calls at once share one token request.
    await Promise.all([1, 2, 3, 4, 5].map(() => pp.getOrder(order.orderId)));
    await pp.getOrder(order.orderId);
    expect(tokenRequests() - before).toBe(1);

    expect(peer.control.expireTokens()).toBeGreaterThan(0);
    const logFrom = clientLog.length;
    expect((await pp.getOrder(order.orderId)).status).toBe("APPROVED");
    expect(tokenRequests() - before).toBe(2);
    // The first try met a 401; the client took a new token and tried once more.
    expect(clientLog.slice(logFrom).map((l) => l.replace(/ debug_id=.*/, "").replace(/orders\/\w+/, "orders/ID"))).toEqual([
      "paypal GET /v2/checkout/orders/ID → 401", "paypal POST /v1/oauth2/token → 200", "paypal GET /v2/checkout/orders/ID → 200",
    ]);
  });

  it("is refreshed shortly before it expires, by the client's clock", async () => {
    const clock = new AdjustableClock();
    const pp = client({ clock });
    const order = await approvedOrder(pp);
    const before = tokenRequests();
    await pp.getOrder(order.orderId);
    expect(tokenRequests()).toBe(before);
    // PayPal's tokens last 32400 s; five minutes before that the client asks for a new one.
    clock.moveTo(new Date(clock.now().getTime() + (32_400 - 290) * 1000));
    await pp.getOrder(order.orderId);
    expect(tokenRequests()).toBe(before + 1);
  });

  it("wrong credentials: a typed, final error that does not echo the secret", async () => {
    const secret = "definitely-wrong-secret-7781";
    const err = await caught(client({ secret }).testConnection());
    expect(err).toMatchObject({ status: 401, name: "invalid_client", retryable: false });
    expect(JSON.stringify(err) + err.message + String(err.stack)).not.toContain(secret);
    const ok = await client().testConnection();
    expect(ok.appId).toMatch(/^APP-/);
    expect(ok.scopes).toContain("https://uri.paypal.com/services/payments/refund");
  });
});

describe("Orders v2: create, approve, capture", () => {
  it("creates with intent CAPTURE and the experience context, and captures COMPLETED with the payer and PayPal's fee", async () => {
    const sent: { path: string; headers: Headers; body: string }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname.startsWith("/v2/")) sent.push({ path: url.pathname, headers: new Headers(init?.headers), body: String(init?.body ?? "") });
      return fetch(input, init);
    };
    const pp = client({ fetch: recording });
    const created = await pp.createOrder({
      requestId: "order-req-1", amount: money(5000, "USD"), returnUrl: "https://book.example/pay/return", cancelUrl: "https://book.example/pay/cancel",
      brandName: "Clinic One", customId: "TXN-AB12CD34", invoiceId: `INV-${rid("inv")}`, description: "Consultation, 30 minutes",
    });
    expect(created.status).toBe("PAYER_ACTION_REQUIRED");
    expect(created.approveUrl).toBe(`${peer.url}/checkoutnow?token=${created.orderId}`);
    expect(sent[0]!.headers.get("paypal-request-id")).toBe("order-req-1");
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      intent: "CAPTURE",
      purchase_units: [{ amount: { currency_code: "USD", value: "50.00" }, custom_id: "TXN-AB12CD34", description: "Consultation, 30 minutes" }],
      payment_source: { paypal: { experience_context: { return_url: "https://book.example/pay/return", cancel_url: "https://book.example/pay/cancel", brand_name: "Clinic One", user_action: "PAY_NOW", shipping_preference: "NO_SHIPPING" } } },
    });
    const page = await (await fetch(created.approveUrl)).text();
    expect(page).toContain("Clinic One");
    expect(page).toContain("Pay now");

    const before = await pp.getOrder(created.orderId);
    expect(before).toMatchObject({ status: "PAYER_ACTION_REQUIRED", amount: { minor: 5000, currency: "USD" }, customId: "TXN-AB12CD34", captures: [] });
    peer.control.approveOrder(created.orderId, { email: "ana@buyer.example", givenName: "Ana", surname: "Silva" });
    expect((await pp.getOrder(created.orderId)).status).toBe("APPROVED");

    const captured = await pp.captureOrder(created.orderId, { requestId: "capture-req-1" });
    expect(sent.at(-1)!.headers.get("paypal-request-id")).toBe("capture-req-1");
    expect(captured.orderStatus).toBe("COMPLETED");
    expect(captured.payer).toEqual({ payerId: expect.stringMatching(/^[A-Z0-9]{13}$/), email: "ana@buyer.example", givenName: "Ana", surname: "Silva" });
    const c = captured.capture;
    expect(c).toMatchObject({ status: "COMPLETED", amount: { minor: 5000, currency: "USD" }, customId: "TXN-AB12CD34", orderId: created.orderId });
    expect(c.paypalFee!.minor).toBeGreaterThan(0);
    expect(c.netAmount).toEqual(subtractMoney(c.amount, c.paypalFee!));
    expect(await pp.getCapture(c.id)).toEqual(c);
  });

  it("a pending capture is PENDING with PayPal's reason and no fee yet; settled, it is COMPLETED", async () => {
    const pp = client();
    peer.control.scriptCapture({ outcome: "PENDING" });
    const c = await paid(pp, "31.00");
    expect(c).toMatchObject({ status: "PENDING", statusReason: "PENDING_REVIEW" });
    expect(c.paypalFee).toBeUndefined();
    const refund = await caught(pp.refundCapture(c.id, { requestId: rid("refund") }));
    expect(refund).toMatchObject({ status: 422, name: "UNPROCESSABLE_ENTITY", issue: "PENDING_CAPTURE", retryable: false });
    peer.control.settleCapture(c.id, "COMPLETED");
    expect(await pp.getCapture(c.id)).toMatchObject({ status: "COMPLETED", paypalFee: { currency: "USD" } });
  });

  it("a declined capture is DECLINED; a declined instrument is an error that sends the buyer back", async () => {
    const pp = client();
    peer.control.scriptCapture({ outcome: "DECLINED" });
    expect((await paid(pp, "12.00")).status).toBe("DECLINED");

    peer.control.scriptCapture({ outcome: "INSTRUMENT_DECLINED" });
    const order = await approvedOrder(pp, "13.00");
    const err = await caught(pp.captureOrder(order.orderId, { requestId: rid("capture") }));
    expect(err).toMatchObject({ status: 422, issue: "INSTRUMENT_DECLINED", retryable: false });
    expect(err.links.find((l) => l.rel === "redirect")?.href).toBe(`${peer.url}/checkoutnow?token=${order.orderId}`);
  });

  it("currencies without decimals go as whole numbers; capturing before approval is PayPal's 422", async () => {
    const pp = client();
    const c = await paid(pp, "1200", "JPY");
    expect(c.amount).toEqual({ minor: 1200, currency: "JPY" });
    const order = await pp.createOrder({ requestId: rid("order"), amount: money(100, "EUR"), returnUrl: "https://book.example/r", cancelUrl: "https://book.example/c" });
    expect(await caught(pp.captureOrder(order.orderId, { requestId: rid("capture") }))).toMatchObject({ status: 422, issue: "ORDER_NOT_APPROVED" });
    expect(await caught(pp.getOrder("NOSUCHORDER123"))).toMatchObject({ status: 404, name: "RESOURCE_NOT_FOUND", issue: "INVALID_RESOURCE_ID", retryable: false });
  });
});

describe("Payments v2: refunds", () => {
  it("partial, then the rest, then nothing left: typed issues for too much and for fully refunded", async () => {
    const pp = client();
    const c = await paid(pp, "50.00");
    const exceeded = await caught(pp.refundCapture(c.id, { requestId: rid("refund"), amount: money(6000, "USD") }));
    expect(exceeded).toMatchObject({ status: 422, issue: "REFUND_AMOUNT_EXCEEDED", retryable: false });
    expect(exceeded.issues[0]!.field).toBe("/amount/value");

    const part = await pp.refundCapture(c.id, { requestId: rid("refund"), amount: money(1000, "USD"), invoiceId: "INV-R1", noteToPayer: "Partial refund for a shorter session" });
    expect(part).toMatchObject({ status: "COMPLETED", amount: { minor: 1000, currency: "USD" }, captureId: c.id, invoiceId: "INV-R1", noteToPayer: "Partial refund for a shorter session", totalRefunded: { minor: 1000 } });
    expect((await pp.getCapture(c.id)).status).toBe("PARTIALLY_REFUNDED");

    const rest = await pp.refundCapture(c.id, { requestId: rid("refund") });
    expect(rest).toMatchObject({ status: "COMPLETED", amount: { minor: 4000, currency: "USD" }, totalRefunded: { minor: 5000 } });
    expect(await pp.getRefund(rest.id)).toEqual(rest);
    expect((await pp.getCapture(c.id)).status).toBe("REFUNDED");
    expect(await caught(pp.refundCapture(c.id, { requestId: rid("refund") }))).toMatchObject({ status: 422, issue: "CAPTURE_FULLY_REFUNDED" });
  });

  it("a pending refund is PENDING (ECHECK) until PayPal settles it", async () => {
    const pp = client();
    const c = await paid(pp, "20.00");
    peer.control.scriptRefund({ outcome: "PENDING" });
    const r = await pp.refundCapture(c.id, { requestId: rid("refund"), amount: money(500, "USD") });
    expect(r).toMatchObject({ status: "PENDING", statusReason: "ECHECK", amount: { minor: 500 } });
    peer.control.settleRefund(r.id, "COMPLETED");
    expect(await pp.getRefund(r.id)).toMatchObject({ status: "COMPLETED", amount: { minor: 500 } });
  });
});

describe("PayPal-Request-Id: a retry after a lost answer returns the first result", () => {
  it("capture: a 5xx after PayPal captured; the retry with the same id gets that capture, not a second one", async () => {
    const pp = client();
    const order = await approvedOrder(pp, "70.00");
    peer.control.setFaults({ rules: [{ op: "orders.capture", kind: "error", status: 500, when: "after", times: 1 }] });
    const first = await caught(pp.captureOrder(order.orderId, { requestId: "cap-retry-1" }));
    expect(first).toMatchObject({ status: 500, name: "INTERNAL_SERVER_ERROR", retryable: true });
    expect(first.debugId).toMatch(/^[0-9a-f]+$/);
    const atPayPal = peer.control.ledger().captures.filter((c) => c.orderId === order.orderId);
    expect(atPayPal).toHaveLength(1);

    const retried = await pp.captureOrder(order.orderId, { requestId: "cap-retry-1" });
    expect(retried.capture.id).toBe(atPayPal[0]!.id);
    expect(peer.control.ledger().captures.filter((c) => c.orderId === order.orderId)).toHaveLength(1);
    // Without the same id PayPal sees a new request: already captured.
    expect(await caught(pp.captureOrder(order.orderId, { requestId: "cap-retry-2" }))).toMatchObject({ issue: "ORDER_ALREADY_CAPTURED", retryable: false });
  });

  it("refund: a 5xx, then a timeout, after PayPal refunded; the retries with the same id get that refund", async () => {
    const pp = client({ timeoutMs: 400 });
    const c = await paid(pp, "40.00");
    peer.control.setFaults({ rules: [{ op: "captures.refund", kind: "error", status: 503, when: "after", times: 1 }, { op: "captures.refund", kind: "timeout", when: "after", times: 1 }] });
    const input = { requestId: "refund-retry-1", amount: money(1500, "USD") };
    expect(await caught(pp.refundCapture(c.id, input))).toMatchObject({ status: 503, retryable: true });
    expect(await caught(pp.refundCapture(c.id, input))).toMatchObject({ status: null, name: "TIMEOUT", retryable: true });
    const refunds = () => peer.control.ledger().refunds.filter((r) => r.captureId === c.id);
    expect(refunds()).toHaveLength(1);
    const retried = await pp.refundCapture(c.id, input);
    expect(retried).toMatchObject({ id: refunds()[0]!.id, amount: { minor: 1500 } });
    expect(refunds()).toHaveLength(1);
  });

  it("refuses to send a money-moving call without a usable request id", async () => {
    const pp = client();
    await expect(pp.captureOrder("X", { requestId: "" })).rejects.toThrow(RangeError);
    await expect(pp.refundCapture("X", { requestId: "has space" })).rejects.toThrow(RangeError);
    await expect(pp.refundCapture("X", { requestId: "r".repeat(109) })).rejects.toThrow(RangeError);
  });
});

describe("failures", () => {
  it("a call PayPal never answers is a retryable TIMEOUT within the configured time", async () => {
    const pp = client({ timeoutMs: 300 });
    const order = await approvedOrder(pp);
    peer.control.setFaults({ rules: [{ op: "orders.get", kind: "timeout" }] });
    const started = performance.now();
    const err = await caught(pp.getOrder(order.orderId));
    const took = performance.now() - started;
    expect(err).toMatchObject({ status: null, name: "TIMEOUT", retryable: true });
    // The default deadline is 10 s: this one gave up at its own 300 ms (with room for a busy machine).
    expect(took).toBeLessThan(5_000);
  });

  it("5xx answers are retryable, network errors too; the caller's abort is ABORTED", async () => {
    const pp = client();
    const order = await approvedOrder(pp);
    peer.control.setFaults({ rules: [{ op: "orders.get", kind: "error", status: 503, times: 1 }] });
    expect(await caught(pp.getOrder(order.orderId))).toMatchObject({ status: 503, name: "INTERNAL_SERVER_ERROR", retryable: true });
    expect((await pp.getOrder(order.orderId)).id).toBe(order.orderId);

    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await caught(client({ baseUrl: `http://127.0.0.1:${port}` }).getOrder("X"))).toMatchObject({ status: null, name: "NETWORK_ERROR", retryable: true });

    peer.control.setFaults({ rules: [{ op: "orders.get", kind: "delay", delayMs: 2_000 }] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await caught(pp.getOrder(order.orderId, { signal: controller.signal }))).toMatchObject({ name: "ABORTED", retryable: true });
  });

  it("reads any answer into the same error: 429 and 408 retryable, other 4xx final, a proxy's HTML page kept to its status", () => {
    expect(errorFromAnswer("get order", 429, '{"name":"RATE_LIMIT_REACHED","message":"Too many requests."}', "dbg1")).toMatchObject({ status: 429, name: "RATE_LIMIT_REACHED", retryable: true, debugId: "dbg1" });
    expect(errorFromAnswer("get order", 408, "", undefined)).toMatchObject({ name: "HTTP_408", retryable: true });
    expect(errorFromAnswer("get order", 400, '{"name":"INVALID_REQUEST","details":[{"issue":"INVALID_PARAMETER_SYNTAX","field":"/purchase_units/0/amount/value","description":"bad"}],"debug_id":"abc"}', "hdr")).toMatchObject({
      name: "INVALID_REQUEST", retryable: false, debugId: "abc", issues: [{ issue: "INVALID_PARAMETER_SYNTAX", field: "/purchase_units/0/amount/value", description: "bad" }],
    });
    expect(errorFromAnswer("get order", 502, "<html><body>Bad gateway</body></html>", undefined)).toMatchObject({ status: 502, name: "HTTP_502", issues: [], retryable: true });
  });

  it("never logs or throws the secret or the access token", async () => {
    const token = await (await fetch(`${peer.url}/v1/oauth2/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${DEFAULT_SANDBOX_APP.clientId}:${DEFAULT_SANDBOX_APP.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    })).json() as { access_token: string };
    const pp = client();
    const errors: PayPalError[] = [];
    const c = await paid(pp, "9.00");
    errors.push(await caught(pp.refundCapture(c.id, { requestId: rid("refund"), amount: money(99_999, "USD") })));
    peer.control.expireTokens();
    errors.push(await caught(pp.getCapture("NOSUCHCAPTURE")));
    const seen = [...clientLog, ...errors.map((e) => `${JSON.stringify(e)} ${e.message} ${e.stack}`), JSON.stringify(pp.account)].join("\n");
    for (const secret of [DEFAULT_SANDBOX_APP.clientSecret, token.access_token, Buffer.from(`${DEFAULT_SANDBOX_APP.clientId}:${DEFAULT_SANDBOX_APP.clientSecret}`).toString("base64")]) {
      expect(seen).not.toContain(secret);
    }
  });

  it("live mode needs https; PayPal's own hosts are the defaults to configure", () => {
    expect(() => createPayPalClient({ baseUrl: "http://api-m.paypal.com", clientId: "a", clientSecret: "b", mode: "live" })).toThrow(/https/);
    expect(createPayPalClient({ baseUrl: `${PAYPAL_API_BASE_URLS.live}/`, clientId: "a", clientSecret: "b", mode: "live" }).account.baseUrl).toBe("https://api-m.paypal.com");
  });
});
