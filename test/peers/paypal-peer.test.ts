import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PayPalPeer } from "../../peers/paypal/server.js";
import { link, PayPalTestClient, startTestPeer } from "./paypal-support.js";

/**
 * The local PayPal server, driven over real HTTP the way a PayPal client drives PayPal: OAuth,
 * Orders v2, the buyer's approval page, Payments v2 refunds, PayPal-Request-Id, faults, tokens.
 * (Webhooks: paypal-peer-webhooks.test.ts.)
 */

let peer: PayPalPeer;
let api: PayPalTestClient;

beforeAll(async () => {
  ({ peer, api } = await startTestPeer());
});
afterAll(async () => {
  await peer.close();
});

describe("OAuth 2.0 client credentials", () => {
  it("issues a bearer token to the sandbox app and refuses wrong credentials", async () => {
    const ok = await api.fetchToken();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: "Bearer", expires_in: 32400 });
    expect(ok.body.access_token).toMatch(/^A21AA/);
    expect(Object.keys(ok.body).sort()).toEqual(["access_token", "app_id", "expires_in", "nonce", "scope", "token_type"]);
    // While valid, PayPal hands out the same token again.
    expect((await api.fetchToken()).body.access_token).toBe(ok.body.access_token);

    const wrong = await new PayPalTestClient(peer.url, "bookstream-sandbox-client-id", "nope").fetchToken();
    expect(wrong).toMatchObject({ status: 401, body: { error: "invalid_client", error_description: "Client Authentication failed" } });
  });

  it("answers AUTHENTICATION_FAILURE without a valid bearer token", async () => {
    const res = await fetch(`${peer.url}/v2/checkout/orders/ANY`, { headers: { authorization: "Bearer made-up" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ name: "AUTHENTICATION_FAILURE", links: [{ rel: "information_link" }] });
  });

  it("lets tokens expire, by the control call and by the clock", async () => {
    const before = (await api.fetchToken()).body.access_token;
    expect(peer.control.expireTokens()).toBeGreaterThan(0);
    expect((await api.call("GET", "/v2/checkout/orders/ANY")).status).toBe(401);
    const after = await api.fetchToken();
    expect(after.body.access_token).not.toBe(before);
    expect((await api.call("GET", "/v2/checkout/orders/ANY")).status).toBe(404);

    let now = Date.parse("2030-01-01T00:00:00Z");
    const timed = await startTestPeer({ now: () => new Date(now), tokenTtlSeconds: 600 });
    try {
      const token = await timed.api.fetchToken();
      expect(token.body.expires_in).toBe(600);
      now += 599_000;
      expect((await timed.api.call("GET", "/v2/checkout/orders/ANY")).status).toBe(404);
      now += 1_000;
      expect((await timed.api.call("GET", "/v2/checkout/orders/ANY")).body.name).toBe("AUTHENTICATION_FAILURE");
    } finally {
      await timed.peer.close();
    }
  });
});

