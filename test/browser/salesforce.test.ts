import { DateTime } from "luxon";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, pane, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * Salesforce as an admin clicks it, against the demo's local Salesforce ("Salesforce (simulated)"):
 * connect through the settings page (the OAuth web-server flow, through the local Salesforce's
 * consent page), check the custom fields, override a user's Salesforce User, see a booking page's
 * "Create Salesforce Activity Events" switch, then schedule from a Contact's "Schedule" button URL
 * (/schedule?sf=<contactId>) and find the booking's Event on that Contact in the local Salesforce,
 * and its line in the Details pane. The settings page again at phone size. Screens are photographed
 * (test-results/screenshots/salesforce-*).
 */
const USER_ZONE = "America/New_York"; // the demo admin's zone: the date and time field is in it
const JOHN_EMAIL = "john.moreau.1@example.com";

let env: BrowserEnv;
/** The local Salesforce's control API (its login host), as the demo set the connection to it. */
let peerUrl: string;
const peer = async <T = any>(path: string): Promise<T> => (await fetch(`${peerUrl}/__peer/${path}`)).json() as Promise<T>;

beforeAll(async () => {
  env = await startBrowserEnv();
  const c = await env.api("GET", "/api/v1/account/salesforce");
  expect(c.body).toMatchObject({ configured: true, connected: false, simulated: true });
  peerUrl = c.body.loginUrl;
});
afterAll(async () => env?.close());

/** Fails when the page scrolls sideways (a phone must never need to). */
async function expectNoSidewaysScroll(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
}

