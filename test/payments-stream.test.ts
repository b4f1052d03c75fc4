import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client } from "./support/harness.js";
import { clientsFor, details } from "./support/lifecycle-drive.js";
import { paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";

/**
 * What the web app's payment screens read: a priced page's prices on the customer's page, and
 * transactions found in the stream by type, status, transaction type, TXN ID and PayPal's IDs.
 */
describe.each(ENGINES)("payments in the stream and on the customer's page on $name", (engine) => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
  });
  afterAll(async () => env?.close());

  it("shows a priced page's prices to the customer, and none on a free page", async () => {
    const acct = await paidAccount(env);
    const pub = client(env.server.url);
    const page = await pub.get(`/api/v1/public/pages/${acct.autoPage.slug}`);
    expect(page.status).toBe(200);
    expect(page.body.prices).toMatchObject({ currency: "USD", price: "50.00", packageSessionPrice: "50.00", rescheduleFee: "10.00", refundPolicy: "automatic" });
    for (const e of page.body.eventTypes) expect(page.body.prices.eventTypePrices[e.id]).toBe("50.00");
    const free = await pub.get(`/api/v1/public/pages/${acct.approvalPage.slug}`);
    expect(free.body.prices).toBeNull();
  });

  it("finds a payment and its refund by type, status, transaction type, TXN ID and PayPal capture id", async () => {
    const acct = await paidAccount(env);
    const { admin } = clientsFor(env.server, acct);
    const { done } = await payAndBook(env, acct);
    const txnId: string = done.body.transactionId;
    const refunded = await admin.post(`/api/v1/activities/${txnId}/actions/refund`, { amount: "12.50", reason: "Late start" });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    const refundId: string = refunded.body.created.id;
    const ids = async (qs: string) => {
      const r = await admin.get(`/api/v1/activities?${qs}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items.map((a: any) => a.id).sort();
    };
    expect(await ids("type=transaction")).toEqual([txnId, refundId].sort());
    expect(await ids("type=transaction&status=Paid")).toEqual([txnId]);
    expect(await ids(`type=transaction&status=${encodeURIComponent("Refund pending")},Refunded`)).toEqual([refundId]);
    expect(await ids(`detailedStatus=${encodeURIComponent("PAYMENT (SCHEDULE)")}`)).toEqual([txnId]);
    expect(await ids(`q=${txnId.toLowerCase()}`)).toEqual([txnId]);
    const { captureId, orderId } = (await details(admin, txnId)).payment.paypal;
    expect(await ids(`q=${encodeURIComponent(`paypal:${captureId}`)}`)).toEqual([txnId, refundId].sort());
    expect(await ids(`q=${encodeURIComponent(`paypal:${orderId.toLowerCase()}`)}`)).toEqual([txnId]);
    expect(await ids(`q=${encodeURIComponent("status:paid detailed:schedule")}`)).toEqual([txnId]);
    // Another account's PayPal IDs find nothing here.
    const other = await paidAccount(env);
    const elsewhere = await clientsFor(env.server, other).admin.get(`/api/v1/activities?q=${encodeURIComponent(`paypal:${captureId}`)}`);
    expect(elsewhere.body.items).toEqual([]);
  });
});