describe("Orders v2", () => {
  it("creates an order needing the payer's action, with a payer-action link to the approval page", async () => {
    const res = await api.createOrder("50.00", "USD", { custom_id: "BKNG-ORDER1", invoice_id: "INV-ORDER1" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9A-Z]{17}$/), status: "PAYER_ACTION_REQUIRED", payment_source: { paypal: {} }, links: expect.any(Array) });
    expect(link(res.body, "payer-action")).toBe(`${peer.url}/checkoutnow?token=${res.body.id}`);
    const shown = await api.call("GET", `/v2/checkout/orders/${res.body.id}`);
    expect(shown.body).toMatchObject({
      intent: "CAPTURE", status: "PAYER_ACTION_REQUIRED",
      purchase_units: [{ reference_id: "booking", custom_id: "BKNG-ORDER1", invoice_id: "INV-ORDER1", amount: { currency_code: "USD", value: "50.00" } }],
    });
  });

  it("accepts the older application_context: CREATED with an approve link; full body on Prefer", async () => {
    const res = await api.call("POST", "/v2/checkout/orders", {
      intent: "CAPTURE",
      purchase_units: [{ amount: { currency_code: "JPY", value: "5000" } }],
      application_context: { return_url: "https://shop.example/r", cancel_url: "https://shop.example/c" },
    }, { prefer: "return=representation" });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "CREATED", purchase_units: [{ reference_id: "default", amount: { currency_code: "JPY", value: "5000" } }] });
    expect(link(res.body, "approve")).toContain("/checkoutnow?token=");
    expect(link(res.body, "capture")).toBe(`${peer.url}/v2/checkout/orders/${res.body.id}/capture`);
  });

  it.each([
    [{ currency_code: "USD", value: "10.001" }, 422, "UNPROCESSABLE_ENTITY", "DECIMAL_PRECISION"],
    [{ currency_code: "JPY", value: "10.5" }, 422, "UNPROCESSABLE_ENTITY", "DECIMALS_NOT_SUPPORTED"],
    [{ currency_code: "XYZ", value: "10.00" }, 422, "UNPROCESSABLE_ENTITY", "CURRENCY_NOT_SUPPORTED"],
    [{ currency_code: "USD", value: "0.00" }, 422, "UNPROCESSABLE_ENTITY", "CANNOT_BE_ZERO_OR_NEGATIVE"],
    [{ currency_code: "USD", value: "-5.00" }, 422, "UNPROCESSABLE_ENTITY", "CANNOT_BE_NEGATIVE"],
    [{ currency_code: "USD", value: "1,00" }, 400, "INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX"],
    [{ currency_code: "USD", value: 10 }, 400, "INVALID_REQUEST", "INVALID_PARAMETER_SYNTAX"],
    [{ currency_code: "USD" }, 400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER"],
  ])("refuses amount %j with %i %s/%s", async (amount, status, name, issue) => {
    const res = await api.call("POST", "/v2/checkout/orders", { intent: "CAPTURE", purchase_units: [{ amount }] });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ name, message: expect.any(String), debug_id: expect.any(String), details: [{ issue, field: expect.stringMatching(/^\/purchase_units\/0\/amount/) }] });
    expect(res.body.links[0].href).toContain(`#error-${issue}`);
  });

  it("refuses malformed JSON, a missing intent, and unknown orders", async () => {
    const malformed = await api.call("POST", "/v2/checkout/orders", "{not json");
    expect(malformed.body).toMatchObject({ name: "INVALID_REQUEST", details: [{ issue: "MALFORMED_REQUEST_JSON" }] });
    const noIntent = await api.call("POST", "/v2/checkout/orders", { purchase_units: [{ amount: { currency_code: "USD", value: "1.00" } }] });
    expect(noIntent).toMatchObject({ status: 400, body: { details: [{ field: "/intent", issue: "MISSING_REQUIRED_PARAMETER" }] } });
    const unknown = await api.call("GET", "/v2/checkout/orders/NOSUCHORDER00000");
    expect(unknown).toMatchObject({ status: 404, body: { name: "RESOURCE_NOT_FOUND", details: [{ issue: "INVALID_RESOURCE_ID" }] } });
  });
});

