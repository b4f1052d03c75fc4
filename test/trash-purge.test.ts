import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSalesforcePeer, type SalesforcePeer } from "../peers/salesforce/server.js";
import { calDavProviders } from "../src/integrations/caldav/client.js";
import { calendarConsumer } from "../src/integrations/caldav/consumer.js";
import { emailConsumer } from "../src/integrations/email/consumer.js";
import { localTransport } from "../src/integrations/email/transport.js";
import { salesforceConsumer } from "../src/integrations/salesforce/consumer.js";
import { sendDueWebhooks, webhooksConsumer } from "../src/integrations/webhooks/consumer.js";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "../src/jobs/outbox-dispatcher.js";
import { client, ENGINES, futureSlots } from "./support/harness.js";
import { act, details, moveClock } from "./support/lifecycle-drive.js";
import { orderOf, paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";
import { startRadicale, type Radicale } from "./support/radicale.js";
import { connectSalesforce } from "./support/salesforce.js";
import { startReceiver, type Receiver } from "./support/webhook-receiver.js";

/**
 * The deleter, proven on the database itself: a customer whose marker string reached every place
 * Bookstream keeps data (the host's connected CalDAV calendar and the account's Salesforce
 * included), moved to the Trash and purged, leaves no trace in any column of any table.
 */
describe.each(ENGINES)("permanent deletion on $name", (engine) => {
  let env: PaymentsEnv;
  let receiver: Receiver;
  let radicale: Radicale;
  let sf: SalesforcePeer;
  let consumers: OutboxConsumer[];
  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
    receiver = await startReceiver();
    radicale = await startRadicale();
    sf = await startSalesforcePeer({ seed: 7 });
    // The calendar server is on loopback: allowed here, as in the CalDAV tests.
    env.server.ctx.calendars = calDavProviders({ allowPrivateNetworks: true, timeoutMs: 3000 });
    consumers = [
      emailConsumer(env.server.ctx, localTransport()),
      webhooksConsumer(env.server.ctx),
      calendarConsumer(env.server.ctx),
      salesforceConsumer(env.server.ctx, { backoff: () => 0, timeoutMs: 3_000 }),
    ];
    await registerConsumers(env.server.ctx, consumers);
  }, 60_000);
  afterAll(async () => {
    await sf?.close();
    await radicale?.close();
    await receiver?.close();
    await env?.close();
  });

  const show = (r: { body: unknown }) => JSON.stringify(r.body);
  const sql = (text: string, params: unknown[] = []) => env.server.handle.executeSql(text, params);

  /** Every outbox consumer, the webhook sender and PayPal's refunds, until nothing is left. */
  async function deliverAll() {
    await env.deliver();
    for (const c of consumers) for (let i = 0; i < 20 && (await dispatchPending(env.server.ctx, c)) > 0; i++);
    await sendDueWebhooks(env.server.ctx, { timeoutMs: 2000 });
  }

  /** The tables (and columns) of this database in which `marker` occurs, whatever the column's type. */
  async function whereIs(marker: string): Promise<string[]> {
    const columns = await sql(
      `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema IN (current_schema(), 'pgboss') AND table_name IN (
         SELECT table_name FROM information_schema.tables WHERE table_schema = columns.table_schema AND table_type = 'BASE TABLE')
       ORDER BY table_name, column_name`,
    );
    expect(columns.rows.length).toBeGreaterThan(100);
    const hits: string[] = [];
    for (const c of columns.rows as { table_schema: string; table_name: string; column_name: string; data_type: string }[]) {
      const col = `"${c.column_name}"`;
      // bytea as its escaped text (readable bytes stay readable); everything else through its text form.
      const asText = c.data_type === "bytea" ? `encode(${col}, 'escape')` : `${col}::text`;
      const r = await sql(`SELECT count(*)::int AS n FROM "${c.table_schema}"."${c.table_name}" WHERE ${asText} ILIKE $1`, [`%${marker}%`]);
      if (Number(r.rows[0].n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
    }
    return hits;
  }

  it("the marker test: a customer's data everywhere, trashed and purged, leaves zero hits in every column of every table", async () => {
    const acct = await paidAccount(env);
    const admin = client(env.server.url, acct.admin.token);
    const pub = client(env.server.url);
    const marker = `mrk${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const email = `${marker}@example.com`;
    const q = await admin.call("PATCH", `/api/v1/booking-pages/${acct.autoPage.id}`, { questions: [{ id: "topic", label: "Topic?", required: false }] });
    expect(q.status, show(q)).toBe(200);
    const hook = await admin.post("/api/v1/webhook-endpoints", { url: `${receiver.url}/hooks-${acct.accountId}`, eventTypes: ["activity.created", "activity.updated", "transaction.created"], description: "CRM" });
    expect(hook.status, show(hook)).toBe(201);
    // The host (the admin owns the page) has a connected CalDAV calendar; the account has Salesforce,
    // creating a Lead for a customer it does not know.
    const calUser = `cal${acct.accountId.slice(0, 8)}`;
    await radicale.addUser(calUser, "cal-app-password", ["work"]);
    const cal = await admin.call("PUT", "/api/v1/me/calendar-connection", { serverUrl: radicale.url, username: calUser, password: "cal-app-password" });
    expect(cal.status, show(cal)).toBe(200);
    await connectSalesforce({ server: env.server, sf, deliver: async () => undefined, close: async () => undefined }, acct, { noMatch: "lead" });

    // A paid booking: checkout (customer, answers), PayPal payer with the marker, capture, invoice.
    const [s1, s2] = futureSlots(env.server, 2, 72);
    const person = { name: `Ada ${marker}`, email, phone: "+44 20 7946 0000", timeZone: "Europe/London" };
    const started = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/checkouts`, { start: s1, customer: person, answers: { topic: `about ${marker}` } }, { "idempotency-key": randomUUID() });
    expect(started.status, show(started)).toBe(201);
    const orderId = orderOf(started.body.approveUrl);
    env.paypal.control.approveOrder(orderId, { email: `payer-${marker}@example.com`, givenName: marker, surname: "Payer" });
    const done = await pub.post(`/api/v1/public/checkouts/${started.body.checkoutId}/complete`, { orderId });
    expect(done.status, show(done)).toBe(200);
    const bookingId = done.body.activity?.id ?? done.body.booking?.id ?? (await sql("SELECT id FROM activities WHERE account_id = $1 AND type = 'booking'", [acct.accountId])).rows[0].id;
    const booking = await details(admin, bookingId);
    const paymentId = booking.related.find((r: any) => r.relation === "payment").id;
    const invoice = await fetch(`${env.server.url}/api/v1/activities/${paymentId}/invoice`, { headers: { authorization: `Bearer ${acct.admin.token}` } });
    expect(invoice.status).toBe(200);
    expect(Buffer.from(await invoice.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    // A reason with the marker (shown to the customer, kept in history and the e-mail).
    await act(admin, bookingId, "request-reschedule", { reason: `Sorry ${marker}, the room is taken`, eventType: "same" });
    // A second booking of the same customer, booked by a user on their behalf.
    const second = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: s2, customer: person, answers: { topic: `again ${marker}` } });
    expect(second.status, show(second)).toBe(201);
    await deliverAll();
    expect(receiver.received.some((r) => r.body.includes(marker))).toBe(true);

    const before = await whereIs(marker);
    for (const place of ["activities.customer_name", "activities.answers", "activities.reason", "activities.search", "customers.email", "activity_history.reason",
      "outbox_events.payload", "sent_emails.recipient", "sent_emails.body_text", "payment_records.payer", "paypal_webhook_events.payload", "checkouts.customer", "checkouts.answers", "sent_emails.attachments",
      "salesforce_people.email"]) {
      expect(before, place).toContain(place);
    }

    const mine = await admin.get(`/api/v1/activities?q=${encodeURIComponent(`email:${email}`)}&limit=200`);
    const ids = mine.body.items.map((i: any) => i.id);
    const payments = (await sql("SELECT activity_id FROM payment_records WHERE account_id = $1", [acct.accountId])).rows.map((r: any) => r.activity_id);
    const all = [...new Set([...ids, ...payments])];
    expect(all.length).toBeGreaterThanOrEqual(3);
    // The integrations' own rows about these activities: the calendar's copies, the Salesforce
    // Events' sync state, and both consumers' deliveries (which carry no marker, only the IDs).
    const integrationRows = async () => {
      const count = async (text: string) => Number((await sql(text, [acct.accountId, all])).rows[0].n);
      return {
        calendarCopies: await count("SELECT count(*)::int AS n FROM calendar_event_copies WHERE account_id = $1 AND activity_id = ANY($2)"),
        salesforceEvents: await count("SELECT count(*)::int AS n FROM salesforce_events WHERE account_id = $1 AND activity_id = ANY($2) AND sf_event_id IS NOT NULL"),
        calendarDeliveries: await count("SELECT count(*)::int AS n FROM outbox_deliveries WHERE account_id = $1 AND activity_id = ANY($2) AND consumer = 'calendar' AND status = 'delivered'"),
        salesforceDeliveries: await count("SELECT count(*)::int AS n FROM outbox_deliveries WHERE account_id = $1 AND activity_id = ANY($2) AND consumer = 'salesforce' AND status = 'delivered'"),
      };
    };
    const reached = await integrationRows();
    for (const [table, n] of Object.entries(reached)) expect(n, table).toBeGreaterThan(0);
    const sfEventIds = (await sql("SELECT sf_event_id FROM salesforce_events WHERE account_id = $1 AND activity_id = ANY($2) AND sf_event_id IS NOT NULL", [acct.accountId, all])).rows.map((r: any) => r.sf_event_id);
    const calendarEvents = async () => (await (await radicale.client(calUser, "cal-app-password")).fetchCalendarObjects({ calendar: { url: `${radicale.url}/${calUser}/work/` } })).length;
    const eventsInCalendar = await calendarEvents();
    expect(eventsInCalendar).toBeGreaterThan(0);
    const moved = await admin.post("/api/v1/trash", { ids: all });
    expect(moved.status, show(moved)).toBe(200);
    const emptied = await admin.post("/api/v1/trash/empty");
    expect(emptied.status, show(emptied)).toBe(200);
    expect(emptied.body.counts).toMatchObject({ customers: 1, transactions: payments.length, revenueRows: expect.any(Number) });
    // The purge job vacuums the tables the purge touched once it is an hour old.
    await moveClock(env.server, new Date(env.server.clock.now().getTime() + 61 * 60_000));
    const reports = (await admin.get("/api/v1/trash/purge-reports")).body.items;
    expect(reports[0]).toMatchObject({ trigger: "empty-trash", vacuumedAt: expect.any(String) });

    expect(await whereIs(marker)).toEqual([]);
    // Nor do the activities' IDs survive anywhere (they would tie what is left to the person).
    for (const id of all) expect(await whereIs(id), id).toEqual([]);
    expect(await integrationRows()).toEqual({ calendarCopies: 0, salesforceEvents: 0, calendarDeliveries: 0, salesforceDeliveries: 0 });
    // The connected systems keep their copies (the seed: delete there by their own means).
    expect(await calendarEvents()).toBe(eventsInCalendar);
    for (const id of sfEventIds) expect(sf.control.record(id), id).toBeDefined();
    // The money stays in revenue: amount, currency, date and page only.
    const ledger = await sql("SELECT kind, amount_minor::int AS amount, currency, booking_page_id FROM revenue_ledger WHERE account_id = $1", [acct.accountId]);
    expect(ledger.rows).toContainEqual({ kind: "payment", amount: 5000, currency: "USD", booking_page_id: acct.autoPage.id });
  }, 120_000);

  it("a payment deleted permanently: its booking loses the refund, invoice, booking page link and policy; the revenue keeps the amount", async () => {
    const acct = await paidAccount(env);
    const admin = client(env.server.url, acct.admin.token);
    const paid = await payAndBook(env, acct);
    expect(paid.done.status, show(paid.done)).toBe(200);
    const bookingId = (await sql("SELECT id FROM activities WHERE account_id = $1 AND type = 'booking'", [acct.accountId])).rows[0].id;
    const before = await details(admin, bookingId);
    expect(before.bookingPage).not.toBeNull();
    const paymentId = before.related.find((r: any) => r.relation === "payment").id;
    expect((await details(admin, paymentId)).actions).toEqual(["refund", "download-invoice"]);
    expect((await admin.post(`/api/v1/activities/${paymentId}/actions/move-to-trash`)).status).toBe(200);
    // In the Trash: no refund, no invoice until it is restored.
    expect((await details(admin, paymentId)).actions).toEqual([]);
    expect((await admin.post(`/api/v1/activities/${paymentId}/actions/refund`, {})).status).toBe(409);
    expect((await admin.post(`/api/v1/activities/${paymentId}/actions/delete-permanently`)).status).toBe(200);
    const after = await details(admin, bookingId);
    expect(after).toMatchObject({ status: "Scheduled", bookingPage: null, paymentDeleted: true });
    expect(after.related.filter((r: any) => r.relation === "payment")).toEqual([]);
    expect((await fetch(`${env.server.url}/api/v1/activities/${paymentId}/invoice`, { headers: { authorization: `Bearer ${acct.admin.token}` } })).status).toBe(404);
    const ledger = await sql("SELECT kind, amount_minor::int AS amount, currency, booking_page_id FROM revenue_ledger WHERE account_id = $1", [acct.accountId]);
    expect(ledger.rows).toEqual([{ kind: "payment", amount: 5000, currency: "USD", booking_page_id: acct.autoPage.id }]);
  });
});
