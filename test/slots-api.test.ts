import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { ALL_WEEK, createPage, setHours, slots } from "./support/scheduling.js";

// The dates below are fixed (DST days of 2027): the clock starts before them whatever today is.
const FIXED_CALENDAR_START = "2027-01-01T00:00:00Z";

describe.each(ENGINES)("free slots and real availability on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { startAt: FIXED_CALENDAR_START });
  });
  afterAll(async () => server?.close());

  it("lays out a New York host's Sunday morning across both DST changes and shows it in Berlin time", async () => {
    const acct = await newAccount(server);
    await setHours(server, acct.admin, acct.admin.id, "America/New_York", { sun: [["09:00", "12:00"]] });
    const page = await createPage(server, acct.admin, { timeZone: "America/New_York", durationMinutes: 60 });
    // 14 March 2027: New York springs forward; Berlin is still on winter time (5 hours apart).
    const spring = await slots(server, page.slug, "2027-03-14T00:00:00-05:00", "2027-03-15T00:00:00-04:00", "Europe/Berlin");
    expect(spring.map((s) => s.start)).toEqual(["2027-03-14T14:00:00+01:00", "2027-03-14T15:00:00+01:00", "2027-03-14T16:00:00+01:00"]);
    expect(spring.map((s) => s.startUtc)).toEqual(["2027-03-14T13:00:00.000Z", "2027-03-14T14:00:00.000Z", "2027-03-14T15:00:00.000Z"]);
    // 7 November 2027: New York falls back; Berlin fell back a week earlier (6 hours apart again).
    const fall = await slots(server, page.slug, "2027-11-07T00:00:00-04:00", "2027-11-08T00:00:00-05:00", "Europe/Berlin");
    expect(fall.map((s) => s.start)).toEqual(["2027-11-07T15:00:00+01:00", "2027-11-07T16:00:00+01:00", "2027-11-07T17:00:00+01:00"]);
    // Asked in New York time, the wall clock is the host's.
    const ny = await slots(server, page.slug, "2027-11-07T00:00:00-04:00", "2027-11-08T00:00:00-05:00", "America/New_York");
    expect(ny.map((s) => s.start.slice(11))).toEqual(["09:00:00-05:00", "10:00:00-05:00", "11:00:00-05:00"]);
  });

  it("takes booked time, buffers and date overrides out of the slots, and only books free slots", async () => {
    const acct = await newAccount(server);
    await setHours(server, acct.admin, acct.admin.id, "Europe/Berlin", ALL_WEEK("09:00", "13:00"));
    const page = await createPage(server, acct.admin, { timeZone: "Europe/Berlin", durationMinutes: 60, bufferAfterMinutes: 30, slotIntervalMinutes: 30 });
    const day = ["2027-03-28T00:00:00+01:00", "2027-03-29T00:00:00+02:00"] as const; // Berlin's spring-forward day
    const before = await slots(server, page.slug, ...day, "Europe/Berlin");
    expect(before.map((s) => s.start.slice(11, 16))).toEqual(["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00"]);
    const pub = client(server.url);
    const booked = await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: before[2].startUtc, customer: customer() });
    expect(booked.status).toBe(201);
    const after = await slots(server, page.slug, ...day, "Europe/Berlin");
    // 10:00–11:00 is taken and keeps 30 minutes after it; a new 60-minute meeting needs its own 30 minutes.
    expect(after.map((s) => s.start.slice(11, 16))).toEqual(["11:30", "12:00"]);
    const clash = await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: before[1].startUtc, customer: customer(2) });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe("slot_unavailable");
    const outside = await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: "2027-03-28T14:00:00+02:00", customer: customer(3) });
    expect(outside.status).toBe(422);
    expect(outside.body.error.message).toContain("outside the open hours");

    const admin = client(server.url, acct.admin.token);
    expect((await admin.call("PUT", `/api/v1/users/${acct.admin.id}/date-overrides/2027-03-28`, { ranges: [] })).status).toBe(200);
    expect(await slots(server, page.slug, ...day)).toEqual([]);
    expect((await admin.call("PUT", `/api/v1/users/${acct.admin.id}/date-overrides/2027-03-29`, { ranges: [["18:00", "20:00"]] })).status).toBe(200);
    const extra = await slots(server, page.slug, "2027-03-29T00:00:00+02:00", "2027-03-30T00:00:00+02:00", "Europe/Berlin");
    expect(extra.map((s) => s.start.slice(11, 16))).toEqual(["18:00", "18:30", "19:00"]);
  });

  it("applies minimum notice and maximum days ahead to slots and bookings", async () => {
    const acct = await newAccount(server);
    const page = await createPage(server, acct.admin, { minNoticeMinutes: 24 * 60, maxDaysAhead: 3, openHours: ALL_WEEK("00:00", "24:00") });
    const now = server.clock.now();
    const from = new Date(now.getTime()).toISOString();
    const to = new Date(now.getTime() + 10 * 86_400_000).toISOString();
    const list = await slots(server, page.slug, from, to);
    expect(new Date(list[0].startUtc).getTime()).toBeGreaterThanOrEqual(now.getTime() + 86_400_000);
    expect(new Date(list[list.length - 1].startUtc).getTime()).toBeLessThan(now.getTime() + 5 * 86_400_000);
    const tooSoon = new Date(Math.ceil((now.getTime() + 3_600_000) / 3_600_000) * 3_600_000).toISOString();
    const r = await client(server.url).post(`/api/v1/public/pages/${page.slug}/bookings`, { start: tooSoon, customer: customer() });
    expect(r.status).toBe(422);
    expect(r.body.error.details.minNoticeMinutes).toBe(1440);
    const tooFar = new Date(Math.ceil((now.getTime() + 6 * 86_400_000) / 3_600_000) * 3_600_000).toISOString();
    const far = await client(server.url).post(`/api/v1/public/pages/${page.slug}/bookings`, { start: tooFar, customer: customer() });
    expect(far.status).toBe(422);
    expect(far.body.error.message).toContain("3 days ahead");
  });

  it("offers a team page's slot while any member is free and books the one with fewest upcoming bookings", async () => {
    const acct = await newAccount(server);
    const [a, b] = [acct.member, acct.outsider];
    await setHours(server, acct.admin, a.id, "UTC", { mon: [["09:00", "11:00"]] });
    await setHours(server, acct.admin, b.id, "UTC", { mon: [["10:00", "12:00"]] });
    const page = await createPage(server, acct.admin, { durationMinutes: 60 });
    const admin = client(server.url, acct.admin.token);
    expect((await admin.call("PUT", `/api/v1/booking-pages/${page.id}/hosts`, { userIds: [a.id, b.id] })).status).toBe(200);
    const monday = ["2027-02-01T00:00:00Z", "2027-02-02T00:00:00Z"] as const;
    expect((await slots(server, page.slug, ...monday)).map((s) => s.startUtc.slice(11, 16))).toEqual(["09:00", "10:00", "11:00"]);
    const pub = client(server.url);
    const first = await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: "2027-02-01T10:00:00Z", customer: customer(1) });
    expect(first.status).toBe(201);
    const second = await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: "2027-02-01T10:00:00Z", customer: customer(2) });
    expect(second.status).toBe(201);
    const hosts = await Promise.all([first, second].map(async (r) => (await admin.get(`/api/v1/activities/${r.body.activity.id}`)).body.owner.id));
    expect(new Set(hosts)).toEqual(new Set([a.id, b.id]));
    const third = await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: "2027-02-01T10:00:00Z", customer: customer(3) });
    expect(third.status).toBe(409);
    expect((await slots(server, page.slug, ...monday)).map((s) => s.startUtc.slice(11, 16))).toEqual(["09:00", "11:00"]);
    const picked = await pub.post(`/api/v1/public/pages/${page.slug}/bookings`, { start: "2027-02-01T11:00:00Z", customer: customer(4), hostId: a.id });
    expect(picked.status).toBe(422); // a works until 11:00
  });

  it("routes through a master page: round robin by fewest upcoming bookings, or the customer's choice", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const master = await admin.post("/api/v1/master-pages", {
      slug: `master-${acct.accountId.slice(0, 8)}`, name: "Front desk", routing: "round_robin",
      targets: [{ bookingPageId: acct.autoPage.id }, { bookingPageId: acct.otherPage.id }],
    });
    expect(master.status).toBe(201);
    const pub = client(server.url);
    const route = async (body = {}) => (await pub.post(`/api/v1/public/master-pages/${master.body.slug}/route`, body)).body;
    expect((await route()).bookingPage.slug).toBe(acct.autoPage.slug);
    const [start] = [new Date(server.clock.now().getTime() + 5 * 86_400_000)].map((d) => (d.setUTCHours(10, 0, 0, 0), d.toISOString()));
    expect((await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start, customer: customer() })).status).toBe(201);
    expect((await route()).bookingPage.slug).toBe(acct.otherPage.slug);

    const choice = await admin.call("PATCH", `/api/v1/master-pages/${master.body.id}`, { routing: "customer_choice" });
    expect(choice.status).toBe(200);
    const noPick = await pub.post(`/api/v1/public/master-pages/${master.body.slug}/route`, {});
    expect(noPick.status).toBe(400);
    expect(noPick.body.error.details.field).toBe("targetId");
    expect((await route({ targetId: choice.body.targets[0].id })).bookingPage.slug).toBe(acct.autoPage.slug);
  });

  it("refuses a bad slot query with 400 naming the field", async () => {
    const acct = await newAccount(server);
    const pub = client(server.url);
    const zone = await pub.get(`/api/v1/public/pages/${acct.autoPage.slug}/slots?from=2027-01-01T00:00:00Z&to=2027-01-02T00:00:00Z&timeZone=Mars/Olympus`);
    expect(zone.status).toBe(400);
    expect(zone.body.error.details.field).toBe("querystring.timeZone");
    const inverted = await pub.get(`/api/v1/public/pages/${acct.autoPage.slug}/slots?from=2027-01-02T00:00:00Z&to=2027-01-01T00:00:00Z&timeZone=UTC`);
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.details.field).toBe("to");
  });
});
