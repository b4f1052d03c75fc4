import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, futureSlots, type TestAccount } from "./support/harness.js";
import { clientsFor, details, hoursAfter, moveClock, tokenOf } from "./support/lifecycle-drive.js";
import { orderOf, paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";

/**
 * The seed's "Payment transaction types and statuses" table, row by row, through the HTTP API
 * against the local PayPal: each scenario, the transaction's type (detailed status), status and
 * menu actions, and its relation to the booking.
 */
describe.each(ENGINES)("payment transactions on $name", (engine) => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
  });
  afterAll(async () => env?.close());

  const admin = (acct: TestAccount) => clientsFor(env.server, acct).admin;
  const txn = async (acct: TestAccount, id: string) => details(admin(acct), id);
  const row = (d: any) => ({ type: d.detailedStatus, status: d.status, actions: d.actions });
  const paymentOf = async (acct: TestAccount, bookingId: string) => (await details(admin(acct), bookingId)).related.filter((r: any) => r.type === "transaction");

  it("row 'Customer schedules a booking and purchases the service': PAYMENT (SCHEDULE), Paid, refund and invoice", async () => {
    const acct = await paidAccount(env);
    const { done } = await payAndBook(env, acct);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ state: "completed", transactionType: "PAYMENT (SCHEDULE)", activity: { status: "Scheduled" } });
    expect(done.body.bookingId).toMatch(/^BKNG-/);
    expect(done.body.transactionId).toMatch(/^TXN-[A-Z0-9]{8}$/);
    const t = await txn(acct, done.body.transactionId);
    expect(row(t)).toEqual({ type: "PAYMENT (SCHEDULE)", status: "Paid", actions: ["refund", "download-invoice"] });
    expect(t.amount).toEqual({ value: "50.00", currency: "USD", minor: 5000 });
    expect(t.payment).toMatchObject({ kind: "payment", purpose: "schedule", state: "completed", refundable: { value: "50.00" }, paidFor: done.body.bookingId });
    expect(t.payment.paypal.captureId).toBeTruthy();
    expect(t.payment.payer.email).toContain("@");
    // The booking's Details list its payment.
    expect(await paymentOf(acct, done.body.bookingId)).toEqual([expect.objectContaining({ relation: "payment", id: done.body.transactionId, detailedStatus: "PAYMENT (SCHEDULE)" })]);
    // The sums agree with PayPal's.
    expect(env.paypal.control.ledger().captures.find((c: any) => c.id === t.payment.paypal.captureId)).toMatchObject({ status: "COMPLETED" });
  });

  it("a customer who comes back after the checkout was completed (PayPal's webhook first, or a reload) still gets a manage link and the invoice", async () => {
    const acct = await paidAccount(env);
    const { started, orderId, done } = await payAndBook(env, acct);
    const again = await client(env.server.url).post(`/api/v1/public/checkouts/${started.checkoutId}/complete`, { orderId });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ bookingId: done.body.bookingId, transactionId: done.body.transactionId, activity: { id: done.body.bookingId } });
    const fresh = tokenOf(again.body.manageLink);
    expect(fresh).not.toBe(tokenOf(done.body.manageLink));
    expect((await client(env.server.url).get(`/api/v1/public/manage/${fresh}`)).body.id).toBe(done.body.bookingId);
    const pdf = await fetch(new URL(again.body.invoiceUrl, env.server.url));
    expect([pdf.status, pdf.headers.get("content-type")]).toEqual([200, "application/pdf"]);
    // A day later the return address no longer hands out links.
    await moveClock(env.server, hoursAfter(env.server.clock.now().toISOString(), 25));
    const late = await client(env.server.url).post(`/api/v1/public/checkouts/${started.checkoutId}/complete`, { orderId });
    expect([late.status, late.body.manageLink, late.body.bookingId]).toEqual([200, undefined, done.body.bookingId]);
  });

  it("row 'Customer reschedules the booking and pays the reschedule fee': PAYMENT (RESCHEDULE), Paid", async () => {
    const acct = await paidAccount(env);
    const [s1, s2] = futureSlots(env.server, 2);
    const { done } = await payAndBook(env, acct, s1);
    const token = tokenOf(done.body.manageLink);
    const pub = client(env.server.url);
    const free = await pub.post(`/api/v1/public/manage/${token}/reschedule`, { start: s2 });
    expect([free.status, free.body.error.details.reason]).toEqual([422, "payment_required"]);
    const started = await pub.post(`/api/v1/public/manage/${token}/reschedule-checkout`, { start: s2 });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.amount).toEqual({ value: "10.00", currency: "USD", minor: 1000 });
    env.paypal.control.approveOrder(orderOf(started.body.approveUrl));
    const paid = await pub.post(`/api/v1/public/checkouts/${started.body.checkoutId}/complete`, {});
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ transactionType: "PAYMENT (RESCHEDULE)", bookingId: done.body.bookingId });
    const booking = await details(admin(acct), done.body.bookingId);
    expect([booking.detailedStatus, booking.start]).toEqual(["Rescheduled (By customer)", s2]);
    expect(row(await txn(acct, paid.body.transactionId))).toEqual({ type: "PAYMENT (RESCHEDULE)", status: "Paid", actions: ["refund", "download-invoice"] });
    expect((await paymentOf(acct, booking.id)).map((r: any) => r.detailedStatus)).toEqual(["PAYMENT (SCHEDULE)", "PAYMENT (RESCHEDULE)"]);
  });

  it("row 'The transaction is in a Pending status in PayPal': PAYMENT PENDING (SCHEDULE), Pending, invoice only; it becomes PAYMENT (SCHEDULE) when PayPal completes it", async () => {
    const acct = await paidAccount(env);
    env.paypal.control.scriptCapture({ outcome: "PENDING", reason: "PENDING_REVIEW" });
    const { done } = await payAndBook(env, acct);
    expect(done.body.transactionType).toBe("PAYMENT PENDING (SCHEDULE)");
    const t = await txn(acct, done.body.transactionId);
    expect(row(t)).toEqual({ type: "PAYMENT PENDING (SCHEDULE)", status: "Pending", actions: ["download-invoice"] });
    expect((await details(admin(acct), done.body.bookingId)).status).toBe("Scheduled");
    env.paypal.control.settleCapture(t.payment.paypal.captureId, "COMPLETED");
    await env.paypal.control.waitForWebhooks();
    const after = await txn(acct, done.body.transactionId);
    expect(row(after)).toEqual({ type: "PAYMENT (SCHEDULE)", status: "Paid", actions: ["refund", "download-invoice"] });
    expect(after.history.map((h: any) => [h.action, h.to.detailedStatus])).toEqual([["payment-captured", "PAYMENT PENDING (SCHEDULE)"], ["payment-completed", "PAYMENT (SCHEDULE)"]]);
  });

  it("row 'Customer cancels the booking and automatically receives the refund': AUTOMATIC REFUND (CANCELLATION), Refunded", async () => {
    const acct = await paidAccount(env);
    const { done } = await payAndBook(env, acct);
    const c = await client(env.server.url).post(`/api/v1/public/manage/${tokenOf(done.body.manageLink)}/cancel`, { reason: "Ill" });
    expect(c.status).toBe(200);
    await env.deliver();
    const refunds = (await paymentOf(acct, done.body.bookingId)).filter((r: any) => r.id !== done.body.transactionId);
    expect(refunds.map((r: any) => r.detailedStatus)).toEqual(["AUTOMATIC REFUND (CANCELLATION)"]);
    const r = await txn(acct, refunds[0].id);
    expect(row(r)).toEqual({ type: "AUTOMATIC REFUND (CANCELLATION)", status: "Refunded", actions: ["download-invoice"] });
    expect(r.payment).toMatchObject({ kind: "refund", purpose: "cancellation", state: "completed", amount: { value: "50.00" }, refundOf: done.body.transactionId });
    const payment = await txn(acct, done.body.transactionId);
    expect(payment.actions).toEqual(["download-invoice"]); // nothing left to refund
    expect(env.paypal.control.refund(r.payment.paypal.refundId)).toMatchObject({ status: "COMPLETED", invoice_id: r.id });
  });

  it("row '… The transaction is in a Pending status in PayPal': AUTOMATIC REFUND PENDING (CANCELLATION), Refund pending, until PayPal completes it", async () => {
    const acct = await paidAccount(env);
    const { done } = await payAndBook(env, acct);
    env.paypal.control.scriptRefund({ outcome: "PENDING" });
    await client(env.server.url).post(`/api/v1/public/manage/${tokenOf(done.body.manageLink)}/cancel`, {});
    await env.deliver();
    const [refund] = (await paymentOf(acct, done.body.bookingId)).filter((r: any) => r.id !== done.body.transactionId);
    const r = await txn(acct, refund.id);
    expect(row(r)).toEqual({ type: "AUTOMATIC REFUND PENDING (CANCELLATION)", status: "Refund pending", actions: ["download-invoice"] });
    env.paypal.control.settleRefund(r.payment.paypal.refundId, "COMPLETED");
    await env.paypal.control.waitForWebhooks();
    expect(row(await txn(acct, refund.id))).toEqual({ type: "AUTOMATIC REFUND (CANCELLATION)", status: "Refunded", actions: ["download-invoice"] });
  });

  it("row 'The user processed a refund directly via Bookstream': MANUAL REFUND VIA BOOKSTREAM, Refunded; partial refunds until nothing is left", async () => {
    const acct = await paidAccount(env);
    const { done } = await payAndBook(env, acct);
    const a = admin(acct);
    const part = await a.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, { amount: "20.00", reason: "Started late" });
    expect(part.status, JSON.stringify(part.body)).toBe(200);
    expect(part.body.created).toMatchObject({ type: "transaction", detailedStatus: "MANUAL REFUND PENDING VIA BOOKSTREAM", amount: { value: "20.00" } });
    expect(part.body.activity.actions).toEqual(["refund", "download-invoice"]);
    await env.deliver();
    const r = await txn(acct, part.body.created.id);
    expect(row(r)).toEqual({ type: "MANUAL REFUND VIA BOOKSTREAM", status: "Refunded", actions: ["download-invoice"] });
    expect(r.payment.reason).toBe("Started late");
    const tooMuch = await a.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, { amount: "30.01" });
    expect([tooMuch.status, tooMuch.body.error.details.reason, tooMuch.body.error.details.refundable]).toEqual([422, "refund_exceeds_payment", "30.00"]);
    const rest = await a.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, {});
    expect(rest.body.created.amount.value).toBe("30.00");
    await env.deliver();
    const payment = await txn(acct, done.body.transactionId);
    expect([payment.actions, payment.payment.refundable.value]).toEqual([["download-invoice"], "0.00"]);
    const again = await a.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, {});
    expect([again.status, again.body.error.code, again.body.error.details.detailedStatus]).toEqual([409, "action_not_allowed", "PAYMENT (SCHEDULE)"]);
  });

  it("row 'The user refunded the customer via PayPal': MANUAL REFUND VIA PAYPAL, Refunded, no actions, related to the booking", async () => {
    const acct = await paidAccount(env);
    const { done } = await payAndBook(env, acct);
    const t = await txn(acct, done.body.transactionId);
    env.paypal.control.refundInPayPal(t.payment.paypal.captureId, { value: "15.00" });
    await env.paypal.control.waitForWebhooks();
    const refunds = (await paymentOf(acct, done.body.bookingId)).filter((r: any) => r.id !== done.body.transactionId);
    expect(refunds.map((r: any) => r.detailedStatus)).toEqual(["MANUAL REFUND VIA PAYPAL"]);
    const r = await txn(acct, refunds[0].id);
    expect(row(r)).toEqual({ type: "MANUAL REFUND VIA PAYPAL", status: "Refunded", actions: [] });
    expect(r.amount.value).toBe("15.00");
    expect((await txn(acct, done.body.transactionId)).payment.refundable.value).toBe("35.00");
  });

  describe("readings where the seed leaves room", () => {
    it("a capture PayPal declines at once books nothing and frees the time", async () => {
      const acct = await paidAccount(env);
      const [start] = futureSlots(env.server, 1);
      env.paypal.control.scriptCapture({ outcome: "DECLINED" });
      const { done } = await payAndBook(env, acct, start);
      expect([done.status, done.body.error.code]).toEqual([422, "payment_declined"]);
      expect((await admin(acct).get("/api/v1/activities?type=booking")).body.items).toEqual([]);
      const again = await payAndBook(env, acct, start);
      expect(again.done.status).toBe(200);
    });

    it("a pending capture later denied cancels its booking as Canceled (Payment denied) and frees the time", async () => {
      const acct = await paidAccount(env);
      const [start] = futureSlots(env.server, 1);
      env.paypal.control.scriptCapture({ outcome: "PENDING" });
      const { done } = await payAndBook(env, acct, start);
      const t = await txn(acct, done.body.transactionId);
      env.paypal.control.settleCapture(t.payment.paypal.captureId, "DECLINED");
      await env.paypal.control.waitForWebhooks();
      expect(row(await txn(acct, done.body.transactionId))).toEqual({ type: "PAYMENT DENIED (SCHEDULE)", status: "Denied", actions: [] });
      const b = await details(admin(acct), done.body.bookingId);
      expect([b.status, b.detailedStatus, b.history.at(-1).actor.type]).toEqual(["Canceled", "Canceled (Payment denied)", "system"]);
      expect((await payAndBook(env, acct, start)).done.status).toBe(200);
    });

    it("while the customer is at PayPal the time is held; an abandoned checkout frees it when the hold runs out (test clock)", async () => {
      const acct = await paidAccount(env);
      const [start] = futureSlots(env.server, 1, 72);
      const pub = client(env.server.url);
      const first = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/checkouts`, { start, customer: { name: "A", email: "a@example.com" } });
      expect(first.status).toBe(201);
      const second = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/checkouts`, { start, customer: { name: "B", email: "b@example.com" } });
      expect(second.status).toBe(409);
      await moveClock(env.server, hoursAfter(env.server.clock.now(), 0.26));
      expect((await pub.get(`/api/v1/public/checkouts/${first.body.checkoutId}`)).body.state).toBe("expired");
      expect((await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/checkouts`, { start, customer: { name: "B", email: "b@example.com" } })).status).toBe(201);
    });

    it("refunds are for the booking's host, its page's owner and admins (403 otherwise); two at once never refund more than was paid", async () => {
      const acct = await paidAccount(env);
      const { done } = await payAndBook(env, acct);
      const { viewer, outsider, admin: adm } = clientsFor(env.server, acct);
      expect((await viewer.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, { amount: "1.00" })).status).toBe(403);
      expect((await outsider.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, { amount: "1.00" })).status).toBe(404);
      expect((await viewer.get(`/api/v1/activities/${done.body.transactionId}`)).body.actions).toEqual([]);
      const both = await Promise.all([adm.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, { amount: "40.00" }), adm.post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, { amount: "40.00" })]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 422]);
      await env.deliver();
      const t = await txn(acct, done.body.transactionId);
      expect([t.payment.refunded.value, t.payment.refundable.value]).toEqual(["40.00", "10.00"]);
    });
  });
});
