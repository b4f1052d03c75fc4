import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PayPalPeer } from "../../peers/paypal/server.js";
import { link, PayPalTestClient, startTestPeer } from "./paypal-support.js";

/**
 * A person at the peer's approval page, in Debian's Chromium: the buttons are found by their
 * accessible names, as the product's browser tests will find them.
 */

const CHROMIUM = "/usr/bin/chromium";
let peer: PayPalPeer;
let api: PayPalTestClient;
let browser: Browser;
let shop: http.Server;
let shopUrl: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  ({ peer, api } = await startTestPeer());
  // The merchant's site the buyer returns to.
  shop = http.createServer((req, res) => res.writeHead(200, { "content-type": "text/html" }).end(`<h1>Back at the shop</h1><p>${req.url}</p>`));
  await new Promise<void>((r) => shop.listen(0, "127.0.0.1", r));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  shop?.closeAllConnections();
  await new Promise<void>((r) => (shop ? shop.close(() => r()) : r()));
  await peer?.close();
});

async function orderReturningToShop(userAction: "PAY_NOW" | "CONTINUE") {
  const res = await api.call("POST", "/v2/checkout/orders", {
    intent: "CAPTURE",
    purchase_units: [{ amount: { currency_code: "USD", value: "42.00" }, description: "Intro call" }],
    payment_source: { paypal: { experience_context: { return_url: `${shopUrl}/paypal/return`, cancel_url: `${shopUrl}/paypal/cancel`, user_action: userAction } } },
  });
  return res.body;
}

it("the buyer enters an e-mail, clicks Pay now, and lands on return_url with token and PayerID", async () => {
  const order = await orderReturningToShop("PAY_NOW");
  const page = await browser.newPage();
  await page.goto(link(order, "payer-action")!);
  await expect(page.getByRole("note").textContent()).resolves.toContain("PayPal sandbox (simulated)");
  await page.getByLabel("Email").fill("cleo@example.com");
  await page.getByRole("button", { name: "Pay now" }).click();
  await page.waitForURL(/\/paypal\/return\?/);
  const back = new URL(page.url());
  expect(back.searchParams.get("token")).toBe(order.id);
  const shown = await api.call("GET", `/v2/checkout/orders/${order.id}`);
  expect(shown.body).toMatchObject({ status: "APPROVED", payer: { email_address: "cleo@example.com", payer_id: back.searchParams.get("PayerID") } });
  await page.close();
});

it("Approve (user_action CONTINUE) and Cancel and return", async () => {
  const order = await orderReturningToShop("CONTINUE");
  const page = await browser.newPage();
  await page.goto(link(order, "payer-action")!);
  expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(1);
  await page.getByRole("button", { name: "Cancel and return" }).click();
  await page.waitForURL(/\/paypal\/cancel\?/);
  expect(new URL(page.url()).searchParams.get("token")).toBe(order.id);
  expect((await api.call("GET", `/v2/checkout/orders/${order.id}`)).body.status).toBe("PAYER_ACTION_REQUIRED");
  await page.close();
});
