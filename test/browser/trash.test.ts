import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPage, rows, shot, signIn, startBrowserEnv, waitForText, type BrowserEnv } from "./support.js";

/**
 * The Trash as an admin clicks it, at desktop and phone size: select three activities in the
 * stream, move them to the Trash (the confirmation says it is not canceling), restore one, delete
 * one permanently, empty the Trash.
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
    it(`${size.name}: select three, move them to the Trash, restore one, delete one permanently, empty the trash`, async () => {
      const { context, page } = await newPage(env, size.viewport);
      const press = (l: Locator) => (size.touch ? l.tap() : l.click());
      const dialog = () => page.getByRole("dialog");
      try {
        await signIn(page);
        await page.locator("[role=listbox][data-state=ready]").waitFor();
        await press(page.getByRole("button", { name: "Select", exact: true }));
        await page.locator("[role=listbox][aria-multiselectable=true]").waitFor();
        const picked: string[] = [];
        for (let i = 0; i < 3; i++) {
          const row = rows(page).nth(i);
          picked.push((await row.getAttribute("data-id"))!);
          await press(row);
          await expect.poll(() => row.getAttribute("aria-selected")).toBe("true");
        }
        await waitForText(page.getByTestId("selected-count"), "3");
        await press(page.getByRole("button", { name: "Move 3 activities to Trash" }));
        await waitForText(dialog(), "does not cancel anything");
        await shot(page, `${size.name}-trash-confirm`);
        await press(dialog().getByRole("button", { name: "Move 3 activities to Trash" }));
        await dialog().waitFor({ state: "detached" });
        // They leave the stream.
        for (const id of picked) await page.locator(`[role=option][data-id="${id}"]`).waitFor({ state: "detached" });
        for (const id of picked) expect((await env.api("GET", `/api/v1/activities/${id}`)).body.trash).not.toBeNull();

        await openTrash(page, size.touch, press);
        for (const id of picked) await page.locator(`.trash-item[data-id="${id}"]`).waitFor();
        await waitForText(page.locator(`.trash-item[data-id="${picked[0]}"]`), "Deleted permanently on");
        await shot(page, `${size.name}-trash`);

        await press(page.getByRole("button", { name: `Restore ${picked[0]}` }));
        await press(dialog().getByRole("button", { name: "Restore activity" }));
        await page.locator(`.trash-item[data-id="${picked[0]}"]`).waitFor({ state: "detached" });
        expect((await env.api("GET", `/api/v1/activities/${picked[0]}`)).body.trash).toBeNull();

        await press(page.getByRole("button", { name: `Delete ${picked[1]} permanently` }));
        await waitForText(dialog(), "cannot be undone");
        await press(dialog().getByRole("button", { name: "Delete permanently" }));
        await page.locator(`.trash-item[data-id="${picked[1]}"]`).waitFor({ state: "detached" });
        expect((await env.api("GET", `/api/v1/activities/${picked[1]}`)).status).toBe(404);

        await press(page.getByRole("button", { name: "Empty trash now" }));
        await press(dialog().getByRole("button", { name: "Empty trash now" }));
        await page.getByText("The Trash is empty.").waitFor();
        expect((await env.api("GET", `/api/v1/activities/${picked[2]}`)).status).toBe(404);
        expect((await env.api("GET", "/api/v1/trash")).body.total).toBe(0);
        if (size.touch) expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.viewport.width);
        await shot(page, `${size.name}-trash-empty`);
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  it("moves one activity to the Trash from its action menu, saying it is not canceling", async () => {
    const { context, page } = await newPage(env, { width: 1280, height: 860 });
    try {
      await signIn(page);
      const id = (await rows(page).first().getAttribute("data-id"))!;
      await rows(page).first().click();
      await page.getByRole("complementary", { name: "Activity details" }).getByRole("button", { name: /^Actions for/ }).click();
      await page.getByRole("menuitem", { name: "Move to Trash…" }).click();
      await waitForText(page.getByRole("dialog"), "does not cancel anything");
      await page.getByRole("dialog").getByRole("button", { name: "Move to Trash" }).click();
      await page.locator(`[role=listbox] [role=option][data-id="${id}"]`).waitFor({ state: "detached" });
      expect((await env.api("GET", `/api/v1/activities/${id}`)).body.trash).not.toBeNull();
    } finally {
      await context.close();
    }
  }, 120_000);
});

async function openTrash(page: Page, touch: boolean, press: (l: Locator) => Promise<void>) {
  if (touch) await press(page.getByRole("button", { name: "Views", exact: true }));
  await press(page.getByRole("link", { name: "Trash", exact: true }));
  await page.getByRole("heading", { name: "Trash", exact: true }).waitFor();
}
