import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import {
  BOOKED_ACTIONS,
  REQUESTED_ACTIONS,
  act,
  book,
  clientsFor,
  customerDoes,
  expectLifecycle,
  hoursAfter,
  lifecycleOf,
  manageView,
  request,
  startedBooking,
  tokenOf,
} from "./support/lifecycle-drive.js";

/**
 * The seed's status table ("Understanding scheduling activity statuses"), one test per row that a
 * customer or a user drives. Each scenario is played through the HTTP API exactly as a customer
 * (public pages, manage links) or a user (the Activity stream's actions) would, then the Details
 * pane of every activity involved is checked: status, detailed status, the menu (actions, in
 * order) and the related activities with their detailed status, on both sides of each relation.
 * The rows the system drives (Completed, Expired, No-show after Completed) are in
 * lifecycle-table-system.test.ts.
 */
describe.each(ENGINES)("status table on $name: customer and user rows", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const setUp = async () => {
    const acct = await newAccount(server);
    return { acct, ...clientsFor(server, acct), s: futureSlots(server, 8) };
  };

  it("row 'Customer schedules a booking': Scheduled (By customer) with cancel/reschedule, reassign and no-show", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const d = await expectLifecycle(admin, b.id, { status: "Scheduled", detailedStatus: "Scheduled (By customer)", actions: BOOKED_ACTIONS, related: [] });
    expect(d.start).toBe(s[0]);
    expect((await manageView(server, b.token)).actions).toEqual(["cancel", "reschedule"]);
  });

  it("row 'Customer submits a booking request': Requested (By customer) with schedule and cancel/request new times", async () => {
    const { acct, admin, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[1], s[0]]);
    const d = await expectLifecycle(admin, r.id, { status: "Requested", detailedStatus: "Requested (By customer)", actions: REQUESTED_ACTIONS, related: [] });
    expect(d.start).toBeNull();
    expect(d.proposedTimes).toEqual([s[0], s[1]]);
  });

  it("row 'Customer cancels and submits new requests': the old request is Canceled (By customer), related to the new Requested (By customer)", async () => {
    const { acct, admin, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[0]]);
    const resubmitted = await customerDoes(server, r.token, "resubmit", { proposedTimes: [s[2], s[3]] });
    const newId = resubmitted.activity.id;
    expect(newId).not.toBe(r.id);
    await expectLifecycle(admin, r.id, {
      status: "Canceled", detailedStatus: "Canceled (By customer)", actions: [],
      related: [{ relation: "resubmitted_as", id: newId, detailedStatus: "Requested (By customer)" }],
    });
    const d = await expectLifecycle(admin, newId, {
      status: "Requested", detailedStatus: "Requested (By customer)", actions: REQUESTED_ACTIONS,
      related: [{ relation: "resubmitted_from", id: r.id, detailedStatus: "Canceled (By customer)" }],
    });
    expect(d.proposedTimes).toEqual([s[2], s[3]]);
    expect((await manageView(server, r.token)).actions).toEqual([]);
    expect((await manageView(server, tokenOf(resubmitted.manageLink))).actions).toEqual(["cancel", "resubmit"]);
  });

  it("row 'User approves the booking request': Scheduled (Approved by user) at the time the user picked", async () => {
    const { acct, admin, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[0], s[1]]);
    const res = await act(admin, r.id, "approve", { start: s[1] });
    expect(lifecycleOf(res.activity)).toEqual({ status: "Scheduled", detailedStatus: "Scheduled (Approved by user)", actions: BOOKED_ACTIONS, related: [] });
    expect([res.activity.start, res.activity.end]).toEqual([s[1], hoursAfter(s[1], 0.5)]);
    expect((await manageView(server, r.token)).detailedStatus).toBe("Scheduled (Approved by user)");
  });

  it("row 'User approves the booking request' (reschedule): approving the customer's new times for an approved booking gives Rescheduled (Approved by user)", async () => {
    const { acct, admin, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[0]]);
    await act(admin, r.id, "approve", {});
    const asked = await act(admin, r.id, "request-reschedule", { reason: "The clinic is closed that day", eventType: "same" });
    expect(asked.activity.detailedStatus).toBe("Canceled (Reschedule requested by user)");
    // On a booking-with-approval page the customer answers by proposing times: a new, related request.
    const proposed = await customerDoes(server, tokenOf(asked.customerLink), "reschedule", { proposedTimes: [s[3], s[4]] });
    const newId = proposed.activity.id;
    expect(proposed.activity).toMatchObject({ detailedStatus: "Requested (By customer)", proposedTimes: [s[3], s[4]] });
    await expectLifecycle(admin, newId, {
      status: "Requested", detailedStatus: "Requested (By customer)", actions: REQUESTED_ACTIONS,
      related: [{ relation: "rescheduled_from", id: r.id, detailedStatus: "Canceled (Reschedule requested by user)" }],
    });
    const approved = await act(admin, newId, "approve", {});
    expect(lifecycleOf(approved.activity)).toEqual({
      status: "Rescheduled", detailedStatus: "Rescheduled (Approved by user)", actions: BOOKED_ACTIONS,
      related: [{ relation: "rescheduled_from", id: r.id, detailedStatus: "Canceled (Reschedule requested by user)" }],
    });
    expect(approved.activity.start).toBe(s[3]);
    await expectLifecycle(admin, r.id, {
      status: "Canceled", detailedStatus: "Canceled (Reschedule requested by user)", actions: [],
      related: [{ relation: "rescheduled_as", id: newId, detailedStatus: "Rescheduled (Approved by user)" }],
    });
  });

  it("row 'User cancels and requests new times': Canceled (New times requested by user), and the customer's new times are Requested (Initiated by user)", async () => {
    const { acct, admin, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[0]]);
    const res = await act(admin, r.id, "request-new-times", { reason: "Those times are fully booked" });
    expect(lifecycleOf(res.activity)).toEqual({ status: "Canceled", detailedStatus: "Canceled (New times requested by user)", actions: [], related: [] });
    const link = tokenOf(res.customerLink);
    expect(await manageView(server, link)).toMatchObject({ reason: "Those times are fully booked", actions: ["resubmit"] });
    const resubmitted = await customerDoes(server, link, "resubmit", { proposedTimes: [s[2]] });
    const newId = resubmitted.activity.id;
    await expectLifecycle(admin, r.id, {
      status: "Canceled", detailedStatus: "Canceled (New times requested by user)", actions: [],
      related: [{ relation: "resubmitted_as", id: newId, detailedStatus: "Requested (Initiated by user)" }],
    });
    await expectLifecycle(admin, newId, {
      status: "Requested", detailedStatus: "Requested (Initiated by user)", actions: REQUESTED_ACTIONS,
      related: [{ relation: "resubmitted_from", id: r.id, detailedStatus: "Canceled (New times requested by user)" }],
    });
    expect((await manageView(server, link)).actions).toEqual([]);
  });

  it("row 'Customer reschedules a booking with same BP': same Booking ID, Rescheduled (By customer), history keeps the old time", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const res = await customerDoes(server, b.token, "reschedule", { start: s[3] });
    expect(res.activity.id).toBe(b.id);
    expect(res.manageLink).toBeNull();
    const d = await expectLifecycle(admin, b.id, { status: "Rescheduled", detailedStatus: "Rescheduled (By customer)", actions: BOOKED_ACTIONS, related: [] });
    expect(d.start).toBe(s[3]);
    expect(d.history.map((h: any) => [h.actor.type, h.to.detailedStatus])).toEqual([
      ["customer", "Scheduled (By customer)"],
      ["customer", "Rescheduled (By customer)"],
    ]);
    expect(d.history[1].data).toMatchObject({ previousStart: s[0], start: s[3] });
  });

  it("row 'Customer reschedules a booking with different BP': the original is Canceled (By customer), related to a new Rescheduled (By customer) on that page", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const res = await customerDoes(server, b.token, "reschedule", { start: s[2], pageSlug: acct.otherPage.slug });
    const newId = res.activity.id;
    expect(newId).not.toBe(b.id);
    expect(tokenOf(res.manageLink)).not.toBe(b.token);
    await expectLifecycle(admin, b.id, {
      status: "Canceled", detailedStatus: "Canceled (By customer)", actions: [],
      related: [{ relation: "rescheduled_as", id: newId, detailedStatus: "Rescheduled (By customer)" }],
    });
    const d = await expectLifecycle(admin, newId, {
      status: "Rescheduled", detailedStatus: "Rescheduled (By customer)", actions: BOOKED_ACTIONS,
      related: [{ relation: "rescheduled_from", id: b.id, detailedStatus: "Canceled (By customer)" }],
    });
    expect([d.bookingPage.id, d.start]).toEqual([acct.otherPage.id, s[2]]);
  });

  it("row 'Customer cancels a booking': Canceled (By customer) with no menu, and the time is free again", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const view = await customerDoes(server, b.token, "cancel", { reason: "Something came up" });
    expect(view).toMatchObject({ detailedStatus: "Canceled (By customer)", actions: [] });
    const d = await expectLifecycle(admin, b.id, { status: "Canceled", detailedStatus: "Canceled (By customer)", actions: [], related: [] });
    expect(d.reason).toBe("Something came up");
    await book(server, acct.autoPage.slug, s[0]);
  });

  it("row 'User cancels a booking or booking request' (booking): Canceled (By user) with no menu", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const res = await act(admin, b.id, "cancel", { reason: "Host unavailable" });
    expect(lifecycleOf(res.activity)).toEqual({ status: "Canceled", detailedStatus: "Canceled (By user)", actions: [], related: [] });
    expect(await manageView(server, b.token)).toMatchObject({ detailedStatus: "Canceled (By user)", reason: "Host unavailable", actions: [] });
  });

  it("row 'User cancels a booking or booking request' (request): Canceled (By user) with no menu", async () => {
    const { acct, admin, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[0], s[1]]);
    const res = await act(admin, r.id, "cancel", {});
    expect(lifecycleOf(res.activity)).toEqual({ status: "Canceled", detailedStatus: "Canceled (By user)", actions: [], related: [] });
    expect((await manageView(server, r.token)).actions).toEqual([]);
  });

  it("row 'User cancels and sends a request to reschedule with same Event type': Canceled (Reschedule requested by user), then the customer's booking is Rescheduled (Initiated by user)", async () => {
    const { acct, admin, pub, s } = await setUp();
    const [short, long] = acct.autoPage.eventTypes;
    const b = await book(server, acct.autoPage.slug, s[0], { eventTypeId: short.id });
    const res = await act(admin, b.id, "request-reschedule", { reason: "I have a conflict", eventType: "same" });
    expect(lifecycleOf(res.activity)).toEqual({ status: "Canceled", detailedStatus: "Canceled (Reschedule requested by user)", actions: [], related: [] });
    const link = tokenOf(res.customerLink);
    expect(await manageView(server, link)).toMatchObject({
      detailedStatus: "Canceled (Reschedule requested by user)",
      reason: "I have a conflict",
      rescheduleRequest: { eventType: "same", reason: "I have a conflict" },
      actions: ["reschedule"],
    });
    const otherType = await pub.post(`/api/v1/public/manage/${link}/reschedule`, { start: s[2], eventTypeId: long.id });
    expect(otherType.status, "the same event type was asked for").toBe(422);
    const rebooked = await customerDoes(server, link, "reschedule", { start: s[2] });
    const newId = rebooked.activity.id;
    await expectLifecycle(admin, b.id, {
      status: "Canceled", detailedStatus: "Canceled (Reschedule requested by user)", actions: [],
      related: [{ relation: "rescheduled_as", id: newId, detailedStatus: "Rescheduled (Initiated by user)" }],
    });
    const d = await expectLifecycle(admin, newId, {
      status: "Rescheduled", detailedStatus: "Rescheduled (Initiated by user)", actions: BOOKED_ACTIONS,
      related: [{ relation: "rescheduled_from", id: b.id, detailedStatus: "Canceled (Reschedule requested by user)" }],
    });
    expect([d.eventType.id, d.start]).toEqual([short.id, s[2]]);
  });

  it("row 'User cancels and sends a request to reschedule with any Event type': the customer's booking of another event type is Scheduled (By customer)", async () => {
    const { acct, admin, s } = await setUp();
    const [short, long] = acct.autoPage.eventTypes;
    const b = await book(server, acct.autoPage.slug, s[0], { eventTypeId: short.id });
    const res = await act(admin, b.id, "request-reschedule", { reason: "Please pick the right session", eventType: "any" });
    expect(res.activity.detailedStatus).toBe("Canceled (Reschedule requested by user)");
    const link = tokenOf(res.customerLink);
    expect((await manageView(server, link)).rescheduleRequest).toEqual({ eventType: "any", reason: "Please pick the right session" });
    const rebooked = await customerDoes(server, link, "reschedule", { start: s[2], eventTypeId: long.id });
    const newId = rebooked.activity.id;
    await expectLifecycle(admin, b.id, {
      status: "Canceled", detailedStatus: "Canceled (Reschedule requested by user)", actions: [],
      related: [{ relation: "rescheduled_as", id: newId, detailedStatus: "Scheduled (By customer)" }],
    });
    const d = await expectLifecycle(admin, newId, {
      status: "Scheduled", detailedStatus: "Scheduled (By customer)", actions: BOOKED_ACTIONS,
      related: [{ relation: "rescheduled_from", id: b.id, detailedStatus: "Canceled (Reschedule requested by user)" }],
    });
    expect([d.eventType.id, d.start, d.end]).toEqual([long.id, s[2], hoursAfter(s[2], 1)]);
  });

  it("'Reschedule on behalf of the customer': needs a reason; the original is canceled and a related Rescheduled (Initiated by user) is made", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const noReason = await admin.post(`/api/v1/activities/${b.id}/actions/reschedule`, { start: s[2] });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ code: "validation_failed", details: { field: "reason" } });
    await expectLifecycle(admin, b.id, { status: "Scheduled", detailedStatus: "Scheduled (By customer)", actions: BOOKED_ACTIONS, related: [] });

    const res = await act(admin, b.id, "reschedule", { reason: "Moved at the customer's request by phone", start: s[2] });
    const newId = res.created.id;
    expect(lifecycleOf(res.activity)).toEqual({
      status: "Canceled", detailedStatus: "Canceled (Reschedule requested by user)", actions: [],
      related: [{ relation: "rescheduled_as", id: newId, detailedStatus: "Rescheduled (Initiated by user)" }],
    });
    expect(lifecycleOf(res.created)).toEqual({
      status: "Rescheduled", detailedStatus: "Rescheduled (Initiated by user)", actions: BOOKED_ACTIONS,
      related: [{ relation: "rescheduled_from", id: b.id, detailedStatus: "Canceled (Reschedule requested by user)" }],
    });
    expect([res.created.start, res.created.owner.id]).toEqual([s[2], acct.admin.id]);
    // The user already chose the new time: the customer's old link shows why, and offers nothing more.
    expect(await manageView(server, b.token)).toMatchObject({ reason: "Moved at the customer's request by phone", actions: [] });
  });

  it("row 'User sets the booking to No-show': No-show (Set by user) with cancel/request reschedule only", async () => {
    const { acct, admin, s } = await setUp();
    const b = await startedBooking(server, acct.autoPage.slug, s[0]);
    const res = await act(admin, b.id, "set-no-show");
    expect(lifecycleOf(res.activity)).toEqual({
      status: "No-show", detailedStatus: "No-show (Set by user)", actions: ["cancel", "request-reschedule", "reschedule"], related: [],
    });
  });

  it("row 'User reassigns a scheduled booking': Scheduled (Reassigned by user) with the new host", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const res = await act(admin, b.id, "reassign", { ownerId: acct.member.id });
    expect(lifecycleOf(res.activity)).toEqual({ status: "Scheduled", detailedStatus: "Scheduled (Reassigned by user)", actions: BOOKED_ACTIONS, related: [] });
    expect(res.activity.owner.id).toBe(acct.member.id);
    expect(res.activity.history.at(-1).data).toMatchObject({ fromOwnerId: acct.admin.id, toOwnerId: acct.member.id });
  });

  it("row 'User reassigns a rescheduled booking': Rescheduled (Reassigned by user) with the new host", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    await customerDoes(server, b.token, "reschedule", { start: s[1] });
    const res = await act(admin, b.id, "reassign", { ownerId: acct.member.id });
    expect(lifecycleOf(res.activity)).toEqual({ status: "Rescheduled", detailedStatus: "Rescheduled (Reassigned by user)", actions: BOOKED_ACTIONS, related: [] });
    expect([res.activity.owner.id, res.activity.start]).toEqual([acct.member.id, s[1]]);
  });
});