describe("Salesforce (desktop)", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await newPage(env, { width: 1280, height: 860 }));
    await signIn(page);
  });
  afterAll(async () => context?.close());

  it("connects through the settings page and Salesforce's consent page, and shows who it is connected as", async () => {
    await page.getByRole("link", { name: "Settings" }).first().click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Salesforce" }).click();
    await page.waitForURL(/\/settings\/salesforce$/);
    await waitForText(page.getByTestId("salesforce-state"), "Not connected yet");
    await waitForText(page.getByTestId("salesforce-state"), "Salesforce (simulated)");
    // The form shows the connected app but never its secret.
    expect(await page.getByLabel("Login URL").inputValue()).toBe(peerUrl);
    expect(await page.getByLabel("Consumer key (client ID)").inputValue()).toBe("bookstream-local-client");
    expect(await page.getByLabel("Consumer secret").inputValue()).toBe("");
    expect(await page.content()).not.toContain("bookstream-local-secret");
    expect(await page.getByLabel("When no Contact or Lead has the customer's e-mail").inputValue()).toBe("lead");
    await shot(page, "salesforce-desktop-not-connected");

    // Keyboard: the Connect link is reachable with Tab and follows with Enter.
    const connect = page.getByRole("link", { name: "Connect to Salesforce" });
    await connect.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/services\/oauth2\/authorize\?/);
    await page.getByText("Salesforce (simulated)").first().waitFor();
    await shot(page, "salesforce-desktop-consent");
    await page.getByRole("button", { name: "Allow" }).click();

    await page.waitForURL(/\/settings\/salesforce/);
    await waitForText(page.getByTestId("salesforce-return"), "Salesforce is connected.");
    await waitForText(page.getByTestId("salesforce-connected-as"), "ada@bookstream-demo.example");
    await waitForText(page.getByTestId("salesforce-state"), "Salesforce (simulated)");
    expect(page.url()).not.toContain("connected=1"); // the address is cleaned once shown

    await page.getByRole("button", { name: "Check fields" }).click();
    await waitForText(page.getByTestId("salesforce-fields"), "Both custom fields are on Event");
    await shot(page, "salesforce-desktop-connected");
    expect((await env.api("GET", "/api/v1/account/salesforce")).body).toMatchObject({ connected: true, missingFields: [] });

    // The Integrations page says so too, and its delivery log can show Salesforce's writes alone.
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Integrations" }).click();
    await waitForText(page.getByTestId("integrations-salesforce"), "Connected as ada@bookstream-demo.example");
    await page.getByLabel("Integration").selectOption("salesforce");
    await page.goto("/settings/salesforce");
    await waitForText(page.getByTestId("salesforce-connected-as"), "ada@bookstream-demo.example");
  });

  it("overrides a user's Salesforce User, then matches by e-mail again", async () => {
    const users = await peer<{ Id: string; Username: string }[]>("users");
    const max = users.find((u) => u.Username === "max@bookstream-demo.example")!;
    const row = page.getByTestId("salesforce-user").first();
    const name = (await row.locator("strong").textContent())!;
    await row.getByLabel(`Salesforce User ID of ${name}`).fill("not-an-id");
    await row.getByRole("button", { name: `Save the Salesforce User of ${name}` }).click();
    await row.getByRole("alert").waitFor();
    await row.getByLabel(`Salesforce User ID of ${name}`).fill(max.Id);
    await row.getByRole("button", { name: `Save the Salesforce User of ${name}` }).click();
    await waitForText(row, "Set by an admin");
    const match = (await env.api("GET", "/api/v1/account/salesforce/users")).body.items.find((u: any) => u.name === name);
    expect(match).toMatchObject({ salesforceUserId: max.Id, match: "admin" });
    await row.getByRole("button", { name: `Match by e-mail for ${name}` }).click();
    await waitForText(row.getByRole("status"), "Matched by e-mail again");
    expect((await env.api("GET", "/api/v1/account/salesforce/users")).body.items.find((u: any) => u.name === name).match).not.toBe("admin");
  });

  it("a booking page has the 'Create Salesforce Activity Events' switch, on, saying what turning it off does", async () => {
    const pages = (await env.api("GET", "/api/v1/booking-pages")).body.items;
    await page.goto(`/settings/booking-pages/${pages[0].id}/salesforce`);
    const box = page.getByRole("checkbox", { name: "Create Salesforce Activity Events" });
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    await waitForText(page.getByRole("form", { name: "Salesforce" }), "Events already created stay in Salesforce as they were");
    // Off and on again by keyboard, each saved.
    await box.focus();
    await page.keyboard.press("Space");
    await page.getByRole("button", { name: "Save changes" }).click();
    await waitForText(page.getByRole("form", { name: "Salesforce" }).getByRole("status"), "Saved");
    expect((await env.api("GET", `/api/v1/booking-pages/${pages[0].id}/salesforce`)).body).toMatchObject({ createEvents: false, salesforceConnected: true });
    await box.check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await waitForText(page.getByRole("form", { name: "Salesforce" }).getByRole("status"), "Saved");
    expect((await env.api("GET", `/api/v1/booking-pages/${pages[0].id}/salesforce`)).body.createEvents).toBe(true);
    await shot(page, "salesforce-desktop-page-switch");
  });

  it("schedules from a Contact's Schedule button URL: the customer comes from the Contact, and the Event lands on it", async () => {
    const john = (await peer<any[]>("records/Contact")).find((r) => r.Email === JOHN_EMAIL);
    expect(john.Id).toMatch(/^003/);
    await page.goto(`/schedule?sf=${john.Id}`);
    const record = page.getByTestId("salesforce-record");
    await waitForText(record, "John Moreau");
    await waitForText(record, JOHN_EMAIL);
    await waitForText(record, "the booking's Event goes on this Contact");
    // The booking form is skipped: no customer search, no new-customer fields.
    expect(await page.getByLabel("Find a customer").count()).toBe(0);
    expect(await page.getByLabel("Email").count()).toBe(0);

    const t = await freeTime();
    await page.getByLabel(/Date and time/).fill(t.local);
    await page.getByRole("button", { name: "Find a time" }).click();
    const host = t.members[0];
    await page.getByRole("button", { name: `Schedule with ${host.name}` }).click();
    const done = page.locator(".scheduled");
    await waitForText(done, "Scheduled BKNG-");
    const id = (await done.getByRole("heading").textContent())!.replace("Scheduled ", "");
    await shot(page, "salesforce-desktop-scheduled");
    const a = (await env.api("GET", `/api/v1/activities/${id}`)).body;
    expect(a).toMatchObject({ start: t.utc, owner: { id: host.userId }, customer: { name: "John Moreau", email: JOHN_EMAIL } });

    // The Event in the local Salesforce, on John's Contact, carrying the Booking ID.
    let event: any;
    for (let i = 0; i < 100 && !event; i++) {
      event = (await peer<any[]>("records/Event")).find((e) => String(e.Description ?? "").includes(id));
      if (!event) await new Promise((r) => setTimeout(r, 100));
    }
    expect(event, "no Event in the local Salesforce").toBeTruthy();
    expect(event).toMatchObject({ WhoId: john.Id, Event_Status__c: "Scheduled" });
    expect(new Date(event.StartDateTime).toISOString()).toBe(t.utc);

    // The Details pane names the Event, with a link to it and its sync state.
    await done.getByRole("link", { name: "Open in the Activity stream" }).click();
    await page.waitForURL(new RegExp(`open=${id}`));
    const line = pane(page).getByTestId("salesforce-event");
    await waitForText(line, `Salesforce: Event ${event.Id}`);
    await waitForText(line, "Up to date");
    expect(await line.getByRole("link", { name: `open Event ${event.Id} in Salesforce (new tab)` }).getAttribute("href")).toMatch(new RegExp(`/${event.Id}$`));
    await line.scrollIntoViewIfNeeded();
    await shot(page, "salesforce-desktop-details");
  });

  it("a record the connection cannot read says so and offers to schedule without Salesforce", async () => {
    await page.goto("/schedule?sf=003000000000000AAA");
    await waitForText(page.getByTestId("salesforce-record-error"), "Could not read Salesforce record 003000000000000AAA");
    await page.getByRole("link", { name: "Schedule without Salesforce" }).click();
    await page.getByLabel("Find a customer").waitFor();
  });
});

