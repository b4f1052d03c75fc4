import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, customer, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, details, hoursAfter, moveClock, request, type Client } from "./support/lifecycle-drive.js";

/**
 * Issue 9's guardrails on staff actions: nobody books the past (rescheduling a meeting whose time
 * has passed is fine, the seed says so); a start outside the host's hours or over their busy time
 * needs an explicit override; another booking of the host can never be overridden.
 */
const ZONE = "America/New_York";
const MON_FRI_9_TO_5 = Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]]));

describe.each(ENGINES)("guardrails on staff actions on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  /** The next weekday (in New York), at least two days from the file's clock, at `hh:mm` local. */
  const nextWeekdayAt = (hour: number, minute = 0, daysAhead = 2) => {
    let d = DateTime.fromJSDate(server.clock.now(), { zone: ZONE }).plus({ days: daysAhead }).startOf("day");
    while (d.weekday > 5) d = d.plus({ days: 1 });
    return d.set({ hour, minute }).toUTC().toISO({ suppressMilliseconds: true })!;
  };

  /** An account whose admin (the auto page's host) works Mon–Fri 9–17 in New York. */
  async function setUp(): Promise<{ acct: TestAccount; admin: Client; member: Client }> {
    const acct = await newAccount(server);
    const { admin, member } = clientsFor(server, acct);
    const r = await admin.call("PUT", `/api/v1/users/${acct.admin.id}/availability`, { timeZone: ZONE, weeklyHours: MON_FRI_9_TO_5 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { acct, admin, member };
  }

  it("reschedule, approve and book on behalf refuse a start in the past (422, reason past)", async () => {
    const { acct, admin } = await setUp();
    const past = new Date(server.clock.now().getTime() - 3_600_000).toISOString();
    const b = await book(server, acct.autoPage.slug, nextWeekdayAt(10));
    const re = await admin.post(`/api/v1/activities/${b.id}/actions/reschedule`, { reason: "Moved", start: past, override: true });
    expect(re.status).toBe(422);
    expect(re.body.error).toMatchObject({ code: "unprocessable", details: { field: "start", reason: "past" } });

    const req = await request(server, acct.approvalPage.slug, [futureSlots(server, 1)[0]]);
    const ap = await admin.post(`/api/v1/activities/${req.id}/actions/approve`, { start: past });
    expect([ap.status, ap.body.error.details.reason]).toEqual([422, "past"]);

    const bo = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: past, customer: customer(), override: true });
    expect([bo.status, bo.body.error.details.reason]).toEqual([422, "past"]);
    // Nothing was written.
    expect((await details(admin, b.id)).history).toHaveLength(1);
  });

  it("a booking whose meeting has passed can still be rescheduled to a future time", async () => {
    const { acct, admin } = await setUp();
    const at = nextWeekdayAt(9);
    const b = await book(server, acct.autoPage.slug, at);
    await moveClock(server, hoursAfter(at, 2));
    expect((await details(admin, b.id)).status).toBe("Completed");
    const res = await act(admin, b.id, "reschedule", { reason: "They missed it; new time agreed by phone", start: nextWeekdayAt(11) });
    expect(res.created.detailedStatus).toBe("Rescheduled (Initiated by user)");
  });

  it("a start outside the host's hours is 422 naming the hours, and goes through with override: true", async () => {
    const { acct, admin } = await setUp();
    const b = await book(server, acct.autoPage.slug, nextWeekdayAt(10));
    const evening = nextWeekdayAt(20);
    const r = await admin.post(`/api/v1/activities/${b.id}/actions/reschedule`, { reason: "Evening suits them", start: evening });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toMatchObject({ field: "start", reason: "outside_hours", host: { id: acct.admin.id, timeZone: ZONE }, hours: [["09:00", "17:00"]] });
    expect(r.body.error.message).toContain("09:00–17:00");
    expect(r.body.error.message).toContain(ZONE);
    expect((await details(admin, b.id)).detailedStatus).toBe("Scheduled (By customer)");

    const ok = await act(admin, b.id, "reschedule", { reason: "Evening suits them", start: evening, override: true });
    expect(ok.created.start).toBe(new Date(evening).toISOString());

    const bo = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: nextWeekdayAt(21), customer: customer() });
    expect([bo.status, bo.body.error.details.reason]).toEqual([422, "outside_hours"]);
    const bo2 = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: nextWeekdayAt(21), customer: customer(), override: true });
    expect(bo2.status, JSON.stringify(bo2.body)).toBe(201);
  });

  it("approving at a time another request holds is 422 (busy) unless overridden; a time another booking takes is 409 even then", async () => {
    const { acct, admin, member } = await setUp();
    expect((await member.call("PATCH", `/api/v1/booking-pages/${acct.approvalPage.id}`, { holdsRequestedSlots: true })).status).toBe(200);
    const [t1, t2, t3] = futureSlots(server, 3);
    const held = await request(server, acct.approvalPage.slug, [t1]);
    const other = await request(server, acct.approvalPage.slug, [t2]);
    const r = await admin.post(`/api/v1/activities/${other.id}/actions/approve`, { start: t1 });
    expect(r.status).toBe(422);
    expect(r.body.error.details).toMatchObject({ reason: "busy", host: { id: acct.member.id } });
    const ok = await act(admin, other.id, "approve", { start: t1, override: true });
    expect(ok.activity.start).toBe(t1);
    expect((await details(admin, held.id)).status).toBe("Requested");

    // The member now has a booking at t1: nothing overrides that.
    const third = await request(server, acct.approvalPage.slug, [t3]);
    const clash = await admin.post(`/api/v1/activities/${third.id}/actions/approve`, { start: t1, override: true });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe("slot_unavailable");
  });

  it("free times: the host's hours that day and the free slots, without the busy ones and with the activity's own time free", async () => {
    const { acct, admin } = await setUp();
    const date = DateTime.fromISO(nextWeekdayAt(9), { zone: ZONE }).toISODate()!;
    const mine = await book(server, acct.autoPage.slug, nextWeekdayAt(10));
    await book(server, acct.autoPage.slug, nextWeekdayAt(11));
    const r = await admin.get(`/api/v1/activities/${mine.id}/free-times?date=${date}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ host: { id: acct.admin.id, timeZone: ZONE }, date, durationMinutes: 30, hours: [["09:00", "17:00"]] });
    const starts = r.body.slots.map((s: any) => DateTime.fromISO(s.start, { zone: ZONE }).toFormat("HH:mm"));
    expect(starts[0]).toBe("09:00");
    expect(starts.at(-1)).toBe("16:30");
    expect(starts).toContain("10:00");
    expect(starts).not.toContain("11:00");
    expect(starts).toHaveLength(15);

    const bad = await admin.get(`/api/v1/activities/${mine.id}/free-times?date=2027-02-30`);
    expect(bad.status).toBe(400);
    const outsider = clientsFor(server, acct).outsider;
    expect((await outsider.get(`/api/v1/activities/${mine.id}/free-times?date=${date}`)).status).toBe(404);
  });
});
