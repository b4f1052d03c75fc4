import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shot, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * The customer's pages as a customer clicks them, at desktop and phone size: booking a slot (time
 * zone shown and changed, confirmation, .ics), proposing times, a session package, and the manage
 * link (reschedule, cancel, the policy's refusal, answering the host's reschedule request).
 */
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, zone: "Europe/Berlin", otherZone: "America/Los_Angeles", abbr: "PST" },
  { name: "phone", viewport: { width: 375, height: 812 }, zone: "Asia/Tokyo", otherZone: "America/New_York", abbr: "EST" },
] as const;

let env: BrowserEnv;
let pageIds: Record<string, string> = {};
let masterUrl = "";

beforeAll(async () => {
  env = await startBrowserEnv();
  const pages = await env.api<{ items: { id: string; slug: string }[] }>("GET", "/api/v1/booking-pages");
  pageIds = Object.fromEntries(pages.body.items.map((p) => [p.slug, p.id]));
  // Approval mode asks for two proposals; a package page with a question; a page whose policy forbids late changes.
  expect((await env.api("PATCH", `/api/v1/booking-pages/${pageIds.consultation}`, { proposalsRequired: 2 })).status).toBe(200);
  const sessions = await env.api("POST", "/api/v1/booking-pages", {
    slug: "coaching", name: "Coaching sessions", timeZone: "Europe/London", durationMinutes: 45, mode: "automatic",
    packagesEnabled: true, maxPackageSessions: 4, location: "Studio 4, Leeds", questions: [{ id: "goal", label: "What is your goal?", required: true }],
  });
  expect(sessions.status).toBe(201);
  const strict = await env.api("POST", "/api/v1/booking-pages", { slug: "strict", name: "Strict policy", timeZone: "America/New_York", durationMinutes: 30, mode: "automatic", policyMinutes: 14 * 24 * 60 });
  expect(strict.status).toBe(201);
  const master = await env.api("POST", "/api/v1/master-pages", {
    slug: "front-desk", name: "Front desk", routing: "customer_choice", targets: [{ bookingPageId: pageIds["intro-call"] }, { bookingPageId: sessions.body.id }],
  });
  expect(master.status).toBe(201);
  masterUrl = master.body.publicUrl;
});
afterAll(async () => env?.close());

/** A free slot the API offers on `slug` within the next weeks (for set-up through the API). */
async function apiSlot(slug: string, nth = 0): Promise<string> {
  const from = new Date(Date.now() + 86_400_000).toISOString();
  const to = new Date(Date.now() + 21 * 86_400_000).toISOString();
  const r = await env.api<{ slots: { startUtc: string }[] }>("GET", `/api/v1/public/pages/${slug}/slots?from=${from}&to=${to}&timeZone=UTC`);
  return r.body.slots[nth].startUtc;
}

async function apiBook(slug: string, name: string): Promise<{ id: string; manageLink: string }> {
  for (let nth = 0; nth < 40; nth += 7) {
    const r = await env.api("POST", `/api/v1/public/pages/${slug}/bookings`, { start: await apiSlot(slug, nth), customer: { name, email: `${name.split(" ")[0].toLowerCase()}@example.com` } });
    if (r.status === 201) return { id: r.body.activity.id, manageLink: r.body.manageLink };
  }
  throw new Error(`could not book on ${slug}`);
}

const region = (page: Page, name: string | RegExp) => page.getByRole("region", { name });
const freeSlots = (page: Page, name: string | RegExp = "Choose a time") => region(page, name).getByRole("group").getByRole("button");
const ready = (page: Page) => page.locator("section.slots[data-state=ready]").first().waitFor();
const path = (link: string) => new URL(link).pathname;

