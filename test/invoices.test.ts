import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, type TestAccount } from "./support/harness.js";
import { clientsFor, details, tokenOf } from "./support/lifecycle-drive.js";
import { orderOf, paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";
import { fetchPdf, type PdfAnswer } from "./support/pdf.js";

/**
 * download-invoice (issue 11, "Invoices"): a PDF invoice for each payment and a credit note for
 * each refund, for the users whose actions include it and for the customer under their manage
 * link — with the business, the customer, the Booking or Package ID, the Transaction ID, the date
 * in the account's time zone, the lines, the tax and the totals.
 */
describe.each(ENGINES)("invoices on $name", (engine) => {
  let env: PaymentsEnv;
  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
  });
  afterAll(async () => env?.close());

  const admin = (acct: TestAccount) => clientsFor(env.server, acct).admin;
  const asUser = (acct: TestAccount, who: "admin" | "viewer" | "outsider" | "member", txnId: string) => fetchPdf(`${env.server.url}/api/v1/activities/${txnId}/invoice`, acct[who].token);
  const asCustomer = (path: string) => fetchPdf(env.server.url + path);
  const localDay = (at: string, zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(at));

  /** A paid account that invoices as a business in Berlin, prices including 20 % VAT. */
  async function invoicingAccount(): Promise<TestAccount> {
    const acct = await paidAccount(env);
    const r = await admin(acct).call("PATCH", "/api/v1/account", {
      name: "Studio Nord", defaultTimeZone: "Pacific/Kiritimati",
      invoice: { address: "Hafenstrasse 1\n20095 Hamburg", taxId: "DE123456789", taxName: "VAT", taxRate: "20" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.invoice).toEqual({ address: "Hafenstrasse 1\n20095 Hamburg", taxId: "DE123456789", taxName: "VAT", taxRate: "20" });
    return acct;
  }

  function expectPdf(r: PdfAnswer, ...contains: string[]) {
    expect(r.status, r.json ? JSON.stringify(r.json) : "").toBe(200);
    expect(r.contentType).toBe("application/pdf");
    expect(r.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(r.bytes.subarray(-6).toString("latin1")).toContain("%%EOF");
    expect(r.cacheControl).toContain("no-store");
    // Lines that wrap are one line of text again.
    const text = r.text.replace(/\s+/g, " ");
    for (const s of contains) expect(text, `the page text has ${s}`).toContain(s.replace(/\s+/g, " "));
  }

  it("PAYMENT (SCHEDULE): the invoice names the business, customer, Booking ID, Transaction ID, date, line, VAT and total; the customer gets the same from the confirmation and the manage page", async () => {
    const acct = await invoicingAccount();
    const { done } = await payAndBook(env, acct);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const { bookingId, transactionId } = done.body;
    const number = transactionId.replace("TXN-", "INV-");
    const t = await details(admin(acct), transactionId);
    expect(t.actions).toContain("download-invoice");

    const r = await asUser(acct, "admin", transactionId);
    expectPdf(r, "Studio Nord", "Hafenstrasse 1", "20095 Hamburg", "Tax ID: DE123456789", "INVOICE", `Invoice number: ${number}`, `Transaction ID: ${transactionId}`, `Booking ID: ${bookingId}`,
      `Date: ${localDay(t.createdAt, "Pacific/Kiritimati")} (Pacific/Kiritimati)`, t.customer.name, t.customer.email, "Status: Paid",
      // USD 50.00 including 20 % VAT: 8.33 of it is tax (5000 × 2000 / 12000 = 833.3 → 833), 41.67 net.
      "USD 50.00", "Net", "USD 41.67", "VAT 20%", "USD 8.33", "Total", "Prices include VAT at 20%.");
    expect(r.text).toContain(t.bookingPage.name);
    expect(r.disposition).toBe(`attachment; filename="${number}.pdf"`);
    expect(r.info.Title).toBe(`Invoice ${number}`);
    expect(r.info.Keywords.split(" ")).toEqual(expect.arrayContaining([number, transactionId, bookingId]));

    // The same document every time (number and date come from the transaction).
    expect((await asUser(acct, "admin", transactionId.toLowerCase())).bytes.equals(r.bytes)).toBe(true);

    // The confirmation offers it, under the customer's own manage link.
    const token = tokenOf(done.body.manageLink);
    const url = `/api/v1/public/manage/${token}/invoices/${transactionId}`;
    expect(done.body.invoiceUrl).toBe(url);
    expect(done.body.activity.invoices).toEqual([expect.objectContaining({ transactionId, kind: "invoice", number, url, amount: { value: "50.00", currency: "USD", minor: 5000 } })]);
    const view = await client(env.server.url).get(`/api/v1/public/manage/${token}`);
    expect(view.body.invoices).toEqual([expect.objectContaining({ transactionId, kind: "invoice", number, transactionType: "PAYMENT (SCHEDULE)", status: "Paid", url })]);
    const mine = await asCustomer(url);
    expectPdf(mine, transactionId, bookingId, number);
    expect(mine.bytes.equals(r.bytes)).toBe(true);
  });

  it("PAYMENT (RESCHEDULE): the reschedule fee's invoice names the booking moved; the manage page lists both invoices", async () => {
    const acct = await invoicingAccount();
    const [s1, s2] = futureSlots(env.server, 2);
    const { done } = await payAndBook(env, acct, s1);
    const token = tokenOf(done.body.manageLink);
    const pub = client(env.server.url);
    const started = await pub.post(`/api/v1/public/manage/${token}/reschedule-checkout`, { start: s2 });
    env.paypal.control.approveOrder(orderOf(started.body.approveUrl));
    const paid = await pub.post(`/api/v1/public/checkouts/${started.body.checkoutId}/complete`, {});
    expect(paid.body.transactionType).toBe("PAYMENT (RESCHEDULE)");
    const fee = paid.body.transactionId;

    expectPdf(await asUser(acct, "admin", fee), `Transaction ID: ${fee}`, `Booking ID: ${done.body.bookingId}`, `Reschedule fee for booking ${done.body.bookingId}`, "USD 10.00", "USD 1.67");
    const view = await pub.get(`/api/v1/public/manage/${token}`);
    expect(view.body.invoices.map((i: any) => [i.transactionId, i.transactionType])).toEqual([[done.body.transactionId, "PAYMENT (SCHEDULE)"], [fee, "PAYMENT (RESCHEDULE)"]]);
    expectPdf(await asCustomer(view.body.invoices[1].url), fee, "Reschedule fee");
  });

  it("a package payment: the invoice names the Package ID and its sessions; any session's manage link reaches it", async () => {
    const acct = await invoicingAccount();
    const on = await admin(acct).call("PATCH", `/api/v1/booking-pages/${acct.autoPage.id}`, { packagesEnabled: true, maxPackageSessions: 3 });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    const pub = client(env.server.url);
    const started = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/checkouts`, { starts: futureSlots(env.server, 2), customer: customer() });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    env.paypal.control.approveOrder(orderOf(started.body.approveUrl));
    const done = await pub.post(`/api/v1/public/checkouts/${started.body.checkoutId}/complete`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const { packageId, transactionId } = done.body;
    expect(packageId).toMatch(/^PKG-/);

    const r = await asUser(acct, "admin", transactionId);
    expectPdf(r, `Package ID: ${packageId}`, `Transaction ID: ${transactionId}`, "Session package", "USD 50.00", "USD 100.00");
    expect(r.info.Keywords).toContain(packageId);
    expect(done.body.invoiceUrl).toBe(`/api/v1/public/manage/${done.body.sessions[0].manageToken}/invoices/${transactionId}`);
    const second = await pub.get(`/api/v1/public/manage/${done.body.sessions[1].manageToken}`);
    expect(second.body.invoices.map((i: any) => i.transactionId)).toEqual([transactionId]);
    expectPdf(await asCustomer(second.body.invoices[0].url), packageId, transactionId);
  });

  it("a refund: the credit note refers to the payment's Transaction ID and invoice number; the customer sees it too", async () => {
    const acct = await invoicingAccount();
    const { done } = await payAndBook(env, acct);
    const refund = await admin(acct).post(`/api/v1/activities/${done.body.transactionId}/actions/refund`, { amount: "20.00", reason: "Started late" });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    await env.deliver();
    const refundId = refund.body.created.id;
    expect((await details(admin(acct), refundId)).detailedStatus).toBe("MANUAL REFUND VIA BOOKSTREAM");
    const invoice = done.body.transactionId.replace("TXN-", "INV-");
    const cn = refundId.replace("TXN-", "CN-");

    const r = await asUser(acct, "admin", refundId);
    expectPdf(r, "CREDIT NOTE", `Credit note number: ${cn}`, `Transaction ID: ${refundId}`, `Refers to invoice: ${invoice}`, `Original Transaction ID: ${done.body.transactionId}`,
      `Booking ID: ${done.body.bookingId}`, `Refund of invoice ${invoice} (${done.body.transactionId}): Started late`, "USD 20.00", "USD 3.33", "Total credited", "Status: Refunded");
    expect(r.info.Title).toBe(`Credit note ${cn}`);
    expect(r.info.Keywords.split(" ")).toEqual(expect.arrayContaining([cn, refundId, done.body.bookingId, invoice, done.body.transactionId]));

    const view = await client(env.server.url).get(`/api/v1/public/manage/${tokenOf(done.body.manageLink)}`);
    expect(view.body.invoices.map((i: any) => [i.kind, i.number])).toEqual([["invoice", invoice], ["credit-note", cn]]);
    expectPdf(await asCustomer(view.body.invoices[1].url), cn, refundId, invoice);
  });

  it("an invoice keeps the business and tax of its day: changing them later changes only later invoices", async () => {
    const acct = await invoicingAccount();
    const [s1, s2] = futureSlots(env.server, 2);
    const first = (await payAndBook(env, acct, s1)).done.body.transactionId;
    const before = await asUser(acct, "admin", first);
    expectPdf(before, "VAT 20%", "USD 8.33", "Hafenstrasse 1");
    const changed = await admin(acct).call("PATCH", "/api/v1/account", { name: "Studio Süd", invoice: { address: "Marktplatz 2", taxName: "USt", taxRate: "7" } });
    expect(changed.status).toBe(200);
    expect((await asUser(acct, "admin", first)).bytes.equals(before.bytes)).toBe(true);
    const later = (await payAndBook(env, acct, s2)).done.body.transactionId;
    // 5000 × 700 / 10700 = 327.1 → 327
    expectPdf(await asUser(acct, "admin", later), "Studio Süd", "Marktplatz 2", "USt 7%", "USD 3.27", "USD 46.73");
    // A transaction made before invoices recorded their details (migration 010) takes today's, once.
    await env.server.ctx.db.deleteFrom("invoice_details").where("activity_id", "=", first).execute();
    const adopted = await asUser(acct, "admin", first);
    expectPdf(adopted, "Studio Süd", "USt 7%");
    expect((await asUser(acct, "admin", first)).bytes.equals(adopted.bytes)).toBe(true);
  });

  it("a pending payment has its invoice (the seed's row offers it), saying PayPal is still reviewing it", async () => {
    const acct = await invoicingAccount();
    env.paypal.control.scriptCapture({ outcome: "PENDING", reason: "PENDING_REVIEW" });
    const { done } = await payAndBook(env, acct);
    expect(done.body.transactionType).toBe("PAYMENT PENDING (SCHEDULE)");
    expectPdf(await asUser(acct, "admin", done.body.transactionId), "Status: Pending", "PayPal is still reviewing this payment");
  });

  it("without tax settings the invoice charges no tax; clearing the tax needs both fields", async () => {
    const acct = await paidAccount(env);
    const { done } = await payAndBook(env, acct);
    const r = await asUser(acct, "admin", done.body.transactionId);
    expectPdf(r, "USD 50.00", "No tax is charged on this invoice.");
    expect(r.text).not.toContain("Net");
    const half = await admin(acct).call("PATCH", "/api/v1/account", { invoice: { taxRate: "19" } });
    expect([half.status, half.body.error.details.field]).toEqual([400, "invoice.taxName"]);
    const bad = await admin(acct).call("PATCH", "/api/v1/account", { invoice: { taxName: "VAT", taxRate: "100.5" } });
    expect([bad.status, bad.body.error.details.field]).toEqual([400, "invoice.taxRate"]);
    expect((await client(env.server.url, acct.member.token).call("PATCH", "/api/v1/account", { invoice: { taxId: "X" } })).status).toBe(403);
    expect((await admin(acct).get("/api/v1/account")).body.invoice).toEqual({ address: null, taxId: null, taxName: null, taxRate: null });
  });

  it("who may download: those whose actions include it; 403 for a viewer, 404 for those who cannot see it, other accounts and other customers; 409 where the table offers no invoice", async () => {
    const acct = await invoicingAccount();
    const { done } = await payAndBook(env, acct);
    const txn = done.body.transactionId;
    const viewerSees = await details(clientsFor(env.server, acct).viewer, txn);
    expect(viewerSees.actions).toEqual([]);
    const viewer = await asUser(acct, "viewer", txn);
    expect([viewer.status, viewer.json.error.code]).toEqual([403, "forbidden"]);
    const outsider = await asUser(acct, "outsider", txn);
    expect([outsider.status, outsider.json.error.code]).toEqual([404, "not_found"]);
    const other = await newAccount(env.server);
    expect((await asUser(other, "admin", txn)).status).toBe(404);
    expect((await asUser(acct, "admin", "TXN-ZZZZZZZZ")).status).toBe(404);
    // A booking's ID is not a transaction's.
    const notTxn = await asUser(acct, "admin", done.body.bookingId);
    expect([notTxn.status, notTxn.json.error.code]).toEqual([400, "validation_failed"]);
    expect((await fetchPdf(`${env.server.url}/api/v1/activities/${txn}/invoice`)).status).toBe(401);

    // Customers: only their own booking's transactions, only with a valid token.
    const token = tokenOf(done.body.manageLink);
    expect((await asCustomer(`/api/v1/public/manage/${"x".repeat(43)}/invoices/${txn}`)).status).toBe(404);
    const someoneElse = await payAndBook(env, acct, futureSlots(env.server, 2)[1]);
    const foreign = await asCustomer(`/api/v1/public/manage/${tokenOf(someoneElse.done.body.manageLink)}/invoices/${txn}`);
    expect([foreign.status, foreign.json.error.code]).toEqual([404, "not_found"]);
    expect((await asCustomer(`/api/v1/public/manage/${token}/invoices/TXN-ZZZZZZZZ`)).status).toBe(404);

    // A refund made in PayPal itself: the table offers no actions, so no credit note from Bookstream.
    const t = await details(admin(acct), txn);
    env.paypal.control.refundInPayPal(t.payment.paypal.captureId, { value: "5.00" });
    await env.paypal.control.waitForWebhooks();
    const viaPayPal = (await details(admin(acct), txn)).related.find((x: any) => x.detailedStatus === "MANUAL REFUND VIA PAYPAL");
    const none = await asUser(acct, "admin", viaPayPal.id);
    expect([none.status, none.json.error.code, none.json.error.details.detailedStatus]).toEqual([409, "action_not_allowed", "MANUAL REFUND VIA PAYPAL"]);
    expect((await asCustomer(`/api/v1/public/manage/${token}/invoices/${viaPayPal.id}`)).status).toBe(409);
    const view = await client(env.server.url).get(`/api/v1/public/manage/${token}`);
    expect(view.body.invoices.map((i: any) => i.transactionId)).toEqual([txn]);
  });
});
