import { DateTime } from "luxon";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MEMBER } from "../../src/app/demo/seed.js";
import { future, newPage, pane, picker, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * The guardrails on staff actions, as a back-office user meets them at desktop and phone size: the
 * reschedule and approve dialogs show the host's free times; a time outside the host's hours is
 * marked before confirming and confirming books it anyway; the server's refusals (hours changed
 * meanwhile, another booking) are explained in the dialog; Set to No-show waits for the meeting to
 * start. Dates come from "now" and the demo's hours (admin Mon–Fri 09:00–17:00 America/New_York,
 * member Mon–Fri 09:00–17:00 Europe/London), never from today's weekday.
 */
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, nth: 1 },
  { name: "phone", viewport: { width: 375, height: 812 }, nth: 2 },
] as const;
/** The demo admin's zone: the dialogs' typed times are in it. */
const USER_ZONE = "America/New_York";

let env: BrowserEnv;
let pick: ReturnType<typeof picker>;
beforeAll(async () => {
  env = await startBrowserEnv();
  pick = picker(env);
});
afterAll(async () => env?.close());

/** The nth weekday after today in `zone` (1 = the next one), as a local DateTime at midnight. */
function nextWeekday(zone: string, nth: number): DateTime {
  let d = DateTime.now().setZone(zone).startOf("day");
  for (let found = 0; found < nth; ) {
    d = d.plus({ days: 1 });
    if (d.weekday <= 5) found++;
  }
  return d;
}

/** "Thu 3 Dec" (with the year when it is not this one), as the dialogs name a host's day. */
function dayWords(d: DateTime): string {
  return d.toFormat(d.year === DateTime.now().setZone(d.zoneName!).year ? "ccc d LLL" : "ccc d LLL yyyy");
}

/** A weekday time in London (the member's zone and working day) at which the member is free. */
async function memberFreeAt(nth: number): Promise<DateTime> {
  for (let n = nth + 6; n < nth + 16; n++) {
    for (const hour of [10, 11, 14, 15]) {
      const at = nextWeekday("Europe/London", n).set({ hour });
      const r = await env.api("GET", `/api/v1/find-a-time?start=${encodeURIComponent(at.toUTC().toISO()!)}`);
      if (r.body.members.some((m: { name: string }) => m.name === "Max Member")) return at;
    }
  }
  throw new Error("the member is never free in the days tried");
}

