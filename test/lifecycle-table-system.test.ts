import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, details, expectLifecycle, hoursAfter, lifecycleOf, moveClock, request } from "./support/lifecycle-drive.js";

/**
 * The rows of the seed's status table that time drives: the system completes bookings whose end
 * has passed and expires requests whose proposed times have all passed. Time moves with the test
 * clock (POST /api/v1/test-clock), which only goes forward and is shared by this file, so every
 * test computes its times from the clock's "now" when it starts.
 *
 * Meetings here are hours ahead, not days, and the clock moves only as far as each story needs
 * (about a day in all): the system run is not scoped to an account, so on a PostgreSQL shared
 * with other test files a big jump would complete their bookings (made two days ahead) under them.
 */
const COMPLETED_ACTIONS = ["cancel", "request-reschedule", "reschedule", "set-no-show"];
const NO_SHOW_ACTIONS = ["cancel", "request-reschedule", "reschedule"];

describe.each(ENGINES)("status table on $name: rows the system drives", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const setUp = async () => {
    const acct = await newAccount(server);
    return { acct, ...clientsFor(server, acct), s: futureSlots(server, 4, 2) };
  };
  const historyActions = (d: any) => d.history.map((h: any) => h.action);

  it("row 'Booking is complete': the system sets Completed (Set by System) once the meeting has ended, not before", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    await moveClock(server, hoursAfter(s[0], 0.25));
    expect((await details(admin, b.id)).detailedStatus, "the meeting is still going on").toBe("Scheduled (By customer)");

    const tick = await moveClock(server, hoursAfter(s[0], 0.5));
    expect(tick.completed).toBeGreaterThanOrEqual(1);
    const d = await expectLifecycle(admin, b.id, { status: "Completed", detailedStatus: "Completed (Set by System)", actions: COMPLETED_ACTIONS, related: [] });
    expect(d.history.at(-1)).toMatchObject({ actor: { type: "system", id: null }, action: "complete", to: { detailedStatus: "Completed (Set by System)" } });
  });

  it("row 'User sets the booking to No-show' from Completed: No-show (Set by user), and it never goes back to Completed", async () => {
    const { acct, admin, s } = await setUp();
    const met = await book(server, acct.autoPage.slug, s[0]);
    const early = await book(server, acct.autoPage.slug, s[1]);
    // Marked while the meeting is on: the system must not complete it once it has ended.
    await moveClock(server, hoursAfter(s[1], 0.1));
    await act(admin, early.id, "set-no-show");
    await moveClock(server, hoursAfter(s[1], 1));
    expect((await details(admin, met.id)).detailedStatus).toBe("Completed (Set by System)");

    const res = await act(admin, met.id, "set-no-show");
    expect(lifecycleOf(res.activity)).toEqual({ status: "No-show", detailedStatus: "No-show (Set by user)", actions: NO_SHOW_ACTIONS, related: [] });

    await moveClock(server, hoursAfter(s[1], 3));
    const metLater = await expectLifecycle(admin, met.id, { status: "No-show", detailedStatus: "No-show (Set by user)", actions: NO_SHOW_ACTIONS, related: [] });
    // The follow-up e-mail, due after the meeting, was decided against: the history says so.
    expect(historyActions(metLater)).toEqual(["customer-books", "complete", "set-no-show", "follow-up-not-sent"]);
    const earlyLater = await expectLifecycle(admin, early.id, { status: "No-show", detailedStatus: "No-show (Set by user)", actions: NO_SHOW_ACTIONS, related: [] });
    expect(historyActions(earlyLater)).toEqual(["customer-books", "set-no-show", "follow-up-not-sent"]);
  });

  it("row 'Customer requests a booking time for approval but the requested time passes': Expired (Set by System) once every proposed time has passed", async () => {
    const { acct, admin, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[0], s[2]]);
    await moveClock(server, hoursAfter(s[0], 0.5));
    expect((await details(admin, r.id)).detailedStatus, "one proposed time is still ahead").toBe("Requested (By customer)");

    const tick = await moveClock(server, hoursAfter(s[2], 0.01));
    expect(tick.expired).toBeGreaterThanOrEqual(1);
    const d = await expectLifecycle(admin, r.id, { status: "Expired", detailedStatus: "Expired (Set by System)", actions: ["cancel", "request-new-times"], related: [] });
    expect(d.history.at(-1)).toMatchObject({ actor: { type: "system" }, action: "expire" });
  });

  it("the system job catches up: after a long gap one clock move completes every booking and expires every request that fell due", async () => {
    const { acct, admin, s } = await setUp();
    const booked = [];
    for (const hours of [0, 1, 3, 6]) booked.push(await book(server, acct.autoPage.slug, hoursAfter(s[0], hours)));
    const approved = await request(server, acct.approvalPage.slug, [hoursAfter(s[0], 2)]);
    await act(admin, approved.id, "approve");
    const waiting = await request(server, acct.approvalPage.slug, [hoursAfter(s[0], 4), hoursAfter(s[0], 5)]);
    const future = await book(server, acct.autoPage.slug, hoursAfter(s[0], 12));

    const tick = await moveClock(server, hoursAfter(s[0], 8));
    expect(tick.completed).toBeGreaterThanOrEqual(booked.length + 1);
    expect(tick.expired).toBeGreaterThanOrEqual(1);
    for (const b of [...booked, approved]) {
      const d = await details(admin, b.id);
      expect([d.id, d.detailedStatus]).toEqual([b.id, "Completed (Set by System)"]);
      expect(historyActions(d).filter((a: string) => a === "complete")).toHaveLength(1);
    }
    expect((await details(admin, waiting.id)).detailedStatus).toBe("Expired (Set by System)");
    expect((await details(admin, future.id)).detailedStatus, "a meeting still ahead is left alone").toBe("Scheduled (By customer)");
  });
});
