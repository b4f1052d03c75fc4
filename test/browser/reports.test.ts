import fs from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, ENGINES, futureSlots, TEST_PASSWORD, type TestAccount } from "../support/harness.js";
import { act, book, hoursAfter, moveClock, request } from "../support/lifecycle-drive.js";
import { paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "../support/payments.js";
import { launchBrowser, newPage, shot, signIn, WEB_DIST } from "./support.js";

/**
 * The Reports page as people use it, on each engine: an account with five bookings — one paid (with
 * its payment), one canceled, one no-show, one scheduled and moved to the Trash, one request
 * without a meeting time. Each report is opened, a dimension and a filter changed, the chart is seen
 * to follow (its bars and series), the URL keeps the report across a reload, a report is saved (and
 * stays out of the stream's saved filters), the CSV is downloaded and read back against the table;
 * then a member's report at phone size (only what the member may see, nothing wider than the screen).
 */
describe.each(ENGINES)("Reports in the browser on $name", (engine) => {
  let env: PaymentsEnv;
  let browser: Browser;
  let acct: TestAccount;
  const ids: Record<"paid" | "canceled" | "noShow" | "trashed" | "requested", string> = { paid: "", canceled: "", noShow: "", trashed: "", requested: "" };
  const cspViolations: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    env = await startPaymentsEnv(engine, { webDist: WEB_DIST });
    acct = await paidAccount(env);
    const admin = client(env.server.url, acct.admin.token);
    const slots = futureSlots(env.server, 6);
    // The no-show first: its meeting must have begun, so the clock moves to a few minutes into it.
    ids.noShow = (await book(env.server, acct.otherPage.slug, slots[0])).id;
    await moveClock(env.server, hoursAfter(slots[0], 0.1));
    await act(admin, ids.noShow, "set-no-show");
    const paid = await payAndBook(env, acct, slots[1]);
    expect(paid.done.status, JSON.stringify(paid.done.body)).toBe(200);
    ids.paid = paid.done.body.activity.id;
    ids.canceled = (await book(env.server, acct.otherPage.slug, slots[2])).id;
    await act(admin, ids.canceled, "cancel", { reason: "Double-booked" });
    ids.trashed = (await book(env.server, acct.otherPage.slug, slots[3])).id;
    expect((await admin.post("/api/v1/trash", { ids: [ids.trashed] })).status).toBe(200);
    ids.requested = (await request(env.server, acct.approvalPage.slug, [slots[4], slots[5]])).id;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await env?.close();
  });

  const open = async (viewport: { width: number; height: number }, email: string) => {
    const { context, page } = await newPage({ browser, server: env.server }, viewport);
    await page.addInitScript(() => document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.effectiveDirective} ${e.blockedURI}`)));
    page.on("console", (m) => /CSP violation|Content Security Policy/.test(m.text()) && cspViolations.push(m.text()));
    await signIn(page, email, TEST_PASSWORD);
    return { context, page };
  };

  it("Summary: bars over time stacked by status, then by booking page; a status filter; saved; the CSV matches the table", async () => {
    const { context, page } = await open({ width: 1280, height: 900 }, acct.admin.email);
    try {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
      const chart = page.getByTestId("chart-status");
      await chart.waitFor();
      // Four meeting times within hours of each other (one month, or two across a month's end); the request has none ("(No meeting time)").
      await expect.poll(() => chart.getAttribute("aria-label")).toMatch(/^Bookings by month, by status: \d bars?/);
      const byTime = Number(await chart.getAttribute("data-points"));
      expect(byTime).toBeGreaterThanOrEqual(2);
      expect(byTime).toBeLessThanOrEqual(3);
      expect((await chart.getAttribute("data-series"))!.split("|").sort()).toEqual(["Canceled", "No-show", "Requested", "Scheduled"]);
      const totals = page.getByTestId("summary-table").locator("tfoot tr");
      expect(await cellsOf(page, totals, "summary-table")).toMatchObject({ Total: "5", Scheduled: "2", Canceled: "1", "No-show": "1", Requested: "1", Completed: "0", "Cancel rate": "20.0%", "No-show rate": "100.0%" });
      await shot(page, `reports-${engine.name}-summary`);

      // A dimension: rows by booking page (three pages).
      await page.getByLabel("Rows", { exact: true }).selectOption("bookingPage");
      await page.waitForURL(/rows=bookingPage/);
      await expect.poll(() => chart.getAttribute("aria-label")).toMatch(/^Bookings by booking page, by status: 3 bars/);
      // A second dimension: a breakdown chart by owner beside it, and the table's lines per page and owner.
      await page.getByLabel("Columns", { exact: true }).selectOption("owner");
      const breakdown = page.getByTestId("chart-breakdown");
      await expect.poll(() => breakdown.getAttribute("aria-label")).toMatch(/^Bookings by booking page, by owner: 3 bars/);
      expect((await breakdown.getAttribute("data-series"))!.split("|").sort()).toEqual([`Admin ${acct.accountId.slice(0, 8)}`, `Member ${acct.accountId.slice(0, 8)}`]);
      expect(await page.getByTestId("summary-table").locator("tbody tr.subtotal").count()).toBe(3);
      await shot(page, `reports-${engine.name}-summary-breakdown`);
      await page.getByLabel("Columns", { exact: true }).selectOption("");
      await breakdown.waitFor({ state: "detached" });

      // A filter: canceled bookings only — one page, one series.
      await page.getByRole("button", { name: "Filters" }).click();
      await page.getByRole("group", { name: "Report filters" }).getByRole("group", { name: "Status", exact: true }).getByLabel("Canceled", { exact: true }).check();
      await page.getByRole("button", { name: "Done" }).click();
      await page.waitForURL(/status=Canceled/);
      await expect.poll(() => chart.getAttribute("data-series")).toBe("Canceled");
      expect(await chart.getAttribute("data-points")).toBe("1");
      // The URL is the report: a reload shows the same.
      await page.reload();
      await expect.poll(() => chart.getAttribute("aria-label")).toBe("Bookings by booking page, by status: 1 bar, stacked by Canceled");
      expect(await page.getByLabel("Rows", { exact: true }).inputValue()).toBe("bookingPage");

      // The CSV, plain and for spreadsheets, says what the table says.
      const plain = await download(page, "Download CSV");
      expect(plain.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
      const csv = parseCsv(plain.toString("utf8"));
      const tableRows = await bodyRows(page, "summary-table");
      // A header, a line per group (here per page: no second dimension), the total.
      expect(csv.map((l) => l[0])).toEqual(["Booking page", ...tableRows.map((r) => r.label), "Total"]);
      const col = (name: string) => csv[0].indexOf(name);
      expect([csv[1][col("Total")], csv[1][col("Canceled")], csv[1][col("Scheduled")], csv[1][col("Cancel rate")]]).toEqual(["1", "1", "0", "1"]);
      expect(tableRows[0].cells.slice(1, 5)).toEqual(["1", "0", "0", "0"]); // Total, Requested, Scheduled, Rescheduled
      await page.getByLabel("For spreadsheets (BOM)").check();
      const withBom = await download(page, "Download CSV");
      expect(withBom.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
      expect(withBom.subarray(3).toString("utf8")).toBe(plain.toString("utf8"));
      const xlsx = await download(page, "Download XLSX");
      expect(xlsx.subarray(0, 2).toString("latin1")).toBe("PK");

      // Saved like a stream filter, and kept out of the stream's list.
      await page.getByRole("button", { name: "Save report…" }).click();
      await page.getByRole("dialog").getByLabel("Name").fill("Canceled by page");
      await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
      await page.getByTestId("saved-report").filter({ hasText: "Canceled by page" }).waitFor();
      const saved = (await client(env.server.url, acct.admin.token).get("/api/v1/saved-filters")).body.items;
      expect(saved.find((f: any) => f.name === "Canceled by page").query).toMatchObject({ report: "summary", rows: "bookingPage", status: "Canceled" });
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Activity stream" }).click();
      await page.getByRole("list", { name: "Saved filters" }).waitFor({ state: "attached" });
      await page.getByText("None yet. Set filters, then save them here.").waitFor();
      await page.goto("/reports/summary");
      await page.getByRole("button", { name: "Saved reports" }).click();
      await page.getByRole("menuitem", { name: /Canceled by page/ }).click();
      await page.waitForURL(/status=Canceled/);
      await expect.poll(() => chart.getAttribute("data-series")).toBe("Canceled");
    } finally {
      await context.close();
    }
  });

  it("Detail: picked columns, sorted, searched; the trashed booking says (In Trash); the CSV has the table's rows", async () => {
    const { context, page } = await open({ width: 1280, height: 900 }, acct.admin.email);
    try {
      await page.goto("/reports/detail?type=booking");
      const table = page.getByTestId("detail-table");
      await table.waitFor();
      await expect.poll(async () => (await rowIds(page)).sort()).toEqual(Object.values(ids).sort());
      await page.locator(`tr[data-id="${ids.trashed}"]`).getByText("(In Trash)").waitFor();
      expect(await page.locator(`tr[data-id="${ids.paid}"]`).getByText("(In Trash)").count()).toBe(0);

      // Sort by ID, then pick a column (the Trash's), then search.
      await table.getByRole("button", { name: /^ID/ }).click();
      await page.waitForURL(/sort=id/);
      await expect.poll(() => table.locator("th[aria-sort]").textContent()).toMatch(/^ID/);
      expect(await table.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("ascending");
      await expect.poll(() => rowIds(page)).toEqual(Object.values(ids).sort());
      await page.getByRole("button", { name: /^Columns/ }).click();
      await page.getByRole("group", { name: "Columns" }).getByLabel(/^In Trash/).check();
      await page.waitForURL(/columns=/);
      await table.locator("thead").getByText("In Trash").waitFor();
      await page.getByLabel("Search activities").fill(ids.canceled);
      await page.getByLabel("Search activities").press("Enter");
      await expect.poll(() => rowIds(page)).toEqual([ids.canceled]);
      await page.getByLabel("Search activities").fill("");
      await page.getByLabel("Search activities").press("Enter");
      await expect.poll(() => rowIds(page)).toHaveLength(5);
      await shot(page, `reports-${engine.name}-detail`);

      const csv = parseCsv((await download(page, "Download CSV")).toString("utf8"));
      const idCol = csv[0].findIndex((h) => /^(activity )?id$/i.test(h));
      const trashCol = csv[0].findIndex((h) => /trash/i.test(h));
      expect(csv.slice(1).map((r) => r[idCol])).toEqual(await rowIds(page));
      expect(csv.slice(1).find((r) => r[idCol] === ids.trashed)![trashCol]).toBe("(In Trash)");
    } finally {
      await context.close();
    }
  });

  it("Revenue: the payment by month, then by booking page; a page filter empties it; the CSV has the table's figures", async () => {
    const { context, page } = await open({ width: 1280, height: 900 }, acct.admin.email);
    try {
      await page.goto("/reports/revenue");
      const chart = page.getByTestId("chart-revenue-USD");
      await chart.waitFor();
      await expect.poll(() => chart.getAttribute("aria-label")).toMatch(/^USD: payments, refunds and net by month/);
      const totals = await cellsOf(page, page.getByTestId("revenue-table").locator("tfoot tr").first(), "revenue-table");
      expect(totals).toMatchObject({ Currency: "USD", Payments: "1", Refunds: "0" });
      expect(totals.Paid).toContain("50.00");

      await page.getByLabel("By", { exact: true }).selectOption("bookingPage");
      await page.waitForURL(/by=bookingPage/);
      await expect.poll(() => chart.getAttribute("aria-label")).toBe("USD: payments, refunds and net by booking page: 1 group in USD: payments, refunds and net");
      expect(await page.getByTestId("revenue-table").locator("tbody th").first().textContent()).toBe(`Page ${acct.autoPage.slug}`);
      await shot(page, `reports-${engine.name}-revenue`);

      const csv = parseCsv((await download(page, "Download CSV")).toString("utf8"));
      expect(csv.map((l) => l[0])).toEqual(["Booking page", `Page ${acct.autoPage.slug}`, "Total"]);
      expect(csv[1].slice(1, 7)).toEqual(["USD", "1", "50.00", "0", "0.00", "50.00"]);

      await page.getByRole("button", { name: "Filters" }).click();
      await page.getByRole("group", { name: "Booking page" }).getByLabel(`Page ${acct.otherPage.slug}`).check();
      await page.getByText("No payments or refunds match these filters.").waitFor();
      expect(await chart.count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("phone: a member's summary counts only their page's request, and nothing is wider than the screen", async () => {
    const { context, page } = await open({ width: 390, height: 844 }, acct.member.email);
    try {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).tap();
      const chart = page.getByTestId("chart-status");
      await chart.waitFor();
      await expect.poll(() => chart.getAttribute("data-series")).toBe("Requested");
      expect(await cellsOf(page, page.getByTestId("summary-table").locator("tfoot tr"), "summary-table")).toMatchObject({ Total: "1", Requested: "1" });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await page.getByRole("navigation", { name: "Main" }).evaluate((n) => n.scrollWidth <= n.clientWidth)).toBe(true);
      await shot(page, `reports-${engine.name}-phone-summary`);
      await page.getByRole("link", { name: "Revenue" }).tap();
      await page.getByText("No payments or refunds match these filters.").waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** The IDs in the detail table, top to bottom. */
const rowIds = (page: Page) => page.getByTestId("detail-table").locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-id") ?? ""));

/** A table row's cells by their column heading. */
async function cellsOf(page: Page, row: Locator, testId: string): Promise<Record<string, string>> {
  const heads = await page.getByTestId(testId).locator("thead th").allTextContents();
  const cells = await row.locator("th, td").evaluateAll((cs) => cs.flatMap((c) => Array.from({ length: (c as HTMLTableCellElement).colSpan }, () => c.textContent ?? "")));
  return Object.fromEntries(heads.map((h, i) => [h.trim(), (cells[i] ?? "").trim()]));
}

/** The body rows of a table: the row's label and its cells. */
const bodyRows = (page: Page, testId: string) =>
  page.getByTestId(testId).locator("tbody tr").evaluateAll((trs) => trs.map((tr) => ({ label: tr.getAttribute("data-row") ?? "", cells: [...tr.children].map((c) => c.textContent ?? "") })));

/** Clicks a download button and returns the file's bytes. */
async function download(page: Page, button: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: button }).click()]);
  return fs.readFileSync((await file.path())!);
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks; a BOM is not part of the text. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const s = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      (row = []), (field = "");
    } else field += c;
  }
  if (field !== "" || row.length) row.push(field), rows.push(row);
  return rows;
}
