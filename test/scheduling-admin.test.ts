import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { ALL_WEEK, createPage } from "./support/scheduling.js";

describe.each(ENGINES)("scheduling admin API on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const base = { name: "Consult", timeZone: "Europe/Berlin", durationMinutes: 30, mode: "automatic" };

  it("answers 400 naming the field for a zero duration, an unknown zone, inverted or overlapping hours and out-of-range settings", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const slug = `v-${acct.accountId.slice(0, 8)}`;
    const cases: [Record<string, unknown>, string, string][] = [
      [{ durationMinutes: 0 }, "body.durationMinutes", "at least 1 minute"],
      [{ timeZone: "Europe/Atlantis" }, "body.timeZone", "unknown IANA time zone"],
      [{ openHours: { mon: [["17:00", "09:00"]] } }, "body.openHours.mon.0", "ends before it starts"],
      [{ openHours: { tue: [["09:00", "12:00"], ["11:00", "13:00"]] } }, "body.openHours.tue.1", "overlaps 09:00–12:00"],
      [{ openHours: { wed: [["9am", "12:00"]] } }, "body.openHours.wed.0.0", "not a time of day"],
      [{ policyMinutes: 10 }, "body.policyMinutes", ""],
      [{ policyMinutes: 14 * 24 * 60 + 1 }, "body.policyMinutes", ""],
      [{ maxPackageSessions: 21 }, "body.maxPackageSessions", ""],
      [{ bufferAfterMinutes: -5 }, "body.bufferAfterMinutes", ""],
      [{ questions: [{ id: "a", label: "A" }, { id: "a", label: "B" }] }, "body.questions.1.id", "used twice"],
    ];
    for (const [patch, field, text] of cases) {
      const r = await admin.post("/api/v1/booking-pages", { ...base, slug, ...patch });
      expect(r.status, field).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
      expect(r.body.error.details.field).toBe(field);
      expect(r.body.error.message).toContain(field);
      if (text) expect(r.body.error.message).toContain(text);
    }
    const page = await createPage(server, acct.admin, { slug });
    const dup = await admin.post("/api/v1/booking-pages", { ...base, slug: slug.toUpperCase() });
    expect(dup.status).toBe(409);
    expect(dup.body.error.details.field).toBe("slug");
    const et = await admin.post(`/api/v1/booking-pages/${page.id}/event-types`, { name: "Zero", durationMinutes: 0 });
    expect(et.status).toBe(400);
    expect(et.body.error.details.field).toBe("body.durationMinutes");

    const hours = await admin.call("PUT", `/api/v1/users/${acct.admin.id}/availability`, { weeklyHours: { fri: [["08:00", "10:00"], ["09:30", "11:00"]] } });
    expect(hours.status).toBe(400);
    expect(hours.body.error.details.field).toBe("body.weeklyHours.fri.1");
    const zone = await admin.call("PUT", `/api/v1/users/${acct.admin.id}/availability`, { timeZone: "Moon/Base" });
    expect(zone.body.error.details.field).toBe("body.timeZone");
    const override = await admin.call("PUT", `/api/v1/users/${acct.admin.id}/date-overrides/2027-02-30`, { ranges: [] });
    expect(override.status).toBe(400);
    expect(override.body.error.details.field).toBe("params.date");
    const inverted = await admin.call("PUT", `/api/v1/users/${acct.admin.id}/date-overrides/2027-02-03`, { ranges: [["12:00", "12:00"]] });
    expect(inverted.body.error.details.field).toBe("body.ranges.0");
  });

  it("creates and changes a page's settings, event types, team and sharing", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const created = await createPage(server, acct.admin, {
      mode: "approval", eventTypes: [{ name: "Intro", durationMinutes: 15 }, { name: "Full", durationMinutes: 90 }],
      proposalsRequired: 2, holdsRequestedSlots: true, policyMinutes: 120, questions: [{ id: "topic", label: "Topic?", required: true }],
    });
    expect(created).toMatchObject({
      mode: "approval", proposalsRequired: 2, holdsRequestedSlots: true, policyMinutes: 120, openHours: { mon: [["09:00", "17:00"]] },
      questions: [{ id: "topic", label: "Topic?", required: true }], hostIds: [acct.admin.id], team: false,
    });
    expect(created.eventTypes.map((e: any) => e.name)).toEqual(["Full", "Intro"]);
    const patched = await admin.call("PATCH", `/api/v1/booking-pages/${created.id}`, {
      minNoticeMinutes: 60, maxDaysAhead: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 5, slotIntervalMinutes: 15,
      policyMinutes: null, packagesEnabled: true, maxPackageSessions: 5, videoLink: "https://video.example.com/room/1", location: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ minNoticeMinutes: 60, maxDaysAhead: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 5, slotIntervalMinutes: 15, policyMinutes: null, packagesEnabled: true, maxPackageSessions: 5, videoLink: "https://video.example.com/room/1" });
    const team = await admin.call("PUT", `/api/v1/booking-pages/${created.id}/hosts`, { userIds: [acct.member.id, acct.admin.id] });
    expect(team.body).toMatchObject({ hostIds: [acct.member.id, acct.admin.id], team: true });
    const shared = await admin.call("PUT", `/api/v1/booking-pages/${created.id}/members`, { members: [{ userId: acct.outsider.id, role: "editor" }, { userId: acct.viewer.id, role: "viewer" }] });
    expect(shared.body.members).toHaveLength(2);
    // The editor may change settings but not the team; the viewer may only look.
    expect((await client(server.url, acct.outsider.token).call("PATCH", `/api/v1/booking-pages/${created.id}`, { name: "Renamed" })).status).toBe(200);
    expect((await client(server.url, acct.outsider.token).call("PUT", `/api/v1/booking-pages/${created.id}/hosts`, { userIds: [] })).status).toBe(403);
    expect((await client(server.url, acct.viewer.token).get(`/api/v1/booking-pages/${created.id}`)).body.name).toBe("Renamed");
    expect((await client(server.url, acct.viewer.token).call("PATCH", `/api/v1/booking-pages/${created.id}`, { name: "No" })).status).toBe(403);
    expect((await client(server.url, acct.member.token).get(`/api/v1/booking-pages/${acct.autoPage.id}`)).status).toBe(404);
    expect((await client(server.url, acct.member.token).post("/api/v1/booking-pages", { ...base, slug: `m-${acct.accountId.slice(0, 8)}`, ownerId: acct.admin.id })).status).toBe(403);
    expect((await client(server.url, acct.member.token).call("PUT", `/api/v1/users/${acct.admin.id}/availability`, { timeZone: "UTC" })).status).toBe(403);
    expect((await client(server.url, acct.member.token).call("PUT", `/api/v1/users/${acct.member.id}/availability`, { timeZone: "Asia/Tokyo", weeklyHours: ALL_WEEK("09:00", "17:00") })).status).toBe(200);
  });

  it("requires the proposals the page asks for, and holds a pending request's times only when the page says so", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const pub = client(server.url);
    const [t1, t2, t3] = futureSlots(server, 3);
    const page = `/api/v1/public/pages/${acct.approvalPage.slug}/requests`;
    // Holds off (the default): two customers may propose the same time.
    expect((await pub.post(page, { proposedTimes: [t1], customer: customer(1) })).status).toBe(201);
    expect((await pub.post(page, { proposedTimes: [t1], customer: customer(2) })).status).toBe(201);
    expect((await admin.call("PATCH", `/api/v1/booking-pages/${acct.approvalPage.id}`, { holdsRequestedSlots: true, proposalsRequired: 2 })).status).toBe(200);
    const one = await pub.post(page, { proposedTimes: [t2], customer: customer(3) });
    expect(one.status).toBe(400);
    expect(one.body.error.details.field).toBe("proposedTimes");
    const held = await pub.post(page, { proposedTimes: [t2, t3], customer: customer(4) });
    expect(held.status).toBe(201);
    const rival = await pub.post(page, { proposedTimes: [t1, t3], customer: customer(5) });
    expect(rival.status).toBe(409);
    expect(rival.body.error.code).toBe("slot_unavailable");
    // The held host's other pages are kept off the held time too.
    const own = await createPage(server, acct.member, { durationMinutes: 30, openHours: ALL_WEEK("00:00", "24:00") });
    expect((await pub.post(`/api/v1/public/pages/${own.slug}/bookings`, { start: t3, customer: customer(6) })).status).toBe(409);
    // Canceled: the hold is gone.
    const token = held.body.manageLink.split("/manage/")[1];
    expect((await pub.post(`/api/v1/public/manage/${token}/cancel`, {})).status).toBe(200);
    expect((await pub.post(`/api/v1/public/pages/${own.slug}/bookings`, { start: t3, customer: customer(6) })).status).toBe(201);
  });
});
