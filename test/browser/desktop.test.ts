import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { future, hasFutureProposal, newPage, pane, picker, rows, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/** The Activity stream at desktop size (1280×800): what a back-office user clicks. */
describe("Activity stream on the desktop", () => {
  let env: BrowserEnv;
  let page: Page;
  let pick: ReturnType<typeof picker>;

  beforeAll(async () => {
    env = await startBrowserEnv();
    pick = picker(env);
    ({ page } = await newPage(env, { width: 1280, height: 800 }));
    await signIn(page);
  });
  afterAll(async () => env?.close());

  const openActivity = async (id: string) => {
    await page.goto(`/activities?q=${id}&open=${id}`);
    await pane(page).getByText(`Activity ID: ${id}`).waitFor();
  };
  const chooseAction = async (item: string) => {
    await pane(page).getByRole("button", { name: /^Actions for/ }).click();
    await page.getByRole("menuitem", { name: item }).click();
  };
  const dialog = () => page.getByRole("dialog");
  const expectDetailed = async (text: string) => {
    await waitForText(pane(page).locator(".details-status"), text);
    await waitForText(rows(page).first(), text);
  };

  it("shows the account, the role and the stream, newest-updated first, with a count", async () => {
    const account = page.getByTestId("account");
    await waitForText(account, "Demo Clinic");
    await waitForText(account, "Admin");
    expect(await page.getByTestId("stream-total").textContent()).toMatch(/^\d[\d,]*\+?$/);
    const first = rows(page).first();
    expect(await first.locator(".row-id").textContent()).toMatch(/^(BKNG|PKG|TXN)-/);
    expect(await first.locator(".badge").textContent()).toBeTruthy();
    await page.locator("[data-live=live]").waitFor();
    await shot(page, "desktop-stream");
  });

  it("filters by view, status and search, keeps the filter in the URL, and explains a malformed query", async () => {
    await page.getByRole("button", { name: "Booking requests" }).click();
    await page.waitForURL(/view=requests/);
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    const statuses = await rows(page).locator(".row-status").allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses.map((s) => s.replace(/^\W+/, "")))).toEqual(new Set(["Requested"]));

    await page.getByRole("button", { name: "All activities" }).click();
    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByRole("group", { name: "Filters" }).getByRole("checkbox", { name: "Canceled", exact: true }).check();
    await page.waitForURL(/status=Canceled/);
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    const canceled = await rows(page).locator(".row-status").allTextContents();
    expect(canceled.every((s) => s.includes("Canceled"))).toBe(true);
    await shot(page, "desktop-filters");
    await page.getByRole("button", { name: "Done" }).click();

    // A bookmark of the filtered URL opens the same stream.
    const url = page.url();
    await page.goto(url);
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    expect(await page.getByRole("button", { name: /^Filters/ }).textContent()).toContain("1");

    const search = page.getByRole("searchbox", { name: "Search activities" });
    await search.fill("(ann");
    await search.press("Enter");
    const alert = page.locator(".query-error[role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/character \d+/);
    expect(await alert.locator("mark").count()).toBe(1);
    await page.getByRole("button", { name: "Search help" }).click();
    await page.getByRole("region", { name: "How to search" }).getByText("field:value").waitFor();
    await shot(page, "desktop-malformed-query");
    await page.getByRole("button", { name: "Close search help" }).click();

    // The status filter is still on: search within it.
    const target = await pick("status=Canceled");
    await search.fill(target.id);
    await search.press("Enter");
    await page.waitForURL(new RegExp(`q=${target.id}`));
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    expect(await rows(page).count()).toBe(1);
    expect(await rows(page).first().getAttribute("data-id")).toBe(target.id);
  });

  it("moves through the list with the keyboard and opens details with Enter", async () => {
    // Bookings: their pane has every section checked below (a package's lists its sessions instead).
    await page.goto("/activities?type=booking");
    await rows(page).first().waitFor();
    const list = page.getByRole("listbox");
    await list.focus();
    await list.press("ArrowDown");
    await list.press("ArrowDown");
    const id = await rows(page).nth(2).getAttribute("data-id");
    expect(await list.getAttribute("aria-activedescendant")).toBe(`row-${id}`);
    await list.press("Enter");
    await page.waitForURL(new RegExp(`open=${id}`));
    const details = pane(page);
    await details.getByRole("heading", { name: "History" }).waitFor();
    for (const section of ["Meeting", "Customer", "Booking", "Related activities"]) await details.getByRole("heading", { name: section }).waitFor();
    await waitForText(details.locator(".details-footer"), "Created");
    await details.getByRole("button", { name: `Copy activity ID ${id}` }).click();
    await waitForText(details.locator(".details-footer"), "Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);
    await shot(page, "desktop-details");
  });

  it("approves a booking request at a proposed time from the Find a time panel", async () => {
    const req = await pick("detailedStatus=Requested (By customer)", hasFutureProposal);
    await openActivity(req.id);
    await chooseAction("Schedule booking request…");
    await dialog().getByRole("heading", { name: "Find a time and schedule" }).waitFor();
    expect(await dialog().getByRole("radio").first().isChecked()).toBe(true);
    await dialog().getByRole("radio", { name: "Another time" }).waitFor();
    await shot(page, "desktop-approve");
    await dialog().getByRole("button", { name: "Approve and schedule" }).click();
    await expectDetailed("Scheduled (Approved by user)");
  });

  it("cancels a booking request while asking for new times", async () => {
    const req = await pick("status=Requested");
    await openActivity(req.id);
    await chooseAction("Cancel/request new times…");
    await dialog().getByRole("radio", { name: /Cancel and request new times/ }).check();
    await dialog().getByLabel(/Reason/).fill("Those times are taken");
    await dialog().getByRole("button", { name: "Cancel and request new times" }).click();
    await expectDetailed("Canceled (New times requested by user)");
    await waitForText(page.locator(".toast"), "asked for new times");
  });

  it("cancels a booking", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await chooseAction("Cancel/request reschedule…");
    await dialog().getByRole("radio", { name: /Cancel the booking/ }).check();
    await dialog().getByRole("button", { name: "Cancel the booking" }).click();
    await expectDetailed("Canceled (By user)");
  });

  it("asks the customer to reschedule, with a required reason and any event type", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await chooseAction("Cancel/request reschedule…");
    await dialog().getByRole("radio", { name: /ask the customer to reschedule/ }).check();
    await dialog().getByRole("radio", { name: "Any event type" }).check();
    const reason = dialog().getByLabel(/Reason/);
    expect(await reason.getAttribute("required")).not.toBeNull();
    await reason.fill("The host is ill that day");
    await shot(page, "desktop-request-reschedule");
    await dialog().getByRole("button", { name: "Cancel and ask the customer to reschedule" }).click();
    await expectDetailed("Canceled (Reschedule requested by user)");
    await waitForText(pane(page), "Any event type: The host is ill that day");
  });

  it("reschedules on the customer's behalf and follows the related booking", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await chooseAction("Cancel/request reschedule…");
    await dialog().getByRole("radio", { name: /Reschedule on the customer's behalf/ }).check();
    // One of the host's free times, on the first day shown that has some.
    const times = dialog().locator(".host-times");
    for (let i = 0; i < 10; i++) {
      await dialog().locator(`.host-times[data-state=ready][data-date="${await times.getAttribute("data-date")}"]`).waitFor();
      if ((await times.locator(".slot").count()) > 0) break;
      await times.getByRole("button", { name: "Next day", exact: true }).first().click();
    }
    await times.locator(".slot").last().click();
    await waitForText(dialog().locator(".start-mark"), "Free in");
    await dialog().getByLabel(/Reason/).fill("Moved by phone");
    await dialog().getByRole("button", { name: "Reschedule on the customer's behalf" }).click();
    await waitForText(pane(page).locator(".details-status"), "Canceled (Reschedule requested by user)");
    const related = pane(page).getByRole("button", { name: /^Open Rescheduled as/ });
    await related.click();
    await waitForText(pane(page).locator(".details-status"), "Rescheduled (Initiated by user)");
    await pane(page).getByRole("button", { name: /^Open Rescheduled from/ }).waitFor();
    expect(page.url()).not.toContain(`open=${b.id}`);
    await shot(page, "desktop-related");
  });

  it("reassigns a booking to another team member", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", (a) => future(a) && a.owner?.name === "Ada Admin");
    await openActivity(b.id);
    await chooseAction("Reassign booking…");
    await dialog().getByRole("radio", { name: /Max Member/ }).check();
    await dialog().getByRole("button", { name: "Reassign" }).click();
    await expectDetailed("Scheduled (Reassigned by user)");
    await waitForText(rows(page).first(), "Max Member");
  });

  it("sets a completed booking to No-show after a confirmation that it cannot go back", async () => {
    const b = await pick("detailedStatus=Completed (Set by System)");
    await openActivity(b.id);
    await chooseAction("Set to No-show…");
    await waitForText(dialog(), "cannot be undone back to Completed");
    await shot(page, "desktop-no-show");
    await dialog().getByRole("button", { name: "Yes, set to No-show" }).click();
    await expectDetailed("No-show (Set by user)");
  });

  it("shows what changed when someone else acted first (409) and refreshes", async () => {
    const b = await pick("detailedStatus=Completed (Set by System)");
    await openActivity(b.id);
    await chooseAction("Set to No-show…");
    await dialog().getByRole("button", { name: "Yes, set to No-show" }).waitFor();
    const elsewhere = await env.api("POST", `/api/v1/activities/${b.id}/actions/cancel`, { reason: "Done by a colleague" });
    expect(elsewhere.status).toBe(200);
    await dialog().getByRole("button", { name: "Yes, set to No-show" }).click();
    await waitForText(pane(page).getByRole("alert"), "is now Canceled (By user)");
    await expectDetailed("Canceled (By user)");
    await shot(page, "desktop-conflict");
  });

  it("refuses an action built on a stale view even when the change still allows it (409)", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await chooseAction("Cancel/request reschedule…");
    await dialog().getByRole("radio", { name: /Cancel the booking/ }).check();
    // A colleague reassigns it meanwhile: canceling would still be allowed, but not on what the user saw.
    const details = (await env.api("GET", `/api/v1/activities/${b.id}`)).body;
    const other = (await env.api("GET", "/api/v1/users")).body.items.find((u: { id: string }) => u.id !== details.owner.id);
    expect((await env.api("POST", `/api/v1/activities/${b.id}/actions/reassign`, { ownerId: other.id })).status).toBe(200);
    await dialog().getByRole("button", { name: "Cancel the booking" }).click();
    await waitForText(pane(page).getByRole("alert"), "is now Scheduled (Reassigned by user)");
    await expectDetailed("Scheduled (Reassigned by user)");
  });

  it("saves, renames, chooses and deletes a custom filter", async () => {
    await page.goto("/activities?status=No-show");
    await rows(page).first().waitFor();
    await page.getByRole("button", { name: "Save current filter…" }).click();
    await dialog().getByLabel("Name").fill("No-shows");
    await dialog().getByRole("button", { name: "Save", exact: true }).click();
    const saved = page.getByRole("list", { name: "Saved filters" });
    await saved.getByRole("button", { name: "No-shows", exact: true }).waitFor();
    await page.waitForURL(/saved=/);

    await page.getByRole("button", { name: "Options for No-shows" }).click();
    await page.getByRole("menuitem", { name: "Rename…" }).click();
    await dialog().getByLabel("Name").fill("Missed meetings");
    await dialog().getByRole("button", { name: "Rename", exact: true }).click();
    await saved.getByRole("button", { name: "Missed meetings", exact: true }).waitFor();

    await page.getByRole("button", { name: "All activities" }).click();
    await page.waitForURL((u) => !u.search.includes("status="));
    await saved.getByRole("button", { name: "Missed meetings", exact: true }).click();
    await page.waitForURL(/status=No-show/);
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    expect((await rows(page).locator(".row-status").allTextContents()).every((s) => s.includes("No-show"))).toBe(true);
    await shot(page, "desktop-saved-filter");

    await page.getByRole("button", { name: "Options for Missed meetings" }).click();
    await page.getByRole("menuitem", { name: "Delete…" }).click();
    await dialog().getByRole("button", { name: "Delete", exact: true }).click();
    await saved.getByRole("button", { name: "Missed meetings", exact: true }).waitFor({ state: "detached" });
  });

  it("updates an open stream and details pane live when someone else changes an activity", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await page.locator("[data-live=live]").waitFor();
    await waitForText(rows(page).first(), "Scheduled (By customer)");
    const res = await env.api("POST", `/api/v1/activities/${b.id}/actions/cancel`, { reason: "Changed elsewhere" });
    expect(res.status).toBe(200);
    await expectDetailed("Canceled (By user)");
    await waitForText(pane(page), "Changed elsewhere");
  });

  it("lists packages and shares booking page links", async () => {
    await page.getByRole("link", { name: "Packages" }).click();
    await page.getByRole("heading", { name: "Session packages" }).waitFor();
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    await page.getByRole("link", { name: "Share links" }).click();
    await page.getByRole("heading", { name: "Share booking page links" }).waitFor();
    await page.getByRole("button", { name: "Copy the link to Intro call" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\/book\/intro-call$/);
    await shot(page, "desktop-share");
  });

  it("signs out", async () => {
    await page.getByRole("button", { name: /^Account menu/ }).click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });
});