describe.each(SIZES)("Customer pages ($name)", (size) => {
  let page: Page;
  let booked: { id: string; manage: string; startUtc: string };

  beforeAll(async () => {
    const context = await env.browser.newContext({
      viewport: size.viewport, baseURL: env.server.url, timezoneId: size.zone, hasTouch: size.viewport.width < 1100, reducedMotion: "reduce", acceptDownloads: true,
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  it("books a slot in the customer's time zone, changes the zone, confirms with IDs, .ics and the manage link", async () => {
    // Hold the slots answer to see the skeleton that keeps their place.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\/slots\?/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/book/intro-call");
    await page.getByRole("heading", { name: "Intro call", level: 1 }).waitFor();
    await page.locator("section.slots[data-state=loading] .slot-skeleton").first().waitFor();
    await shot(page, `${size.name}-book-loading`);
    release();
    await page.unrouteAll({ behavior: "wait" });
    const tz = page.getByLabel("Time zone");
    expect(await tz.inputValue()).toBe(size.zone);
    await ready(page);
    await shot(page, `${size.name}-book-slots`);

    await tz.focus();
    await tz.selectOption(size.otherZone);
    await page.getByRole("radio", { name: /Quick chat/ }).check();
    await ready(page);
    const slot = freeSlots(page).first();
    const startUtc = (await slot.getAttribute("data-start"))!;
    const local = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit", timeZone: size.otherZone }).format(new Date(startUtc));
    expect(await slot.textContent()).toContain(local);
    await slot.click();

    await page.getByRole("heading", { name: "Your details" }).waitFor();
    await page.getByLabel("Name").fill("Nora Customer");
    await page.getByLabel("Email").fill(`nora.${size.name}@example.com`);
    await page.getByLabel(/Phone/).fill("+1 555 0100");
    await page.getByRole("button", { name: "Confirm booking" }).click();

    await page.getByRole("heading", { name: "You're booked" }).waitFor();
    const id = (await page.getByTestId("booking-id").textContent())!;
    expect(id).toMatch(/^BKNG-/);
    const when = (await page.getByTestId("booking-time").textContent())!;
    expect(when).toContain(local);
    expect(when).toContain(size.abbr);
    const manage = (await page.getByTestId("manage-link").getAttribute("href"))!;
    expect(manage).toMatch(/\/manage\/[A-Za-z0-9_-]{20,}$/);
    expect(await page.getByTestId("customer-status").textContent()).toContain("Confirmed");
    await shot(page, `${size.name}-book-confirmation`);

    // The confirmation has its own address: a reload shows it again. The manage link's token is in
    // the fragment, which the browser never sends to the server.
    const confirmed = new URL(page.url());
    expect(confirmed.pathname).toBe("/book/intro-call/confirmed");
    expect(confirmed.hash).toContain(manage.slice(manage.lastIndexOf("/") + 1));
    await page.reload();
    await page.getByRole("heading", { name: "You're booked" }).waitFor();
    expect(await page.getByTestId("booking-id").textContent()).toBe(id);
    expect(await page.getByTestId("manage-link").getAttribute("href")).toBe(manage);
    expect(await page.locator("main").textContent()).not.toContain("(By customer)");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Add to calendar/ }).click()]);
    expect(download.suggestedFilename()).toBe(`${id}.ics`);
    const ics = fs.readFileSync((await download.path())!, "utf8");
    const utc = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(ics).toMatch(new RegExp(`\r\nBEGIN:VEVENT\r\nUID:${id}@[^\r]+\r\n`));
    expect(ics).toContain(`\r\nDTSTART:${utc(startUtc)}\r\n`);
    expect(ics).toContain(`\r\nDTEND:${utc(new Date(Date.parse(startUtc) + 30 * 60_000).toISOString())}\r\n`);
    expect(ics).toContain("\r\nSUMMARY:Intro call – Quick chat with Ada Admin\r\n");
    expect(ics).toContain("\r\nLOCATION:Video call\r\n");
    // The server writes the manage link with PUBLIC_URL as its origin.
    expect(ics.replace(/\r\n /g, "")).toContain(`/manage/${manage.split("/manage/")[1]}`);
    expect(ics.endsWith("END:VEVENT\r\nEND:VCALENDAR\r\n")).toBe(true);

    const saved = await env.api("GET", `/api/v1/activities/${id}`);
    expect(saved.body).toMatchObject({ detailedStatus: "Scheduled (By customer)", start: startUtc, customer: { timeZone: size.otherZone }, eventType: { name: "Quick chat" } });
    booked = { id, manage, startUtc };
  });

  it("proposes the two times an approval page needs", async () => {
    await page.goto("/book/consultation");
    await region(page, "Propose times").waitFor();
    await ready(page);
    const slots = freeSlots(page, "Propose times");
    // Keyboard: the slots follow the week's navigation in tab order and toggle with Enter.
    await region(page, "Propose times").getByRole("button", { name: "Next week" }).focus();
    await page.keyboard.press("Tab");
    expect(await page.locator(":focus").getAttribute("data-start")).toBe(await slots.nth(0).getAttribute("data-start"));
    await page.keyboard.press("Enter");
    expect(await slots.nth(0).getAttribute("aria-pressed")).toBe("true");
    await slots.nth(3).click();
    const bar = page.getByRole("region", { name: "Chosen times" });
    await waitForText(bar, "2 of 2 times chosen");
    expect(await slots.nth(5).isDisabled()).toBe(true); // no more than needed
    await shot(page, `${size.name}-request-times`);
    await bar.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Name").fill("Rita Requester");
    await page.getByLabel("Email").fill(`rita.${size.name}@example.com`);
    await page.getByRole("button", { name: "Send request" }).click();
    await page.getByRole("heading", { name: "Request sent" }).waitFor();
    const id = (await page.getByTestId("booking-id").textContent())!;
    expect(id).toMatch(/^BKNG-/);
    expect(await page.getByTestId("booking-time").locator("li").count()).toBe(2);
    expect(await page.getByTestId("customer-status").textContent()).toContain("Waiting for approval");
    await page.reload();
    await page.getByRole("heading", { name: "Request sent" }).waitFor();
    expect(await page.getByTestId("booking-time").locator("li").count()).toBe(2);
    const saved = await env.api("GET", `/api/v1/activities/${id}`);
    expect(saved.body.detailedStatus).toBe("Requested (By customer)");
    expect(saved.body.proposedTimes).toHaveLength(2);
  });

  it("books a session package: one form, a PKG- ID and a BKNG- ID per session", async () => {
    await page.goto("/book/coaching");
    await page.getByRole("checkbox", { name: /Book a package of sessions/ }).check();
    await ready(page);
    const slots = freeSlots(page);
    for (const n of [0, 4, 8]) await slots.nth(n).click();
    const bar = page.getByRole("region", { name: "Chosen times" });
    await waitForText(bar, "3 of up to 4 sessions chosen");
    await shot(page, `${size.name}-package-pick`);
    await bar.getByRole("button", { name: "Continue" }).click();
    await page.getByLabel("Name").fill("Paco Package");
    await page.getByLabel("Email").fill(`paco.${size.name}@example.com`);
    await page.getByLabel(/What is your goal/).fill("Run a marathon");
    await page.getByRole("button", { name: "Book 3 sessions" }).click();
    await page.getByRole("heading", { name: "Your sessions are booked" }).waitFor();
    expect(await page.getByTestId("package-id").textContent()).toMatch(/^PKG-/);
    const ids = await page.getByTestId("booking-id").allTextContents();
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(/^BKNG-/);
    await shot(page, `${size.name}-package-confirmation`);
    await page.reload();
    await page.getByRole("heading", { name: "Your sessions are booked" }).waitFor();
    expect(await page.getByTestId("booking-id").allTextContents()).toEqual(ids);
    expect(await page.getByTestId("package-id").textContent()).toMatch(/^PKG-/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /Add to calendar/ }).click()]);
    const ics = fs.readFileSync((await download.path())!, "utf8");
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    for (const id of ids) expect(ics).toContain(`UID:${id}@`);
  });

  it("reschedules on the same page from the manage link (same Booking ID)", async () => {
    await page.goto(path(booked.manage));
    await page.getByRole("heading", { name: "Your booking", level: 1 }).waitFor();
    expect(await page.getByTestId("booking-id").textContent()).toBe(booked.id);
    await page.getByRole("button", { name: "Reschedule" }).click();
    await ready(page);
    const slot = freeSlots(page, "Choose a new time").first();
    const newStart = (await slot.getAttribute("data-start"))!;
    expect(newStart).not.toBe(booked.startUtc);
    await slot.click();
    await shot(page, `${size.name}-manage-reschedule`);
    await page.getByRole("button", { name: "Reschedule to this time" }).click();
    await waitForText(page.getByRole("status").filter({ hasText: "Done" }), "your booking is now");
    await waitForText(page.locator(".manage-status"), "Confirmed");
    expect(await page.getByTestId("booking-id").textContent()).toBe(booked.id);
    expect((await env.api("GET", `/api/v1/activities/${booked.id}`)).body.start).toBe(newStart);
  });

  it("cancels with a reason", async () => {
    await page.getByRole("button", { name: "Cancel booking" }).click();
    await page.getByLabel(/Reason/).fill("Found another provider");
    await shot(page, `${size.name}-manage-cancel`);
    await page.getByRole("button", { name: "Cancel booking" }).click();
    await waitForText(page.getByRole("status").filter({ hasText: "canceled" }), `${booked.id} is canceled`);
    await waitForText(page.locator(".manage-status"), "Canceled");
    expect(await page.locator(".manage").textContent()).not.toContain("(By customer)");
    await waitForText(page.locator(".manage"), "There is nothing to change");
    const saved = await env.api("GET", `/api/v1/activities/${booked.id}`);
    expect(saved.body).toMatchObject({ detailedStatus: "Canceled (By customer)", reason: "Found another provider" });
  });

  it("shows the policy's message when it forbids a late change", async () => {
    const b = await apiBook("strict", `Lena ${size.name}`);
    await page.goto(path(b.manageLink));
    await waitForText(page.locator(".policy-note"), "up to 14 days before the meeting");
    await page.getByRole("button", { name: "Cancel booking" }).click();
    await page.getByRole("button", { name: "Cancel booking" }).click();
    const alert = page.getByRole("alert");
    await waitForText(alert, "lets customers cancel up to 14 days before the meeting");
    await shot(page, `${size.name}-manage-policy`);
    expect((await env.api("GET", `/api/v1/activities/${b.id}`)).body.status).toBe("Scheduled");
  });

  it("shows the host's reason after a reschedule request and books the new time with any event type", async () => {
    const b = await apiBook("intro-call", `Omar ${size.name}`);
    const asked = await env.api("POST", `/api/v1/activities/${b.id}/actions/request-reschedule`, { reason: "Ada is at a conference that week", eventType: "any" });
    expect(asked.status).toBe(200);
    await page.goto(path(asked.body.customerLink));
    await page.getByRole("heading", { name: "Please choose a new time" }).waitFor();
    await waitForText(page.getByTestId("host-reason"), "Ada is at a conference that week");
    await waitForText(page.getByTestId("host-reason"), "any meeting type");
    await page.getByLabel("Meeting type").selectOption({ label: "Deep dive (30 min)" });
    await ready(page);
    await freeSlots(page, "Choose a new time").nth(2).click();
    await shot(page, `${size.name}-manage-host-request`);
    await page.getByRole("button", { name: "Book this time" }).click();
    await waitForText(page.getByRole("status").filter({ hasText: "Done" }), "your booking is now");
    const newId = (await page.getByTestId("booking-id").textContent())!;
    expect(newId).not.toBe(b.id);
    expect(page.url()).not.toContain(path(asked.body.customerLink));
    const saved = await env.api("GET", `/api/v1/activities/${newId}`);
    expect(saved.body).toMatchObject({ detailedStatus: "Scheduled (By customer)", eventType: { name: "Deep dive" } });
  });

  it("proposes new times when the host asks for them", async () => {
    const [t1, t2] = await Promise.all([20, 22].map((n) => apiSlot("consultation", n)));
    const req = await env.api("POST", "/api/v1/public/pages/consultation/requests", { proposedTimes: [t1, t2], customer: { name: `Ines ${size.name}`, email: "ines@example.com" } });
    expect(req.status).toBe(201);
    const asked = await env.api("POST", `/api/v1/activities/${req.body.activity.id}/actions/request-new-times`, { reason: "Max is away those days" });
    expect(asked.status).toBe(200);
    await page.goto(path(asked.body.customerLink));
    await page.getByRole("heading", { name: "Please propose new times" }).waitFor();
    await waitForText(page.getByTestId("host-reason"), "Max is away those days");
    await ready(page);
    const slots = freeSlots(page, "Choose 2 times");
    const picks = [await slots.nth(1).getAttribute("data-start"), await slots.nth(5).getAttribute("data-start")];
    await slots.nth(1).click();
    await slots.nth(5).click();
    await page.getByRole("button", { name: "Send new times" }).click();
    await waitForText(page.getByRole("status").filter({ hasText: "Done" }), "new times were sent");
    await waitForText(page.locator(".manage-status"), "Waiting for approval");
    const newId = (await page.getByTestId("booking-id").textContent())!;
    expect(newId).not.toBe(req.body.activity.id);
    expect([...(await env.api("GET", `/api/v1/activities/${newId}`)).body.proposedTimes].sort()).toEqual([...picks].sort());
  });

  it("moves a booking to another page the account offers", async () => {
    const b = await apiBook("intro-call", `Vera ${size.name}`);
    await page.goto(path(b.manageLink));
    await page.getByRole("button", { name: "Reschedule" }).click();
    await page.getByLabel("Booking page").selectOption({ label: "Coaching sessions" });
    await ready(page);
    await freeSlots(page, "Choose a new time").nth(1).click();
    await page.getByRole("button", { name: "Reschedule to this time" }).click();
    await waitForText(page.getByRole("status").filter({ hasText: "Done" }), "your booking is now");
    await waitForText(page.locator(".eyebrow"), "Coaching sessions");
    expect((await env.api("GET", `/api/v1/activities/${b.id}`)).body.detailedStatus).toBe("Canceled (By customer)");
  });

  it("answers a wrong, cut-off or malformed link with a page that does not exist, never with the server's validation text", async () => {
    const unknownToken = "A".repeat(43);
    for (const url of ["/manage/abc", `/manage/${unknownToken}`, "/manage/not%20a%20token!", "/manage/", "/book/no-such-page", "/book/intro-call/extra", "/m/nobody-here", `/book/intro-call/confirmed#t=${unknownToken}`, "/book/intro-call/confirmed"]) {
      await page.goto(url);
      await page.getByRole("heading", { name: "This page does not exist" }).waitFor();
      const text = (await page.locator("main").textContent())!;
      expect(text, url).not.toMatch(/params\.|Too small|invalid|validation/i);
      expect(await page.title(), url).toBe("Page not found · Bookstream");
    }
    await shot(page, `${size.name}-not-found`);
  });

  it("routes from a master page (the link the admin shares) to the chosen booking page", async () => {
    await page.goto(size.name === "desktop" ? path(masterUrl) : "/m/front-desk");
    await page.getByRole("heading", { name: "Front desk" }).waitFor();
    await page.getByRole("button", { name: /Coaching sessions/ }).click();
    await page.waitForURL(/\/book\/coaching/);
    await page.getByRole("heading", { name: "Coaching sessions", level: 1 }).waitFor();
    await ready(page);
    expect(await freeSlots(page).count()).toBeGreaterThan(0);
  });
});