describe("the buyer's approval page", () => {
  it("shows a labelled simulated page; approving redirects to return_url with token and PayerID", async () => {
    const order = await api.createOrder("12.34");
    const page = await fetch(link(order.body, "payer-action")!);
    const html = await page.text();
    expect(html).toContain("PayPal sandbox (simulated)");
    expect(html).toMatch(/<button[^>]*type="submit">Pay now<\/button>/);
    expect(html).toContain("Cancel and return");
    expect(html).toContain("12.34 USD");

    const approved = await fetch(`${peer.url}/checkoutnow/approve`, { method: "POST", body: new URLSearchParams({ token: order.body.id, email: "ann@example.com" }), redirect: "manual" });
    expect(approved.status).toBe(302);
    const back = new URL(approved.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe("https://shop.example/paypal/return");
    expect(back.searchParams.get("token")).toBe(order.body.id);
    const shown = await api.call("GET", `/v2/checkout/orders/${order.body.id}`);
    expect(shown.body).toMatchObject({ status: "APPROVED", payer: { email_address: "ann@example.com", payer_id: back.searchParams.get("PayerID") } });
  });

  it("cancelling redirects to cancel_url with the token and leaves the order unapproved", async () => {
    const order = await api.createOrder("5.00");
    const cancelled = await fetch(`${peer.url}/checkoutnow/cancel`, { method: "POST", body: new URLSearchParams({ token: order.body.id }), redirect: "manual" });
    expect(cancelled.status).toBe(302);
    expect(cancelled.headers.get("location")).toBe(`https://shop.example/paypal/cancel?token=${order.body.id}`);
    expect((await api.call("GET", `/v2/checkout/orders/${order.body.id}`)).body.status).toBe("PAYER_ACTION_REQUIRED");
  });
});

describe("capturing", () => {
  it("refuses an unapproved order, captures an approved one once, and books it", async () => {
    const order = await api.createOrder("50.00", "USD", { custom_id: "BKNG-CAP1", invoice_id: "INV-CAP1" });
    const early = await api.call("POST", `/v2/checkout/orders/${order.body.id}/capture`);
    expect(early).toMatchObject({ status: 422, body: { name: "UNPROCESSABLE_ENTITY", details: [{ issue: "ORDER_NOT_APPROVED" }] } });

    // The HTTP control API approves as well as the in-process handle does.
    const approve = await fetch(`${peer.url}/__peer/orders/${order.body.id}/approve`, { method: "POST", body: JSON.stringify({ email: "bo@example.com" }) });
    expect((await approve.json()).status).toBe("APPROVED");
    const res = await api.call("POST", `/v2/checkout/orders/${order.body.id}/capture`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "COMPLETED", payer: { email_address: "bo@example.com", payer_id: expect.any(String), name: { given_name: expect.any(String) } } });
    const capture = res.body.purchase_units[0].payments.captures[0];
    expect(capture).toMatchObject({
      status: "COMPLETED", amount: { currency_code: "USD", value: "50.00" }, final_capture: true, custom_id: "BKNG-CAP1", invoice_id: "INV-CAP1",
      // 3.49 % of 50.00 = 1.745 → 1.75, plus 0.49 fixed.
      seller_receivable_breakdown: { gross_amount: { value: "50.00" }, paypal_fee: { value: "2.24" }, net_amount: { value: "47.76" } },
    });
    expect(link(capture, "up")).toBe(`${peer.url}/v2/checkout/orders/${order.body.id}`);
    expect(link(capture, "refund")).toBe(`${peer.url}/v2/payments/captures/${capture.id}/refund`);

    const twice = await api.call("POST", `/v2/checkout/orders/${order.body.id}/capture`);
    expect(twice).toMatchObject({ status: 422, body: { details: [{ issue: "ORDER_ALREADY_CAPTURED" }] } });
    const ledger = await (await fetch(`${peer.url}/__peer/ledger`)).json();
    expect(ledger.captures.filter((c: any) => c.customId === "BKNG-CAP1")).toEqual([
      expect.objectContaining({ id: capture.id, status: "COMPLETED", amountMinor: 5000, amount: "50.00", feeMinor: 224, invoiceId: "INV-CAP1" }),
    ]);
  });

  it("can decline a capture at once, refuse the instrument, and refuse a reused invoice_id", async () => {
    peer.control.scriptCapture({ outcome: "DECLINED" });
    const declined = await api.paidCapture(peer, "20.00");
    expect(declined.status).toBe("DECLINED");
    expect(declined.seller_receivable_breakdown).toBeUndefined();
    expect(link(declined, "refund")).toBeUndefined();

    const order = await api.createOrder("20.00", "USD", { custom_id: "BKNG-INSTR" });
    peer.control.scriptCapture({ outcome: "INSTRUMENT_DECLINED", customId: "BKNG-INSTR" });
    peer.control.approveOrder(order.body.id);
    const refused = await api.call("POST", `/v2/checkout/orders/${order.body.id}/capture`);
    expect(refused).toMatchObject({ status: 422, body: { details: [{ issue: "INSTRUMENT_DECLINED" }] } });
    expect(link(refused.body, "redirect")).toBe(link(order.body, "payer-action"));
    expect((await api.call("GET", `/v2/checkout/orders/${order.body.id}`)).body.status).toBe("PAYER_ACTION_REQUIRED");

    await api.paidCapture(peer, "9.00", "USD", { invoice_id: "INV-TWICE" });
    const again = await api.createOrder("9.00", "USD", { invoice_id: "INV-TWICE" });
    peer.control.approveOrder(again.body.id);
    const dup = await api.call("POST", `/v2/checkout/orders/${again.body.id}/capture`);
    expect(dup).toMatchObject({ status: 422, body: { details: [{ issue: "DUPLICATE_INVOICE_ID" }] } });
  });
});

