import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, pane, rows, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * The Trash as an admin clicks it, at desktop and phone size: select three activities in the
 * stream, move them to the Trash (the confirmation says it is not canceling), find them in the
 * stream's Trash view (search works there, each row says when it is deleted), restore one and
 * delete one permanently (one from the Details pane's menu, the other in Select mode), empty the
 * trash from the banner.
 */
describe("The Trash in the browser", () => {
  let env: BrowserEnv;
  beforeAll(async () => {
    env = await startBrowserEnv();
  }, 180_000);
  afterAll(async () => env?.close());

  const sizes = [
    { name: "desktop", viewport: { width: 1280, height: 860 }, touch: false },
    { name: "phone", viewport: { width: 375, height: 812 }, touch: true },
  ];

  for (const size of sizes) {
    it(`${size.name}: select three, move them to the Trash, search the Trash, restore one, delete one permanently, empty the trash`, async () => {
      const { context, page } = await newPage(env, size.viewport);
      const press = (l: Locator) => (size.touch ? l.tap() : l.click());
      const dialog = () => page.getByRole("dialog");
      const row = (id: string) => page.locator(`[role=listbox] [role=option][data-id="${id}"]`);
      try {
        await signIn(page);
        await page.locator("[role=listbox][data-state=ready]").waitFor();
        await press(page.getByRole("button", { name: "Select", exact: true }));
        await page.locator("[role=listbox][aria-multiselectable=true]").waitFor();
        const picked: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = rows(page).nth(i);
          picked.push((await r.getAttribute("data-id"))!);
          await press(r);
          await expect.poll(() => r.getAttribute("aria-selected")).toBe("true");
        }
        await waitForText(page.getByTestId("selected-count"), "3");
        await press(page.getByRole("button", { name: "Move 3 activities to Trash" }));
        await waitForText(dialog(), "does not cancel anything");
        await shot(page, `${size.name}-trash-confirm`);
        await press(dialog().getByRole("button", { name: "Move 3 activities to Trash" }));
        await dialog().waitFor({ state: "detached" });
        // They leave the stream.
        for (const id of picked) await row(id).waitFor({ state: "detached" });
        for (const id of picked) expect((await env.api("GET", `/api/v1/activities/${id}`)).body.trash).not.toBeNull();
        // The move ends Select mode.
        await page.getByRole("button", { name: "Select", exact: true }).waitFor();

        // The Trash: a view of the stream, with its count, the banner and each row's deletion date.
        await openTrash(page, size.touch, press);
        for (const id of picked) await row(id).waitFor();
        await waitForText(page.getByTestId("stream-total"), "3");
        const deletesAt = (await env.api("GET", `/api/v1/activities/${picked[0]}`)).body.trash.deletesAt;
        expect(Date.parse(deletesAt)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
        await waitForText(row(picked[0]).locator(".row-detailed"), /^Deletes /);
        await shot(page, `${size.name}-trash`);
        // Search works in the Trash as in the stream.
        await page.getByRole("searchbox", { name: "Search activities" }).fill(picked[2]);
        await page.getByRole("searchbox", { name: "Search activities" }).press("Enter");
        await row(picked[0]).waitFor({ state: "detached" });
        await row(picked[2]).waitFor();
        await waitForText(page.getByTestId("stream-total"), "1");
        await page.getByRole("searchbox", { name: "Search activities" }).fill("");
        await page.getByRole("searchbox", { name: "Search activities" }).press("Enter");
        await row(picked[0]).waitFor();

        // One from the Details pane's menu, one in Select mode (the other way round on the phone).
        const [byMenu, bySelect] = size.touch ? [picked[1], picked[0]] : [picked[0], picked[1]];
        const menuAction = size.touch ? "Delete permanently…" : "Restore activity…";
        await press(row(byMenu));
        await press(pane(page).getByRole("button", { name: /^Actions for/ }));
        await press(page.getByRole("menuitem", { name: menuAction }));
        if (size.touch) await waitForText(dialog(), "cannot be undone");
        await press(dialog().getByRole("button", { name: size.touch ? "Delete permanently" : "Restore activity" }));
        await row(byMenu).waitFor({ state: "detached" });
        if (size.touch) await pane(page).waitFor({ state: "detached" });
        else await press(pane(page).getByRole("button", { name: "Close details" }));

        await press(page.getByRole("button", { name: "Select", exact: true }));
        await press(row(bySelect));
        await expect.poll(() => row(bySelect).getAttribute("aria-selected")).toBe("true");
        const bulkLabel = size.touch ? "Restore 1 activity" : "Delete 1 activity permanently";
        await press(page.getByRole("button", { name: bulkLabel }));
        if (!size.touch) await waitForText(dialog(), "cannot be undone");
        await press(dialog().getByRole("button", { name: bulkLabel }));
        await row(bySelect).waitFor({ state: "detached" });

        const restored = size.touch ? bySelect : byMenu;
        const deleted = size.touch ? byMenu : bySelect;
        expect((await env.api("GET", `/api/v1/activities/${restored}`)).body.trash).toBeNull();
        expect((await env.api("GET", `/api/v1/activities/${deleted}`)).status).toBe(404);
        await waitForText(page.getByTestId("stream-total"), "1");

        await press(page.getByRole("button", { name: "Empty trash now" }));
        await press(dialog().getByRole("button", { name: "Empty trash now" }));
        await page.getByText("The Trash is empty.").waitFor();
        expect((await env.api("GET", `/api/v1/activities/${picked[2]}`)).status).toBe(404);
        expect((await env.api("GET", "/api/v1/activities?trash=true&includeTotal=true")).body.total).toBe(0);
        expect(await page.getByRole("button", { name: "Empty trash now" }).isDisabled()).toBe(true);
        if (size.touch) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.viewport.width);
        await shot(page, `${size.name}-trash-empty`);
        // The restored one is back in the stream.
        await page.goto("/activities");
        await row(restored).waitFor();
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  it("moves one activity to the Trash from its action menu, saying it is not canceling; /trash leads to the Trash view", async () => {
    const { context, page } = await newPage(env, { width: 1280, height: 860 });
    try {
      await signIn(page);
      const id = (await rows(page).first().getAttribute("data-id"))!;
      await rows(page).first().click();
      await pane(page).getByRole("button", { name: /^Actions for/ }).click();
      await page.getByRole("menuitem", { name: "Move to Trash…" }).click();
      await waitForText(page.getByRole("dialog"), "does not cancel anything");
      await page.getByRole("dialog").getByRole("button", { name: "Move to Trash" }).click();
      await page.locator(`[role=listbox] [role=option][data-id="${id}"]`).waitFor({ state: "detached" });
      expect((await env.api("GET", `/api/v1/activities/${id}`)).body.trash).not.toBeNull();
      await page.goto("/trash");
      await page.waitForURL(/\/activities\?view=trash$/);
      await page.locator(`[role=listbox] [role=option][data-id="${id}"]`).waitFor();
      await page.getByRole("heading", { name: "Trash", exact: true }).waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);
});

async function openTrash(page: Page, touch: boolean, press: (l: Locator) => Promise<void>) {
  if (touch) await press(page.getByRole("button", { name: "Views", exact: true }));
  await press(page.getByRole("navigation", { name: "Views and saved filters" }).getByRole("button", { name: "Trash", exact: true }));
  await page.waitForURL(/view=trash/);
  await page.getByRole("heading", { name: "Trash", exact: true }).waitFor({ state: "attached" });
  await page.locator("[role=listbox][data-state=ready]").waitFor();
}
