import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DAVCalendarObject } from "tsdav";
import { calDavProviders } from "../src/integrations/caldav/client.js";
import { CALENDAR_CONSUMER, calendarConsumer } from "../src/integrations/caldav/consumer.js";
import { CalendarPeerError } from "../src/integrations/caldav/provider.js";
import { refreshAllBusyTimes } from "../src/app/calendar/refresh-busy.js";
import { dispatchPending } from "../src/jobs/outbox-dispatcher.js";
import { registerConsumer } from "../src/store/outbox-repo.js";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer, type TestUser } from "./support/harness.js";
import { act, book, customerDoes, hoursAfter, moveClock } from "./support/lifecycle-drive.js";
import { startFlakyProxy, type FlakyProxy } from "./support/flaky-proxy.js";
import { startRadicale, type Radicale } from "./support/radicale.js";
import { ALL_WEEK, createPage, slots } from "./support/scheduling.js";

/**
 * The connected calendar against a real CalDAV server (Radicale): what each lifecycle change
 * leaves in the host's calendar (read back with tsdav), busy times blocking slots and bookings,
 * the private feed, and deliveries surviving a server that is down or answers 5xx.
 */
describe.each(ENGINES)("connected calendars (CalDAV, Radicale) on $name", (engine) => {
  let server: TestServer;
  let radicale: Radicale;
  let flaky: FlakyProxy;
  let n = 0;
  beforeAll(async () => {
    server = await startTestServer(engine);
    server.ctx.calendars = calDavProviders({ allowPrivateNetworks: true, timeoutMs: 3000 });
    await registerConsumer(server.handle.db, CALENDAR_CONSUMER);
    radicale = await startRadicale();
    flaky = await startFlakyProxy(radicale.url);
  }, 60_000);
  afterAll(async () => {
    await flaky?.close();
    await radicale?.close();
    await server?.close();
  });

  const consumer = () => calendarConsumer(server.ctx);
  const deliver = () => dispatchPending(server.ctx, consumer());

  /** A Radicale user with a calendar, connected by `user` through the API. */
  async function connect(user: TestUser, via = radicale.url) {
    const name = `u${++n}${engine.name}`;
    const password = `app-pw-${n}-secret`;
    const { calendarUrls } = await radicale.addUser(name, password, ["work"]);
    const r = await client(server.url, user.token).call("PUT", "/api/v1/me/calendar-connection", { serverUrl: via, username: name, password });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { name, password, calendarUrl: calendarUrls[0], answer: r.body };
  }

  async function objects(who: { name: string; password: string }): Promise<DAVCalendarObject[]> {
    const c = await radicale.client(who.name, who.password);
    return c.fetchCalendarObjects({ calendar: { url: `${radicale.url}/${who.name}/work/` } });
  }
  const uidOf = (id: string) => `${id}@bookstream.test`;
  const prop = (ics: string, name: string) => new RegExp(`^${name}(?:;[^:]*)?:(.*)$`, "m").exec(ics.replace(/\r\n[ \t]/g, ""))?.[1]?.trim();
  async function eventOf(who: { name: string; password: string }, id: string) {
    const found = (await objects(who)).filter((o) => prop(o.data, "UID") === uidOf(id));
    expect(found.length).toBeLessThanOrEqual(1);
    return found[0]?.data as string | undefined;
  }
  const icsTime = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d{3}/, "");

  it("connects with a checked app password that is sealed at rest and never answered; refuses bad ones with 422; admins see members' state", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const bad = await admin.call("PUT", "/api/v1/me/calendar-connection", { serverUrl: radicale.url, username: "nobody", password: "wrong" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toMatchObject({ field: "password", reason: "credentials_refused" });
    const ftp = await admin.call("PUT", "/api/v1/me/calendar-connection", { serverUrl: "ftp://cal.example.com/", username: "a", password: "b" });
    expect(ftp.status).toBe(400);
    expect((await admin.get("/api/v1/me/calendar-connection")).body).toEqual({ connected: false, userId: acct.admin.id });

    const c = await connect(acct.admin);
    expect(c.answer).toMatchObject({ connected: true, provider: "caldav", username: c.name, calendarUrl: c.calendarUrl, calendarName: "work", busyError: null });
    const seen = [c.answer, (await admin.get("/api/v1/me/calendar-connection")).body, (await admin.get(`/api/v1/users/${acct.admin.id}/calendar-connection`)).body];
    for (const s of seen) expect(JSON.stringify(s)).not.toContain(c.password);
    const row = await server.handle.executeSql("SELECT password_sealed FROM calendar_connections WHERE user_id = $1", [acct.admin.id]);
    expect(row.rows[0].password_sealed).toMatch(/^bs1\./);
    expect(row.rows[0].password_sealed).not.toContain(c.password);
    expect((await client(server.url, acct.member.token).get(`/api/v1/users/${acct.admin.id}/calendar-connection`)).status).toBe(403);
    expect((await admin.get(`/api/v1/users/${acct.member.id}/calendar-connection`)).body).toEqual({ connected: false, userId: acct.member.id });
    // Choosing a calendar by URL: one that is not this user's is refused.
    const other = await admin.call("PUT", "/api/v1/me/calendar-connection", { serverUrl: radicale.url, username: c.name, password: c.password, calendarUrl: `${radicale.url}/${c.name}/nope/` });
    expect(other.status).toBe(422);
    expect(other.body.error.details.field).toBe("calendarUrl");
  });

  it("refuses calendar servers on private networks unless the operator allows them (SSRF guard)", async () => {
    const guarded = calDavProviders({ allowPrivateNetworks: false }).forCredentials({ serverUrl: radicale.url, username: "x", password: "y" });
    for (const url of [radicale.url, "http://169.254.169.254/", "http://[::1]:80/", "http://10.1.2.3/", "http://user:pw@example.com/"]) {
      const p = calDavProviders({ allowPrivateNetworks: false }).forCredentials({ serverUrl: url, username: "x", password: "y" });
      await expect(p.connect()).rejects.toBeInstanceOf(CalendarPeerError);
    }
    await expect(guarded.putEvent(`${radicale.url}/x/work/`, "a", "b")).rejects.toThrow(/private or reserved/);
  });

  it("a booking becomes an event with its Booking ID; a customer's reschedule moves it under the same UID; a cancel keeps it as CANCELLED with SEQUENCE raised", async () => {
    const acct = await newAccount(server);
    const cal = await connect(acct.admin);
    const [s1, s2] = futureSlots(server, 2, 72);
    const b = await book(server, acct.autoPage.slug, s1, { customer: { ...customer(), name: "Dana Client" } });
    await deliver();
    let ics = (await eventOf(cal, b.id))!;
    expect(ics).toBeDefined();
    expect(prop(ics, "DTSTART")).toBe(icsTime(s1));
    expect(prop(ics, "STATUS")).toBe("CONFIRMED");
    expect(prop(ics, "SUMMARY")).toContain("Dana Client");
    expect(prop(ics, "DESCRIPTION")).toContain(`Booking ID: ${b.id}`);
    const seq1 = Number(prop(ics, "SEQUENCE"));
    // Delivering again (a retry after a lost answer) writes the same event, never a second one.
    await server.handle.executeSql("UPDATE outbox_deliveries SET status = 'pending', next_attempt_at = now() - interval '1 minute' WHERE consumer = $1 AND activity_id = $2", [CALENDAR_CONSUMER, b.id]);
    await deliver();
    expect((await objects(cal)).length).toBe(1);

    await customerDoes(server, b.token, "reschedule", { start: s2 });
    await deliver();
    ics = (await eventOf(cal, b.id))!;
    expect(prop(ics, "DTSTART")).toBe(icsTime(s2));
    const seq2 = Number(prop(ics, "SEQUENCE"));
    expect(seq2).toBeGreaterThan(seq1);

    await customerDoes(server, b.token, "cancel", { reason: "Flu" });
    await deliver();
    ics = (await eventOf(cal, b.id))!;
    expect(prop(ics, "STATUS")).toBe("CANCELLED");
    expect(Number(prop(ics, "SEQUENCE"))).toBeGreaterThan(seq2);
    expect((await objects(cal)).length).toBe(1);
  });

  it("a user's reschedule (a new related booking) cancels the old event and writes a new UID; a reassign moves the event to the new host's calendar", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const adminCal = await connect(acct.admin);
    const memberCal = await connect(acct.member);
    const [s1, s2, s3] = futureSlots(server, 3, 96);
    const b = await book(server, acct.autoPage.slug, s1);
    await deliver();
    const moved = await act(admin, b.id, "reschedule", { reason: "Host travelling", start: s2 });
    const newId = moved.created.id as string;
    expect(newId).not.toBe(b.id);
    await deliver();
    expect(prop((await eventOf(adminCal, b.id))!, "STATUS")).toBe("CANCELLED");
    expect(prop((await eventOf(adminCal, newId))!, "DTSTART")).toBe(icsTime(s2));

    const c = await book(server, acct.autoPage.slug, s3);
    await deliver();
    expect(await eventOf(adminCal, c.id)).toBeDefined();
    await act(admin, c.id, "reassign", { ownerId: acct.member.id });
    await deliver();
    expect(await eventOf(adminCal, c.id)).toBeUndefined();
    expect(prop((await eventOf(memberCal, c.id))!, "STATUS")).toBe("CONFIRMED");
    const copies = await server.handle.executeSql("SELECT user_id FROM calendar_event_copies WHERE activity_id = $1", [c.id]);
    expect(copies.rows).toEqual([{ user_id: acct.member.id }]);
  });

  it("each session of a session package gets its own event; hosts without a calendar are skipped as delivered", async () => {
    const acct = await newAccount(server);
    const cal = await connect(acct.admin);
    const page = await createPage(server, acct.admin, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00"), packagesEnabled: true, maxPackageSessions: 3 });
    const starts = futureSlots(server, 3, 120);
    const r = await client(server.url).post(`/api/v1/public/pages/${page.slug}/packages`, { starts, customer: customer() });
    expect(r.status).toBe(201);
    await deliver();
    for (const [i, s] of r.body.sessions.entries()) {
      const ics = (await eventOf(cal, s.activity.id))!;
      expect(prop(ics, "DTSTART")).toBe(icsTime(starts[i]));
      expect(prop(ics, "DESCRIPTION")).toContain(`Booking ID: ${s.activity.id}`);
    }
    // The approval page's member has no calendar: the delivery is done, with nothing written.
    const other = await newAccount(server);
    const lone = await book(server, other.autoPage.slug, futureSlots(server, 1, 130)[0]);
    await deliver();
    const d = await server.handle.executeSql("SELECT status FROM outbox_deliveries WHERE consumer = $1 AND activity_id = $2", [CALENDAR_CONSUMER, lone.id]);
    expect(d.rows.map((x) => x.status)).toEqual(["delivered"]);
  });

  it("a recurring event in the calendar blocks each of its occurrences (expanded by Bookstream), not the one excluded", async () => {
    const acct = await newAccount(server);
    const cal = await connect(acct.admin);
    const [first] = futureSlots(server, 1, 150);
    const week = (n: number) => hoursAfter(first, 24 * 7 * n);
    const dav = await radicale.client(cal.name, cal.password);
    await dav.createCalendarObject({
      calendar: { url: cal.calendarUrl },
      filename: "weekly.ics",
      iCalString: ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:weekly-1", `DTSTAMP:${icsTime(first)}`,
        `DTSTART:${icsTime(first)}`, `DTEND:${icsTime(hoursAfter(first, 1))}`, "RRULE:FREQ=WEEKLY;COUNT=4", `EXDATE:${icsTime(week(1))}`,
        "SUMMARY:Team sync", "END:VEVENT", "END:VCALENDAR", ""].join("\r\n"),
    });
    const refreshed = await client(server.url, acct.admin.token).post("/api/v1/me/calendar-connection/refresh");
    expect(refreshed.body).toMatchObject({ ok: true, connection: { busyTimes: 3, busyError: null } });
    for (const n of [0, 2, 3]) {
      const open = await slots(server, acct.autoPage.slug, week(n), hoursAfter(week(n), 2));
      expect(open.map((s) => s.startUtc), `week ${n}`).not.toContain(week(n));
    }
    const excluded = await slots(server, acct.autoPage.slug, week(1), hoursAfter(week(1), 2));
    expect(excluded.map((s) => s.startUtc)).toContain(week(1));
    const after = await slots(server, acct.autoPage.slug, week(4), hoursAfter(week(4), 2));
    expect(after.map((s) => s.startUtc)).toContain(week(4));
  });

  it("busy times in the calendar block slots and bookings (409), the host's own events are not busy twice, and refresh runs on demand and on schedule", async () => {
    const acct = await newAccount(server);
    const cal = await connect(acct.admin);
    const me = client(server.url, acct.admin.token);
    const [busy, free, own] = futureSlots(server, 3, 150);
    const dav = await radicale.client(cal.name, cal.password);
    await dav.createCalendarObject({
      calendar: { url: cal.calendarUrl },
      filename: "dentist.ics",
      iCalString: ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", "BEGIN:VEVENT", "UID:dentist-1", `DTSTAMP:${icsTime(busy)}`, `DTSTART:${icsTime(busy)}`, `DTEND:${icsTime(hoursAfter(busy, 1))}`, "SUMMARY:Dentist", "END:VEVENT", "END:VCALENDAR", ""].join("\r\n"),
    });
    const before = await slots(server, acct.autoPage.slug, busy, hoursAfter(busy, 3));
    expect(before.map((s) => s.startUtc)).toContain(busy);
    const refreshed = await me.post("/api/v1/me/calendar-connection/refresh");
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ ok: true, connection: { busyTimes: 1, busyError: null } });
    const age = server.clock.now().getTime() - Date.parse(refreshed.body.connection.busyFetchedAt);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60_000);
    const after = await slots(server, acct.autoPage.slug, busy, hoursAfter(busy, 3));
    expect(after.map((s) => s.startUtc)).not.toContain(busy);
    expect(after.map((s) => s.startUtc)).toContain(free);
    const taken = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: busy, customer: customer() });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("slot_unavailable");
    // A user may book over it only by saying so (they may know the other meeting can move).
    const staff = await me.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: busy, customer: customer(), ownerId: acct.admin.id });
    expect(staff.status).toBe(422);
    expect(staff.body.error.details.reason).toBe("busy");
    const anyway = await me.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: busy, customer: customer(), ownerId: acct.admin.id, override: true });
    expect(anyway.status).toBe(201);

    // Bookstream's own event, read back, is not a second busy time (it is busy as the booking).
    const b = await book(server, acct.autoPage.slug, own);
    await deliver();
    expect(await eventOf(cal, b.id)).toBeDefined();
    expect(await refreshAllBusyTimes(server.ctx)).toBeGreaterThanOrEqual(1);
    expect((await me.get("/api/v1/me/calendar-connection")).body.busyTimes).toBe(1);
    // Disconnecting forgets the busy times (the booking made over it with override stays).
    expect((await me.call("DELETE", "/api/v1/me/calendar-connection")).status).toBe(204);
    const left = await server.handle.executeSql("SELECT count(*)::int AS n FROM calendar_busy WHERE owner_id = $1", [acct.admin.id]);
    expect(left.rows[0].n).toBe(0);
    expect((await me.call("DELETE", "/api/v1/me/calendar-connection")).status).toBe(404);
  });

  it("a private feed lists the user's meetings, rotates and is revoked; the customer's 'add to calendar' file comes from the server", async () => {
    const acct = await newAccount(server);
    const me = client(server.url, acct.admin.token);
    const [s1] = futureSlots(server, 1, 200);
    const b = await book(server, acct.autoPage.slug, s1);
    expect((await me.get("/api/v1/me/calendar-feed")).body).toEqual({ active: false, createdAt: null });
    const made = await me.post("/api/v1/me/calendar-feed");
    expect(made.status).toBe(201);
    const url = made.body.url as string;
    expect(url).toMatch(/^http:\/\/bookstream\.test\/api\/v1\/feeds\/[A-Za-z0-9_-]{32}\.ics$/);
    const path = url.replace("http://bookstream.test", "");
    const feed = await fetch(server.url + path);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toContain("text/calendar");
    const text = await feed.text();
    expect(text).toContain(`UID:${uidOf(b.id)}`);
    expect(text).toContain(`Booking ID: ${b.id}`);
    expect((await me.get("/api/v1/me/calendar-feed")).body.active).toBe(true);
    const stored = await server.handle.executeSql("SELECT token_hash FROM calendar_feeds WHERE user_id = $1", [acct.admin.id]);
    expect(url).not.toContain(stored.rows[0].token_hash);
    // Rotating: the old URL stops working.
    const rotated = await me.post("/api/v1/me/calendar-feed");
    expect((await fetch(server.url + path)).status).toBe(404);
    const path2 = (rotated.body.url as string).replace("http://bookstream.test", "");
    expect((await fetch(server.url + path2)).status).toBe(200);
    expect((await me.call("DELETE", "/api/v1/me/calendar-feed")).status).toBe(204);
    expect((await fetch(server.url + path2)).status).toBe(404);
    // The member's feed does not show the admin's meetings.
    const memberFeed = await client(server.url, acct.member.token).post("/api/v1/me/calendar-feed");
    expect(await (await fetch(server.url + (memberFeed.body.url as string).replace("http://bookstream.test", ""))).text()).not.toContain(b.id);

    const file = await fetch(`${server.url}/api/v1/public/manage/${b.token}/calendar.ics`);
    expect(file.status).toBe(200);
    const ics = await file.text();
    expect(ics).toContain(`UID:${uidOf(b.id)}`);
    expect(ics).toContain(`DTSTART:${icsTime(s1)}`);
    expect(ics.replace(/\r\n[ \t]/g, "")).toContain(`/manage/${b.token}`);
    expect((await fetch(`${server.url}/api/v1/public/manage/${"x".repeat(43)}/calendar.ics`)).status).toBe(404);
  });

  it("a calendar server that is down or answers 5xx is retried with back-off, and the event is written once", async () => {
    const acct = await newAccount(server);
    const cal = await connect(acct.admin, flaky.url);
    const [s1] = futureSlots(server, 1, 240);
    flaky.failNext(2, 503);
    const b = await book(server, acct.autoPage.slug, s1);
    await deliver();
    const state = async () =>
      (await server.handle.executeSql("SELECT status, attempts, last_error, next_attempt_at FROM outbox_deliveries WHERE consumer = $1 AND activity_id = $2", [CALENDAR_CONSUMER, b.id])).rows[0];
    let d = await state();
    expect(d).toMatchObject({ status: "pending", attempts: 1 });
    expect(d.last_error).toContain("503");
    const firstWait = new Date(d.next_attempt_at).getTime() - server.clock.now().getTime();
    // 5 s after the failed attempt (the test clock runs on meanwhile).
    expect(firstWait).toBeGreaterThan(2_000);
    expect(firstWait).toBeLessThanOrEqual(5_000);
    await deliver(); // not due yet: nothing happens
    expect((await state()).attempts).toBe(1);
    await moveClock(server, new Date(server.clock.now().getTime() + 5_000));
    await deliver();
    d = await state();
    expect(d.attempts).toBe(2);
    const secondWait = new Date(d.next_attempt_at).getTime() - server.clock.now().getTime();
    expect(secondWait).toBeGreaterThan(7_000);
    expect(secondWait).toBeLessThanOrEqual(10_000);
    // Then the server goes away entirely.
    await radicale.stop();
    try {
      await moveClock(server, new Date(server.clock.now().getTime() + 10_000));
      await deliver();
      d = await state();
      expect(d).toMatchObject({ status: "pending", attempts: 3 });
    } finally {
      await radicale.start();
    }
    await moveClock(server, new Date(server.clock.now().getTime() + 20_000));
    await deliver();
    expect(await state()).toMatchObject({ status: "delivered", attempts: 4 });
    const all = (await objects(cal)).filter((o) => prop(o.data, "UID") === uidOf(b.id));
    expect(all.length).toBe(1);
  });
});
