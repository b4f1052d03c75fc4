import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldReportCounts } from "../src/app/reports/fold-counts.js";
import { revenueReport, type RevenueInput } from "../src/app/reports/revenue-report.js";
import type { AppContext, Caller } from "../src/app/context.js";
import { ENGINES, futureSlots, type TestAccount } from "./support/harness.js";
import { clientsFor } from "./support/lifecycle-drive.js";
import { paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";

/**
 * The revenue report's kept money (migration 023: the activities' trigger appends deltas, the
 * fold job folds them) gives the same report as reading the transactions: after payments in two
 * currencies, a partial refund, Trash, restore and permanent deletion, folded or not, in zones on
 * both sides of daylight-saving changes. A zone offset by half an hour is read from the transactions.
 */
const SHAPES: RevenueInput[] = [
  { by: "time", interval: "month", zone: "Europe/Paris" },
  { by: "time", interval: "week", zone: "America/New_York" },
  { by: "time", interval: "day", zone: "UTC", includeTrash: false },
  { by: "time", interval: "month", zone: "Australia/Sydney", currency: ["EUR"] },
];

describe.each(ENGINES)("revenue counts ($name)", (engine) => {
  let env: PaymentsEnv;
  let acct: TestAccount;
  let caller: Caller;

  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
    acct = await paidAccount(env);
    // A second priced page in another currency: money is never added up across currencies.
    const admin = clientsFor(env.server, acct).admin;
    const p = await admin.call("PUT", `/api/v1/booking-pages/${acct.otherPage.id}/payments`, {
      currency: "EUR", price: "30.00", packageSessionPrice: null, rescheduleFee: null, refundPolicy: "none",
    });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    caller = { accountId: acct.accountId, userId: acct.admin.id, role: "admin" } as Caller;
  }, 120_000);
  afterAll(async () => env?.close());

  /** Every shape, also with a range on whole hours, from the kept money and from the transactions. */
  async function expectSame(ctx: AppContext = env.server.ctx) {
    const now = env.server.clock.now();
    const from = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 24 * 3_600_000);
    const to = new Date(from.getTime() + 60 * 24 * 3_600_000);
    for (const shape of [...SHAPES, ...SHAPES.map((s) => ({ ...s, from, to }))]) {
      const counted = await revenueReport(ctx, caller, shape, true);
      const live = await revenueReport(ctx, caller, shape, false);
      expect(counted, JSON.stringify(shape)).toEqual(live);
    }
  }

  it("agrees with the transactions after payments, a refund, Trash, restore and permanent deletion", async () => {
    const { admin } = clientsFor(env.server, acct);
    const slots = futureSlots(env.server, 4, 30);
    const usd1 = (await payAndBook(env, acct, slots[0])).done.body.transactionId as string;
    const usd2 = (await payAndBook(env, acct, slots[1])).done.body.transactionId as string;
    const eur = (await payAndBook(env, { ...acct, autoPage: { ...acct.otherPage, eventTypes: [] } }, slots[2])).done.body.transactionId as string;
    for (const id of [usd1, usd2, eur]) expect(id).toBeTruthy();
    await expectSame();
    const report = await revenueReport(env.server.ctx, caller, { by: "time", interval: "month", zone: "UTC" });
    expect(report.totals.map((t) => [t.currency, t.payments])).toEqual([["EUR", { count: 1, amount: "30.00" }], ["USD", { count: 2, amount: "100.00" }]]);

    const refunded = await admin.post(`/api/v1/activities/${usd1}/actions/refund`, { amount: "12.50", reason: "Late start" });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(200);
    await expectSame(); // the refund is pending: not money yet
    await env.deliver();
    await expectSame();
    expect(await foldReportCounts(env.server.ctx)).toBeGreaterThan(0);
    await expectSame();
    const afterRefund = await revenueReport(env.server.ctx, caller, { by: "time", interval: "month", zone: "UTC", currency: ["USD"] });
    expect(afterRefund.totals[0]).toMatchObject({ refunds: { count: 1, amount: "12.50" }, net: "87.50" });

    expect((await admin.post(`/api/v1/activities/${usd2}/actions/move-to-trash`)).status).toBe(200);
    await expectSame();
    expect((await admin.post(`/api/v1/activities/${usd2}/actions/restore`)).status).toBe(200);
    expect((await admin.post(`/api/v1/activities/${eur}/actions/move-to-trash`)).status).toBe(200);
    await expectSame();
    expect((await admin.post(`/api/v1/activities/${eur}/actions/delete-permanently`)).status).toBe(200);
    await expectSame();
    await foldReportCounts(env.server.ctx);
    await expectSame();
    // The deleted payment still counts, from the ledger, as deleted.
    const end = await revenueReport(env.server.ctx, caller, { by: "time", interval: "month", zone: "UTC", currency: ["EUR"] });
    expect(end.totals[0]).toMatchObject({ payments: { count: 1, amount: "30.00" }, purged: { count: 1, amount: "30.00" } });
  });

  it("answers from the kept money where it can, and from the transactions for a half-hour zone, a page or a breakdown", async () => {
    const ctx = env.server.ctx;
    await foldReportCounts(ctx);
    const payments = async (input: RevenueInput) =>
      (await revenueReport(ctx, caller, { interval: "month", ...input })).totals.find((t) => t.currency === "USD")?.payments.count;
    const shapes: RevenueInput[] = [{ zone: "UTC" }, { zone: "Asia/Kolkata" }, { zone: "UTC", by: "bookingPage" }, { zone: "UTC", bookingPageId: [acct.autoPage.id] }];
    const before = await Promise.all(shapes.map(payments));
    // Skew the kept money on purpose: only the reports that read it change.
    await sql`UPDATE report_revenue_counts SET n = n + 100 WHERE account_id = ${acct.accountId} AND currency = 'USD' AND status = 'Paid'`.execute(ctx.db);
    try {
      const skewed = await Promise.all(shapes.map(payments));
      expect(skewed).toEqual([before[0]! + 100 * (await keptRows()), before[1], before[2], before[3]]);
    } finally {
      await sql`UPDATE report_revenue_counts SET n = n - 100 WHERE account_id = ${acct.accountId} AND currency = 'USD' AND status = 'Paid'`.execute(ctx.db);
    }
    expect(await Promise.all(shapes.map(payments))).toEqual(before);

    async function keptRows() {
      const r = await sql<{ n: number }>`SELECT count(*) AS n FROM report_revenue_counts WHERE account_id = ${acct.accountId} AND currency = 'USD' AND status = 'Paid'`.execute(ctx.db);
      return Number(r.rows[0].n);
    }
  });
});