describe.each(SIZES)("Guardrails on staff actions ($name)", (size) => {
  let page: Page;
  const phone = size.viewport.width < 640;
  const click = (l: Locator) => (phone ? l.tap() : l.click());
  const dialog = () => page.getByRole("dialog");

  beforeAll(async () => {
    ({ page } = await newPage(env, size.viewport));
    await signIn(page);
  });

  const openActivity = async (id: string) => {
    await page.goto(`/activities?q=${id}&open=${id}`);
    await pane(page).getByText(`Activity ID: ${id}`).waitFor();
  };
  const openMenu = async () => {
    await click(pane(page).getByRole("button", { name: /^Actions for/ }));
    await page.getByRole("menu").waitFor();
  };
  const chooseAction = async (item: string) => {
    await openMenu();
    await click(page.getByRole("menuitem", { name: item }));
  };
  const startReschedule = async (id: string) => {
    await openActivity(id);
    await chooseAction("Cancel/request reschedule…");
    await dialog().getByRole("radio", { name: /Reschedule on the customer's behalf/ }).check();
  };
  /** The host's free times in the dialog, moved on day by day until a day has some. */
  async function dayWithSlots(): Promise<Locator> {
    const picker = dialog().locator(".host-times");
    for (let i = 0; i < 10; i++) {
      const date = await picker.getAttribute("data-date");
      await dialog().locator(`.host-times[data-state=ready][data-date="${date}"]`).waitFor();
      const slots = picker.locator(".host-slots .slot");
      if ((await slots.count()) > 0) return slots;
      await click(picker.getByRole("button", { name: "Next day", exact: true }).first());
    }
    throw new Error("no free times in the ten days shown");
  }
  /** A free time that is not the booking's own (its own time shows as free: it is the one moving). */
  async function slotOtherThan(slots: Locator, own: string | null, from: "first" | "last" = "first"): Promise<Locator> {
    const starts = await slots.evaluateAll((els) => els.map((e) => e.getAttribute("data-start")!));
    const i = (from === "first" ? starts : [...starts].reverse()).findIndex((t) => own === null || Date.parse(t) !== Date.parse(own));
    if (i < 0) throw new Error("no free time but the booking's own");
    return slots.nth(from === "first" ? i : starts.length - 1 - i);
  }
  /** The booking a reschedule made (the original's "rescheduled_as"). */
  async function rescheduledAs(id: string) {
    const original = (await env.api("GET", `/api/v1/activities/${id}`)).body;
    const rel = original.related.find((r: { relation: string }) => r.relation === "rescheduled_as");
    return (await env.api("GET", `/api/v1/activities/${rel.id}`)).body;
  }

  it("reschedules to one of the host's free times picked in the dialog", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", (a) => future(a) && a.owner?.name === "Ada Admin");
    await startReschedule(b.id);
    const slots = await dayWithSlots();
    await waitForText(dialog().locator(".host-hours"), /Hours on .+: 09:00–17:00 \(America\/New York\)/);
    const slot = await slotOtherThan(slots, b.start, "last");
    const start = (await slot.getAttribute("data-start"))!;
    await click(slot);
    expect(await slot.getAttribute("aria-pressed")).toBe("true");
    await waitForText(dialog().locator(".start-mark"), "Free in Ada Admin's calendar.");
    await dialog().getByLabel(/Reason/).fill("The customer asked for a later time");
    await shot(page, `${size.name}-reschedule-free-time`);
    await click(dialog().getByRole("button", { name: "Reschedule on the customer's behalf" }));
    await waitForText(pane(page).locator(".details-status"), "Canceled (Reschedule requested by user)");
    const created = await rescheduledAs(b.id);
    expect(created).toMatchObject({ detailedStatus: "Rescheduled (Initiated by user)", start: new Date(start).toISOString(), owner: { name: "Ada Admin" } });
  });

  it("marks a time outside the host's hours, in both zones, and books it anyway when confirmed", async () => {
    // The member works in London; the admin picks in New York. 03:00 in New York is 07:00 or
    // 08:00 in London: before the member's day begins, whatever the season.
    const b = await pick("status=Scheduled", (a) => future(a) && a.owner?.name === "Max Member");
    const day = nextWeekday(USER_ZONE, size.nth + 2);
    const at = day.set({ hour: 3 });
    await startReschedule(b.id);
    await dialog().locator(".host-times[data-state=ready]").waitFor();
    await dialog().getByLabel(/Or type any time/).fill(at.toFormat("yyyy-MM-dd'T'HH:mm"));
    const hostDay = at.setZone("Europe/London");
    const mark = dialog().locator(".start-mark[data-check=outside_hours]");
    await waitForText(mark, `Outside Max Member's hours (${dayWords(hostDay)}: 09:00–17:00, Europe/London)`);
    // The typed time, in the host's zone too; the picker moved to that day of theirs.
    await waitForText(dialog().locator(".host-times .field .hint"), "Max Member's time:");
    expect(await dialog().locator(".host-times").getAttribute("data-date")).toBe(hostDay.toISODate());
    await dialog().getByLabel(/Reason/).fill("Only time the customer can make");
    await mark.scrollIntoViewIfNeeded();
    await shot(page, `${size.name}-reschedule-outside-hours`);
    await click(dialog().getByRole("button", { name: "Reschedule anyway" }));
    await waitForText(pane(page).locator(".details-status"), "Canceled (Reschedule requested by user)");
    // The new booking, opened from the related activities.
    await click(pane(page).getByRole("button", { name: /^Open Rescheduled as/ }));
    await waitForText(pane(page).locator(".details-status"), "Rescheduled (Initiated by user)");
    const created = await rescheduledAs(b.id);
    expect(created.start).toBe(at.toUTC().toISO());
    expect(created.owner.name).toBe("Max Member");
  });

  it("explains the server's refusal when the host's hours changed meanwhile, and books anyway on request", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", (a) => future(a) && a.owner?.name === "Ada Admin");
    const admin = (await env.api("GET", "/api/v1/users")).body.items.find((u: { name: string }) => u.name === "Ada Admin");
    await startReschedule(b.id);
    const slot = await slotOtherThan(await dayWithSlots(), b.start);
    const start = (await slot.getAttribute("data-start"))!;
    await click(slot);
    await waitForText(dialog().locator(".start-mark"), "Free in Ada Admin's calendar.");
    // Meanwhile that day becomes a day off for the host.
    const date = DateTime.fromISO(start, { zone: USER_ZONE }).toISODate()!;
    expect((await env.api("PUT", `/api/v1/users/${admin.id}/date-overrides/${date}`, { ranges: [] })).status).toBe(200);
    try {
      await dialog().getByLabel(/Reason/).fill("Moved at the customer's request");
      await click(dialog().getByRole("button", { name: "Reschedule on the customer's behalf" }));
      const refusal = dialog().locator(".refusal[role=alert]");
      await waitForText(refusal, `Outside Ada Admin's hours (${dayWords(DateTime.fromISO(date, { zone: USER_ZONE }))}: not working, America/New_York)`);
      await shot(page, `${size.name}-reschedule-refused`);
      await click(refusal.getByRole("button", { name: "Book anyway" }));
      await waitForText(pane(page).locator(".details-status"), "Canceled (Reschedule requested by user)");
      expect((await rescheduledAs(b.id)).start).toBe(new Date(start).toISOString());
    } finally {
      await env.api("DELETE", `/api/v1/users/${admin.id}/date-overrides/${date}`);
    }
  });

  it("says a time another booking took cannot be booked, with no override offered", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", (a) => future(a) && a.owner?.name === "Ada Admin");
    await startReschedule(b.id);
    const slot = await slotOtherThan(await dayWithSlots(), b.start, "last");
    const start = (await slot.getAttribute("data-start"))!;
    await click(slot);
    await waitForText(dialog().locator(".start-mark"), "Free in Ada Admin's calendar.");
    // Someone books the host then, elsewhere.
    const page0 = (await env.api("GET", "/api/v1/booking-pages")).body.items.find((p: { name: string }) => p.name === "Intro call");
    const other = await env.api("POST", "/api/v1/bookings", { bookingPageId: page0.id, start, customer: { name: "Quick Caller", email: `quick.${size.name}@example.com` } });
    expect(other.status).toBe(201);
    await dialog().getByLabel(/Reason/).fill("Moved");
    await click(dialog().getByRole("button", { name: "Reschedule on the customer's behalf" }));
    const refusal = dialog().locator(".refusal[role=alert]");
    await waitForText(refusal, "Ada Admin is already booked then.");
    expect(await refusal.getByRole("button", { name: "Book anyway" }).count()).toBe(0);
    // The free times are fetched again: that time is gone from them.
    await dialog().locator(`.host-slots .slot[data-start="${start}"]`).waitFor({ state: "detached" });
    await click(dialog().getByRole("button", { name: "Keep it" }));
  });

  it("approves a request at a free time of the host picked in the dialog", async () => {
    const req = await pick("detailedStatus=Requested (By customer)");
    await openActivity(req.id);
    await chooseAction("Schedule booking request…");
    await click(dialog().getByRole("radio", { name: "Another time" }));
    const slots = await dayWithSlots();
    const slot = slots.last();
    const start = (await slot.getAttribute("data-start"))!;
    await click(slot);
    await waitForText(dialog().locator(".start-mark"), /^Free in .+'s calendar\.$/);
    // The host works in London, the user in New York: each time shows both.
    await waitForText(slot, "yours");
    await shot(page, `${size.name}-approve-free-time`);
    await click(dialog().getByRole("button", { name: "Approve and schedule", exact: true }));
    await waitForText(pane(page).locator(".details-status"), "Scheduled (Approved by user)");
    expect((await env.api("GET", `/api/v1/activities/${req.id}`)).body.start).toBe(new Date(start).toISOString());
  });

  it("keeps Set to No-show in the menu but disabled, saying why, while the meeting is ahead", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await openMenu();
    const item = page.getByRole("menuitem", { name: "Set to No-show…" });
    expect(await item.getAttribute("aria-disabled")).toBe("true");
    const reason = await item.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${reason}"]`).textContent()).toBe("Available once the meeting has started");
    await shot(page, `${size.name}-no-show-disabled`);
    // Choosing it anyway (forced: the browser would not) does nothing: the menu stays, no dialog opens.
    await (phone ? item.tap({ force: true }) : item.click({ force: true }));
    await page.getByRole("menu").waitFor();
    expect(await dialog().count()).toBe(0);
    await page.keyboard.press("Escape");
  });

  it.runIf(!phone)("opens Set to No-show by itself when the meeting starts, with the pane left open", async () => {
    // A booking that starts in a few seconds (outside hours on some days: booked knowingly).
    const intro = (await env.api("GET", "/api/v1/booking-pages")).body.items.find((p: { name: string }) => p.name === "Intro call");
    const users = (await env.api("GET", "/api/v1/users")).body.items as { id: string }[];
    const start = DateTime.now().plus({ seconds: 12 }).set({ millisecond: 0 });
    let made = { status: 0, body: null as any };
    // Whoever is not in a meeting right now hosts it.
    for (const u of users) {
      const body = { bookingPageId: intro.id, ownerId: u.id, start: start.toUTC().toISO(), override: true, customer: { name: "Soon Starter", email: "soon.starter@example.com" } };
      made = await env.api("POST", "/api/v1/bookings", body);
      if (made.status !== 409) break;
    }
    expect(made.status).toBe(201);
    const id = made.body.activity.id;
    await openActivity(id);
    await openMenu();
    const item = page.getByRole("menuitem", { name: "Set to No-show…" });
    expect(await item.getAttribute("aria-disabled")).toBe("true");
    // The open menu changes when the start passes; no reload.
    await page.waitForFunction(() => !document.querySelector("[role=menuitem][aria-disabled=true]"), undefined, { timeout: 30_000 });
    await click(page.getByRole("menuitem", { name: "Set to No-show…" }));
    await click(dialog().getByRole("button", { name: "Yes, set to No-show" }));
    await waitForText(pane(page).locator(".details-status"), "No-show (Set by user)");
  });

  it("marks hosts outside their hours in Find a time, and schedules one anyway", async () => {
    const at = nextWeekday(USER_ZONE, size.nth + 4).set({ hour: 3 });
    await page.goto("/schedule");
    await page.getByRole("radio", { name: "New customer" }).check();
    await page.getByLabel("Name").fill("Early Bird");
    await page.getByLabel("Email").fill(`early.bird.${size.name}@example.com`);
    await page.getByLabel(/Date and time/).fill(at.toFormat("yyyy-MM-dd'T'HH:mm"));
    await click(page.getByRole("button", { name: "Find a time" }));
    const notFree = page.getByRole("list", { name: "Not free then" });
    await notFree.getByRole("listitem").first().waitFor();
    const marks = Object.fromEntries(
      await notFree.getByRole("listitem").evaluateAll((els) => els.map((e) => [e.querySelector("strong")!.textContent, e.querySelector(".member-mark")!.textContent])),
    );
    expect(marks).toEqual({ "Ada Admin": "Outside your hours", "Max Member": "Outside their hours" });
    await waitForText(page.locator(".schedule-step").last(), "Nobody is free then.");
    await notFree.scrollIntoViewIfNeeded();
    await shot(page, `${size.name}-find-a-time-outside-hours`);
    await click(page.getByRole("button", { name: "Schedule anyway with Max Member" }));
    const done = page.locator(".scheduled");
    await waitForText(done, "Scheduled BKNG-");
    const id = (await done.getByRole("heading").textContent())!.replace("Scheduled ", "");
    expect((await env.api("GET", `/api/v1/activities/${id}`)).body).toMatchObject({ start: at.toUTC().toISO(), owner: { name: "Max Member" }, customer: { name: "Early Bird" } });
  });

  it("shows a member only their own time in Find a time", async () => {
    const member = await newPage(env, size.viewport);
    try {
      await signIn(member.page, DEMO_MEMBER.email, DEMO_MEMBER.password);
      await member.page.goto("/schedule");
      const at = await memberFreeAt(size.nth);
      await member.page.getByLabel(/Date and time/).fill(at.toFormat("yyyy-MM-dd'T'HH:mm"));
      await click(member.page.getByRole("button", { name: "Find a time" }));
      await member.page.getByRole("heading", { name: /Are you free\?/ }).waitFor();
      const mine = member.page.getByRole("list", { name: "You, free then" });
      await mine.getByRole("listitem").first().waitFor();
      expect(await mine.locator("strong").allTextContents()).toEqual(["Max Member"]);
      await waitForText(member.page.locator(".schedule-step").last(), "Members schedule only themselves");
      expect(await member.page.getByText("Ada Admin").count()).toBe(0);
      await mine.scrollIntoViewIfNeeded();
      await shot(member.page, `${size.name}-find-a-time-member`);
    } finally {
      await member.context.close();
    }
  });
});
