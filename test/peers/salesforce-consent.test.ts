import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Connection, OAuth2 } from "@jsforce/jsforce-node";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startSalesforcePeer, type SalesforcePeer } from "../../peers/salesforce/server.js";

/**
 * The consent page as a person meets it in a browser: pick the user, press "Allow", land on the
 * app's callback with a code that jsforce exchanges for a session.
 */
const CHROMIUM = "/usr/bin/chromium"; // Debian's, as the other browser tests use
let peer: SalesforcePeer;
let browser: Browser;
let callbackServer: http.Server;
let callbackUrl: string;
const received: URL[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  peer = await startSalesforcePeer({ seed: 8 });
  callbackServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", callbackUrl);
    if (url.href.startsWith(callbackUrl)) received.push(url); // not the browser's /favicon.ico
    res.writeHead(200, { "content-type": "text/html" }).end("<p>Connected to Salesforce</p>");
  });
  await new Promise<void>((r) => callbackServer.listen(0, "127.0.0.1", r));
  callbackUrl = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/integrations/salesforce/callback`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"] });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => callbackServer?.close(r));
  await peer?.close();
});

it("a person picks the Salesforce user, clicks Allow, and the app's callback receives a working code", async () => {
  const oauth2 = new OAuth2({ loginUrl: peer.loginUrl, clientId: peer.connectedApp.clientId, clientSecret: peer.connectedApp.clientSecret, redirectUri: callbackUrl });
  const page = await browser.newPage();
  await page.goto(oauth2.getAuthorizationUrl({ state: "connect-42" }));
  await expect.poll(() => page.title()).toBe("Allow Access? | Salesforce (simulated)");
  await page.getByLabel("Log in as").selectOption({ label: "Max Member (max@bookstream-demo.example)" });
  await page.getByRole("button", { name: "Allow" }).click();
  await page.getByText("Connected to Salesforce").waitFor();
  await page.close();

  expect(received).toHaveLength(1);
  expect(received[0].searchParams.get("state")).toBe("connect-42");
  const conn = new Connection({ oauth2, version: peer.apiVersion });
  const user = await conn.authorize(received[0].searchParams.get("code")!);
  expect(user.id).toBe(peer.control.users().find((u) => u.Username === "max@bookstream-demo.example")?.Id);
});
