import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldReportCounts } from "../src/app/reports/fold-counts.js";
import { summaryReport, type SummaryInput } from "../src/app/reports/summary-report.js";
import type { AppContext, Caller } from "../src/app/context.js";
import { act, book, clientsFor, hoursAfter, moveClock, request } from "./support/lifecycle-drive.js";
import { ENGINES, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";

/**
 * The summary's kept counts (migration 022: a trigger appends deltas, a job folds them) give the
 * same report as counting the bookings themselves: after every kind of change, folded or not, in
 * zones on both sides of daylight-saving changes, and while bookings change concurrently (both
 * reads in one snapshot).
 */
const SHAPES: SummaryInput[] = [
  { rows: "time", columns: "status", interval: "month", timeBasis: "created", zone: "Europe/Paris" },
  { rows: "time", columns: "detailedStatus", interval: "week", timeBasis: "meeting", zone: "America/New_York" },
  { rows: "time", interval: "day", timeBasis: "meeting", zone: "UTC" },
  { rows: "status", timeBasis: "meeting", zone: "UTC", includeTrash: false },
  { rows: "detailedStatus", columns: "time", interval: "month", timeBasis: "created", zone: "Australia/Sydney", status: ["Scheduled", "Canceled"] },
  // Bounds on midnights UTC: every day from the daily roll-up (migration 028).
  { rows: "time", columns: "status", interval: "month", timeBasis: "meeting", zone: "UTC" },
  { rows: "status", columns: "detailedStatus", timeBasis: "created", zone: "America/New_York" },
  // A zone offset by half an hour: not on whole hours, so counted from the bookings.
  { rows: "time", columns: "status", interval: "day", timeBasis: "meeting", zone: "Asia/Kolkata" },
];

describe.each(ENGINES)("report counts ($name)", (engine) => {
  let server: TestServer;
  let acct: TestAccount;
  let caller: Caller;

  beforeAll(async () => {
    server = await startTestServer(engine);
    acct = await newAccount(server, "Counts");
    caller = { accountId: acct.accountId, userId: acct.admin.id, role: "admin" } as Caller;
  }, 120_000);
  afterAll(async () => server?.close());

  /**
   * Every shape, also with a range on whole hours (cutting its first and last day) and one on
   * midnights UTC, from the counts and from the bookings.
   */
  async function expectSame(ctx: AppContext = server.ctx) {
    const now = server.clock.now();
    const from = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 24 * 3_600_000);
    const to = new Date(from.getTime() + 60 * 24 * 3_600_000 + 5 * 3_600_000);
    const day = 24 * 3_600_000;
    const midnights = { from: new Date(Math.floor(now.getTime() / day) * day - day), to: new Date(Math.floor(now.getTime() / day) * day + 4 * day) };
    for (const shape of [...SHAPES, ...SHAPES.map((s) => ({ ...s, from, to })), ...SHAPES.map((s) => ({ ...s, ...midnights }))]) {
      const counted = await summaryReport(ctx, caller, shape, true);
      const live = await summaryReport(ctx, caller, shape, false);
      expect(counted, JSON.stringify(shape)).toEqual(live);
    }
  }

  it("agrees with the bookings after booking, requests, approval, cancel, no-show, reschedule, Trash, restore and delete", async () => {
    const { admin } = clientsFor(server, acct);
    const slots = futureSlots(server, 12, 30);
    const a = await book(server, acct.autoPage.slug, slots[0]);
    const b = await book(server, acct.autoPage.slug, slots[1]);
    const c = await book(server, acct.otherPage.slug, slots[2]);
    const r1 = await request(server, acct.approvalPage.slug, [slots[3], slots[4]]);
    const r2 = await request(server, acct.approvalPage.slug, [slots[5]]);
    await expectSame();
    expect((await summaryReport(server.ctx, caller, { rows: "status" })).totals.total).toBe(5);
    await act(clientsFor(server, acct).member, r1.id, "approve", { start: slots[3] });
    await act(admin, b.id, "cancel", { reason: "Counted" });
    await act(admin, c.id, "reschedule", { start: slots[6], reason: "Moved" });
    await expectSame();
    expect(await foldReportCounts(server.ctx)).toBeGreaterThan(0);
    await expectSame();
    expect((await admin.post(`/api/v1/activities/${a.id}/actions/move-to-trash`)).status).toBe(200);
    await expectSame();
    expect((await admin.post(`/api/v1/activities/${a.id}/actions/restore`)).status).toBe(200);
    await act(clientsFor(server, acct).member, r2.id, "cancel", { reason: "Declined" });
    await expectSame();
    // The first meeting has begun: the customer did not come.
    await moveClock(server, hoursAfter(slots[0], 0.1));
    await act(admin, a.id, "set-no-show");
    await expectSame();
    expect((await admin.post(`/api/v1/activities/${b.id}/actions/move-to-trash`)).status).toBe(200);
    expect((await admin.post(`/api/v1/activities/${b.id}/actions/delete-permanently`)).status).toBe(200);
    await foldReportCounts(server.ctx);
    await expectSame();
  });

  it("stays exact while bookings change: each read of the counts equals the bookings in the same snapshot", async () => {
    const slots = futureSlots(server, 24, 24 * 10);
    const { admin } = clientsFor(server, acct);
    let writing = true;
    const writers = (async () => {
      try {
        await Promise.all(slots.map(async (slot, i) => {
          const made = await book(server, i % 2 ? acct.autoPage.slug : acct.otherPage.slug, slot);
          if (i % 3 === 0) await act(admin, made.id, "cancel", { reason: "Race" });
          if (i % 5 === 0) await foldReportCounts(server.ctx);
        }));
      } finally {
        writing = false;
      }
    })();
    const shape: SummaryInput = { rows: "time", columns: "status", interval: "month", timeBasis: "meeting", zone: "Europe/Paris" };
    // Both reads in one snapshot, with writers committing around them on other connections. (The
    // embedded database runs one statement at a time on one connection: there the writes and
    // folds race each other, and the end state is compared below.)
    let reads = 0;
    while (engine.name === "postgres" && (writing || reads < 3)) {
      await server.handle.db.transaction().setIsolationLevel("repeatable read").execute(async (tx) => {
        const ctx = { ...server.ctx, db: tx } as AppContext;
        const counted = await summaryReport(ctx, caller, shape, true);
        expect(counted).toEqual(await summaryReport(ctx, caller, shape, false));
      });
      reads++;
    }
    await writers;
    await Promise.all([foldReportCounts(server.ctx), foldReportCounts(server.ctx)]);
    await expectSame();
    // Folded, the daily roll-up holds what the hours hold, day by day.
    const rollUp = await sql<{ hours: string; days: string; mismatched: string }>`
      SELECT (SELECT sum(n) FROM report_booking_counts WHERE account_id = ${acct.accountId}) AS hours,
        (SELECT sum(n) FROM report_booking_days WHERE account_id = ${acct.accountId}) AS days,
        (SELECT count(*) FROM (
          SELECT basis, date_bin('1 day', hour, timestamptz '2000-01-01 00:00:00+00') AS day, detailed_status, in_trash, sum(n) AS n
          FROM report_booking_counts WHERE account_id = ${acct.accountId} GROUP BY 1, 2, 3, 4
          EXCEPT
          SELECT basis, day, detailed_status, in_trash, sum(n) FROM report_booking_days WHERE account_id = ${acct.accountId} GROUP BY 1, 2, 3, 4) x) AS mismatched`.execute(server.handle.db);
    expect(Number(rollUp.rows[0].hours)).toBeGreaterThan(20);
    expect(Number(rollUp.rows[0].days)).toBe(Number(rollUp.rows[0].hours));
    expect(Number(rollUp.rows[0].mismatched)).toBe(0);
  }, 120_000);
});
