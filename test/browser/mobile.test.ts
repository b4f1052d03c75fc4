import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { future, hasFutureProposal, newPage, pane, picker, rows, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/** The same app as a mobile admin at 375×812 (touch), and a look at tablet size. */
describe("Mobile admin", () => {
  let env: BrowserEnv;
  let page: Page;
  let pick: ReturnType<typeof picker>;

  beforeAll(async () => {
    env = await startBrowserEnv();
    pick = picker(env);
    ({ page } = await newPage(env, { width: 375, height: 812 }));
    await signIn(page);
  });
  afterAll(async () => env?.close());

  const dialog = () => page.getByRole("dialog");
  const openActivity = async (id: string) => {
    await page.goto(`/activities?q=${id}`);
    await rows(page).first().tap();
    await pane(page).getByText(`Activity ID: ${id}`).waitFor();
  };
  const chooseAction = async (item: string) => {
    await pane(page).getByRole("button", { name: /^Actions for/ }).tap();
    await page.getByRole("menuitem", { name: item }).tap();
  };
  const expectDetailed = (text: string) => waitForText(pane(page).locator(".details-status"), text);

  it("shows the stream as cards with the account and role, and touch-sized controls", async () => {
    await waitForText(page.getByTestId("account"), "Demo Clinic");
    await waitForText(page.getByTestId("account"), "Admin");
    await rows(page).first().locator(".row-detailed").waitFor();
    const box = await page.getByRole("button", { name: "Filters" }).boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    await shot(page, "phone-stream");
  });

  it("picks a view from the drawer and opens details full screen, with a way back", async () => {
    await page.getByRole("button", { name: "Views", exact: true }).tap();
    await shot(page, "phone-views-drawer");
    await page.getByRole("button", { name: "Booking requests" }).tap();
    await page.waitForURL(/view=requests/);
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    await rows(page).first().tap();
    await pane(page).getByRole("heading", { name: "History" }).waitFor();
    await shot(page, "phone-details");
    await pane(page).getByRole("button", { name: /Back/ }).tap();
    await pane(page).waitFor({ state: "detached" });
  });

  it("approves a request", async () => {
    const req = await pick("detailedStatus=Requested (By customer)", hasFutureProposal);
    await openActivity(req.id);
    await chooseAction("Schedule booking request…");
    await shot(page, "phone-approve");
    await dialog().getByRole("button", { name: "Approve and schedule" }).tap();
    await expectDetailed("Scheduled (Approved by user)");
  });

  it("reschedules on the customer's behalf", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await chooseAction("Cancel/request reschedule…");
    await dialog().getByRole("radio", { name: /Reschedule on the customer's behalf/ }).check();
    // One of the host's free times, on the first day shown that has some.
    const times = dialog().locator(".host-times");
    for (let i = 0; i < 10; i++) {
      await dialog().locator(`.host-times[data-state=ready][data-date="${await times.getAttribute("data-date")}"]`).waitFor();
      if ((await times.locator(".slot").count()) > 0) break;
      await times.getByRole("button", { name: "Next day", exact: true }).first().tap();
    }
    await times.locator(".slot").last().tap();
    await waitForText(dialog().locator(".start-mark"), "Free in");
    await dialog().getByLabel(/Reason/).fill("Customer called");
    await shot(page, "phone-reschedule");
    await dialog().getByRole("button", { name: "Reschedule on the customer's behalf" }).tap();
    await expectDetailed("Canceled (Reschedule requested by user)");
    await pane(page).getByRole("button", { name: /^Open Rescheduled as/ }).waitFor();
  });

  it("cancels a booking", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await openActivity(b.id);
    await chooseAction("Cancel/request reschedule…");
    await dialog().getByRole("button", { name: "Cancel the booking" }).tap();
    await expectDetailed("Canceled (By user)");
  });

  it("sets a booking to No-show", async () => {
    const b = await pick("detailedStatus=Completed (Set by System)");
    await openActivity(b.id);
    await chooseAction("Set to No-show…");
    await waitForText(dialog(), "cannot be undone back to Completed");
    await shot(page, "phone-no-show");
    await dialog().getByRole("button", { name: "Yes, set to No-show" }).tap();
    await expectDetailed("No-show (Set by user)");
  });

  it("sees a change made in a second browser context without reloading", async () => {
    const b = await pick("detailedStatus=Scheduled (By customer)", future);
    await page.goto(`/activities?q=${b.id}`);
    await waitForText(rows(page).first(), "Scheduled (By customer)");
    await page.locator("[data-live=live]").waitFor();
    const other = await newPage(env, { width: 1280, height: 800 });
    try {
      await signIn(other.page);
      await other.page.goto(`/activities?q=${b.id}&open=${b.id}`);
      await pane(other.page).getByRole("button", { name: /^Actions for/ }).click();
      await other.page.getByRole("menuitem", { name: "Reassign booking…" }).click();
      await other.page.getByRole("dialog").getByRole("radio").first().check();
      await other.page.getByRole("dialog").getByRole("button", { name: "Reassign", exact: true }).click();
      await waitForText(pane(other.page).locator(".details-status"), "Reassigned by user");
    } finally {
      await other.context.close();
    }
    await waitForText(rows(page).first(), "Scheduled (Reassigned by user)");
  });

  it("lists packages and shares booking page links", async () => {
    await page.getByRole("link", { name: "Packages" }).tap();
    await page.locator("[role=listbox][data-state=ready]").waitFor();
    await page.getByRole("link", { name: "Share links" }).tap();
    await page.getByRole("button", { name: "Copy the link to Consultation (with approval)" }).tap();
    await waitForText(page.locator(".share-card").filter({ hasText: "Consultation" }), "Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\/book\/consultation$/);
    await shot(page, "phone-share");
  });

  it("lays out the stream with details beside it on a tablet", async () => {
    const tablet = await newPage(env, { width: 820, height: 1180 });
    try {
      await signIn(tablet.page);
      await rows(tablet.page).first().tap();
      await pane(tablet.page).getByRole("heading", { name: "History" }).waitFor();
      await shot(tablet.page, "tablet-details");
    } finally {
      await tablet.context.close();
    }
  });
});
