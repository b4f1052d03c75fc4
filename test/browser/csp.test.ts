import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, pane, picker, signIn, startBrowserEnv, type BrowserEnv } from "./support.js";

/**
 * The Content-Security-Policy (src/http/security-headers.ts) in a real browser: the web app, the
 * public pages and the API docs work under it without a single violation, the dialogs' inline
 * <style> carries the page's nonce, and framing follows the account's embed origins.
 */
describe("the Content-Security-Policy in the browser", () => {
  let env: BrowserEnv;
  let page: Page;
  const violations: string[] = [];

  beforeAll(async () => {
    env = await startBrowserEnv();
    ({ page } = await newPage(env, { width: 1280, height: 800 }));
    // Each blocked script, style, image, connection or frame is reported on its document.
    await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.effectiveDirective} ${e.blockedURI}`)));
    page.on("console", (m) => {
      if (/Content Security Policy|CSP violation/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
    });
  });
  afterAll(async () => env?.close());

  it("the back office, its dialogs, a booking page, a manage link and the API docs run without a violation", async () => {
    await signIn(page);
    const b = await picker(env)("detailedStatus=Scheduled (By customer)");
    await page.goto(`/activities?q=${b.id}&open=${b.id}`);
    await pane(page).getByText(`Activity ID: ${b.id}`).waitFor();
    await pane(page).getByRole("button", { name: /^Actions for/ }).click();
    await page.getByRole("menuitem", { name: /^Cancel/ }).first().click();
    await page.getByRole("dialog").waitFor();
    // The dialog locks scrolling with an inline <style>: allowed through the nonce, so it applies.
    const style = await page.evaluate(() => [...document.querySelectorAll("style")].map((s) => ({ nonce: (s.nonce ?? "").length > 0, text: s.textContent ?? "" })));
    expect(style.some((s) => s.nonce && s.text.includes("overflow"))).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.body).overflow)).toBe("hidden");
    await page.keyboard.press("Escape");

    await page.goto("/schedule");
    await page.locator("main").first().waitFor();
    await page.goto("/book/intro-call");
    await page.getByRole("heading", { name: "Intro call", level: 1 }).waitFor();
    await page.locator("section.slots[data-state=ready]").waitFor();
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const slots = await env.api("GET", `/api/v1/public/pages/intro-call/slots?from=${from}&to=${to}&timeZone=UTC`);
    const booked = await env.api("POST", "/api/v1/public/pages/intro-call/bookings", { start: slots.body.slots[0].startUtc, customer: { name: "Csp Check", email: "csp@example.com" } });
    expect(booked.status).toBe(201);
    await page.goto(new URL(booked.body.manageLink).pathname);
    await page.getByText("Intro call").first().waitFor();
    await page.goto("/api/docs");
    await page.locator(".opblock").first().waitFor();
    expect(violations).toEqual([]);
  });

  it("a site the admin lists may frame the public booking pages; the back office and other sites may not", async () => {
    const host = http.createServer((req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><iframe src="${env.server.url}${req.url}" width="900" height="700"></iframe>`);
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    const port = (host.address() as AddressInfo).port;
    try {
      const listed = `http://localhost:${port}`;
      expect((await env.api("PATCH", "/api/v1/account", { embedOrigins: [listed] })).status).toBe(200);
      const framed = async (site: string, path: string) => {
        const p = await env.browser.newPage();
        try {
          await p.goto(site + path);
          const frame = p.frames().find((f) => f !== p.mainFrame())!;
          await frame.waitForLoadState();
          // A refused frame shows the browser's own error page ("… is blocked"), without our #root.
          if (!(await frame.locator("#root").count())) return null;
          return await frame.locator("h1").first().textContent();
        } finally {
          await p.close();
        }
      };
      expect(await framed(listed, "/book/intro-call")).toBe("Intro call");
      expect(await framed(listed, "/activities")).toBeNull();
      expect(await framed(`http://127.0.0.1:${port}`, "/book/intro-call")).toBeNull();
    } finally {
      await env.api("PATCH", "/api/v1/account", { embedOrigins: [] });
      host.close();
    }
  });
});
