import { DateTime } from "luxon";
import { sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DETAILED_STATUS_LIST } from "../../src/domain/lifecycle.js";
import { TRANSACTION_TYPE_LIST } from "../../src/domain/transactions.js";
import { future, newPage, pane, picker, rows, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * The stream's controls and what its rows and details say, at desktop and phone size: the sort
 * control, years on dates outside the current one, package rows and counts, the filter panel's
 * detailed statuses and date ranges, history as sentences, and the action menu's items.
 */
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 375, height: 812 } },
] as const;
/** The demo admin's zone (the stream shows times in it). */
const ZONE = "America/New_York";

let env: BrowserEnv;
let pick: ReturnType<typeof picker>;
beforeAll(async () => {
  env = await startBrowserEnv();
  pick = picker(env);
});
afterAll(async () => env?.close());

const ready = (page: Page) => page.locator("[role=listbox][data-state=ready]").waitFor();
const rowIds = async (page: Page, n: number) => (await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")!))).slice(0, n);
/** The rows' activities as the API has them, by ID. */
async function activities(ids: string[]): Promise<Map<string, any>> {
  const r = await env.api<{ items: any[] }>("GET", `/api/v1/activities?limit=200&q=${encodeURIComponent(ids.join(" "))}`);
  return new Map(r.body.items.map((a) => [a.id, a]));
}

describe.each(SIZES)("Stream controls ($name)", (size) => {
  let page: Page;
  const phone = size.viewport.width < 640;
  const click = (l: ReturnType<Page["getByRole"]>) => (phone ? l.tap() : l.click());

  beforeAll(async () => {
    ({ page } = await newPage(env, size.viewport));
    await signIn(page);
  });

  it("sorts by meeting time either way from the sort control; Upcoming meetings come soonest first", async () => {
    await page.goto("/activities");
    await ready(page);
    const sort = page.getByLabel("Sort");
    expect(await sort.inputValue()).toBe("updated");
    await sort.selectOption("start");
    await page.waitForURL(/sort=start/);
    await ready(page);
    const earliest = await rowIds(page, 8);
    const byId = await activities(earliest);
    const starts = earliest.map((id) => byId.get(id).start as string);
    expect(starts.every(Boolean)).toBe(true);
    expect([...starts].sort()).toEqual(starts);
    await shot(page, `${size.name}-stream-sorted`);

    await sort.selectOption("-start");
    await page.waitForURL(/sort=-start/);
    await ready(page);
    const latest = await rowIds(page, 8);
    const byLatest = await activities(latest);
    const latestStarts = latest.map((id) => byLatest.get(id).start as string);
    expect(latestStarts.every(Boolean)).toBe(true);
    expect([...latestStarts].sort().reverse()).toEqual(latestStarts);

    // A view with its own order: Upcoming meetings, soonest first (the control says so).
    if (phone) await page.getByRole("button", { name: "Views", exact: true }).tap();
    await click(page.getByRole("button", { name: "Upcoming meetings" }));
    await page.waitForURL(/view=upcoming/);
    await ready(page);
    expect(page.url()).not.toContain("sort=");
    expect(await page.getByLabel("Sort").inputValue()).toBe("start");
    await waitForText(page.locator(".stream-count"), "meeting time, soonest first");
    const upcoming = await rowIds(page, 8);
    const byUpcoming = await activities(upcoming);
    const us = upcoming.map((id) => byUpcoming.get(id).start as string);
    expect(us.every((s) => Date.parse(s) > Date.now() - 60_000)).toBe(true);
    expect([...us].sort()).toEqual(us);
  });

  it("shows the year on a date outside the current one, and not on one inside it", async () => {
    const other = await pick("status=Canceled&type=booking");
    const next = DateTime.now().setZone(ZONE).plus({ years: 1 }).set({ month: 6, day: 15, hour: 10, minute: 0, second: 0, millisecond: 0 });
    await sql`UPDATE activities SET start_at = ${next.toJSDate()}, end_at = ${next.plus({ minutes: 30 }).toJSDate()} WHERE id = ${other.id}`.execute(env.server.handle.db);
    await page.goto(`/activities?q=${other.id}`);
    await ready(page);
    expect(await rows(page).first().locator(".row-time").textContent()).toContain(String(next.year));
    await click(rows(page).first());
    await waitForText(pane(page).locator(".facts").first(), String(next.year));

    const thisYear = DateTime.now().setZone(ZONE).year;
    const inYear = await pick("type=booking", (a) => a.start !== null && DateTime.fromISO(a.start, { zone: ZONE }).year === thisYear);
    await page.goto(`/activities?q=${inYear.id}`);
    await ready(page);
    const text = (await rows(page).first().locator(".row-time").textContent())!;
    expect(text).not.toContain(String(thisYear));
    expect(text).toMatch(/\d/);
  });

  it("shows package rows with their sessions, package statuses in the filter and search, and counts that agree with their nouns", async () => {
    await page.goto("/packages");
    await ready(page);
    const first = rows(page).first();
    expect(await first.locator(".row-time").textContent()).toMatch(/^\d+ sessions? · |^No sessions left$/);
    const total = Number((await page.getByTestId("stream-total").textContent())!.replace(/\D/g, ""));
    expect(await page.getByTestId("stream-noun").textContent()).toBe(total === 1 ? "package" : "packages");

    const pkg = (await env.api<{ items: any[] }>("GET", "/api/v1/activities?type=package&limit=1")).body.items[0];
    await page.goto(`/packages?q=${pkg.id}`);
    await ready(page);
    await waitForText(page.getByTestId("stream-total"), "1");
    expect(await page.getByTestId("stream-noun").textContent()).toBe("package");
    await click(rows(page).first());
    await waitForText(pane(page).getByTestId("package-sessions"), `${pkg.sessions.count} session`);

    // The Packages tab filters by the packages' own statuses.
    await page.goto("/packages");
    await ready(page);
    await click(page.getByRole("button", { name: "Filters" }));
    const panel = page.getByRole("group", { name: "Filters" });
    const statuses = await panel.getByRole("group", { name: "Status" }).getByRole("checkbox").evaluateAll((els) => els.map((e) => e.parentElement!.textContent));
    expect(statuses).toEqual(["Created", "Updated", "Completed"]);
    await panel.getByRole("checkbox", { name: "Updated" }).check();
    await page.waitForURL(/status=Updated/);
    await ready(page);
    expect(new Set((await rows(page).locator(".row-status").allTextContents()).map((s) => s.replace(/^\W+/, "")))).toEqual(new Set(["Updated"]));
    await click(page.getByRole("button", { name: "Done" }));

    // The stream's status filter has them too, and the search grammar.
    await page.goto(`/activities?q=${encodeURIComponent("status:created")}`);
    await ready(page);
    expect(new Set(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-id")!.slice(0, 4))))).toEqual(new Set(["PKG-"]));
    await click(page.getByRole("button", { name: /^Filters/ }));
    await page.getByRole("group", { name: "Filters" }).getByRole("checkbox", { name: "Created (packages)" }).waitFor();
    await shot(page, `${size.name}-package-rows`);
  });

  it("shows every detailed status in the filter panel, and refuses a date range that ends before it starts", async () => {
    await page.goto("/activities");
    await ready(page);
    await click(page.getByRole("button", { name: /^Filters/ }));
    const panel = page.getByRole("group", { name: "Filters" });
    const detailed = panel.getByRole("group", { name: "Detailed status" });
    // Not a scroll box of its own: nothing in it is cut off.
    expect(await detailed.evaluate((el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    const boxes = detailed.getByRole("checkbox");
    // Every detailed status the domain knows (the seed's sixteen, and additions such as "Canceled (Payment denied)"),
    // then every transaction type (a transaction's detailed status).
    const all = DETAILED_STATUS_LIST.length + TRANSACTION_TYPE_LIST.length;
    expect(await boxes.count()).toBe(all);
    for (let i = 0; i < all; i++) {
      const label = boxes.nth(i).locator("xpath=..");
      await label.scrollIntoViewIfNeeded();
      expect(await label.isVisible()).toBe(true);
      const clipped = await label.evaluate((el) => {
        // Every ancestor up to the panel shows the whole option.
        const r = el.getBoundingClientRect();
        for (let p = el.parentElement; p && !p.classList.contains("filter-panel"); p = p.parentElement) {
          const b = p.getBoundingClientRect();
          if (r.top < b.top - 1 || r.bottom > b.bottom + 1 || r.left < b.left - 1 || r.right > b.right + 1) return true;
        }
        return false;
      });
      expect(clipped, (await label.textContent()) ?? "").toBe(false);
    }
    await shot(page, `${size.name}-filter-panel`);

    const today = DateTime.now().setZone(ZONE).startOf("day");
    const from = today.plus({ days: 10 }).toISODate()!;
    const to = today.plus({ days: 3 }).toISODate()!;
    await panel.getByLabel("Meeting from").fill(from);
    await page.waitForURL(new RegExp(`startFrom=${from}`));
    await panel.getByLabel("Meeting to").fill(to);
    const error = panel.getByRole("alert");
    await waitForText(error, "“To” is before “From”");
    expect(await panel.getByLabel("Meeting to").getAttribute("aria-invalid")).toBe("true");
    expect(page.url()).not.toContain("startTo");
    await shot(page, `${size.name}-filter-inverted-range`);
    const fixed = today.plus({ days: 20 }).toISODate()!;
    await panel.getByLabel("Meeting to").fill(fixed);
    await page.waitForURL(new RegExp(`startTo=${fixed}`));
    expect(await error.count()).toBe(0);
    await click(page.getByRole("button", { name: "Clear filters" }));
    await click(page.getByRole("button", { name: "Done" }));
  });

  it("tells the history in sentences", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    expect((await env.api("POST", `/api/v1/activities/${b.id}/actions/cancel`, { reason: "The customer moved away" })).status).toBe(200);
    await page.goto(`/activities?q=${b.id}&open=${b.id}`);
    const history = pane(page).locator(".timeline");
    await waitForText(history, "Booked by the customer");
    await waitForText(history, "Canceled by Ada Admin: The customer moved away");
    const done = await pick("detailedStatus=Completed (Set by System)");
    await page.goto(`/activities?q=${done.id}&open=${done.id}`);
    await waitForText(pane(page).locator(".timeline"), "Completed automatically");
  });

  it("lists each of the seed's menu items once", async () => {
    const menuFor = async (id: string) => {
      await page.goto(`/activities?q=${id}&open=${id}`);
      await pane(page).getByText(`Activity ID: ${id}`).waitFor();
      await click(pane(page).getByRole("button", { name: /^Actions for/ }));
      // Each item's name; a disabled one is marked (its reason is its description).
      const items = await page.getByRole("menuitem").evaluateAll((els) => els.map((e) => (e.getAttribute("aria-label") ?? e.textContent) + (e.getAttribute("aria-disabled") === "true" ? " (disabled)" : "")));
      await page.keyboard.press("Escape");
      return items;
    };
    const booked = await pick("detailedStatus=Scheduled (By customer)", future);
    // The seed's menu keeps Set to No-show before the meeting, disabled (the server answers 422).
    // An admin also gets the seed's Move to Trash, last, in any status.
    expect(await menuFor(booked.id)).toEqual(["Cancel/request reschedule…", "Reassign booking…", "Set to No-show… (disabled)", "Move to Trash…"]);
    await click(pane(page).getByRole("button", { name: /^Actions for/ }));
    await shot(page, `${size.name}-action-menu`);
    await page.keyboard.press("Escape");
    const req = await pick("status=Requested");
    expect(await menuFor(req.id)).toEqual(["Schedule booking request…", "Cancel/request new times…", "Move to Trash…"]);
    const done = await pick("detailedStatus=Completed (Set by System)");
    expect(await menuFor(done.id)).toEqual(["Cancel/request reschedule…", "Set to No-show…", "Move to Trash…"]);
  });
});
