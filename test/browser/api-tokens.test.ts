import { DateTime } from "luxon";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * A user's own API tokens in the web app (/settings/tokens, from the header's user menu), at
 * desktop and phone size: listed with their times, created with a name and an optional last day
 * (shown once, to copy), used for real against the API, and revoked, after which the API refuses
 * them.
 */
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 375, height: 812 } },
] as const;
const USER_ZONE = "America/New_York"; // the demo admin's

let env: BrowserEnv;
beforeAll(async () => {
  env = await startBrowserEnv();
});
afterAll(async () => env?.close());

describe.each(SIZES)("API tokens ($name)", (size) => {
  let page: Page;
  const phone = size.viewport.width < 640;
  const click = (l: Locator) => (phone ? l.tap() : l.click());
  const name = `CRM sync (${size.name})`;
  let token = "";

  beforeAll(async () => {
    ({ page } = await newPage(env, size.viewport));
    await signIn(page);
  });

  /** The API's answer to this token, from the page itself (no cookie: the token alone). */
  const callWith = (t: string) =>
    page.evaluate(async (bearer) => {
      const res = await fetch("/api/v1/me", { headers: { authorization: `Bearer ${bearer}` }, credentials: "omit" });
      return { status: res.status, body: await res.json() };
    }, t);
  const row = (n: string) => page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${n.replace(/[()]/g, "\\$&")}`) }) });

  it("reaches the tokens page from the user menu and lists the user's tokens", async () => {
    expect((await env.api("GET", "/api/v1/me")).status).toBe(200); // the set-up's token has been used
    await click(page.getByRole("button", { name: /^Account menu: Ada Admin, Admin/ }));
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor();
    await shot(page, `${size.name}-user-menu`);
    await click(page.getByRole("menuitem", { name: "API tokens" }));
    await page.waitForURL(/\/settings\/tokens$/);
    await page.getByRole("heading", { name: "API tokens", level: 1 }).waitFor();
    // The token the test set-up made (and has used since) is listed, with when it was made and used.
    const setUp = row("browser test");
    await setUp.waitFor();
    expect(await setUp.getByRole("cell").nth(1).textContent()).not.toContain("Never");
    expect(await setUp.getByRole("button", { name: "Revoke browser test" }).count()).toBe(1);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(size.viewport.width);
  });

  it("creates a token with a last day, shows it once to copy, and the token works", async () => {
    const lastDay = DateTime.now().setZone(USER_ZONE).plus({ days: 30 });
    await page.getByLabel("Name").fill(name);
    await page.getByLabel(/Expires after/).fill(lastDay.toISODate()!);
    await waitForText(page.locator(".token-form"), "Works until the end of that day (America/New York).");
    // Keyboard: Enter in the name field submits.
    await page.getByLabel("Name").press("Enter");
    const fresh = page.getByRole("region", { name: `Copy your new token “${name}” now` });
    await fresh.waitFor();
    await waitForText(fresh, "It will not be shown again.");
    // Focus moves to the new token, so keyboard and screen-reader users land on it.
    expect(await fresh.evaluate((el) => el === document.activeElement)).toBe(true);
    token = await fresh.getByLabel(`The token ${name}`).inputValue();
    expect(token).toMatch(/^bst_/);
    await click(fresh.getByRole("button", { name: "Copy the token" }));
    await waitForText(fresh, "Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await shot(page, `${size.name}-token-created`);

    const me = await callWith(token);
    expect(me.status).toBe(200);
    expect(me.body.user.name).toBe("Ada Admin");

    const created = row(name);
    const expires = DateTime.fromISO(lastDay.toISODate()!, { zone: USER_ZONE }).plus({ days: 1 }).toUTC().toISO()!;
    const listed = (await env.api("GET", "/api/v1/me/tokens")).body.items.find((t: { name: string }) => t.name === name);
    expect(listed.expiresAt).toBe(expires);
    // Shown as the last day picked.
    expect(await created.getByRole("cell").nth(2).textContent()).toBe(`End of ${lastDay.toLocaleString({ weekday: "short", month: "short", day: "numeric", year: "numeric" }, { locale: "en-US" })}`);

    await click(fresh.getByRole("button", { name: "I have copied it" }));
    await fresh.waitFor({ state: "detached" });
    // Never shown again: not after a reload either; the list now says when it was used.
    await page.reload();
    await row(name).waitFor();
    expect(await page.content()).not.toContain(token);
    expect(await row(name).getByRole("cell").nth(1).textContent()).not.toContain("Never");
    await shot(page, `${size.name}-tokens-list`);
  });

  it("revokes the token after a confirmation, and the API refuses it from then on", async () => {
    const revoke = row(name).getByRole("button", { name: `Revoke ${name}` });
    if (phone) await revoke.tap();
    else {
      await revoke.focus();
      await page.keyboard.press("Enter");
    }
    const dialog = page.getByRole("dialog", { name: `Revoke “${name}”?` });
    await waitForText(dialog, "stops working at once");
    await shot(page, `${size.name}-token-revoke`);
    await click(dialog.getByRole("button", { name: "Keep it" }));
    await dialog.waitFor({ state: "detached" });
    expect((await callWith(token)).status).toBe(200);

    await click(row(name).getByRole("button", { name: `Revoke ${name}` }));
    await click(page.getByRole("dialog").getByRole("button", { name: "Revoke token" }));
    await waitForText(page.locator(".toast"), `Revoked the token “${name}”.`);
    await row(name).waitFor({ state: "detached" });
    const refused = await callWith(token);
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("unauthenticated");
  });

  it("refuses a last day in the past and an empty name in the form", async () => {
    const submit = page.getByRole("button", { name: "Create token" });
    await page.getByLabel("Name").fill("   ");
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel("Name").fill("Old");
    const yesterday = DateTime.now().setZone(USER_ZONE).minus({ days: 1 }).toISODate()!;
    await page.getByLabel(/Expires after/).fill(yesterday);
    await click(submit);
    // The date field's own check stops it (min is tomorrow): nothing is created.
    expect(await page.getByLabel(/Expires after/).evaluate((el: HTMLInputElement) => el.validity.rangeUnderflow)).toBe(true);
    expect((await env.api("GET", "/api/v1/me/tokens")).body.items.some((t: { name: string }) => t.name === "Old")).toBe(false);
    await page.getByLabel(/Expires after/).fill("");
    await page.getByLabel("Name").fill("");
  });
});