describe("refunds", () => {
  it("refunds in part, then the rest, then refuses; amounts and statuses add up", async () => {
    const capture = await api.paidCapture(peer, "100.00", "USD", { custom_id: "BKNG-REF1" });
    const part = await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "USD", value: "30.00" }, note_to_payer: "Late cancel" });
    expect(part.status).toBe(201);
    // Without Prefer: return=representation PayPal answers the minimal body.
    expect(part.body).toEqual({ id: expect.any(String), status: "COMPLETED", links: expect.any(Array) });
    expect(link(part.body, "up")).toBe(`${peer.url}/v2/payments/captures/${capture.id}`);
    const shown = await api.call("GET", `/v2/payments/refunds/${part.body.id}`);
    expect(shown.body).toMatchObject({ amount: { value: "30.00" }, custom_id: "BKNG-REF1", note_to_payer: "Late cancel", seller_payable_breakdown: { total_refunded_amount: { value: "30.00" } } });
    expect((await api.call("GET", `/v2/payments/captures/${capture.id}`)).body.status).toBe("PARTIALLY_REFUNDED");

    const tooMuch = await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "USD", value: "70.01" } });
    expect(tooMuch).toMatchObject({ status: 422, body: { name: "UNPROCESSABLE_ENTITY", details: [{ issue: "REFUND_AMOUNT_EXCEEDED" }] } });
    const wrongCurrency = await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "EUR", value: "1.00" } });
    expect(wrongCurrency.body.details[0].issue).toBe("REFUND_CAPTURE_CURRENCY_MISMATCH");

    const rest = await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, undefined, { prefer: "return=representation" });
    expect(rest).toMatchObject({ status: 201, body: { status: "COMPLETED", amount: { value: "70.00" }, seller_payable_breakdown: { total_refunded_amount: { value: "100.00" } } } });
    expect((await api.call("GET", `/v2/payments/captures/${capture.id}`)).body.status).toBe("REFUNDED");
    const none = await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, {});
    expect(none.body.details[0].issue).toBe("CAPTURE_FULLY_REFUNDED");

    const ledger = peer.control.ledger();
    expect(ledger.refunds.filter((r) => r.captureId === capture.id).map((r) => r.amountMinor)).toEqual([3000, 7000]);
    expect(ledger.captures.find((c) => c.id === capture.id)).toMatchObject({ status: "REFUNDED", refundedMinor: 10000, refunded: "100.00" });
  });

  it("keeps a PENDING refund's amount reserved until it completes", async () => {
    const capture = await api.paidCapture(peer, "40.00");
    peer.control.scriptRefund({ outcome: "PENDING" });
    const pending = await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "USD", value: "40.00" } });
    expect(pending.body).toMatchObject({ status: "PENDING", status_details: { reason: "ECHECK" } });
    expect((await api.call("GET", `/v2/payments/captures/${capture.id}`)).body.status).toBe("COMPLETED");
    const meanwhile = await api.call("POST", `/v2/payments/captures/${capture.id}/refund`, { amount: { currency_code: "USD", value: "0.01" } });
    expect(meanwhile.body.details[0].issue).toBe("CAPTURE_FULLY_REFUNDED");
    peer.control.settleRefund(pending.body.id, "COMPLETED");
    expect((await api.call("GET", `/v2/payments/refunds/${pending.body.id}`)).body.status).toBe("COMPLETED");
    expect((await api.call("GET", `/v2/payments/captures/${capture.id}`)).body.status).toBe("REFUNDED");
  });

  it("refuses to refund a pending or declined capture", async () => {
    peer.control.scriptCapture({ outcome: "PENDING", reason: "ECHECK" });
    const pending = await api.paidCapture(peer, "15.00");
    expect(pending).toMatchObject({ status: "PENDING", status_details: { reason: "ECHECK" } });
    const refused = await api.call("POST", `/v2/payments/captures/${pending.id}/refund`);
    expect(refused).toMatchObject({ status: 422, body: { details: [{ issue: "PENDING_CAPTURE" }] } });
    peer.control.settleCapture(pending.id, "DECLINED");
    const declined = await api.call("POST", `/v2/payments/captures/${pending.id}/refund`);
    expect(declined.body.details[0].issue).toBe("REFUND_NOT_ALLOWED");
  });
});

