import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { act, book, clientsFor } from "./support/lifecycle-drive.js";

/** Moving a booking from its manage link offers its own host's free time, not the page's. */
describe.each(ENGINES)("slots behind a manage link ($name)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it("follows the booking's host after a reassign, and offers times overlapping the booking but not its current time", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const [t1, t2] = futureSlots(server, 2, 300);
    const booking = await book(server, acct.autoPage.slug, t1);
    await act(admin, booking.id, "reassign", { ownerId: acct.member.id });
    const other = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: t2, customer: customer(2), ownerId: acct.member.id });
    expect(other.status, JSON.stringify(other.body)).toBe(201);

    const range = `from=${encodeURIComponent(new Date(new Date(t1).getTime() - 3_600_000).toISOString())}&to=${encodeURIComponent(new Date(new Date(t2).getTime() + 3_600_000).toISOString())}&timeZone=UTC`;
    const pub = client(server.url);
    const mine = await pub.get(`/api/v1/public/manage/${booking.token}/slots?${range}`);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    const mineStarts = mine.body.slots.map((s: any) => s.startUtc);
    // Its own time is no move, so it is not offered.
    expect(mineStarts).not.toContain(new Date(t1).toISOString());
    // A 60-minute meeting at the same start overlaps the booking (and is a real change): offered.
    const long = await pub.get(`/api/v1/public/manage/${booking.token}/slots?${range}&eventTypeId=${acct.autoPage.eventTypes[1].id}`);
    expect(long.body.durationMinutes).toBe(60);
    expect(long.body.slots.map((s: any) => s.startUtc)).toContain(new Date(t1).toISOString());
    expect(mineStarts).not.toContain(new Date(t2).toISOString()); // the member is busy then

    // The page's public slots are its own host's (the admin), who is free at both times.
    const page = await pub.get(`/api/v1/public/pages/${acct.autoPage.slug}/slots?${range}`);
    const pageStarts = page.body.slots.map((s: any) => s.startUtc);
    expect(pageStarts).toContain(new Date(t2).toISOString());

    // Moving into that longer meeting changes the booking's event type along with its time.
    const moved = await pub.post(`/api/v1/public/manage/${booking.token}/reschedule`, { start: t1, eventTypeId: acct.autoPage.eventTypes[1].id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const after = (await admin.get(`/api/v1/activities/${booking.id}`)).body;
    expect(after.eventType).toEqual({ id: acct.autoPage.eventTypes[1].id, name: "Long" });
    expect(new Date(after.end).getTime() - new Date(after.start).getTime()).toBe(3_600_000);
    expect(after.history.at(-1).data).toMatchObject({ eventType: "Long" });

    // Asking for another page gives that page's slots; an unknown token is a plain 404.
    const elsewhere = await pub.get(`/api/v1/public/manage/${booking.token}/slots?${range}&pageSlug=${acct.otherPage.slug}`);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.bookingPage.slug).toBe(acct.otherPage.slug);
    expect((await pub.get(`/api/v1/public/manage/${"x".repeat(43)}/slots?${range}`)).status).toBe(404);
  });
});
