import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calDavProviders } from "../../src/integrations/caldav/client.js";
import { calendarConsumer } from "../../src/integrations/caldav/consumer.js";
import { emailConsumer } from "../../src/integrations/email/consumer.js";
import { localTransport } from "../../src/integrations/email/transport.js";
import { sendDueWebhooks, webhooksConsumer } from "../../src/integrations/webhooks/consumer.js";
import { dispatchPending, registerConsumers } from "../../src/jobs/outbox-dispatcher.js";
import { formatDateTime } from "../../web/src/ui/format.js";
import { client, ENGINES, futureSlots, newAccount, startTestServer, TEST_PASSWORD, type TestAccount, type TestServer } from "../support/harness.js";
import { act, book } from "../support/lifecycle-drive.js";
import { startRadicale, type Radicale } from "../support/radicale.js";
import { startReceiver, verifyStandardWebhook, type Receiver } from "../support/webhook-receiver.js";
import { launchBrowser, newPage, pane, shot, waitForText, WEB_DIST } from "./support.js";

/**
 * Settings → Integrations as an admin clicks it, on each engine: add a webhook endpoint pointing at
 * a real local receiver (the signing secret shown once, event types chosen), book, and see the
 * webhook, the e-mail and the calendar (a real CalDAV server, Radicale) delivered in the log; a
 * receiver answering 503 puts the next change's webhook in "retrying" with its next attempt and
 * the receiver's error, filters narrow the log, "Replay" sends it again once the receiver is back;
 * a delivery that gave up after three days (the test clock) comes back with "Replay all failed".
 * The booking's Details pane tells the same story in sentences. A member gets no log; at phone
 * size the page fits. Deliveries are run by the test (the outbox dispatcher and the webhook
 * sender), never by background workers, so every state is seen on purpose.
 */
