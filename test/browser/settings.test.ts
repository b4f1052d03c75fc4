import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ADMIN } from "../../src/app/demo/seed.js";
import { newPage, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * Running the business from the web app, at desktop and phone size: inviting a member who then
 * signs in; a booking page made with an event type and a question, booked by a customer and seen
 * in the stream; a day off whose slots disappear; a master page routing a customer; a deactivated
 * user refused at sign-in. Every screen is photographed (test-results/screenshots/settings-*).
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

describe.each(SIZES)("Settings ($name)", (size) => {
  let context: BrowserContext;
  let page: Page;
  const tag = size.name;

  beforeAll(async () => {
    ({ context, page } = await newPage(env, size.viewport));
    await signIn(page);
  });
  afterAll(async () => context?.close());

  /** Goes to a settings screen through the header and the settings navigation, as a person would. */
  async function openSettings(section: string) {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: section, exact: true }).click();
    await page.getByRole("heading", { level: 2 }).first().waitFor();
  }

  /** A fresh browser of its own (another person on another device). */
  async function stranger(): Promise<{ context: BrowserContext; page: Page }> {
    return newPage(env, size.viewport);
  }

  it("invites a member, who joins through the link and is signed in", async () => {
    await openSettings("Team");
    await shot(page, `settings-${tag}-team`);
    const email = `nia.${tag}@example.com`;
    await page.getByLabel("E-mail").fill(email);
    await page.getByRole("button", { name: "Create invitation link" }).click();
    const dialog = page.getByRole("dialog", { name: "Invitation created" });
    await dialog.waitFor();
    const link = (await dialog.getByTestId("one-time-link").textContent())!.trim();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await shot(page, `settings-${tag}-invitation-link`);
    await dialog.getByRole("button", { name: "Done" }).click();
    await waitForText(page.getByRole("region", { name: "Open invitations" }), email);

    const invitee = await stranger();
    await invitee.page.goto(new URL(link).pathname);
    await invitee.page.getByRole("heading", { name: /^Join .+ on Bookstream$/ }).waitFor();
    await invitee.page.getByLabel("Your name").fill(`Nia ${tag}`);
    await invitee.page.getByLabel("Choose a password").fill("short");
    await invitee.page.getByRole("button", { name: "Join and sign in" }).click();
    await waitForText(invitee.page.locator(".field-error"), "8 characters");
    await shot(invitee.page, `settings-${tag}-invite-accept-error`);
    await invitee.page.getByLabel("Choose a password").fill("nia's long password");
    await invitee.page.getByRole("button", { name: "Join and sign in" }).click();
    await invitee.page.getByTestId("account").waitFor();
    expect(await invitee.page.getByTestId("account").textContent()).toContain(`Nia ${tag}`);
    expect(new URL(invitee.page.url()).pathname).toBe("/activities");
    await invitee.context.close();

    // The used link works no more; the member is on the team.
    const again = await stranger();
    await again.page.goto(new URL(link).pathname);
    await again.page.getByRole("heading", { name: "This link does not work" }).waitFor();
    await again.context.close();
    await page.reload();
    await page.getByTestId(`member-${email}`).waitFor();
  });

  it("creates a booking page with an event type and a question; a customer books it; the booking is in the stream", async () => {
    await openSettings("Booking pages");
    await shot(page, `settings-${tag}-booking-pages`);
    await page.getByRole("button", { name: "New booking page" }).click();
    const create = page.getByRole("dialog", { name: "New booking page" });
    await create.getByLabel("Name").fill(`Physio assessment ${tag}`);
    expect(await create.getByLabel("Address").inputValue()).toBe(`physio-assessment-${tag}`);
    // A wrong address is refused next to the field, in the server's words.
    await create.getByLabel("Address").fill("no spaces allowed");
    await create.getByRole("button", { name: "Create page" }).click();
    await waitForText(create.locator(".field-error"), "Letters, digits and dashes");
    await shot(page, `settings-${tag}-create-page-error`);
    const slug = `physio-${tag}`;
    await create.getByLabel("Address").fill(slug);
    await create.getByRole("button", { name: "Create page" }).click();
    await page.getByRole("heading", { name: `Physio assessment ${tag}`, level: 2 }).waitFor();
    await shot(page, `settings-${tag}-page-general`);

    await page.getByRole("link", { name: "Scheduling", exact: true }).click();
    await page.getByRole("group", { name: "Saturday" }).getByRole("checkbox").check();
    await page.getByRole("group", { name: "Sunday" }).getByRole("checkbox").check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await waitForText(page.locator(".save-status"), "Saved");
    await shot(page, `settings-${tag}-page-scheduling`);

    await page.getByRole("link", { name: "Event types", exact: true }).click();
    await page.getByLabel("New event type").fill("First visit");
    await page.getByRole("form", { name: "Add an event type" }).getByLabel("Length").fill("45");
    await page.getByRole("button", { name: "Add event type" }).click();
    await page.getByRole("form", { name: "Event type First visit" }).waitFor();
    await shot(page, `settings-${tag}-page-event-types`);

    await page.getByRole("link", { name: "Questions", exact: true }).click();
    await page.getByRole("button", { name: "Add a question" }).click();
    await page.getByLabel("Question 1", { exact: true }).fill("Where does it hurt?");
    await page.getByRole("checkbox", { name: /Required/ }).check();
    await page.getByRole("button", { name: "Save changes" }).click();
    await waitForText(page.locator(".save-status"), "Saved");
    await shot(page, `settings-${tag}-page-questions`);
    await page.getByRole("link", { name: "Team and sharing", exact: true }).click();
    await page.getByRole("form", { name: "Hosts" }).waitFor();
    await shot(page, `settings-${tag}-page-team`);

    const customer = await stranger();
    await customer.page.goto(`/book/${slug}`);
    await customer.page.getByRole("heading", { name: `Physio assessment ${tag}`, level: 1 }).waitFor();
    await customer.page.getByRole("radio", { name: /First visit/ }).check();
    await customer.page.locator("section.slots[data-state=ready]").first().waitFor();
    const slot = customer.page.getByRole("region", { name: "Choose a time" }).getByRole("group").getByRole("button").first();
    await slot.click();
    await customer.page.getByLabel("Name").fill(`Paula Patient ${tag}`);
    await customer.page.getByLabel("Email").fill(`paula.${tag}@example.com`);
    await customer.page.getByLabel(/Where does it hurt/).fill("Left knee");
    await customer.page.getByRole("button", { name: "Confirm booking" }).click();
    await customer.page.getByRole("heading", { name: "You're booked" }).waitFor();
    const id = (await customer.page.getByTestId("booking-id").textContent())!;
    await customer.context.close();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity stream" }).click();
    const row = page.locator("[role=listbox] [role=option]", { hasText: `Paula Patient ${tag}` }).first();
    await row.waitFor();
    await row.click();
    const details = page.getByRole("complementary", { name: "Activity details" });
    await waitForText(details, id);
    await waitForText(details, "Left knee");
    await waitForText(details, "First visit");
    await shot(page, `settings-${tag}-booked-in-stream`);
  });

  it("sets a day off on the calendar and its slots disappear from the booking page", async () => {
    // The demo's intro page; its host's zone is the calendar's and the customer's here.
    const pages = await env.api<{ items: { id: string; slug: string; ownerId: string }[] }>("GET", "/api/v1/booking-pages");
    const target = pages.body.items.find((p) => p.slug === "intro-call")!;
    const zone = (await env.api("GET", `/api/v1/users/${target.ownerId}/availability`)).body.timeZone as string;
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date());
    const from = new Date(Date.now() + 8 * 86_400_000);
    const slots = (await env.api<{ slots: { start: string; startUtc: string }[] }>(
      "GET",
      `/api/v1/public/pages/intro-call/slots?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(new Date(from.getTime() + 14 * 86_400_000).toISOString())}&timeZone=${encodeURIComponent(zone)}`,
    )).body.slots;
    // A different day per size, so the two runs do not share one; and another day of the same
    // week of the customer's page (weeks start today), to know that week has loaded.
    const days = [...new Set(slots.map((x) => x.start.slice(0, 10)))];
    const day = days[tag === "desktop" ? 0 : 1];
    const weekOf = (d: string) => Math.floor((Date.parse(d) - Date.parse(today)) / (7 * 86_400_000));
    const dayStarts = slots.filter((x) => x.start.startsWith(day)).map((x) => x.startUtc);
    const sameWeek = slots.find((x) => !x.start.startsWith(day) && weekOf(x.start.slice(0, 10)) === weekOf(day))!;
    expect(dayStarts.length).toBeGreaterThan(0);
    expect(sameWeek).toBeDefined();

    /** How many of that day's times the customer's booking page shows, once its week has loaded. */
    const shownOnDay = async () => {
      const context = await env.browser.newContext({ viewport: size.viewport, baseURL: env.server.url, timezoneId: zone });
      const customer = await context.newPage();
      customer.setDefaultTimeout(15_000);
      await customer.goto("/book/intro-call");
      for (let i = 0; i < weekOf(day); i++) await customer.getByRole("button", { name: "Next week" }).click();
      await customer.locator(`[data-start="${sameWeek.startUtc}"]`).waitFor();
      const n = await customer.locator(dayStarts.map((t) => `[data-start="${t}"]`).join(",")).count();
      if (n === 0) await shot(customer, `settings-${tag}-book-after-day-off`);
      await context.close();
      return n;
    };
    expect(await shownOnDay()).toBe(dayStarts.length);

    await openSettings("Availability");
    if (target.ownerId !== (await env.api("GET", "/api/v1/me")).body.user.id) {
      await page.getByLabel("Whose availability").selectOption(target.ownerId);
    }
    const cell = page.locator(`[data-day="${day}"]`);
    // Walk the calendar to the day's month when it is in the next one.
    if (!(await cell.isVisible())) await page.getByRole("button", { name: "Next month" }).click();
    await cell.scrollIntoViewIfNeeded();
    await shot(page, `settings-${tag}-availability`);
    await cell.click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("radio", { name: /Day off/ }).check();
    await shot(page, `settings-${tag}-day-off-dialog`);
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await cell.getAttribute("aria-label")).toContain("day off");
    await waitForText(page.getByTestId("overrides"), "day off");
    await cell.scrollIntoViewIfNeeded();
    await shot(page, `settings-${tag}-day-off`);
    expect(await shownOnDay()).toBe(0);
  });

  it("creates a master page and a customer is routed through it", async () => {
    await openSettings("Master pages");
    await page.getByRole("button", { name: "New master page" }).click();
    const dialog = page.getByRole("dialog", { name: "New master page" });
    await dialog.getByLabel("Name").fill(`Front desk ${tag}`);
    await dialog.getByLabel("Routing").selectOption("customer_choice");
    const first = dialog.getByRole("group", { name: "Destination 1" });
    await first.getByLabel("Booking page").selectOption({ label: "Intro call" });
    await dialog.getByRole("button", { name: "Add a destination" }).click();
    await dialog.getByRole("group", { name: "Destination 2" }).getByLabel("Booking page").selectOption({ label: `Physio assessment ${tag}` });
    await shot(page, `settings-${tag}-master-dialog`);
    await dialog.getByRole("button", { name: "Create master page" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitForText(page.locator(".page-list"), `Front desk ${tag}`);
    await shot(page, `settings-${tag}-master-pages`);

    const customer = await stranger();
    await customer.page.goto(`/m/front-desk-${tag}`);
    await customer.page.getByRole("heading", { name: `Front desk ${tag}`, level: 1 }).waitFor();
    await customer.page.getByRole("button", { name: new RegExp(`Physio assessment ${tag}`) }).click();
    await customer.page.getByRole("heading", { name: `Physio assessment ${tag}`, level: 1 }).waitFor();
    expect(new URL(customer.page.url()).pathname).toBe(`/book/physio-${tag}`);
    await customer.context.close();
  });

  it("deactivates a user, whose sign-in is then refused", async () => {
    const email = `leaver.${tag}@example.com`;
    const inv = await env.api("POST", "/api/v1/invitations", { email, role: "member" });
    const accepted = await env.api("POST", "/api/v1/public/invitations/accept", { token: inv.body.link.split("/").pop(), name: `Leo Leaver ${tag}`, password: "leaver's password" });
    expect(accepted.status).toBe(201);
    await openSettings("Team");
    const row = page.getByTestId(`member-${email}`);
    await row.getByRole("button", { name: `More for Leo Leaver ${tag}` }).click();
    await row.getByRole("button", { name: "Deactivate…" }).click();
    const confirm = page.getByRole("dialog", { name: `Deactivate Leo Leaver ${tag}?` });
    await shot(page, `settings-${tag}-deactivate-confirm`);
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    const result = page.getByRole("dialog", { name: `Leo Leaver ${tag} is deactivated` });
    await waitForText(result, "no upcoming bookings");
    await result.getByRole("button", { name: "Done" }).click();
    await page.getByTestId(`deactivated-${email}`).waitFor();
    await shot(page, `settings-${tag}-team-deactivated`);

    const leaver = await stranger();
    await leaver.page.goto("/activities");
    await leaver.page.getByLabel("Email").fill(email);
    await leaver.page.getByLabel("Password").fill("leaver's password");
    await leaver.page.getByRole("button", { name: "Sign in" }).click();
    await waitForText(leaver.page.getByRole("alert"), "deactivated");
    await shot(leaver.page, `settings-${tag}-sign-in-refused`);
    await leaver.context.close();
  });

  it("gives the customer pages the business's name, logo and colour", async () => {
    await openSettings("Account");
    const name = `Demo Physio ${tag}`;
    await page.getByLabel("Business name").fill(name);
    await page.getByLabel("Colour of the customer pages").fill(tag === "desktop" ? "#0f766e" : "#fde047");
    const business = page.getByRole("form", { name: "Business" });
    await business.getByRole("button", { name: "Save changes" }).click();
    await waitForText(business.locator(".save-status"), "Saved");
    // A 1×1 PNG as the logo.
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf00000301010018dd8db40000000049454e44ae426082", "hex");
    await page.locator("input[type=file]").setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
    await page.getByRole("img", { name: `${name} logo` }).waitFor();
    // Where the booking pages may be embedded: a wrong origin is named next to the field.
    const embed = page.getByRole("form", { name: "Embedding" });
    await embed.getByLabel("Allowed websites").fill("https://shop.example.com\nshop.example.org");
    await embed.getByRole("button", { name: "Save changes" }).click();
    await waitForText(embed.locator(".field-error"), "shop.example.org");
    await embed.getByLabel("Allowed websites").fill("https://shop.example.com");
    await embed.getByRole("button", { name: "Save changes" }).click();
    await waitForText(embed.locator(".save-status"), "Saved");
    await shot(page, `settings-${tag}-account`);

    const customer = await stranger();
    await customer.page.goto("/book/intro-call");
    await waitForText(customer.page.locator(".public-business"), name);
    const logo = customer.page.locator(".public-logo");
    await logo.waitFor();
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    // A light colour is darkened until white text on it is readable (4.5:1).
    const brand = await customer.page.locator(".public").evaluate((el) => getComputedStyle(el).getPropertyValue("--brand").trim());
    if (tag === "desktop") expect(brand).toBe("#0f766e");
    else expect(brand).not.toBe("#fde047");
    await customer.page.locator("section.slots[data-state=ready]").first().waitFor();
    await shot(customer.page, `settings-${tag}-branded-booking-page`);
    await customer.context.close();
  });

  it("keeps the last admin, with the reason next to the role", async () => {
    await openSettings("Team");
    const me = page.getByTestId(`member-${DEMO_ADMIN.email}`);
    await me.getByLabel(/Role of/).selectOption("member");
    await waitForText(me.getByRole("alert"), "last admin");
    await shot(page, `settings-${tag}-last-admin`);
    expect((await env.api("GET", "/api/v1/me")).body.user.role).toBe("admin");
  });
});
