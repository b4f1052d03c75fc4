import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertBookingPage } from "../src/store/pages-repo.js";
import {
  ENGINES,
  WEEKDAYS_9_TO_17,
  client,
  customer,
  futureSlots,
  newAccount,
  startTestServer,
  type ApiResponse,
  type TestAccount,
  type TestServer,
} from "./support/harness.js";
import { book, hoursAfter } from "./support/lifecycle-drive.js";

/**
 * How the API says no: every error is {error:{code, message, details}}; 400 names the field at
 * fault, 401 when not signed in, 404 for an unknown route, 409 for a taken time, 422 for a time
 * that cannot be booked, 429 after too many sign-in attempts (the harness allows 5 a minute).
 * Meetings are two years ahead so no other file's test clock reaches them on a shared PostgreSQL.
 */
const FAR_AHEAD_HOURS = 2 * 365 * 24;

function expectError(r: ApiResponse, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
  expect(r.body.error.message.length).toBeGreaterThan(0);
}

describe.each(ENGINES)("API errors on $name", (engine) => {
  let server: TestServer;
  let acct: TestAccount;
  let bookingId: string;
  beforeAll(async () => {
    server = await startTestServer(engine);
    acct = await newAccount(server);
    bookingId = (await book(server, acct.autoPage.slug, futureSlots(server, 1, FAR_AHEAD_HOURS)[0])).id;
  });
  afterAll(async () => server?.close());

  const admin = () => client(server.url, acct.admin.token);
  const pub = () => client(server.url);
  const slot = () => futureSlots(server, 1, FAR_AHEAD_HOURS + 24)[0];
  const bookings = () => `/api/v1/public/pages/${acct.autoPage.slug}/bookings`;
  const action = (name: string) => `/api/v1/activities/${bookingId}/actions/${name}`;

  const invalidInputs: [string, () => Promise<ApiResponse>, string][] = [
    ["a start that is not a date-time", () => pub().post(bookings(), { start: "next tuesday", customer: customer() }), "body.start"],
    ["a bad customer e-mail", () => pub().post(bookings(), { start: slot(), customer: { ...customer(), email: "not-an-email" } }), "body.customer.email"],
    ["a booking without its customer", () => pub().post(bookings(), { start: slot() }), "body.customer"],
    ["an extra body property", () => pub().post(bookings(), { start: slot(), customer: customer(), coupon: "FREE" }), "body.coupon"],
    ["an event type the page does not have", () => pub().post(bookings(), { start: slot(), customer: customer(), eventTypeId: "00000000-0000-4000-8000-000000000000" }), "eventTypeId"],
    ["an extra property in an action body", () => admin().post(action("cancel"), { reason: "x", force: true }), "body.force"],
    ["an unknown action name", () => admin().post(action("delete"), {}), "params.action"],
    ["a malformed activity ID", () => admin().get("/api/v1/activities/BKNG_12!"), "params.id"],
    ["a reschedule without its new start", () => admin().post(action("reschedule"), { reason: "Moved" }), "start"],
    ["a reassign without the new host", () => admin().post(action("reassign"), {}), "ownerId"],
    ["a reassign to a host that is not a UUID", () => admin().post(action("reassign"), { ownerId: "bob" }), "body.ownerId"],
    ["limit=0", () => admin().get("/api/v1/activities?limit=0"), "querystring.limit"],
    ["an unknown detailed status filter", () => admin().get("/api/v1/activities?detailedStatus=Scheduled%20(By%20robot)"), "querystring.detailedStatus.0"],
    ["a malformed cursor", () => admin().get("/api/v1/activities?cursor=not-a-cursor"), "cursor"],
    ["moving the test clock back", () => client(server.url, server.clockToken).post("/api/v1/test-clock", { now: "2001-01-01T00:00:00Z" }), "now"],
    ["a well-encoded cursor of the wrong shape", () => admin().get(`/api/v1/activities?cursor=${Buffer.from('{"a":1}').toString("base64url")}`), "cursor"],
  ];

  it.each(invalidInputs)("%s answers 400 validation_failed naming the field", async (_what, send, field) => {
    const r = await send();
    expectError(r, 400, "validation_failed");
    expect(r.body.error.details.field).toBe(field);
    expect(r.body.error.message).toContain(field);
  });

  it("a free-text query that does not parse answers 400 invalid_query with the position of the fault", async () => {
    for (const [q, position] of [['"abc', 0], ["ann OR", 4], ["(ann", 0], ["nofield:x", 0]] as const) {
      const r = await admin().get(`/api/v1/activities?q=${encodeURIComponent(q)}`);
      expectError(r, 400, "invalid_query");
      expect(r.body.error.details, q).toMatchObject({ query: q, position });
    }
  });

  it("without a session or API token the back office answers 401 with the error shape", async () => {
    for (const r of [
      await pub().get("/api/v1/activities"),
      await pub().get(`/api/v1/activities/${bookingId}`),
      await pub().post(action("cancel"), {}),
      await pub().get("/api/v1/me"),
      await client(server.url, "bst_not-a-real-token").get("/api/v1/activities"),
    ]) {
      expectError(r, 401, "unauthenticated");
    }
    expect((await admin().get(`/api/v1/activities/${bookingId}`)).body.detailedStatus, "nothing was canceled").toBe("Scheduled (By customer)");
  });

  it("an unknown route answers 404 in JSON", async () => {
    expectError(await admin().get("/api/v1/nothing-here"), 404, "not_found");
    expectError(await pub().post("/api/v1/public/pages/no-such-page-anywhere/bookings", { start: slot(), customer: customer() }), 404, "not_found");
  });

  it("a customer cannot book in the past or outside the page's open hours (422), nor propose such times", async () => {
    const past = new Date(server.clock.now().getTime() - 3_600_000);
    past.setUTCMinutes(0, 0, 0);
    const inPast = await pub().post(bookings(), { start: past.toISOString(), customer: customer() });
    expectError(inPast, 422, "unprocessable");
    expect(inPast.body.error.details.field).toBe("start");
    const proposedPast = await pub().post(`/api/v1/public/pages/${acct.approvalPage.slug}/requests`, { proposedTimes: [past.toISOString()], customer: customer() });
    expectError(proposedPast, 422, "unprocessable");

    const slug = `office-${randomUUID().slice(0, 8)}`;
    await insertBookingPage(server.handle.db, {
      id: randomUUID(), account_id: acct.accountId, slug, name: "Office hours", owner_id: acct.outsider.id,
      time_zone: "UTC", duration_minutes: 30, mode: "automatic", location: null, open_hours: WEEKDAYS_9_TO_17,
    });
    // A Saturday at 10:00 and a Wednesday at 20:00 and 16:45 (ends after 17:00), all UTC.
    const day = new Date(slot());
    day.setUTCHours(0, 0, 0, 0);
    const next = (weekday: number, hour: number, minute = 0) => {
      const d = new Date(day.getTime() + (((weekday - day.getUTCDay() + 7) % 7) * 24 + hour) * 3_600_000 + minute * 60_000);
      return d.toISOString();
    };
    for (const start of [next(6, 10), next(3, 20), next(3, 16, 45)]) {
      const r = await pub().post(`/api/v1/public/pages/${slug}/bookings`, { start, customer: customer() });
      expectError(r, 422, "unprocessable");
      expect(r.body.error.details.field, start).toBe("start");
    }
    expect((await pub().post(`/api/v1/public/pages/${slug}/bookings`, { start: next(3, 10), customer: customer() })).status, "inside the open hours").toBe(201);
  });

  it("booking a time the host already has answers 409 slot_unavailable, for a customer and for a user booking on their behalf", async () => {
    const start = hoursAfter(slot(), 5);
    await book(server, acct.autoPage.slug, start);
    expectError(await pub().post(bookings(), { start, customer: customer(2) }), 409, "slot_unavailable");
    const onBehalf = await admin().post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start, customer: customer(3) });
    expectError(onBehalf, 409, "slot_unavailable");
  });

  it("signing in sets a session cookie that authorises /api/v1/me, and signing out ends the session", async () => {
    const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: acct.member.email, password: "correct horse battery" }),
    });
    expect(signIn.status).toBe(200);
    expect((await signIn.json()).user.email).toBe(acct.member.email);
    const setCookie = signIn.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    const cookie = setCookie.split(";")[0];
    const me = await client(server.url).get("/api/v1/me", { cookie });
    expect([me.status, me.body.user?.id, me.body.account?.id]).toEqual([200, acct.member.id, acct.accountId]);

    const out = await fetch(`${server.url}/api/v1/auth/sign-out`, { method: "POST", headers: { cookie } });
    expect(out.status).toBe(204);
    expectError(await client(server.url).get("/api/v1/me", { cookie }), 401, "unauthenticated");
  });

  // Runs last: it uses up this server's sign-in attempts for the minute.
  it("a wrong password answers 401, and repeated attempts are cut off with 429 (even with the right password)", async () => {
    const signIn = (password: string) => client(server.url).post("/api/v1/auth/sign-in", { email: acct.admin.email, password });
    expectError(await signIn("wrong password"), 401, "unauthenticated");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn("still wrong")).status);
    const firstLimited = statuses.indexOf(429);
    expect(firstLimited, `statuses: ${statuses}`).toBeGreaterThanOrEqual(0);
    expect(statuses.slice(0, firstLimited).every((s) => s === 401) && statuses.slice(firstLimited).every((s) => s === 429), `statuses: ${statuses}`).toBe(true);
    // The limit is 5 a minute: 1 + firstLimited attempts were answered in this test.
    expect(1 + firstLimited).toBeLessThanOrEqual(5);
    expectError(await signIn("correct horse battery"), 429, "rate_limited");
  });
});