describe.each(ENGINES)("The Integrations page in the browser on $name", (engine) => {
  let server: TestServer;
  let browser: Browser;
  let radicale: Radicale;
  let receiver: Receiver;
  let acct: TestAccount;
  let context: BrowserContext;
  let page: Page;
  const hookPath = `/hook-${engine.name}`;
  let hookUrl: string;
  let secret = "";
  let endpointId = "";
  let slots: string[];
  const ids = { first: "", second: "" };

  const admin = () => client(server.url, acct.admin.token);
  /** What the workers would do: each consumer's due deliveries, then the due webhook requests. */
  async function deliver() {
    for (const c of [emailConsumer(server.ctx, localTransport()), calendarConsumer(server.ctx), webhooksConsumer(server.ctx)]) await dispatchPending(server.ctx, c);
    await sendDueWebhooks(server.ctx, { timeoutMs: 5_000 });
  }
  const hooksTo = () => receiver.received.filter((r) => r.path === hookPath);
  const logRows = (p: Page) => p.locator(".deliveries-table tbody tr");
  const logRow = (p: Page, activityId: string, integration: string, eventType: string) =>
    logRows(p).filter({ hasText: activityId }).filter({ has: p.locator("td[data-label=Integration]", { hasText: integration }) }).filter({ has: p.locator("code", { hasText: eventType }) });
  const webhookItem = async (activityId: string, eventType: string) =>
    (await admin().get(`/api/v1/deliveries?endpointId=${endpointId}&activityId=${activityId}`)).body.items.find((d: any) => d.eventType === eventType);

  /** Reloads the page (the log refetches on its own only every 10 s) and sets the log's filters. */
  async function showLog(p: Page, integration = "", state = "") {
    await p.reload();
    await p.getByRole("heading", { name: "Delivery log" }).waitFor();
    await p.getByLabel("Integration").selectOption(integration);
    await p.getByLabel("State", { exact: true }).selectOption(state);
    await p.locator(".deliveries-table").or(p.getByText("No deliveries.")).first().waitFor();
  }
  async function expectState(row: Locator, state: string) {
    await row.waitFor();
    await expect.poll(() => row.getAttribute("data-state")).toBe(state);
  }
  async function signInAs(p: Page, email: string) {
    await p.goto("/activities");
    await p.getByLabel("Email").fill(email);
    await p.getByLabel("Password").fill(TEST_PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("navigation", { name: "Main" }).waitFor();
  }
  async function expectNoSidewaysScroll(p: Page) {
    const { scroll, width } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect(scroll).toBeLessThanOrEqual(width);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    server = await startTestServer(engine, { webDist: WEB_DIST });
    server.ctx.calendars = calDavProviders({ allowPrivateNetworks: true, timeoutMs: 3_000 });
    await registerConsumers(server.ctx, [emailConsumer(server.ctx, localTransport()), calendarConsumer(server.ctx), webhooksConsumer(server.ctx)]);
    [radicale, receiver] = await Promise.all([startRadicale(), startReceiver()]);
    hookUrl = `${receiver.url}${hookPath}`;
    acct = await newAccount(server);
    slots = futureSlots(server, 2, 24 * 7); // a week out: still ahead after the clock moves three days
    // The admin hosts the automatic page's bookings, and has connected a calendar (set-up, by the API).
    const user = `admin${engine.name}`;
    await radicale.addUser(user, "app-password-1");
    const cal = await admin().call("PUT", "/api/v1/me/calendar-connection", { serverUrl: radicale.url, username: user, password: "app-password-1" });
    expect(cal.status, JSON.stringify(cal.body)).toBe(200);
    ({ context, page } = await newPage({ browser, server }, { width: 1280, height: 900 }));
    await signInAs(page, acct.admin.email);
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await receiver?.close();
    await radicale?.close();
    await server?.close();
  });

  it("adds a webhook endpoint: event types chosen, the signing secret shown once", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Integrations" }).click();
    await page.waitForURL(/\/settings\/integrations$/);
    await page.getByText("No webhook endpoints yet.").waitFor();
    await page.getByText("No deliveries.").waitFor();

    const form = page.getByRole("form", { name: "Add a webhook endpoint" });
    await form.getByLabel("Endpoint URL").fill(hookUrl);
    await form.getByLabel("Description (optional)").fill("Our CRM bridge");
    // Created and updated are ticked already; add package.created, leave the transactions out.
    expect(await form.getByRole("checkbox", { name: /^activity\.created/ }).isChecked()).toBe(true);
    expect(await form.getByRole("checkbox", { name: /^transaction\.created/ }).isChecked()).toBe(false);
    await form.getByRole("checkbox", { name: /^package\.created/ }).check();
    await form.getByRole("button", { name: "Add endpoint" }).click();

    const shown = page.getByTestId("webhook-secret");
    await shown.waitFor();
    secret = (await shown.textContent())!.trim();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{20,}$/);
    await waitForText(page.getByRole("status").filter({ has: shown }), "It is shown only now");
    const item = page.locator(".endpoint-list li").filter({ hasText: hookUrl });
    await waitForText(item, "Enabled");
    await waitForText(item, "activity.created, activity.updated, package.created");
    await waitForText(item, "Our CRM bridge");
    await shot(page, `integrations-${engine.name}-secret`);

    const listed = await admin().get("/api/v1/webhook-endpoints");
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ url: hookUrl, enabled: true, eventTypes: ["activity.created", "activity.updated", "package.created"] });
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
    endpointId = listed.body.items[0].id;

    // Done hides it, and it never comes back: not after a reload either.
    await page.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "detached" });
    await page.reload();
    await item.waitFor();
    expect(await page.getByTestId("webhook-secret").count()).toBe(0);
    expect(await page.content()).not.toContain(secret.slice(6));
  });

  it("a booking's webhook, e-mail and calendar event show as delivered", async () => {
    ids.first = (await book(server, acct.autoPage.slug, slots[0])).id;
    await deliver();
    // The receiver got one signed message, verifiable with the secret the page showed.
    expect(hooksTo()).toHaveLength(1);
    expect(verifyStandardWebhook(secret, hooksTo()[0].headers, hooksTo()[0].body)).toBe(true);
    expect(JSON.parse(hooksTo()[0].body)).toMatchObject({ type: "activity.created", data: { activity: { id: ids.first } } });

    await showLog(page);
    for (const [integration, type] of [[`webhook ${hookUrl}`, "activity.created"], ["email", "activity.created"], ["calendar", "activity.created"]]) {
      const row = logRow(page, ids.first, integration, type);
      await expectState(row, "delivered");
      await waitForText(row.locator("td[data-label=State]"), /^delivered .*\d:\d\d/); // with the time it was delivered
    }
    await logRows(page).first().scrollIntoViewIfNeeded();
    await shot(page, `integrations-${engine.name}-delivered`);
  });

  it("a receiver answering 503: the webhook is retrying, with its next attempt and the receiver's error; filters narrow the log", async () => {
    receiver.behave(hookPath, { status: 503 });
    await act(admin(), ids.first, "cancel", { reason: "Customer asked" });
    await deliver();
    expect(hooksTo()).toHaveLength(2);
    const failing = await webhookItem(ids.first, "activity.updated");
    expect(failing).toMatchObject({ state: "retrying", attempts: 1, lastStatus: 503 });

    // One endpoint's log: the delivered booking and the retrying cancel.
    await showLog(page, `webhooks:${endpointId}`);
    await expect.poll(() => logRows(page).count()).toBe(2);
    const row = logRow(page, ids.first, "webhook", "activity.updated");
    await expectState(row, "retrying");
    const stateCell = row.locator("td[data-label=State]");
    await waitForText(stateCell, `next ${formatDateTime(failing.nextAttemptAt, "UTC")}`);
    await waitForText(stateCell.locator(".delivery-error"), "503 Service Unavailable: receiver says 503");
    await row.scrollIntoViewIfNeeded();
    await shot(page, `integrations-${engine.name}-retrying`);

    // By state: only the retrying one; e-mail has none retrying, and its own rows are all delivered.
    await page.getByLabel("State", { exact: true }).selectOption("retrying");
    await expect.poll(() => logRows(page).count()).toBe(1);
    await expectState(logRows(page).first(), "retrying");
    await page.getByLabel("Integration").selectOption("email");
    await page.getByText("No deliveries.").waitFor();
    await page.getByLabel("State", { exact: true }).selectOption("");
    await expect.poll(async () => [...new Set(await logRows(page).locator("td[data-label=Integration]").allTextContents())]).toEqual(["email"]);
    await expectState(logRow(page, ids.first, "email", "activity.updated"), "delivered");
    await page.getByLabel("Integration").selectOption("");
    await page.getByLabel("State", { exact: true }).selectOption("delivered");
    await expect.poll(() => logRow(page, ids.first, "webhook", "activity.updated").count()).toBe(0);
    await logRow(page, ids.first, "calendar", "activity.updated").waitFor();
    expect(await logRows(page).evaluateAll((trs) => trs.every((tr) => tr.getAttribute("data-state") === "delivered"))).toBe(true);
  });

  it("the booking's Details pane says what its changes caused, the failing webhook too", async () => {
    const failing = await webhookItem(ids.first, "activity.updated");
    const hhmm = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(failing.nextAttemptAt));
    await page.goto(`/activities?open=${ids.first}`);
    const lines = pane(page).locator(".deliveries-list li");
    await waitForText(lines, new RegExp(`^Webhook failed: 503, retrying (\\d+ \\w+ )?${hhmm}$`));
    for (const s of [/^Confirmation e-mailed /, /^Cancellation e-mailed /, /^Calendar event created$/, /^Calendar event canceled$/, /^Webhook activity\.created sent /]) await waitForText(lines, s);
    await pane(page).locator(".deliveries-list").scrollIntoViewIfNeeded();
    await shot(page, `integrations-${engine.name}-details-retrying`);
  });

  it("replays the retrying delivery once the receiver is back: it is sent and delivered", async () => {
    receiver.behave(hookPath, { status: 204 });
    await page.goto("/settings/integrations");
    await showLog(page, `webhooks:${endpointId}`, "retrying");
    await page.getByRole("button", { name: `Replay activity.updated to webhooks for ${ids.first}` }).click();
    // Back to pending at once (a fresh retry schedule): no longer among the retrying.
    await page.getByText("No deliveries.").waitFor();
    expect(await webhookItem(ids.first, "activity.updated")).toMatchObject({ state: "pending", attempts: 0 });
    await deliver();
    expect(hooksTo()).toHaveLength(3);
    // Each attempt of one event to one endpoint has the same webhook-id (receivers dedupe by it).
    expect(hooksTo()[2].headers["webhook-id"]).toBe(hooksTo()[1].headers["webhook-id"]);
    expect(verifyStandardWebhook(secret, hooksTo()[2].headers, hooksTo()[2].body)).toBe(true);
    await page.getByLabel("State", { exact: true }).selectOption("delivered");
    await expectState(logRow(page, ids.first, "webhook", "activity.updated"), "delivered");

    await page.goto(`/activities?open=${ids.first}`);
    const lines = pane(page).locator(".deliveries-list li");
    await waitForText(lines, /^Webhook activity\.updated sent /);
    expect(await lines.filter({ hasText: "failed" }).count()).toBe(0);
  });

  it("a delivery that gave up after three days is failed with the receiver's error; 'Replay all failed' sends it", async () => {
    receiver.behave(hookPath, { status: 503 });
    ids.second = (await book(server, acct.autoPage.slug, slots[1])).id;
    await deliver();
    expect(await webhookItem(ids.second, "activity.created")).toMatchObject({ state: "retrying" });
    // Three days later the next attempt fails too, and that was the last one.
    server.clock.moveTo(new Date(server.clock.now().getTime() + 3 * 86_400_000 + 60_000));
    await deliver();
    expect(await webhookItem(ids.second, "activity.created")).toMatchObject({ state: "failed", attempts: 2 });

    await page.goto("/settings/integrations");
    await showLog(page, `webhooks:${endpointId}`, "failed");
    const row = logRow(page, ids.second, "webhook", "activity.created");
    await expectState(row, "failed");
    await waitForText(row.locator(".delivery-error"), "503 Service Unavailable: receiver says 503");
    await row.scrollIntoViewIfNeeded();
    await expect.poll(() => logRows(page).count()).toBe(1);
    await shot(page, `integrations-${engine.name}-failed`);

    receiver.behave(hookPath, { status: 200 });
    await page.getByRole("button", { name: "Replay all failed" }).click();
    await page.getByText("1 failed delivery put back to pending").waitFor();
    await page.getByText("No deliveries.").waitFor();
    await deliver();
    await page.getByLabel("State", { exact: true }).selectOption("delivered");
    await expectState(logRow(page, ids.second, "webhook", "activity.created"), "delivered");
    expect(JSON.parse(hooksTo().at(-1)!.body)).toMatchObject({ type: "activity.created", data: { activity: { id: ids.second } } });
    expect((await admin().get("/api/v1/deliveries?state=failed")).body.items).toEqual([]);
  });

  it("a member gets no Integrations page, and the API refuses them the log", async () => {
    const { context: c, page: p } = await newPage({ browser, server }, { width: 1280, height: 900 });
    try {
      await signInAs(p, acct.viewer.email);
      // Settings lists no Integrations link for them; the address itself shows only the refusal.
      await p.goto("/settings/profile");
      const nav = p.getByRole("navigation", { name: "Settings" });
      await nav.getByRole("link", { name: "Your profile" }).waitFor();
      expect(await nav.getByRole("link", { name: "Integrations" }).count()).toBe(0);
      await p.goto("/settings/integrations");
      await p.getByText("Only an admin can see the account's integrations.").waitFor();
      expect(await p.getByRole("heading", { name: "Delivery log" }).count()).toBe(0);
      expect(await p.getByRole("form", { name: "Add a webhook endpoint" }).count()).toBe(0);
      expect(await p.content()).not.toContain(hookUrl);
      const member = client(server.url, acct.viewer.token);
      for (const path of ["/api/v1/deliveries", "/api/v1/webhook-endpoints"]) expect((await member.get(path)).status, path).toBe(403);
      expect((await member.post("/api/v1/deliveries/replay-failed", {})).status).toBe(403);
      // Whoever may see the booking still sees its deliveries, as sentences, in the Details pane.
      await p.goto(`/activities?open=${ids.first}`);
      await waitForText(pane(p).locator(".deliveries-list li"), /^Webhook activity\.updated sent /);
    } finally {
      await c.close();
    }
  });

  it("fits a phone: the endpoint, a rotated secret and the log, without sideways scrolling", async () => {
    const { context: c, page: p } = await newPage({ browser, server }, { width: 390, height: 844 });
    try {
      await signInAs(p, acct.admin.email);
      await p.goto("/settings/integrations");
      await logRows(p).first().waitFor();
      await expectNoSidewaysScroll(p);
      // Rotating shows the new secret once (after a confirmation); it must fit too.
      p.once("dialog", (d) => void d.accept());
      await p.locator(".endpoint-list li").filter({ hasText: hookUrl }).getByRole("button", { name: "Rotate secret" }).click();
      const rotated = p.getByTestId("webhook-secret");
      await rotated.waitFor();
      expect((await rotated.textContent())!.trim()).not.toBe(secret);
      await rotated.scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(p);
      await shot(p, `integrations-${engine.name}-phone-secret`);
      await logRows(p).last().scrollIntoViewIfNeeded();
      await expectNoSidewaysScroll(p);
      await shot(p, `integrations-${engine.name}-phone-log`);
    } finally {
      await c.close();
    }
  });
});
