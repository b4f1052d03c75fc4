import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { createPage, setHours } from "./support/scheduling.js";

// The dates below are fixed (DST days of 2027): the clock starts before them whatever today is.
const FIXED_CALENDAR_START = "2027-01-01T00:00:00Z";

describe.each(ENGINES)("Find a time and scheduling on behalf on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine, { startAt: FIXED_CALENDAR_START });
  });
  afterAll(async () => server?.close());

  const WEEKDAYS = Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]]));

  it("lists the members free at a time, fewest bookings that day first, and schedules the one picked for an existing customer", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    await setHours(server, acct.admin, acct.admin.id, "UTC", { mon: [["13:00", "17:00"]] });
    await setHours(server, acct.admin, acct.member.id, "UTC", WEEKDAYS);
    await setHours(server, acct.admin, acct.outsider.id, "Europe/Berlin", WEEKDAYS); // 08:00–16:00 UTC in February
    // The viewer set no hours: free all day.
    const onBehalf = (ownerId: string, start: string, c: unknown = customer()) =>
      admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, ownerId, start, ...(typeof c === "string" ? { customerId: c } : { customer: c }) });
    for (const [owner, start] of [[acct.member.id, "2027-02-01T12:00:00Z"], [acct.member.id, "2027-02-01T14:00:00Z"], [acct.outsider.id, "2027-02-01T15:00:00Z"], [acct.viewer.id, "2027-02-01T10:15:00Z"]]) {
      expect((await onBehalf(owner, start)).status).toBe(201);
    }
    const find = async (query: string) => {
      const r = await admin.get(`/api/v1/find-a-time?${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    const at10 = await find("start=2027-02-01T10:00:00Z&durationMinutes=30");
    expect(at10.members.map((m: any) => [m.userId, m.bookingsThatDay])).toEqual([[acct.outsider.id, 1], [acct.member.id, 2]]);
    expect(at10.unavailable).toEqual(expect.arrayContaining([
      expect.objectContaining({ userId: acct.admin.id, reason: "outside_hours" }),
      expect.objectContaining({ userId: acct.viewer.id, reason: "busy" }),
    ]));
    expect(at10.members[1].bookingPages.map((p: any) => p.id)).toEqual([acct.approvalPage.id]);

    // A team page: only its hosts, with its length.
    expect((await admin.call("PUT", `/api/v1/booking-pages/${acct.otherPage.id}/hosts`, { userIds: [acct.member.id, acct.viewer.id] })).status).toBe(200);
    const team = await find(`start=2027-02-01T09:00:00Z&bookingPageId=${acct.otherPage.id}`);
    expect(team.bookingPage.id).toBe(acct.otherPage.id);
    expect(team.members.map((m: any) => m.userId)).toEqual([acct.viewer.id, acct.member.id]);

    // The schedule link names a customer record: it pre-fills, and the booking is theirs.
    const known = customer(7);
    expect((await onBehalf(acct.viewer.id, "2027-02-02T09:00:00Z", known)).status).toBe(201);
    const search = await admin.get(`/api/v1/customers?q=${encodeURIComponent(known.email.slice(0, 12).toUpperCase())}`);
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([expect.objectContaining({ email: known.email, name: known.name })]);
    const record = await admin.get(`/api/v1/customers/${search.body.items[0].id}`);
    expect(record.body).toEqual({ id: search.body.items[0].id, name: known.name, email: known.email, phone: null, timeZone: "Europe/Berlin" });
    const picked = at10.members[0];
    const booked = await onBehalf(picked.userId, at10.start, record.body.id);
    expect(booked.status).toBe(201);
    expect(booked.body.activity.owner.id).toBe(acct.outsider.id);
    expect(booked.body.activity.customer).toMatchObject({ id: record.body.id, email: known.email });
    const again = await find("start=2027-02-01T10:00:00Z&durationMinutes=30");
    expect(again.members.map((m: any) => m.userId)).toEqual([acct.member.id]);
  });

  it("refuses a booking on behalf without a customer, and hides other accounts' customers", async () => {
    const acct = await newAccount(server);
    const other = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const none = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: "2027-03-01T09:00:00Z" });
    expect(none.status).toBe(400);
    expect(none.body.error.details.field).toBe("customer");
    const theirs = await client(server.url, other.admin.token).post("/api/v1/bookings", { bookingPageId: other.autoPage.id, start: "2027-03-01T09:00:00Z", customer: customer(9) });
    expect(theirs.status).toBe(201);
    expect((await admin.get(`/api/v1/customers/${theirs.body.activity.customer.id}`)).status).toBe(404);
    expect((await admin.get(`/api/v1/customers?q=${encodeURIComponent(theirs.body.activity.customer.email)}`)).body.items).toEqual([]);
    const wrongId = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: "2027-03-01T09:00:00Z", customerId: theirs.body.activity.customer.id });
    expect(wrongId.status).toBe(400);
    expect(wrongId.body.error.details.field).toBe("customerId");
  });

  it("uses the page's buffers when looking for free members", async () => {
    const acct = await newAccount(server);
    const page = await createPage(server, acct.admin, { durationMinutes: 30, bufferBeforeMinutes: 30, openHours: WEEKDAYS });
    const admin = client(server.url, acct.admin.token);
    expect((await admin.post("/api/v1/bookings", { bookingPageId: page.id, start: "2027-02-01T10:00:00Z", customer: customer() })).status).toBe(201);
    const r = await admin.get(`/api/v1/find-a-time?start=2027-02-01T10:45:00Z&bookingPageId=${page.id}`);
    expect(r.body.members).toEqual([]);
    expect(r.body.unavailable).toEqual([expect.objectContaining({ userId: acct.admin.id, reason: "busy" })]);
    const later = await admin.get(`/api/v1/find-a-time?start=2027-02-01T11:00:00Z&bookingPageId=${page.id}`);
    expect(later.body.members.map((m: any) => m.userId)).toEqual([acct.admin.id]);
  });
});
