import { DateTime } from "luxon";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * "Schedule on behalf" in the back office: on a call, the user enters the time the customer asks
 * for, sees who is free then (best first), and books with no booking form, for an existing
 * customer, a new one, or the customer a /schedule?customer=<id> link names.
 */
const USER_ZONE = "America/New_York"; // the demo admin's zone: the date and time field is in it

describe("Schedule on behalf", () => {
  let env: BrowserEnv;
  let page: Page;
  const used = new Set<string>();

  beforeAll(async () => {
    env = await startBrowserEnv();
    ({ page } = await newPage(env, { width: 1280, height: 800 }));
    await signIn(page);
  });
  afterAll(async () => env?.close());

  /** A weekday time (the admin's wall clock) at which the API says someone is free; never the same twice. */
  async function freeTime(): Promise<{ local: string; utc: string; members: { userId: string; name: string }[] }> {
    for (let week = 3; week < 12; week++) {
      for (const hour of [10, 11, 13, 14]) {
        const t = DateTime.now().setZone(USER_ZONE).plus({ weeks: week }).set({ weekday: 2, hour, minute: 0, second: 0, millisecond: 0 });
        const utc = t.toUTC().toISO()!;
        if (used.has(utc)) continue;
        const r = await env.api("GET", `/api/v1/find-a-time?start=${encodeURIComponent(utc)}`);
        if (r.body.members.length > 0) {
          used.add(utc);
          return { local: t.toFormat("yyyy-MM-dd'T'HH:mm"), utc: new Date(utc).toISOString(), members: r.body.members };
        }
      }
    }
    throw new Error("nobody is free in the weeks tried");
  }

  const members = () => page.getByRole("list", { name: "Team members free then, best first" }).getByRole("listitem");

  async function findAt(t: { local: string }) {
    await page.getByLabel(/Date and time/).fill(t.local);
    await page.getByRole("button", { name: "Find a time" }).click();
    await members().first().waitFor();
  }

  it("finds a time, ranks who is free, and schedules for an existing customer found by search", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Schedule" }).click();
    await page.getByRole("heading", { name: "Schedule on behalf of a customer" }).waitFor();
    const customer = (await env.api("GET", "/api/v1/customers?q=Ortiz&limit=1")).body.items[0];

    await page.getByLabel("Find a customer").fill("Ortiz");
    await page.getByRole("list", { name: "Customers found" }).getByRole("button", { name: new RegExp(customer.email.replace(/\./g, "\\.")) }).click();
    await waitForText(page.getByTestId("chosen-customer"), customer.name);
    await page.waitForURL(new RegExp(`customer=${customer.id}`));

    const t = await freeTime();
    await findAt(t);
    const names = await members().locator("strong").allTextContents();
    expect(names).toEqual(t.members.map((m) => m.name)); // the server's ranking, best first
    await shot(page, "desktop-schedule-find");

    const best = t.members[0];
    await page.getByRole("button", { name: `Schedule with ${best.name}` }).click();
    const done = page.locator(".scheduled");
    await waitForText(done, "Scheduled BKNG-");
    const id = (await done.getByRole("heading").textContent())!.replace("Scheduled ", "");
    await shot(page, "desktop-schedule-done");

    const a = (await env.api("GET", `/api/v1/activities/${id}`)).body;
    expect(a).toMatchObject({ detailedStatus: "Scheduled (By customer)", start: t.utc, owner: { id: best.userId }, customer: { id: customer.id } });
    await done.getByRole("link", { name: "Open in the Activity stream" }).click();
    await page.waitForURL(new RegExp(`open=${id}`));
  });

  it("schedules for a new customer entered on the spot, with the member the user picks", async () => {
    await page.goto("/schedule");
    await page.getByRole("radio", { name: "New customer" }).check();
    await page.getByLabel("Name").fill("Newton Walk-in");
    await page.getByLabel("Email").fill("newton.walkin@example.com");
    await page.getByLabel(/Phone/).fill("+44 20 7946 0000");
    const t = await freeTime();
    await findAt(t);
    const pickedMember = t.members[t.members.length - 1]; // not necessarily the best: the user chooses
    await page.getByRole("button", { name: `Schedule with ${pickedMember.name}` }).click();
    const done = page.locator(".scheduled");
    await waitForText(done, "Scheduled BKNG-");
    const id = (await done.getByRole("heading").textContent())!.replace("Scheduled ", "");
    const a = (await env.api("GET", `/api/v1/activities/${id}`)).body;
    expect(a).toMatchObject({ start: t.utc, owner: { id: pickedMember.userId }, customer: { name: "Newton Walk-in", email: "newton.walkin@example.com", timeZone: USER_ZONE } });
  });

  it("pre-fills the customer from a /schedule?customer=<id> link and skips the form", async () => {
    const customer = (await env.api("GET", "/api/v1/customers?q=example.com&limit=5")).body.items[2];
    await page.goto(`/schedule?customer=${customer.id}`);
    await waitForText(page.getByTestId("chosen-customer"), customer.name);
    expect(await page.getByLabel("Find a customer").count()).toBe(0);
    expect(await page.getByRole("radio", { name: "New customer" }).count()).toBe(0);
    const t = await freeTime();
    await findAt(t);
    await shot(page, "desktop-schedule-link");
    await page.getByRole("button", { name: `Schedule with ${t.members[0].name}` }).click();
    const done = page.locator(".scheduled");
    await waitForText(done, "Scheduled BKNG-");
    const id = (await done.getByRole("heading").textContent())!.replace("Scheduled ", "");
    expect((await env.api("GET", `/api/v1/activities/${id}`)).body.customer.id).toBe(customer.id);

    // The same link on a phone.
    const phone = await newPage(env, { width: 375, height: 812 });
    await signIn(phone.page);
    await phone.page.goto(`/schedule?customer=${customer.id}`);
    await waitForText(phone.page.getByTestId("chosen-customer"), customer.name);
    await phone.page.getByLabel(/Date and time/).fill((await freeTime()).local);
    await phone.page.getByRole("button", { name: "Find a time" }).click();
    const list = phone.page.getByRole("list", { name: "Team members free then, best first" });
    await list.getByRole("listitem").first().waitFor();
    await list.scrollIntoViewIfNeeded();
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await shot(phone.page, "phone-schedule-link");
    await phone.context.close();
  });
});
