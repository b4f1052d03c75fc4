import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertActivity, type NewActivity } from "../src/store/activities-repo.js";
import { book, clientsFor } from "./support/lifecycle-drive.js";
import { client, ENGINES, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";

/**
 * Reports (issue 15) against hand-computed fixtures. The fixture rows are written straight into
 * `activities` with chosen statuses and instants (every detailed status, meetings on both sides of
 * Europe/Paris's daylight-saving changes); the figures below were counted by hand from the table.
 * A few bookings are also made through the API, to see "created by" come from the real write path.
 */

interface Fixture { id: string; detailed: string; start: string | null; created: string; page: "auto" | "other" | "approval"; by: "customer" | "user"; request?: boolean; rebooked?: boolean; reason?: string }

// Paris is UTC+1 in winter, UTC+2 from 29 March 2026 02:00 (local) to 25 October 2026 03:00 (local).
const FIXTURES: Fixture[] = [
  // 28 Mar 23:30 UTC = 29 Mar 00:30 Paris (before the change): March, week of 23 Mar.
  { id: "BKNG-RPT000000001", detailed: "Scheduled (By customer)", start: "2026-03-28T23:30:00Z", created: "2026-03-01T10:00:00Z", page: "auto", by: "customer" },
  // 29 Mar 22:30 UTC = 30 Mar 00:30 Paris (summer time): a Monday in Paris, still Sunday in UTC.
  { id: "BKNG-RPT000000002", detailed: "Completed (Set by System)", start: "2026-03-29T22:30:00Z", created: "2026-03-02T10:00:00Z", page: "auto", by: "customer" },
  // 31 Mar 22:30 UTC = 1 Apr 00:30 Paris: April in Paris, March in UTC.
  { id: "BKNG-RPT000000003", detailed: "No-show (Set by user)", start: "2026-03-31T22:30:00Z", created: "2026-03-03T10:00:00Z", page: "auto", by: "user" },
  { id: "BKNG-RPT000000004", detailed: "Canceled (By customer)", start: "2026-04-10T09:00:00Z", created: "2026-03-04T10:00:00Z", page: "auto", by: "customer", reason: "Trip, \"sudden\"\nsorry" },
  { id: "BKNG-RPT000000005", detailed: "Canceled (By user)", start: "2026-04-11T09:00:00Z", created: "2026-03-05T10:00:00Z", page: "other", by: "customer" },
  { id: "BKNG-RPT000000006", detailed: "Rescheduled (By customer)", start: "2026-04-12T09:00:00Z", created: "2026-03-06T10:00:00Z", page: "other", by: "customer", rebooked: true },
  { id: "BKNG-RPT000000007", detailed: "Completed (Set by System)", start: "2026-04-13T09:00:00Z", created: "2026-03-07T10:00:00Z", page: "other", by: "user", rebooked: true },
  // Requests on the member's approval page: one open, one approved (then completed), one expired, one declined.
  { id: "BKNG-RPT000000008", detailed: "Requested (By customer)", start: null, created: "2026-10-20T10:00:00Z", page: "approval", by: "customer", request: true },
  { id: "BKNG-RPT000000009", detailed: "Completed (Set by System)", start: "2026-10-24T23:30:00Z", created: "2026-10-01T10:00:00Z", page: "approval", by: "customer", request: true },
  { id: "BKNG-RPT000000010", detailed: "Expired (Set by System)", start: null, created: "2026-10-02T10:00:00Z", page: "approval", by: "customer", request: true },
  { id: "BKNG-RPT000000011", detailed: "Canceled (New times requested by user)", start: null, created: "2026-10-03T10:00:00Z", page: "approval", by: "customer", request: true },
  // 31 Oct 23:30 UTC = 1 Nov 00:30 Paris (winter time again): November in Paris, October in UTC.
  { id: "BKNG-RPT000000012", detailed: "Scheduled (Approved by user)", start: "2026-10-31T23:30:00Z", created: "2026-10-04T10:00:00Z", page: "approval", by: "customer", request: true },
  { id: "BKNG-RPT000000013", detailed: "No-show (Set by user)", start: "2026-11-02T09:00:00Z", created: "2026-10-05T10:00:00Z", page: "auto", by: "customer" },
];

describe.each(ENGINES)("reports ($name)", (engine) => {
  let server: TestServer;
  let acct: TestAccount;
  const get = (path: string, who: "admin" | "member" = "admin") => clientsFor(server, acct)[who].get(path);

  beforeAll(async () => {
    server = await startTestServer(engine);
    acct = await newAccount(server, "Reports");
    const pages = { auto: acct.autoPage.id, other: acct.otherPage.id, approval: acct.approvalPage.id };
    const customerId = randomUUID();
    await server.handle.db.insertInto("customers").values({ id: customerId, account_id: acct.accountId, name: "Zoë Müller", email: "zoe@example.test", phone: null, time_zone: "Europe/Paris" }).execute();
    await server.handle.db.transaction().execute(async (tx) => {
      for (const f of FIXTURES) {
        const start = f.start ? new Date(f.start) : null;
        await insertActivity(tx, {
          ...blank(acct.accountId, f.id, "booking", f.detailed),
          booking_page_id: pages[f.page], page_name: `Page ${f.page}`,
          owner_id: f.page === "approval" ? acct.member.id : acct.admin.id, owner_name: f.page === "approval" ? "Member" : "Admin",
          event_type_id: f.page === "auto" ? acct.autoPage.eventTypes[0].id : null, event_type_name: f.page === "auto" ? "Short" : null,
          customer_id: customerId, customer_name: "Zoë Müller", customer_email: "zoe@example.test", customer_time_zone: f.page === "other" ? "America/New_York" : "Europe/Paris",
          start_at: start, end_at: start ? new Date(start.getTime() + 1_800_000) : null,
          proposed_times: f.request ? ["2026-10-24T23:30:00.000Z"] : null,
          reschedules_id: null, reason: f.reason ?? null,
          created_at: new Date(f.created), updated_at: new Date(f.created),
        }, f.by);
      }
      // Rebooked: made by rescheduling another booking (the reschedule scenarios' new booking).
      for (const f of FIXTURES.filter((x) => x.rebooked)) {
        await tx.updateTable("activities").set({ reschedules_id: "BKNG-RPT000000001" }).where("id", "=", f.id).execute();
      }
      // Money: EUR 50.00 and 20.00 paid, 10.00 refunded; USD 20.00 paid; a pending EUR 99.00 is not money yet.
      const money: [string, string, number, string, string][] = [
        ["TXN-RPT00001", "PAYMENT (SCHEDULE)", 5000, "EUR", "2026-03-01T10:00:00Z"],
        ["TXN-RPT00002", "PAYMENT (RESCHEDULE)", 2000, "EUR", "2026-04-15T10:00:00Z"],
        ["TXN-RPT00003", "MANUAL REFUND VIA BOOKSTREAM", 1000, "EUR", "2026-04-16T10:00:00Z"],
        ["TXN-RPT00004", "PAYMENT (SCHEDULE)", 2000, "USD", "2026-04-16T10:00:00Z"],
        ["TXN-RPT00005", "PAYMENT PENDING (SCHEDULE)", 9900, "EUR", "2026-04-17T10:00:00Z"],
      ];
      for (const [id, type, minor, currency, at] of money) {
        await insertActivity(tx, {
          ...blank(acct.accountId, id, "transaction", type), booking_page_id: pages.auto, page_name: "Page auto", owner_id: acct.admin.id, owner_name: "Admin",
          customer_id: customerId, customer_name: "Zoë Müller", customer_email: "zoe@example.test",
          amount_minor: minor, currency, created_at: new Date(at), updated_at: new Date(at),
        }, "customer");
      }
      // A payment deleted permanently: only its amount, currency, date and page remain.
      await tx.insertInto("revenue_ledger").values({ account_id: acct.accountId, booking_page_id: pages.auto, kind: "payment", amount_minor: 3000, currency: "EUR", occurred_at: new Date("2026-03-20T10:00:00Z"), purged_at: new Date("2026-05-01T00:00:00Z") } as any).execute();
    });
  }, 120_000);
  afterAll(async () => server?.close());

  it("summary by month (meeting time, Europe/Paris) × status counts every status once, buckets across DST, and computes the rates", async () => {
    const r = await get("/api/v1/reports/summary?rows=time&columns=status&interval=month&zone=Europe/Paris");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const cell = (row: string | null, status: string) => r.body.groups.find((g: any) => g.row.key === row && g.column.key === status)?.total ?? 0;
    // March (Paris): 1 (Scheduled), 2 (Completed). April: 3 (No-show), 4, 5 (Canceled), 6 (Rescheduled), 7 (Completed).
    expect(cell("2026-03-01", "Scheduled")).toBe(1);
    expect(cell("2026-03-01", "Completed")).toBe(1);
    expect(cell("2026-04-01", "No-show")).toBe(1);
    expect(cell("2026-04-01", "Canceled")).toBe(2);
    expect(cell("2026-04-01", "Rescheduled")).toBe(1);
    expect(cell("2026-04-01", "Completed")).toBe(1);
    // October: 9 (Completed, 25 Oct 01:30 Paris). November: 12 (Scheduled), 13 (No-show). No meeting time: 8, 10, 11.
    expect(cell("2026-10-01", "Completed")).toBe(1);
    expect(cell("2026-11-01", "Scheduled")).toBe(1);
    expect(cell("2026-11-01", "No-show")).toBe(1);
    expect(cell(null, "Requested")).toBe(1);
    expect(cell(null, "Expired")).toBe(1);
    expect(cell(null, "Canceled")).toBe(1);
    expect(r.body.groups.find((g: any) => g.row.key === null).row.label).toBe("(No meeting time)");
    expect(r.body.groups.find((g: any) => g.row.key === "2026-04-01").row.label).toBe("Apr 2026");

    const t = r.body.totals;
    expect(t.total).toBe(13);
    expect(t.statuses).toEqual({ Requested: 1, Scheduled: 2, Rescheduled: 1, Canceled: 3, Completed: 3, "No-show": 2, Expired: 1 });
    expect(t.detailedStatuses["No-show (Set by user)"]).toBe(2);
    expect(t.detailedStatuses["Completed (Set by System)"]).toBe(3);
    expect(t.detailedStatuses["Canceled (New times requested by user)"]).toBe(1);
    // cancel 3/13; no-show 2/(3+2); approval: approved 9 and 12 of decided 9, 10, 11, 12; reschedule: 6, 7 of 13.
    expect(t.rates.cancel).toBeCloseTo(3 / 13, 10);
    expect(t.rates.noShow).toBeCloseTo(2 / 5, 10);
    expect(t.rates.approval).toBeCloseTo(2 / 4, 10);
    expect(t.rates.reschedule).toBeCloseTo(2 / 13, 10);
    // Only statuses that occur form groups; row totals add up.
    expect(r.body.groups.every((g: any) => g.total > 0)).toBe(true);
    expect(r.body.rowTotals.reduce((n: number, x: any) => n + x.total, 0)).toBe(13);
  });

  it("the same meetings in UTC fall into other months and weeks", async () => {
    const month = await get("/api/v1/reports/summary?rows=time&interval=month&zone=UTC");
    const m = Object.fromEntries(month.body.groups.map((g: any) => [g.row.key, g.total]));
    // 3 is 31 Mar in UTC; 12 is 31 Oct in UTC.
    expect(m).toEqual({ "2026-03-01": 3, "2026-04-01": 4, "2026-10-01": 2, "2026-11-01": 1, null: 3 });
    const weekParis = await get("/api/v1/reports/summary?rows=time&interval=week&zone=Europe/Paris");
    const weekUtc = await get("/api/v1/reports/summary?rows=time&interval=week&zone=UTC");
    const wp = Object.fromEntries(weekParis.body.groups.map((g: any) => [g.row.key, g.total]));
    const wu = Object.fromEntries(weekUtc.body.groups.map((g: any) => [g.row.key, g.total]));
    // Weeks start on Monday: 2 is Monday 30 Mar in Paris, Sunday 29 Mar in UTC.
    expect(wp["2026-03-23"]).toBe(1);
    expect(wp["2026-03-30"]).toBe(2);
    expect(wu["2026-03-23"]).toBe(2);
    expect(wu["2026-03-30"]).toBe(1);
    const day = await get("/api/v1/reports/summary?rows=time&interval=day&zone=Europe/Paris&from=2026-03-28T00:00:00Z&to=2026-04-02T00:00:00Z");
    expect(day.body.groups.map((g: any) => [g.row.key, g.total])).toEqual([["2026-03-29", 1], ["2026-03-30", 1], ["2026-04-01", 1]]);
    expect(day.body.groups[1].row.label).toBe("Mon 30 Mar 2026");
  });

  it("by creation time, page × created-by, and with the stream's filters and free text", async () => {
    const created = await get("/api/v1/reports/summary?rows=time&timeBasis=created&zone=UTC");
    expect(Object.fromEntries(created.body.groups.map((g: any) => [g.row.key, g.total]))).toEqual({ "2026-03-01": 7, "2026-10-01": 6 });
    const pages = await get("/api/v1/reports/summary?rows=bookingPage&columns=createdBy");
    expect(pages.status, JSON.stringify(pages.body)).toBe(200);
    const pc = (page: string, by: string) => pages.body.groups.find((g: any) => g.row.key === page && g.column.key === by)?.total ?? 0;
    expect(pc(acct.autoPage.id, "customer")).toBe(4);
    expect(pc(acct.autoPage.id, "user")).toBe(1);
    expect(pc(acct.otherPage.id, "user")).toBe(1);
    expect(pc(acct.approvalPage.id, "customer")).toBe(5);
    expect(pages.body.groups.find((g: any) => g.row.key === acct.autoPage.id).row.label).toBe(`Page auto-${acct.accountId.slice(0, 8)}`);
    expect(pages.body.groups.find((g: any) => g.column.key === "user").column.label).toBe("User");
    const filtered = await get(`/api/v1/reports/summary?rows=status&bookingPageId=${acct.otherPage.id}`);
    expect(filtered.body.totals.total).toBe(3);
    const text = await get(`/api/v1/reports/summary?rows=customerTimeZone&q=${encodeURIComponent('"New_York" OR status:No-show')}`);
    expect(text.status, JSON.stringify(text.body)).toBe(200);
    expect(text.body.totals.total).toBeGreaterThanOrEqual(2);
    const ny = await get(`/api/v1/reports/summary?rows=customerTimeZone`);
    expect(ny.body.groups.find((g: any) => g.row.key === "America/New_York").total).toBe(3);
  });

  it("a booking made through the API is counted, as created by the customer", async () => {
    const [start] = futureSlots(server, 1, 24 * 400);
    const b = await book(server, acct.autoPage.slug, start);
    const r = await get(`/api/v1/reports/summary?rows=createdBy&q=${b.id}`);
    expect(r.body.groups).toMatchObject([{ row: { key: "customer" }, total: 1 }]);
  });

  it("the Trash: counted and shown \"(In Trash)\" until deleted; includeTrash=false leaves it out; members never see it", async () => {
    const admin = clientsFor(server, acct).admin;
    const moved = await admin.post("/api/v1/activities/BKNG-RPT000000013/actions/move-to-trash");
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const withTrash = await get("/api/v1/reports/summary?rows=status&timeBasis=created&to=2026-12-01T00:00:00Z");
    expect(withTrash.body.totals.total).toBe(13);
    const without = await get("/api/v1/reports/summary?rows=status&timeBasis=created&to=2026-12-01T00:00:00Z&includeTrash=false");
    expect(without.body.totals.total).toBe(12);
    const detail = await get("/api/v1/reports/detail?columns=id,inTrash&q=BKNG-RPT000000013");
    expect(detail.body.rows).toEqual([{ id: "BKNG-RPT000000013", inTrash: "(In Trash)" }]);
    const restored = await admin.post("/api/v1/activities/BKNG-RPT000000013/actions/restore");
    expect(restored.status).toBe(200);
  });

  it("a member's report covers only what the member may see (their approval page)", async () => {
    const r = await get("/api/v1/reports/summary?rows=bookingPage", "member");
    expect(r.status).toBe(200);
    expect(r.body.groups.map((g: any) => g.row.key)).toEqual([acct.approvalPage.id]);
    expect(r.body.totals.total).toBe(5);
    const rev = await get("/api/v1/reports/revenue", "member");
    expect(rev.body.totals).toEqual([]);
    const detail = await get("/api/v1/reports/detail?limit=500", "member");
    expect(detail.body.rows.length).toBe(5);
  });

  it("revenue: per currency, never summed across; refunds subtract; pending is not money; deleted payments still count", async () => {
    const r = await get("/api/v1/reports/revenue?by=time&interval=month&zone=UTC");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.totals).toEqual([
      { currency: "EUR", payments: { count: 3, amount: "100.00" }, refunds: { count: 1, amount: "10.00" }, net: "90.00", purged: { count: 1, amount: "30.00" } },
      { currency: "USD", payments: { count: 1, amount: "20.00" }, refunds: { count: 0, amount: "0.00" }, net: "20.00", purged: { count: 0, amount: "0.00" } },
    ]);
    const march = r.body.groups.find((g: any) => g.key === "2026-03-01" && g.currency === "EUR");
    expect(march).toMatchObject({ label: "Mar 2026", payments: { count: 2, amount: "80.00" }, purged: { count: 1, amount: "30.00" } });
    const april = r.body.groups.filter((g: any) => g.key === "2026-04-01").map((g: any) => [g.currency, g.net]);
    expect(april).toEqual([["EUR", "10.00"], ["USD", "20.00"]]);
    const byOwner = await get(`/api/v1/reports/revenue?by=owner&ownerId=${acct.admin.id}`);
    // A filter on owner leaves the ledger out: it keeps no owner.
    expect(byOwner.body.totals.find((t: any) => t.currency === "EUR")).toMatchObject({ payments: { count: 2, amount: "70.00" }, purged: { count: 0 } });
    const eur = await get("/api/v1/reports/revenue?by=bookingPage&currency=USD");
    expect(eur.body.totals.map((t: any) => t.currency)).toEqual(["USD"]);
  });

  it("detail: chosen columns in the zone, sorted with empty values last, every row once across pages", async () => {
    const first = await get("/api/v1/reports/detail?type=booking&columns=id,start,status,amount&sort=start&order=asc&limit=4&zone=Europe/Paris");
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.columns.map((c: any) => c.label)).toEqual(["ID", "Start", "Status", "Amount"]);
    expect(first.body.rows[0]).toEqual({ id: "BKNG-RPT000000001", start: "2026-03-29T00:30:00+01:00", status: "Scheduled", amount: null });
    expect(first.body.rows[1].start).toBe("2026-03-30T00:30:00+02:00");
    const seen: any[] = [...first.body.rows];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await get(`/api/v1/reports/detail?type=booking&columns=id,start,status,amount&sort=start&order=asc&limit=4&zone=Europe/Paris&cursor=${cursor}`);
      seen.push(...next.body.rows);
      cursor = next.body.nextCursor;
    }
    expect(seen.length).toBe(14);
    expect(new Set(seen.map((r) => r.id)).size).toBe(14);
    const starts = seen.map((r) => r.start);
    const firstEmpty = starts.indexOf(null);
    expect(starts.slice(firstEmpty).every((s: string | null) => s === null)).toBe(true);
    expect(starts.slice(0, firstEmpty)).toEqual([...starts.slice(0, firstEmpty)].sort((a, b) => Date.parse(a) - Date.parse(b)));
    const money = await get("/api/v1/reports/detail?type=transaction&columns=id,amount,currency&sort=amount&order=desc&limit=2");
    expect(money.body.rows).toEqual([{ id: "TXN-RPT00005", amount: "99.00", currency: "EUR" }, { id: "TXN-RPT00001", amount: "50.00", currency: "EUR" }]);
    const more = await get(`/api/v1/reports/detail?type=transaction&columns=id&sort=amount&order=desc&limit=2&cursor=${money.body.nextCursor}`);
    // Equal amounts: in ID order, descending too.
    expect(more.body.rows.map((r: any) => r.id)).toEqual(["TXN-RPT00004", "TXN-RPT00002"]);
    const wrong = await get(`/api/v1/reports/detail?type=transaction&sort=createdAt&cursor=${money.body.nextCursor}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain("sort=amount");
  });

  it("exports CSV (quoting, BOM) and XLSX that read back as the report", async () => {
    const plain = await fetch(`${server.url}/api/v1/reports/detail/export?format=csv&columns=id,reason,customerName&q=BKNG-RPT000000004`, { headers: { authorization: `Bearer ${acct.admin.token}` } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toContain("text/csv");
    expect(plain.headers.get("content-disposition")).toMatch(/attachment; filename="bookstream-detail-\d{4}-\d\d-\d\d\.csv"/);
    const text = await plain.text();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(parse(text)).toEqual([["ID", "Reason", "Customer"], ["BKNG-RPT000000004", "Trip, \"sudden\"\nsorry", "Zoë Müller"]]);
    const bom = await fetch(`${server.url}/api/v1/reports/summary/export?format=csv&bom=true&rows=status`, { headers: { authorization: `Bearer ${acct.admin.token}` } });
    const bytes = new Uint8Array(await bom.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = parse(new TextDecoder().decode(bytes.slice(3)));
    expect(lines[0].slice(0, 3)).toEqual(["Status", "Total", "Requested"]);
    const summary = await get("/api/v1/reports/summary?rows=status");
    expect(lines.at(-1)!.slice(0, 2)).toEqual(["Total", String(summary.body.totals.total)]);
    expect(lines.length).toBe(summary.body.groups.length + 2);
    const xlsx = await fetch(`${server.url}/api/v1/reports/revenue/export?format=xlsx&zone=UTC`, { headers: { authorization: `Bearer ${acct.admin.token}` } });
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as any);
    const rows = book.worksheets[0].getSheetValues().filter(Boolean).map((r: any) => r.slice(1));
    expect(rows[0]).toEqual(["Period", "Currency", "Payments", "Paid", "Refunds", "Refunded", "Net", "Deleted permanently", "Deleted amount (net)"]);
    expect(rows.at(-2)).toEqual(["Total", "EUR", 3, "100.00", 1, "10.00", "90.00", 1, "30.00"]);
  });

  it("refuses what it cannot answer with a clear 400", async () => {
    expect((await get("/api/v1/reports/summary")).status).toBe(400);
    expect((await get("/api/v1/reports/summary?rows=planet")).status).toBe(400);
    expect((await get("/api/v1/reports/summary?rows=time&zone=Mars/Olympus")).status).toBe(400);
    const inverted = await get("/api/v1/reports/summary?rows=time&from=2026-05-01T00:00:00Z&to=2026-04-01T00:00:00Z");
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.details.field).toBe("to");
    expect((await get("/api/v1/reports/detail?columns=id,password")).status).toBe(400);
    expect((await get("/api/v1/reports/detail?cursor=bm90LWEtY3Vyc29y")).status).toBe(400);
    expect((await get("/api/v1/reports/revenue/export?format=pdf")).status).toBe(400);
    expect((await client(server.url).get("/api/v1/reports/summary?rows=time")).status).toBe(401);
  });

  it("exports a 100,000-row detail report that parses back to the same rows", async () => {
    const big = await newAccount(server, "Big report");
    await sql`INSERT INTO activities (id, account_id, type, status, detailed_status, customer_name, start_at, end_at, created_at, updated_at, reason, created_by)
            SELECT 'BKNG-BIG' || lpad(g::text, 9, '0'), ${big.accountId}::uuid, 'booking', 'Canceled', 'Canceled (By customer)',
              CASE WHEN g % 3 = 0 THEN 'Zoë, "the" ' || g ELSE 'Ann ' || g END,
              timestamptz '2026-01-01T00:00:00Z' + g * interval '1 minute', timestamptz '2026-01-01T00:30:00Z' + g * interval '1 minute',
              timestamptz '2025-06-01T00:00:00Z' + g * interval '1 second', timestamptz '2025-06-01T00:00:00Z' + g * interval '1 second',
              CASE WHEN g % 5 = 0 THEN 'line one' || chr(10) || 'line two' END, 'customer'
            FROM generate_series(1, 100000) AS g`.execute(server.handle.db);
    const res = await fetch(`${server.url}/api/v1/reports/detail/export?format=csv&columns=id,customerName,start,reason&sort=createdAt&order=asc&zone=UTC`, { headers: { authorization: `Bearer ${big.admin.token}` } });
    expect(res.status).toBe(200);
    const rows: string[][] = parse(await res.text());
    expect(rows.length).toBe(100_001);
    expect(rows[0]).toEqual(["ID", "Customer", "Start", "Reason"]);
    for (const g of [1, 3, 5, 15, 49_999, 100_000]) {
      const start = new Date(Date.UTC(2026, 0, 1) + g * 60_000).toISOString().replace(".000Z", "Z");
      expect(rows[g]).toEqual([`BKNG-BIG${String(g).padStart(9, "0")}`, g % 3 === 0 ? `Zoë, "the" ${g}` : `Ann ${g}`, start, g % 5 === 0 ? "line one\nline two" : ""]);
    }
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(100_000);
  }, 120_000);
});

function blank(accountId: string, id: string, type: NewActivity["type"], detailed: string): NewActivity {
  const status = type === "transaction"
    ? ({ "PAYMENT (SCHEDULE)": "Paid", "PAYMENT (RESCHEDULE)": "Paid", "MANUAL REFUND VIA BOOKSTREAM": "Refunded", "PAYMENT PENDING (SCHEDULE)": "Pending" } as Record<string, string>)[detailed]
    : detailed.slice(0, detailed.indexOf(" (")).trim();
  return {
    id, account_id: accountId, type, status, detailed_status: detailed,
    booking_page_id: null, event_type_id: null, owner_id: null, customer_id: null, customer_name: null, customer_email: null, customer_phone: null,
    customer_time_zone: null, page_name: null, event_type_name: null, owner_name: null, start_at: null, end_at: null, proposed_times: null,
    latest_proposed_at: null, reschedules_id: null, reschedule_request: null, reason: null, answers: null,
    created_at: new Date(), updated_at: new Date(),
  };
}
