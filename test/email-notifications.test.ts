import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailConsumer } from "../src/integrations/email/consumer.js";
import { smtpTransport, type MailTransport } from "../src/integrations/email/transport.js";
import { dispatchPending, registerConsumers, type OutboxConsumer } from "../src/jobs/outbox-dispatcher.js";
import { enqueueEvents } from "../src/store/outbox-repo.js";
import { ENGINES, client, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { act, book, clientsFor, customerDoes, details, hoursAfter, moveClock, request, tokenOf } from "./support/lifecycle-drive.js";
import { paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";
import { Inbox } from "./support/smtp-inbox.js";

/**
 * E-mail notifications end to end: lifecycle changes through the API, the outbox's e-mail consumer
 * sending over SMTP to a real SMTP server in this process (smtp-server), and what arrives parsed
 * with mailparser: headers, both parts, the .ics attachment and the activity IDs.
 */
const hhmm = (iso: string, zone: string) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
const ics = (m: ParsedMail) => m.attachments.find((a) => a.contentType === "text/calendar")?.content.toString("utf8") ?? "";

describe.each(ENGINES)("e-mail notifications on $name", (engine) => {
  let server: TestServer;
  let inbox: Inbox;
  let consumer: OutboxConsumer;
  let transport: MailTransport;

  beforeAll(async () => {
    server = await startTestServer(engine);
    inbox = new Inbox();
    await inbox.start();
    transport = smtpTransport(`smtp://127.0.0.1:${inbox.port}`, { timeoutMs: 5000 });
    consumer = emailConsumer(server.ctx, transport);
    await registerConsumers(server.ctx, [consumer]);
  });
  afterAll(async () => {
    transport?.close();
    await inbox?.close();
    await server?.close();
  });

  const flush = () => dispatchPending(server.ctx, consumer);
  const customerOf = async (c: ReturnType<typeof clientsFor>["admin"], id: string) => (await details(c, id)).customer.email as string;

  async function setup() {
    const acct = await newAccount(server);
    return { acct, ...clientsFor(server, acct) };
  }

  function only(address: string, kind: string) {
    const found = inbox.to(address).filter((m) => m.headers.get("x-bookstream-notification") === kind);
    expect(found, `${kind} to ${address}: ${inbox.to(address).map((m) => m.subject).join(" | ")}`).toHaveLength(1);
    return found[0];
  }

  it("a webhook endpoint switched off after its failures: every admin of the account is told, nobody else", async () => {
    const { acct } = await setup();
    const event = { type: "webhook_endpoint.disabled", endpoint: { id: "00000000-0000-4000-8000-000000000001", url: "https://hooks.example.com/in", description: "CRM hook" }, failures: 20, failingSince: "2027-01-01T00:00:00.000Z", lastError: "HTTP 503" };
    await server.handle.db.transaction().execute((tx) => enqueueEvents(tx, [{ accountId: acct.accountId, activityId: null, type: event.type, payload: event, at: server.clock.now() }]));
    await flush();
    const m = only(acct.admin.email, "webhook-endpoint-disabled");
    expect(m.subject).toBe("Webhook endpoint turned off: CRM hook");
    expect(m.text).toContain("https://hooks.example.com/in");
    expect(m.text).toContain("HTTP 503");
    expect(m.text).toContain("http://bookstream.test/settings/integrations");
    expect(m.html).toContain(`href="http://bookstream.test/settings/integrations"`);
    expect(inbox.to(acct.member.email).filter((x) => x.headers.get("x-bookstream-notification") === "webhook-endpoint-disabled")).toHaveLength(0);
  });

  it("a customer's booking: confirmation to the customer and the host, with the Booking ID, times in each zone, links and the .ics", async () => {
    const { acct, admin } = await setup();
    const [start] = futureSlots(server, 1, 100);
    const b = await book(server, acct.autoPage.slug, start);
    await flush();
    const email = await customerOf(admin, b.id);
    const m = only(email, "booking-confirmed");
    expect(m.subject).toContain(`Page ${acct.autoPage.slug}`);
    expect(m.from?.value[0].address).toBe("no-reply@bookstream.test");
    expect(m.from?.value[0].name).toBe("Test account");
    expect(m.messageId).toMatch(/^<\d+\.booking-confirmed\.customer@bookstream\.test>$/);
    expect(m.text).toContain(`Booking ID: ${b.id}`);
    expect(m.html).toContain(`Booking ID: ${b.id}`);
    expect(m.text).toContain(`${hhmm(start, "Europe/Berlin")}`);
    expect(m.text).toContain("(Europe/Berlin)");
    // The manage link in the e-mail works.
    const link = /http:\/\/bookstream\.test\/manage\/([A-Za-z0-9_-]+)/.exec(m.text ?? "");
    expect(link).not.toBeNull();
    expect((await client(server.url).get(`/api/v1/public/manage/${link![1]}`)).status).toBe(200);
    const cal = ics(m);
    expect(cal).toContain(`UID:${b.id}@bookstream.test`);
    expect(cal).toContain("METHOD:PUBLISH");
    expect(cal.replace(/\r\n /g, "")).toContain(`Booking ID: ${b.id}`);

    const h = only(acct.admin.email, "booking-confirmed");
    expect(h.text).toContain(`Booking ID: ${b.id}`);
    expect(h.text).toContain(`${hhmm(start, "UTC")}`);
    expect(h.text).toContain(`http://bookstream.test/activities?open=${b.id}`);
    expect(h.text).not.toContain("/manage/");

    // Delivered once: dispatching again sends nothing more.
    await flush();
    expect(inbox.to(email)).toHaveLength(1);
    // The record per activity, for the Details pane.
    const sent = await admin.get(`/api/v1/sent-mail?activityId=${b.id}`);
    expect(sent.status).toBe(200);
    expect(sent.body.items.map((i: any) => i.kind).sort()).toEqual(["booking-confirmed", "booking-confirmed"]);
    expect(JSON.stringify(sent.body)).not.toContain(link![1]);
  });

  it("a request, its approval, and a request for new times with the reason and the link", async () => {
    const { acct, member } = await setup();
    const times = futureSlots(server, 4, 120);
    const r = await request(server, acct.approvalPage.slug, [times[0], times[1]]);
    await flush();
    const email = await customerOf(member, r.id);
    const received = only(email, "request-received");
    expect(received.text).toContain(`Booking ID: ${r.id}`);
    expect(received.text).toContain(hhmm(times[1], "Europe/Berlin"));
    expect(only(acct.member.email, "request-received").text).toContain(r.id);

    await act(member, r.id, "approve", { start: times[0] });
    await flush();
    const approved = only(email, "request-approved");
    expect(approved.text).toContain(`Booking ID: ${r.id}`);
    expect(ics(approved)).toContain(`UID:${r.id}@bookstream.test`);
    only(acct.member.email, "request-approved");

    const r2 = await request(server, acct.approvalPage.slug, [times[2]]);
    const res = await act(member, r2.id, "request-new-times", { reason: "Those days are full" });
    await flush();
    const email2 = await customerOf(member, r2.id);
    const asked = only(email2, "new-times-requested");
    expect(asked.text).toContain("Reason: Those days are full");
    expect(asked.text).toContain(res.customerLink);
    expect(asked.text).toContain(`Booking ID: ${r2.id}`);
  });

  it("reschedule requested (reason + link), rescheduled by the customer, canceled with a reason", async () => {
    const { acct, admin } = await setup();
    const times = futureSlots(server, 4, 140);
    const b = await book(server, acct.autoPage.slug, times[0]);
    const email = await customerOf(admin, b.id);
    const res = await act(admin, b.id, "request-reschedule", { reason: "The host is ill", eventType: "same" });
    await flush();
    const asked = only(email, "reschedule-requested");
    expect(asked.text).toContain("Reason: The host is ill");
    expect(asked.text).toContain(res.customerLink);
    expect(ics(asked)).toContain("STATUS:CANCELLED");

    const c = await book(server, acct.autoPage.slug, times[1]);
    await customerDoes(server, c.token, "reschedule", { start: times[2] });
    await flush();
    const email2 = await customerOf(admin, c.id);
    const moved = only(email2, "rescheduled");
    expect(moved.text).toContain(`Booking ID: ${c.id}`);
    expect(moved.text).toContain(hhmm(times[2], "Europe/Berlin"));
    expect(moved.text).toContain(`Before: `);

    await act(admin, c.id, "cancel", { reason: "Double-booked" });
    await flush();
    const canceled = only(email2, "canceled");
    expect(canceled.text).toContain("Reason: Double-booked");
    expect(canceled.text).toContain(`Booking ID: ${c.id}`);
    expect(only(acct.admin.email, "canceled").text).toContain("Double-booked");
  });

  it("a reassign tells the customer, the new host and the old host, from the account's own sender", async () => {
    const { acct, admin } = await setup();
    const sender = await admin.call("PATCH", "/api/v1/account", { emailSenderName: "Keller Physio", emailSenderAddress: "hello@keller.example" });
    expect(sender.status, JSON.stringify(sender.body)).toBe(200);
    expect((await admin.call("PATCH", "/api/v1/account", { emailSenderName: "Bad\nName" })).status).toBe(400);
    const [start] = futureSlots(server, 1, 160);
    const b = await book(server, acct.autoPage.slug, start);
    await act(admin, b.id, "reassign", { ownerId: acct.member.id });
    await flush();
    const email = await customerOf(admin, b.id);
    const toCustomer = only(email, "reassigned");
    expect(toCustomer.from?.value[0]).toMatchObject({ name: "Keller Physio", address: "hello@keller.example" });
    expect(toCustomer.text).toContain(`Member ${acct.accountId.slice(0, 8)}`);
    expect(toCustomer.text).toContain(`Admin ${acct.accountId.slice(0, 8)}`);
    expect(only(acct.member.email, "reassigned").text).toContain(b.id);
    expect(only(acct.admin.email, "reassigned").text).toContain(b.id);
  });

  it("a package: one confirmation with the Package ID and every session in the .ics; custom templates carry {{package.id}} and {{booking.id}}", async () => {
    const { acct, admin } = await setup();
    expect((await admin.call("PATCH", `/api/v1/booking-pages/${acct.autoPage.id}`, { packagesEnabled: true, maxPackageSessions: 3 })).status).toBe(200);
    const saved = await admin.call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/notifications/templates/reminder/customer`, {
      subject: "Soon: {{booking.id}}", text: "Session {{booking.id}} of package {{package.id}} for {{customer.name}} at {{time.start}}",
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.templates.find((t: any) => t.kind === "reminder" && t.audience === "customer").custom).toBe(true);
    const starts = futureSlots(server, 2, 400);
    const r = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/packages`, { starts, customer: { name: "Pat Package", email: `pat-${acct.accountId.slice(0, 8)}@example.com`, timeZone: "America/New_York" } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await flush();
    const email = `pat-${acct.accountId.slice(0, 8)}@example.com`;
    const m = only(email, "booking-confirmed");
    expect(m.text).toContain(`Package ID: ${r.body.package.id}`);
    expect(m.text).not.toContain("Booking ID:");
    const cal = ics(m);
    for (const s of r.body.sessions) expect(cal).toContain(`UID:${s.activity.id}@bookstream.test`);
    expect(inbox.to(email)).toHaveLength(1);
    // The reminder of the first session uses the page's custom template.
    await moveClock(server, hoursAfter(starts[0], -23.5));
    await flush();
    const rem = inbox.to(email).find((x) => x.headers.get("x-bookstream-notification") === "reminder")!;
    expect(rem.subject).toBe(`Soon: ${r.body.sessions[0].activity.id}`);
    expect(rem.text).toContain(`of package ${r.body.package.id} for Pat Package`);
  });

  it("templates: an unknown field is refused naming it; preview with sample or real data; settings validated and honoured", async () => {
    const { acct, admin, viewer } = await setup();
    const base = `/api/v1/booking-pages/${acct.autoPage.id}/notifications`;
    const bad = await admin.call("PUT", `${base}/templates/canceled/customer`, { subject: "Canceled {{booking.id}}", text: "Hi {{customer.nmae}}" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.unknownField).toBe("customer.nmae");
    expect(bad.body.error.message).toContain("{{customer.nmae}}");
    expect((await viewer.call("PUT", `${base}/templates/canceled/customer`, { subject: "x", text: "y" })).status).toBe(403);

    const sample = await admin.post(`${base}/preview`, { kind: "booking-confirmed", audience: "customer" });
    expect(sample.status).toBe(200);
    expect(sample.body.text).toContain("Booking ID: BKNG-5XFL23BQ674G");
    expect(sample.body.html).toContain("BKNG-5XFL23BQ674G");
    const [start] = futureSlots(server, 1, 420);
    const b = await book(server, acct.autoPage.slug, start);
    const real = await admin.post(`${base}/preview`, {
      kind: "payment-receipt", audience: "customer", activityId: b.id,
      template: { subject: "Paid {{transaction.id}}", text: "For {{booking.id}}, <b>{{customer.name}}</b>", html: "<p>{{booking.id}} {{customer.name}}</p>" },
    });
    expect(real.status, JSON.stringify(real.body)).toBe(200);
    expect(real.body.text).toContain(`For ${b.id}`);
    expect(real.body.html).toContain(`<p>${b.id} Customer 1</p>`);
    const badPreview = await admin.post(`${base}/preview`, { kind: "canceled", audience: "host", template: { subject: "{{nope}}", text: "x" } });
    expect(badPreview.status).toBe(422);
    expect(badPreview.body.error.details).toMatchObject({ field: "subject", unknownField: "nope" });

    expect((await admin.call("PATCH", base, { reminderHours: 0 })).status).toBe(400);
    expect((await admin.call("PATCH", base, { enabled: { bogus: true } })).status).toBe(400);
    const off = await admin.call("PATCH", base, { enabled: { canceled: false }, reminderHours: 2 });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ reminderHours: 2, followUpHours: 2 });
    expect(off.body.enabled.canceled).toBe(false);
    expect(off.body.enabled["booking-confirmed"]).toBe(true);
    await flush();
    await act(admin, b.id, "cancel", { reason: "Turned off" });
    await flush();
    const email = await customerOf(admin, b.id);
    expect(inbox.to(email).map((m) => m.headers.get("x-bookstream-notification"))).toEqual(["booking-confirmed"]);
    // Sent mail is for admins only.
    expect((await viewer.get("/api/v1/sent-mail")).status).toBe(403);
    const page1 = await admin.get("/api/v1/sent-mail?limit=1");
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.nextCursor).toBeTruthy();
    expect(page1.body.items[0].headers["Message-ID"]).toMatch(/^<\d+\./);
  });

  it("SMTP failures (4xx, 5xx, a dropped connection) are retried with back-off and recorded, and nothing is sent twice", async () => {
    const { acct, admin } = await setup();
    const [start] = futureSlots(server, 1, 180);
    await flush();
    inbox.failures.push("451", "550", "drop");
    const b = await book(server, acct.autoPage.slug, start);
    const email = await customerOf(admin, b.id);
    const delivery = () =>
      server.handle.db.selectFrom("outbox_deliveries").selectAll().where("consumer", "=", "email").where("activity_id", "=", b.id).executeTakeFirstOrThrow();
    const errors: string[] = [];
    for (let i = 0; i < 3; i++) {
      await flush();
      const d = await delivery();
      expect(d.status).toBe("pending");
      expect(d.attempts).toBe(i + 1);
      errors.push(d.last_error ?? "");
      // Not before its back-off: dispatching now sends nothing.
      await flush();
      expect((await delivery()).attempts).toBe(i + 1);
      server.clock.moveTo(new Date(d.next_attempt_at.getTime() + 1000));
    }
    expect(errors[0]).toMatch(/451/);
    expect(errors[1]).toMatch(/550/);
    expect(errors[2]).toMatch(/close|ECONNRESET|socket|Connection/i);
    await flush();
    const d = await delivery();
    expect(d.status).toBe("delivered");
    expect(d.attempts).toBe(4);
    await flush();
    expect(inbox.to(email)).toHaveLength(1);
    expect(inbox.to(acct.admin.email).filter((m) => m.text?.includes(b.id))).toHaveLength(1);
  });

  it("a reminder on the test clock, once; a follow-up after a completed booking; none after a No-show, and its history says so", async () => {
    const { acct, admin } = await setup();
    const [s1] = futureSlots(server, 1, 300);
    const s2 = hoursAfter(s1, 30);
    const kept = await book(server, acct.autoPage.slug, s1);
    const missed = await book(server, acct.autoPage.slug, s2);
    const keptEmail = await customerOf(admin, kept.id);
    const missedEmail = await customerOf(admin, missed.id);
    await flush();
    await moveClock(server, hoursAfter(s1, -23));
    await flush();
    const reminder = only(keptEmail, "reminder");
    expect(reminder.text).toContain(`Booking ID: ${kept.id}`);
    expect(ics(reminder)).toContain(`UID:${kept.id}@bookstream.test`);
    expect(inbox.to(acct.admin.email).filter((m) => m.headers.get("x-bookstream-notification") === "reminder" && m.text?.includes(kept.id))).toHaveLength(1);
    await moveClock(server, hoursAfter(s1, -22));
    await flush();
    expect(inbox.to(keptEmail).filter((m) => m.headers.get("x-bookstream-notification") === "reminder")).toHaveLength(1);

    // The meeting of `missed` begins; the user sets it to No-show before the follow-up falls due.
    await moveClock(server, hoursAfter(s2, 0.1));
    await act(admin, missed.id, "set-no-show");
    await moveClock(server, hoursAfter(s2, 4));
    await flush();
    only(keptEmail, "follow-up");
    expect(inbox.to(missedEmail).filter((m) => m.headers.get("x-bookstream-notification") === "follow-up")).toHaveLength(0);
    const d = await details(admin, missed.id);
    const line = d.history.find((h: any) => h.action === "follow-up-not-sent");
    expect(line, JSON.stringify(d.history)).toBeTruthy();
    expect(line.data.because).toBe("No-show");
    // Moving on decides nothing again.
    await moveClock(server, hoursAfter(s2, 6));
    await flush();
    expect((await details(admin, missed.id)).history.filter((h: any) => h.action === "follow-up-not-sent")).toHaveLength(1);
    expect(inbox.to(keptEmail).filter((m) => m.headers.get("x-bookstream-notification") === "follow-up")).toHaveLength(1);
  });
});

describe.each(ENGINES)("payment e-mails on $name", (engine) => {
  let env: PaymentsEnv;
  let inbox: Inbox;
  let consumer: OutboxConsumer;
  let transport: MailTransport;
  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
    inbox = new Inbox();
    await inbox.start();
    transport = smtpTransport(`smtp://127.0.0.1:${inbox.port}`, { timeoutMs: 5000 });
    consumer = emailConsumer(env.server.ctx, transport);
    await registerConsumers(env.server.ctx, [consumer]);
  });
  afterAll(async () => {
    transport?.close();
    await inbox?.close();
    await env?.close();
  });

  it("a payment receipt and a refund notice with the Transaction ID and the invoice link", async () => {
    const acct = await paidAccount(env);
    const { done } = await payAndBook(env, acct, futureSlots(env.server, 1, 100)[0]);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await env.deliver();
    await dispatchPending(env.server.ctx, consumer);
    const bookingId = done.body.bookingId as string;
    const admin = client(env.server.url, acct.admin.token);
    const email = (await details(admin, bookingId)).customer.email as string;
    const receipt = inbox.to(email).find((m) => m.headers.get("x-bookstream-notification") === "payment-receipt");
    expect(receipt, inbox.to(email).map((m) => m.subject).join(" | ")).toBeTruthy();
    const txn = /Transaction ID: (TXN-[A-Z0-9]{8})/.exec(receipt!.text ?? "")?.[1];
    expect(txn).toBeTruthy();
    expect(receipt!.subject).toContain(txn);
    expect(receipt!.text).toContain("50.00 USD");
    expect(receipt!.text).toContain(`For: ${bookingId}`);
    expect(receipt!.text).toMatch(new RegExp(`/api/v1/public/manage/[A-Za-z0-9_-]{43}/invoices/${txn}`));
    expect(receipt!.html).toContain(txn!);

    await customerDoes(env.server, tokenOf(done.body.manageLink), "cancel", { reason: "Cannot come" });
    await env.deliver();
    await dispatchPending(env.server.ctx, consumer);
    const refund = inbox.to(email).find((m) => m.headers.get("x-bookstream-notification") === "refund-notice");
    expect(refund, inbox.to(email).map((m) => m.subject).join(" | ")).toBeTruthy();
    expect(refund!.text).toMatch(/Transaction ID: TXN-[A-Z0-9]{8}/);
    expect(refund!.text).toContain("50.00 USD");
  });
});