describe("Salesforce (phone)", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await newPage(env, { width: 390, height: 844 }));
    await signIn(page);
  });
  afterAll(async () => context?.close());

  it("the settings page fits a phone: connection, field check, users and the form, all reachable", async () => {
    await page.goto("/settings/salesforce");
    await waitForText(page.getByTestId("salesforce-connected-as"), "ada@bookstream-demo.example");
    await expectNoSidewaysScroll(page);
    await page.getByRole("button", { name: "Check fields" }).click();
    await waitForText(page.getByTestId("salesforce-fields"), "Both custom fields are on Event");
    await page.getByLabel("Consumer secret").scrollIntoViewIfNeeded();
    await expectNoSidewaysScroll(page);
    await shot(page, "salesforce-phone-settings");
    // Every control has a name (labelled) and is a tab stop.
    for (const label of ["Login URL", "Consumer key (client ID)", "Consumer secret", "Event status field (API name)", "Cancel/reschedule reason field (API name)", "When no Contact or Lead has the customer's e-mail"]) {
      await page.getByLabel(label).focus();
      expect(await page.evaluate(() => document.activeElement?.tagName)).toMatch(/INPUT|SELECT/);
    }
    await page.getByRole("button", { name: "Disconnect…" }).click();
    await page.getByRole("dialog", { name: "Disconnect Salesforce?" }).waitFor();
    await waitForText(page.getByRole("dialog"), "Events already in Salesforce stay as they are");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect((await env.api("GET", "/api/v1/account/salesforce")).body.connected).toBe(true);
  });

  it("a Schedule button URL opens Find a time with the Contact's customer on a phone", async () => {
    const priya = (await peer<any[]>("records/Contact")).find((r) => r.Email === "priya.tanaka.2@example.com");
    await page.goto(`/schedule?sf=${priya.Id}`);
    await waitForText(page.getByTestId("salesforce-record"), "Priya Tanaka");
    await page.getByRole("button", { name: "Edit details" }).click();
    expect(await page.getByLabel("Email").inputValue()).toBe("priya.tanaka.2@example.com");
    await page.getByLabel(/Date and time/).waitFor();
    await expectNoSidewaysScroll(page);
    await shot(page, "salesforce-phone-schedule");
  });

  it("the booking page's switch fits a phone", async () => {
    const pages = (await env.api("GET", "/api/v1/booking-pages")).body.items;
    await page.goto(`/settings/booking-pages/${pages[0].id}/salesforce`);
    await page.getByRole("checkbox", { name: "Create Salesforce Activity Events" }).waitFor();
    await expectNoSidewaysScroll(page);
    await shot(page, "salesforce-phone-page-switch");
  });
});

/** A weekday time (the admin's wall clock) at which the API says someone is free. */
async function freeTime(): Promise<{ local: string; utc: string; members: { userId: string; name: string }[] }> {
  for (let week = 3; week < 12; week++) {
    for (const hour of [10, 11, 13, 14]) {
      const t = DateTime.now().setZone(USER_ZONE).plus({ weeks: week }).set({ weekday: 3, hour, minute: 0, second: 0, millisecond: 0 });
      const utc = t.toUTC().toISO()!;
      const r = await env.api("GET", `/api/v1/find-a-time?start=${encodeURIComponent(utc)}`);
      if (r.body.members.length > 0) return { local: t.toFormat("yyyy-MM-dd'T'HH:mm"), utc: new Date(utc).toISOString(), members: r.body.members };
    }
  }
  throw new Error("nobody is free in the weeks tried");
}
