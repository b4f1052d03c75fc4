import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfInfo, pdfText } from "../support/pdf.js";
import { newPage, pane, rows, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * Payments as people click them, at desktop and phone size, against the demo's local PayPal
 * ("PayPal sandbox (simulated)"): a customer pays on the public booking page through the local
 * PayPal's approval page and comes back to the confirmation with the Booking ID and the
 * Transaction ID; a user finds the payment in the stream (by TXN ID and by PayPal's capture ID),
 * refunds part of it, and downloads its invoice; the admin sees the PayPal connection and a page's
 * prices. Screens are photographed (test-results/screenshots/payments-*).
 */
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 860 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => env?.close());

describe.each(SIZES)("Payments ($name)", (size) => {
  let context: BrowserContext;
  let page: Page;
  const tag = size.name;
  let paid: { bookingId: string; transactionId: string; manageLink: string };

  beforeAll(async () => {
    ({ context, page } = await newPage(env, size.viewport));
  });
  afterAll(async () => context?.close());

  it("a customer pays on the public page through PayPal's approval page and sees the Booking and Transaction IDs", async () => {
    const customer = await newPage(env, size.viewport);
    const c = customer.page;
    await c.goto("/book/paid-session");
    await waitForText(c.getByTestId("page-price"), "$80.00");
    await c.locator("section.slots[data-state=ready]").first().waitFor();
    // The week may be full (other files, other sizes): move on until a week has a free time.
    const slots = c.getByRole("region", { name: "Choose a time" }).getByRole("group").getByRole("button");
    for (let i = 0; i < 4 && (await slots.count()) === 0; i++) {
      await c.getByRole("button", { name: "Next week" }).click();
      await c.locator("section.slots[data-state=ready]").first().waitFor();
    }
    await slots.nth(size.name === "desktop" ? 1 : 3).click();
    await waitForText(c.getByTestId("price-total"), "$80.00");
    await c.getByLabel("Name").fill(`Paula Payer ${tag}`);
    await c.getByLabel("Email").fill(`paula.${tag}@example.com`);
    await shot(c, `payments-${tag}-pay-step`);
    await c.getByRole("button", { name: /Continue to PayPal/ }).click();

    // The local PayPal's buyer page: real HTML, clearly labelled.
    await c.waitForURL(/\/checkoutnow\?token=/);
    await waitForText(c.getByRole("note"), "PayPal sandbox (simulated)");
    await waitForText(c.getByTestId("amount"), "80.00 USD");
    await shot(c, `payments-${tag}-paypal-approval`);
    await c.getByLabel("Email").fill(`paula.${tag}@personal.example.com`);
    await c.getByRole("button", { name: /Pay now|Approve/ }).click();

    // Back in Bookstream: the payment is captured and the booking made.
    await c.waitForURL(/\/checkout\/[0-9a-f-]{36}\/return/);
    await c.getByRole("heading", { name: "You're booked" }).waitFor();
    const bookingId = (await c.getByTestId("booking-id").first().textContent())!.trim();
    const transactionId = (await c.getByTestId("transaction-id").textContent())!.trim();
    expect(bookingId).toMatch(/^BKNG-[A-Z0-9]{12}$/);
    expect(transactionId).toMatch(/^TXN-[A-Z0-9]{8}$/);
    await waitForText(c.getByTestId("paid-amount"), "$80.00");
    await shot(c, `payments-${tag}-confirmation`);
    // PayPal's CHECKOUT.ORDER.APPROVED webhook may complete the checkout before the browser is back:
    // the return address then hands out a fresh manage link and the invoice all the same.
    const manageLink = (await c.getByTestId("manage-link").first().getAttribute("href")) ?? "";
    expect(manageLink).toMatch(/\/manage\//);
    const invoiceHref = (await c.getByTestId("invoice-link").getAttribute("href"))!;
    const customerPdf = Buffer.from(await (await fetch(new URL(invoiceHref, env.server.url))).arrayBuffer());
    expect(customerPdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdfText(customerPdf)).toContain(transactionId);
    // A reload shows the same confirmation (same Idempotency-Key): nothing is paid twice.
    await c.reload();
    await waitForText(c.getByTestId("transaction-id"), transactionId);
    paid = { bookingId, transactionId, manageLink };
    const t = await env.api("GET", `/api/v1/activities/${transactionId}`);
    expect(t.body).toMatchObject({ detailedStatus: "PAYMENT (SCHEDULE)", status: "Paid", amount: { minor: 8000, currency: "USD" } });
    expect(t.body.payment.paypal.captureId).toBeTruthy();
    await customer.context.close();
  });

  it("the customer reschedules and pays the reschedule fee at PayPal", async () => {
    const customer = await newPage(env, size.viewport);
    const c = customer.page;
    await c.goto(new URL(paid.manageLink, env.server.url).pathname);
    await c.getByRole("button", { name: "Reschedule" }).click();
    const region = c.getByRole("region", { name: "Choose a new time" });
    await c.locator("section.slots[data-state=ready]").first().waitFor();
    const slots = region.getByRole("group").getByRole("button");
    for (let i = 0; i < 4 && (await slots.count()) < 6; i++) {
      await region.getByRole("button", { name: "Next week" }).click();
      await c.locator("section.slots[data-state=ready]").first().waitFor();
    }
    await slots.nth(5).click();
    const pay = c.getByRole("button", { name: /^Pay \$15\.00 with PayPal and reschedule$/ });
    await shot(c, `payments-${tag}-reschedule-fee`);
    await pay.click();
    await c.waitForURL(/\/checkoutnow\?token=/);
    await waitForText(c.getByTestId("amount"), "15.00 USD");
    await c.getByRole("button", { name: /Pay now|Approve/ }).click();
    await c.waitForURL(/\/checkout\/[0-9a-f-]{36}\/return/);
    await c.getByRole("heading", { name: "You're rescheduled" }).waitFor();
    await waitForText(c.getByTestId("booking-id"), paid.bookingId);
    const feeTxn = (await c.getByTestId("transaction-id").textContent())!.trim();
    expect(feeTxn).toMatch(/^TXN-/);
    await shot(c, `payments-${tag}-rescheduled`);
    const t = await env.api("GET", `/api/v1/activities/${feeTxn}`);
    expect(t.body).toMatchObject({ detailedStatus: "PAYMENT (RESCHEDULE)", status: "Paid", amount: { minor: 1500 } });
    await c.getByRole("link", { name: "View, reschedule or cancel" }).click();
    await c.getByRole("button", { name: "Reschedule" }).waitFor();
    await customer.context.close();
  });

  it("a user finds the payment by its TXN ID and PayPal capture ID, and refunds part of it from the stream", async () => {
    await signIn(page);
    const search = page.getByRole("searchbox", { name: "Search activities" });
    // By PayPal's capture ID (the paypal: field).
    const captureId = (await env.api("GET", `/api/v1/activities/${paid.transactionId}`)).body.payment.paypal.captureId;
    await search.fill(`paypal:${captureId}`);
    await search.press("Enter");
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    await waitForText(rows(page).first(), paid.transactionId);
    expect(await rows(page).count()).toBe(1);
    // By TXN ID: one row, with its amount and transaction type.
    await search.fill(paid.transactionId);
    await search.press("Enter");
    await page.waitForURL(new RegExp(`q=${paid.transactionId}`));
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    const row = rows(page).first();
    await waitForText(row, "$80.00");
    await waitForText(row, "PAYMENT (SCHEDULE)");
    await shot(page, `payments-${tag}-stream`);
    await row.click();
    const details = pane(page);
    await waitForText(details.getByTestId("payment-facts"), captureId);
    await waitForText(details.getByTestId("payment-refundable"), "$80.00");
    await waitForText(details, paid.bookingId);
    await shot(page, `payments-${tag}-details`);

    // Process a refund: part of it, entered in dollars, with a reason.
    await details.getByRole("button", { name: `Actions for ${paid.transactionId}` }).click();
    await page.getByRole("menuitem", { name: "Process a refund…" }).click();
    const dialog = page.getByRole("dialog", { name: "Process a refund" });
    await waitForText(dialog.getByTestId("refundable"), "$80.00");
    await dialog.getByLabel("Part of it").check();
    await dialog.getByLabel(/Amount to refund/).fill("90");
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await waitForText(dialog.locator(".field-error"), "more than the $80.00 left");
    await waitForText(dialog.locator(".field-error"), "Give a reason");
    await dialog.getByLabel(/Amount to refund/).fill("12.5");
    await dialog.getByLabel("Reason").fill("Started late");
    await shot(page, `payments-${tag}-refund-dialog`);
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await dialog.waitFor({ state: "detached" });

    // The refund is its own transaction, related to the payment and the booking.
    const refunds = async () => (await env.api("GET", `/api/v1/activities/${paid.transactionId}`)).body.related.filter((r: any) => r.relation === "refund");
    let related: any[] = [];
    for (let i = 0; i < 50 && (related = await refunds()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(related).toHaveLength(1);
    const refund = (await env.api("GET", `/api/v1/activities/${related[0].id}`)).body;
    expect(refund.amount).toEqual({ value: "12.50", currency: "USD", minor: 1250 });
    expect(refund.payment.reason).toBe("Started late");
    expect(refund.detailedStatus).toMatch(/MANUAL REFUND( PENDING)? VIA BOOKSTREAM/);
    await waitForText(details.getByTestId("payment-refundable"), "$67.50");
    await shot(page, `payments-${tag}-refunded`);

    // The booking's Details list its payments.
    await details.getByRole("button", { name: `Open what it paid for ${paid.bookingId}` }).click();
    const payments = pane(page).getByRole("list", { name: "Payments" });
    await waitForText(payments, paid.transactionId);
    await waitForText(payments, related[0].id);
  });

  it("downloads the payment's invoice from the stream", async () => {
    await page.goto(`/activities?q=${paid.transactionId}&open=${paid.transactionId}`);
    const details = pane(page);
    await details.getByRole("button", { name: `Actions for ${paid.transactionId}` }).click();
    const res = await fetch(`${env.server.url}/api/v1/activities/${paid.transactionId}/invoice`, { headers: { authorization: `Bearer ${env.token}` } });
    if (res.ok) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("menuitem", { name: "Download invoice" }).click()]);
      const file = await download.path();
      const bytes = (await import("node:fs")).readFileSync(file!);
      expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const text = `${pdfText(bytes)}\n${Object.values(pdfInfo(bytes)).join("\n")}`;
      expect(text).toContain(paid.transactionId);
      expect(text).toContain(paid.bookingId);
    } else {
      // The invoice endpoint is not on this build yet: the menu item still asks, and says why not.
      expect(res.status).toBe(404);
      await page.getByRole("menuitem", { name: "Download invoice" }).click();
      await waitForText(page.locator(".toast, [role=status], [role=alert]").filter({ hasText: "Could not download the invoice" }), "Could not download the invoice");
    }
  });

  it("shows the admin the PayPal connection (simulated) and a page's prices", async () => {
    await page.goto("/settings/paypal");
    await waitForText(page.getByTestId("paypal-state"), "PayPal sandbox (simulated)");
    await page.getByRole("button", { name: "Test the connection" }).click();
    await waitForText(page.getByTestId("paypal-test-result"), "Working");
    expect(await page.getByLabel("Secret").inputValue()).toBe("");
    await shot(page, `payments-${tag}-paypal-settings`);
    const pages = await env.api<{ items: { id: string; slug: string }[] }>("GET", "/api/v1/booking-pages");
    const paidPage = pages.body.items.find((p) => p.slug === "paid-session")!;
    await page.goto(`/settings/booking-pages/${paidPage.id}/payments`);
    const form = page.getByRole("form", { name: "Payments" });
    expect(await form.getByLabel("Price of a meeting").inputValue()).toBe("80.00");
    await form.getByLabel("Reschedule fee").fill("15.555");
    await form.getByRole("button", { name: "Save changes" }).click();
    await waitForText(form.locator(".field-error"), "at most 2 decimals");
    await form.getByLabel("Reschedule fee").fill("15");
    await form.getByRole("button", { name: "Save changes" }).click();
    await waitForText(form.getByRole("status"), "Saved");
    await shot(page, `payments-${tag}-page-prices`);
  });
});