describe("PayPal-Request-Id", () => {
  it("answers a repeated create, capture or refund with the first result, doing it once", async () => {
    const first = await api.createOrder("25.00", "USD", {}, { "paypal-request-id": "create-1" });
    const again = await api.createOrder("25.00", "USD", {}, { "paypal-request-id": "create-1" });
    expect(again).toMatchObject({ status: 201, body: first.body });
    peer.control.approveOrder(first.body.id);

    const path = `/v2/checkout/orders/${first.body.id}/capture`;
    const capture = await api.call("POST", path, undefined, { "paypal-request-id": "capture-1" });
    const replay = await api.call("POST", path, undefined, { "paypal-request-id": "capture-1" });
    expect(replay).toMatchObject({ status: 201, body: capture.body });
    const other = await api.call("POST", path, undefined, { "paypal-request-id": "capture-2" });
    expect(other.body.details[0].issue).toBe("ORDER_ALREADY_CAPTURED");

    const captureId = capture.body.purchase_units[0].payments.captures[0].id;
    const refund = (key: string) => api.call("POST", `/v2/payments/captures/${captureId}/refund`, { amount: { currency_code: "USD", value: "5.00" } }, { "paypal-request-id": key });
    const r1 = await refund("refund-1");
    expect((await refund("refund-1")).body.id).toBe(r1.body.id);
    expect(peer.control.ledger().refunds.filter((r) => r.captureId === captureId)).toHaveLength(1);
  });
});

describe("fault injection", () => {
  it("fails a seeded fraction of calls with PayPal's 5xx body, the same ones for the same seed", async () => {
    const run = async () => {
      peer.control.setFaults({ seed: 42, rules: [{ op: "orders.get", rate: 0.5, kind: "error", status: 503 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await api.call("GET", "/v2/checkout/orders/NOSUCHORDER00000")).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(404);
    expect(await run()).toEqual(first);
    peer.control.clearFaults();
    const res = await fetch(`${peer.url}/__peer/faults`, { method: "POST", body: JSON.stringify({ rules: [{ op: "orders.get", kind: "error", times: 1 }] }) });
    expect(res.status).toBe(200);
    const failed = await api.call("GET", "/v2/checkout/orders/NOSUCHORDER00000");
    expect(failed).toMatchObject({ status: 500, body: { name: "INTERNAL_SERVER_ERROR", debug_id: expect.any(String) } });
    expect((await api.call("GET", "/v2/checkout/orders/NOSUCHORDER00000")).status).toBe(404);
  });

  it("a 5xx after the capture happened: the retry with the same PayPal-Request-Id gets the capture", async () => {
    const order = await api.createOrder("60.00", "USD", { custom_id: "BKNG-AFTER" });
    peer.control.approveOrder(order.body.id);
    peer.control.setFaults({ rules: [{ op: "orders.capture", kind: "error", when: "after", times: 1 }] });
    const path = `/v2/checkout/orders/${order.body.id}/capture`;
    expect((await api.call("POST", path, undefined, { "paypal-request-id": "after-1" })).status).toBe(500);
    const retry = await api.call("POST", path, undefined, { "paypal-request-id": "after-1" });
    expect(retry).toMatchObject({ status: 201, body: { status: "COMPLETED" } });
    expect(peer.control.ledger().captures.filter((c) => c.customId === "BKNG-AFTER")).toHaveLength(1);
  });

  it("holds the socket (timeout) or answers late (delay), before or after the work", async () => {
    const order = await api.createOrder("70.00", "USD", { custom_id: "BKNG-HANG" });
    peer.control.approveOrder(order.body.id);
    peer.control.setFaults({ rules: [{ op: "orders.capture", kind: "timeout", when: "after", times: 1 }, { op: "orders.get", kind: "delay", delayMs: 5_000, times: 1 }] });
    const path = `/v2/checkout/orders/${order.body.id}/capture`;
    await expect(api.call("POST", path, undefined, { "paypal-request-id": "hang-1" }, AbortSignal.timeout(300))).rejects.toThrow();
    expect(peer.control.ledger().captures.find((c) => c.customId === "BKNG-HANG")?.status).toBe("COMPLETED");
    expect((await api.call("POST", path, undefined, { "paypal-request-id": "hang-1" })).status).toBe(201);

    await expect(api.call("GET", `/v2/checkout/orders/${order.body.id}`, undefined, {}, AbortSignal.timeout(300))).rejects.toThrow();
    expect(peer.control.firedFaults().slice(-2)).toEqual([{ op: "orders.capture", kind: "timeout", when: "after" }, { op: "orders.get", kind: "delay", when: "before" }]);
    peer.control.clearFaults();
  });
});
