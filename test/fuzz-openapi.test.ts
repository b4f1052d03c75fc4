import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, EVERY_DAY_ALL_DAY, client, customer, futureSlots, newAccount, type TestAccount, type TestServer, startTestServer } from "./support/harness.js";
import { act, book, request, tokenOf, type Made } from "./support/lifecycle-drive.js";
import { startPayPalPeer, type PayPalPeer } from "../peers/paypal/server.js";
import { startSalesforcePeer, type SalesforcePeer } from "../peers/salesforce/server.js";
import { approveAuthorization } from "../peers/salesforce/consent-client.js";
import { calDavProviders } from "../src/integrations/caldav/client.js";
import { startRadicale, type Radicale } from "./support/radicale.js";
import { buildRequest, locationsOf, operationsOf, type Baseline, type BuiltRequest, type Operation } from "./support/openapi-fuzz.js";

/**
 * Every operation of the OpenAPI document, fed generated bad input (fast-check): wrong types,
 * NUL bytes, lone surrogates, extreme numbers and dates, deep nesting, long strings, unknown and
 * poisonous keys, missing fields, bodies that are not JSON, odd bytes in paths and query strings.
 * Each case spoils one or two places of a request that succeeds (checked first), so the bad value
 * gets as far into the server as it can. No answer may be a 5xx, and every error answer has the
 * {error:{code,message,details}} shape. Seeds are fixed, so a failure reproduces.
 */
/**
 * Generated runs for each place of each request (a parameter, a body field …), after the known
 * killers (KNOWN_KILLERS), and for the request as a whole.
 */
const RUNS_PER_LOCATION = 4;
const RUNS_PER_REQUEST = 20;
const SEED = 9_2026;

interface Fixtures {
  acct: TestAccount;
  /** Bookings on the automatic page: [0] for the baseline check, the rest for the generated cases. */
  bookings: Made[];
  /** Manage tokens of requests whose customer was asked for new times (they may resubmit). */
  resubmitTokens: string[];
  customerId: string;
  filterId: string;
  master: { id: string; slug: string };
  overrideDate: string;
  /** An open invitation and a password reset (of the member): their ids and link tokens. */
  invitation: { id: string; token: string };
  resetToken: string;
  /** A second API token of the admin's, for the case that revokes one. */
  apiTokenId: string;
  /** A 1×1 PNG, the account's logo. */
  logo: string;
  /** Two bookings in the Trash: one to restore, one to delete permanently. */
  trashed: string[];
  /** A free start `i` hours after the bookings, for cases that book. */
  slot(i: number): string;
  /** Payments: a page of its own is priced (USD 20.00, reschedule fee 5.00) on a connection to the local PayPal. */
  paypal: { clientId: string; clientSecret: string; pageSlug: string; accountKey: string; paidToken: string; paidTransaction: string; openCheckout: string; approvedCheckout: string; approvedOrder: string };
  /** Salesforce: the account connected to the local Salesforce; a seeded Contact to schedule for. */
  salesforce: { contactId: string };
  /** A webhook endpoint (posting to this server's health check) and one delivery of it to replay. */
  webhook: { endpointId: string; eventId: string };
  /** The admin's calendar (a Radicale user of its own, connected) and private feed token. */
  calendar: { serverUrl: string; username: string; password: string; feedToken: string };
}

let radicale: Radicale;

/** Connects the admin's calendar on the local Radicale and makes their feed. */
async function calendarFixtures(server: TestServer, acct: TestAccount): Promise<Fixtures["calendar"]> {
  const username = `fuzz-${acct.accountId.slice(0, 8)}`;
  const password = "fuzz app password";
  await radicale.addUser(username, password);
  const admin = client(server.url, acct.admin.token);
  const connected = await admin.call("PUT", "/api/v1/me/calendar-connection", { serverUrl: radicale.url, username, password });
  const feed = await admin.post("/api/v1/me/calendar-feed");
  expect([connected.status, feed.status], JSON.stringify([connected.body, feed.body])).toEqual([200, 201]);
  return { serverUrl: radicale.url, username, password, feedToken: String(feed.body.url).split("/").pop()!.replace(/\.ics$/, "") };
}

async function makeFixtures(server: TestServer, paypal: PayPalPeer): Promise<Fixtures> {
  const acct = await newAccount(server, "Fuzz account");
  const admin = client(server.url, acct.admin.token);
  const starts = futureSlots(server, 600, 72);
  const bookings: Made[] = [];
  for (const start of starts.slice(0, 5)) bookings.push(await book(server, acct.autoPage.slug, start));
  const resubmitTokens: string[] = [];
  for (const start of starts.slice(5, 7)) {
    const req = await request(server, acct.approvalPage.slug, [start]);
    resubmitTokens.push(tokenOf((await act(admin, req.id, "request-new-times", { reason: "Other times, please" })).customerLink));
  }
  const customerId = (await admin.get(`/api/v1/activities/${bookings[0].id}`)).body.customer.id as string;
  const trashed: string[] = [];
  for (const start of starts.slice(7, 9)) trashed.push((await book(server, acct.autoPage.slug, start)).id);
  expect((await admin.post("/api/v1/trash", { ids: trashed })).status).toBe(200);
  const filter = await admin.post("/api/v1/saved-filters", { name: "Fuzz filter", query: { q: "ann" } });
  const master = await admin.post("/api/v1/master-pages", { slug: `fuzz-master-${acct.accountId.slice(0, 8)}`, name: "Fuzz master", routing: "round_robin", targets: [{ bookingPageId: acct.autoPage.id }] });
  // A date override far from every booked time, for the cases that change or remove it.
  const overrideDate = new Date(new Date(starts[0]).getTime() + 400 * 86_400_000).toISOString().slice(0, 10);
  const packages = await admin.call("PATCH", `/api/v1/booking-pages/${acct.autoPage.id}`, { packagesEnabled: true });
  const override = await admin.call("PUT", `/api/v1/users/${acct.admin.id}/date-overrides/${overrideDate}`, { ranges: [["09:00", "12:00"]] });
  expect([filter.status, master.status, packages.status, override.status], JSON.stringify([filter.body, master.body, packages.body, override.body])).toEqual([201, 201, 200, 200]);
  const invitation = await admin.post("/api/v1/invitations", { email: `invitee-${acct.accountId.slice(0, 8)}@example.test`, role: "member" });
  const reset = await admin.post(`/api/v1/users/${acct.member.id}/password-reset`);
  const logo = `data:image/png;base64,${Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf00000301010018dd8db40000000049454e44ae426082", "hex").toString("base64")}`;
  const withLogo = await admin.call("PUT", "/api/v1/account/logo", { dataUrl: logo });
  const spare = await admin.post("/api/v1/me/tokens", { name: "Spare token" });
  expect([invitation.status, reset.status, withLogo.status, spare.status]).toEqual([201, 201, 200, 201]);
  const payments = await paymentFixtures(server, paypal, acct, starts.slice(600 - 3));
  const salesforce = await salesforceFixtures(server, acct);
  const webhook = await webhookFixtures(server, acct);
  const calendar = await calendarFixtures(server, acct);
  return {
    webhook,
    paypal: payments, salesforce,
    calendar,
    acct, bookings, trashed, resubmitTokens, customerId, filterId: filter.body.id, master: master.body, overrideDate, slot: (i) => starts[10 + (i % 590)],
    invitation: { id: invitation.body.invitation.id, token: invitation.body.link.split("/").pop() }, resetToken: reset.body.link.split("/").pop(), logo,
    apiTokenId: spare.body.item.id,
  };
}

/** A connection to the local Salesforce, made the admin's way (settings, then OAuth consent). */
async function salesforceFixtures(server: TestServer, acct: TestAccount) {
  const admin = client(server.url, acct.admin.token);
  const put = await admin.call("PUT", "/api/v1/account/salesforce", { loginUrl: salesforcePeer.loginUrl, clientId: salesforcePeer.connectedApp.clientId, clientSecret: salesforcePeer.connectedApp.clientSecret });
  const start = await fetch(`${server.url}/api/v1/salesforce/connect`, { headers: { authorization: `Bearer ${acct.admin.token}` }, redirect: "manual" });
  const back = await approveAuthorization(start.headers.get("location")!);
  const done = await fetch(`${server.url}/api/v1/salesforce/callback${back.search}`, { headers: { authorization: `Bearer ${acct.admin.token}` }, redirect: "manual" });
  expect([put.status, start.status, done.status, done.headers.get("location")]).toEqual([200, 302, 302, "/settings/salesforce?connected=1"]);
  return { contactId: String(salesforcePeer.control.records("Contact")[0].Id) };
}

/** A PayPal connection, a priced page, a paid booking, an open checkout and an approved one. */
async function paymentFixtures(server: TestServer, paypal: PayPalPeer, acct: TestAccount, starts: string[]) {
  const admin = client(server.url, acct.admin.token);
  const pub = client(server.url);
  const app = { clientId: `fuzz-${acct.accountId.slice(0, 8)}`, clientSecret: `secret-${acct.accountId}` };
  paypal.control.addClient(app);
  const connected = await admin.call("PUT", "/api/v1/account/paypal", { mode: "sandbox", baseUrl: paypal.url, ...app, webhookId: "WHFUZZ0" });
  const page = await admin.post("/api/v1/booking-pages", { slug: `paid-${acct.accountId.slice(0, 8)}`, name: "Paid page", timeZone: "UTC", durationMinutes: 30, mode: "automatic", openHours: EVERY_DAY_ALL_DAY });
  const priced = await admin.call("PUT", `/api/v1/booking-pages/${page.body.id}/payments`, { currency: "USD", price: "20.00", packageSessionPrice: null, rescheduleFee: "5.00", refundPolicy: "automatic" });
  expect([connected.status, priced.status], JSON.stringify([connected.body, priced.body])).toEqual([200, 200]);
  const checkout = (start: string) => pub.post(`/api/v1/public/pages/${page.body.slug}/checkouts`, { start, customer: customer() });
  const [paid, open, approved] = [await checkout(starts[0]), await checkout(starts[1]), await checkout(starts[2])];
  expect([page.status, paid.status, open.status, approved.status], JSON.stringify([page.body, paid.body])).toEqual([201, 201, 201, 201]);
  const orderOf = (r: { body: { approveUrl: string } }) => new URL(r.body.approveUrl).searchParams.get("token")!;
  paypal.control.approveOrder(orderOf(paid));
  const done = await pub.post(`/api/v1/public/checkouts/${paid.body.checkoutId}/complete`, {});
  paypal.control.approveOrder(orderOf(approved));
  expect([page.status, paid.status, open.status, approved.status], JSON.stringify([page.body, paid.body])).toEqual([201, 201, 201, 201]);
  expect([paid.status, open.status, approved.status, done.status], JSON.stringify(done.body)).toEqual([201, 201, 201, 200]);
  return {
    ...app,
    pageSlug: page.body.slug as string,
    accountKey: String(connected.body.webhookUrl).split("/").pop()!,
    paidToken: tokenOf(done.body.manageLink),
    paidTransaction: done.body.transactionId as string,
    openCheckout: open.body.checkoutId as string,
    approvedCheckout: approved.body.checkoutId as string,
    approvedOrder: orderOf(approved),
  };
}

/** A webhook endpoint and a delivery of the account's latest event to it, as the fan-out makes. */
async function webhookFixtures(server: TestServer, acct: TestAccount) {
  const ep = await client(server.url, acct.admin.token).post("/api/v1/webhook-endpoints", { url: `${server.url}/api/health`, eventTypes: ["activity.created"] });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  const event = await server.handle.db.selectFrom("outbox_events").select(["id", "activity_id", "created_at"]).where("account_id", "=", acct.accountId).orderBy("id", "desc").executeTakeFirstOrThrow();
  const now = server.clock.now();
  await server.handle.db.insertInto("webhook_deliveries").values({ endpoint_id: ep.body.item.id, event_id: event.id, account_id: acct.accountId, activity_id: event.activity_id, next_attempt_at: now, created_at: now, event_at: event.created_at }).execute();
  return { endpointId: ep.body.item.id as string, eventId: String(event.id) };
}

/**
 * The webhook answers only messages PayPal signed: the unspoiled request (no signature) is a 400,
 * and what the fuzz test checks there is that nothing worse comes of bad input.
 */
const REFUSED_WITHOUT_SIGNATURE = new Set(["POST /api/v1/webhooks/paypal/{accountKey}"]);

/** A request of `op` that succeeds, for run `run` (cases that change state get their own booking or time). */
let paypalUrl = "";
let salesforcePeer: SalesforcePeer;
/** Operations that answer with a redirect (the OAuth steps); fetched without following it. */
const REDIRECTS = new Set(["GET /api/v1/salesforce/connect", "GET /api/v1/salesforce/callback"]);

function baselineFor(op: Operation, fx: Fixtures, server: TestServer, run: number): Baseline {
  const { acct } = fx;
  const pick = <T>(items: T[]) => (run < 0 ? items[0] : items[1 + (run % (items.length - 1))]);
  const tag = `${acct.accountId.slice(0, 8)}-${run + 1}`;
  const inAWeek = new Date(new Date(fx.slot(0)).getTime() + 7 * 86_400_000).toISOString();
  const idFor: Record<string, string> = {
    activities: pick(fx.bookings).id, "booking-pages": acct.autoPage.id, "master-pages": fx.master.id,
    users: acct.admin.id, customers: fx.customerId, "saved-filters": fx.filterId, invitations: fx.invitation.id,
    "webhook-endpoints": fx.webhook.endpointId,
  };
  // Operations whose baseline needs another target: a page without bookings to delete, a member
  // (not the caller) to deactivate, the account whose logo is served.
  const idForOp: Record<string, string> = {
    "DELETE /api/v1/booking-pages/{id}": acct.otherPage.id,
    "POST /api/v1/users/{id}/deactivate": acct.member.id,
    "GET /api/v1/public/accounts/{id}/logo": acct.accountId,
    "DELETE /api/v1/me/tokens/{id}": fx.apiTokenId,
    "GET /api/v1/public/checkouts/{id}": fx.paypal.openCheckout,
    "POST /api/v1/public/checkouts/{id}/cancel": fx.paypal.openCheckout,
    "POST /api/v1/public/checkouts/{id}/complete": fx.paypal.approvedCheckout,
    "GET /api/v1/activities/{id}/invoice": fx.paypal.paidTransaction,
    "POST /api/v1/activities/{id}/actions/restore": fx.trashed[0],
    "POST /api/v1/activities/{id}/actions/delete-permanently": fx.trashed[1],
  };
  const resource = op.path.split("/")[3];
  const path: Record<string, string> = {
    id: idForOp[`${op.method} ${op.path}`] ?? idFor[resource] ?? "",
    action: "reschedule",
    slug: resource === "public" && op.path.includes("master-pages") ? fx.master.slug : op.path.endsWith("/requests") ? acct.approvalPage.slug : op.path.endsWith("/checkouts") ? fx.paypal.pageSlug : acct.autoPage.slug,
    token: op.path.startsWith("/api/v1/feeds/") ? fx.calendar.feedToken : op.path.endsWith("/resubmit") ? pick(fx.resubmitTokens) : op.path.endsWith("/reschedule-checkout") || op.path.includes("/invoices/") ? fx.paypal.paidToken : pick(fx.bookings).token,
    txnId: fx.paypal.paidTransaction,
    accountKey: fx.paypal.accountKey,
    eventTypeId: acct.autoPage.eventTypes[0].id,
    date: fx.overrideDate,
    kind: "reminder",
    audience: "customer",
    userId: acct.admin.id,
    recordId: fx.salesforce.contactId,
    consumer: `webhooks:${fx.webhook.endpointId}`,
    eventId: fx.webhook.eventId,
  };
  const slots = { from: fx.slot(0), to: inAWeek, timeZone: "Europe/Berlin" };
  const queries: Record<string, Record<string, string>> = {
    "GET /api/v1/find-a-time": { start: fx.slot(run + 1) },
    "GET /api/v1/activities/{id}/free-times": { date: fx.slot(0).slice(0, 10) },
    "GET /api/v1/customers": { q: "Customer" },
    "GET /api/v1/reports/summary": { rows: "time", columns: "status", zone: "Europe/Berlin" },
    "GET /api/v1/reports/summary/export": { rows: "bookingPage", format: "csv" },
    "GET /api/v1/salesforce/callback": { code: "fuzz-code", state: "fuzz-state" },
    "GET /api/v1/public/pages/{slug}/slots": slots,
    "GET /api/v1/public/manage/{token}/slots": slots,
  };
  const bodies: Record<string, unknown> = {
    "POST /api/v1/auth/sign-in": { email: acct.admin.email, password: "correct horse battery" },
    "POST /api/v1/booking-pages": { slug: `fuzz-${tag}`, name: "Fuzz page", timeZone: "UTC", durationMinutes: 30, mode: "automatic" },
    "POST /api/v1/bookings": { bookingPageId: acct.autoPage.id, start: fx.slot(run + 1), customer: customer() },
    "POST /api/v1/activities/{id}/actions/{action}": { reason: "Moved by the fuzz test", start: fx.slot(run + 1) },
    "POST /api/v1/public/pages/{slug}/bookings": { start: fx.slot(run + 1), customer: customer(), answers: {} },
    "POST /api/v1/public/pages/{slug}/requests": { proposedTimes: [fx.slot(run + 1)], customer: customer() },
    "POST /api/v1/public/manage/{token}/cancel": { reason: "Cannot come" },
    "POST /api/v1/public/manage/{token}/reschedule": { start: fx.slot(run + 1) },
    "POST /api/v1/public/manage/{token}/resubmit": { proposedTimes: [fx.slot(run + 1)] },
    "PATCH /api/v1/booking-pages/{id}": { name: "Renamed page", location: "Room 1" },
    "PUT /api/v1/booking-pages/{id}/hosts": { userIds: [acct.admin.id] },
    "PUT /api/v1/booking-pages/{id}/members": { members: [{ userId: acct.viewer.id, role: "viewer" }] },
    "POST /api/v1/booking-pages/{id}/event-types": { name: "Extra", durationMinutes: 45 },
    "PATCH /api/v1/booking-pages/{id}/event-types/{eventTypeId}": { name: "Renamed type" },
    "POST /api/v1/master-pages": { slug: `fuzz-m-${tag}`, name: "Fuzz master", routing: "round_robin", targets: [{ bookingPageId: acct.autoPage.id }] },
    "PATCH /api/v1/master-pages/{id}": { name: "Renamed master" },
    "PUT /api/v1/users/{id}/availability": { timeZone: "Europe/Berlin", weeklyHours: { mon: [["09:00", "17:00"]] } },
    "PUT /api/v1/users/{id}/date-overrides/{date}": { ranges: [["09:00", "12:00"]] },
    "POST /api/v1/public/pages/{slug}/packages": { starts: [fx.slot(2 * run + 300), fx.slot(2 * run + 301)], customer: customer() },
    "POST /api/v1/public/master-pages/{slug}/route": {},
    "POST /api/v1/saved-filters": { name: `Filter ${tag}`, query: { q: "ann", status: "Scheduled" } },
    "PATCH /api/v1/saved-filters/{id}": { name: `Renamed ${tag}` },
    "PATCH /api/v1/account": { embedOrigins: ["https://shop.example.com"], name: "Fuzz business", brandColor: "#0f766e", defaultTimeZone: "Europe/Berlin", invoice: { address: "1 Harbour Road", taxId: "GB123", taxName: "VAT", taxRate: "20" } },
    "PUT /api/v1/account/logo": { dataUrl: fx.logo },
    "POST /api/v1/booking-pages/{id}/duplicate": { slug: `fuzz-copy-${tag}`, name: "Fuzz copy" },
    "PATCH /api/v1/users/{id}": { role: "admin" },
    "POST /api/v1/invitations": { email: `fuzz-${tag}@example.test`, role: "member" },
    "PATCH /api/v1/me": { name: "Fuzz admin", timeZone: "Europe/Berlin" },
    "POST /api/v1/me/tokens": { name: `Fuzz token ${tag}` },
    "POST /api/v1/me/password": { currentPassword: "correct horse battery", newPassword: "a fuzzed new password" },
    "POST /api/v1/public/invitations/look-up": { token: fx.invitation.token },
    "POST /api/v1/public/invitations/accept": { token: fx.invitation.token, name: "Fuzz invitee", password: "invitee password" },
    "POST /api/v1/public/password-resets/look-up": { token: fx.resetToken },
    "POST /api/v1/public/password-resets/accept": { token: fx.resetToken, password: "reset password" },
    "PUT /api/v1/account/paypal": { mode: "sandbox", baseUrl: paypalUrl, clientId: fx.paypal.clientId, clientSecret: fx.paypal.clientSecret, webhookId: "WHFUZZ1" },
    "PATCH /api/v1/account/paypal": { webhookId: "WHFUZZ2" },
    "PUT /api/v1/booking-pages/{id}/notifications/templates/{kind}/{audience}": { subject: "Soon: {{booking.id}}", text: "See you, {{customer.name}}" },
    "POST /api/v1/booking-pages/{id}/notifications/preview": { kind: "booking-confirmed", audience: "customer" },
    "PUT /api/v1/account/salesforce": { loginUrl: salesforcePeer.loginUrl, clientId: salesforcePeer.connectedApp.clientId, noMatch: "lead" },
    "PUT /api/v1/account/salesforce/users/{userId}": { salesforceUserId: null },
    "PUT /api/v1/booking-pages/{id}/salesforce": { createEvents: true },
    // Connecting signs in to the calendar server: the local Radicale (the fuzz server may call
    // loopback; by default private networks are refused, see guarded-fetch.ts).
    "PUT /api/v1/me/calendar-connection": { serverUrl: fx.calendar.serverUrl, username: fx.calendar.username, password: fx.calendar.password },
    "PUT /api/v1/booking-pages/{id}/payments": { currency: "EUR", price: "12.50", packageSessionPrice: null, rescheduleFee: null, refundPolicy: "none" },
    "POST /api/v1/public/pages/{slug}/checkouts": { start: fx.slot(run + 1), customer: customer() },
    "POST /api/v1/public/manage/{token}/reschedule-checkout": { start: fx.slot(run + 1) },
    "POST /api/v1/public/checkouts/{id}/complete": { orderId: fx.paypal.approvedOrder },
    "POST /api/v1/webhooks/paypal/{accountKey}": { id: "WH-1", event_type: "PAYMENT.CAPTURE.COMPLETED", resource_type: "capture", resource: {} },
    "POST /api/v1/webhook-endpoints": { url: `${server.url}/api/health`, eventTypes: ["activity.created", "activity.updated"], description: "Fuzz" },
    "PATCH /api/v1/webhook-endpoints/{id}": { description: "Renamed", enabled: true },
    "POST /api/v1/trash": { ids: [pick(fx.bookings).id] },
    "POST /api/v1/trash/restore": { ids: [fx.trashed[0]] },
    "POST /api/v1/trash/delete-permanently": { ids: [fx.trashed[1]] },
    "POST /api/v1/customers/forget": { email: `nobody-${tag}@example.com`, dryRun: true },
    "POST /api/v1/test-clock": { now: new Date(server.clock.now().getTime() + 60_000).toISOString() },
  };
  const key = `${op.method} ${op.path}`;
  const used = Object.fromEntries(op.parameters.filter((p) => p.in === "path").map((p) => [p.name, path[p.name]]));
  return { path: used, query: queries[key] ?? {}, body: op.body ? (bodies[key] ?? {}) : undefined };
}

interface Answer {
  status: number;
  text: string;
}

async function send(baseUrl: string, r: BuiltRequest): Promise<Answer> {
  const abort = new AbortController();
  const res = await fetch(baseUrl + r.url, { method: r.method, headers: r.headers, body: r.body, signal: abort.signal, redirect: "manual" });
  // The live stream never ends by itself: its status and headers are the answer.
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    abort.abort();
    return { status: res.status, text: "" };
  }
  return { status: res.status, text: await res.text() };
}

/** Why an answer breaks the rules, or undefined when it keeps them. */
function fault(a: Answer): string | undefined {
  if (a.status >= 500) return `answered ${a.status}`;
  if (a.status < 400) return undefined;
  let parsed: any;
  try {
    parsed = JSON.parse(a.text);
  } catch {
    return `error answer ${a.status} is not JSON`;
  }
  const e = parsed?.error;
  const shaped = e && Object.keys(parsed).length === 1 && typeof e.code === "string" && typeof e.message === "string" && e.message.length > 0
    && e.details !== null && typeof e.details === "object" && !Array.isArray(e.details);
  return shaped ? undefined : `error answer ${a.status} lacks the {error:{code,message,details}} shape`;
}

/** Faults grouped by operation and kind, with a count and the first example of each. */
function summarize(faults: { op: string; why: string; example: string }[]): string[] {
  const groups = new Map<string, { n: number; example: string }>();
  for (const f of faults) {
    const key = `${f.op} ${f.why}`;
    const g = groups.get(key) ?? { n: 0, example: f.example };
    g.n++;
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => `${key} ×${g.n}, e.g. ${g.example}`);
}

/** Operations that change what later cases of the same operation would see get fresh fixtures. */
const changesState = (op: Operation) => op.method !== "GET";

describe.each(ENGINES)("fuzzing every operation of the OpenAPI document on $name", (engine) => {
  let server: TestServer;
  let paypal: PayPalPeer;
  let operations: Operation[];
  beforeAll(async () => {
    server = await startTestServer(engine, { realPublicUrl: true });
    paypal = await startPayPalPeer({ webhookRetry: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000, maxAttempts: 2 } });
    paypalUrl = paypal.url;
    salesforcePeer = await startSalesforcePeer({ seed: 3 });
    radicale = await startRadicale();
    server.ctx.calendars = calDavProviders({ allowPrivateNetworks: true, timeoutMs: 2_000 });
    operations = operationsOf(await (await fetch(`${server.url}/api/openapi.json`)).json());
    // The test clock moves "now" for everything after it: last.
    operations.sort((a, b) => Number(a.path === "/api/v1/test-clock") - Number(b.path === "/api/v1/test-clock"));
  }, 300_000);
  afterAll(async () => {
    await paypal?.close();
    await salesforcePeer?.close();
    await radicale?.close();
    await server?.close();
  });

  it("answers every generated bad request with a 4xx in the error shape, never a 5xx", async () => {
    expect(operations.length).toBeGreaterThan(40);
    const faults: { op: string; why: string; example: string }[] = [];
    let requests = 0;
    let fiveHundreds = 0;
    let shared: Fixtures | undefined;
    for (const [index, op] of operations.entries()) {
      const fx = changesState(op) ? await makeFixtures(server, paypal) : (shared ??= await makeFixtures(server, paypal));
      const name = `${op.method} ${op.path}`;
      const baseline = baselineFor(op, fx, server, -1);
      const plain = buildRequest(op, baseline, { auth: "admin", spoils: [] }, { admin: fx.acct.admin.token });
      const ok = await send(server.url, plain);
      if (REFUSED_WITHOUT_SIGNATURE.has(name)) expect(ok.status, `the unsigned ${name} is refused: ${ok.text.slice(0, 300)}`).toBe(400);
      else expect(ok.status, `the unspoiled ${name} succeeds: ${ok.text.slice(0, 300)}`).toBeLessThan(REDIRECTS.has(name) ? 400 : 300);
      let run = 0;
      for (const [place, location] of locationsOf(op, baseline).entries()) {
        await fc.assert(
          fc.asyncProperty(location.cases, async (c) => {
            const r = buildRequest(op, baselineFor(op, fx, server, run++), c, { admin: fx.acct.admin.token });
            const answer = await send(server.url, r);
            requests++;
            if (answer.status >= 500) fiveHundreds++;
            const why = fault(answer);
            if (why) faults.push({ op: `${name} (${location.name})`, why, example: `${r.label} → ${answer.text.slice(0, 200)}` });
            return true; // counted, not thrown: the test reports every fault, not the first
          }),
          {
            seed: SEED + index * 1000 + place,
            examples: location.examples.map((c) => [c] as [typeof c]),
            numRuns: location.examples.length + (location.name === "whole request" ? RUNS_PER_REQUEST : RUNS_PER_LOCATION),
          },
        );
      }
    }
    console.log(`fuzz-openapi ${engine.name}: ${requests} requests over ${operations.length} operations, ${fiveHundreds} answered 5xx, ${faults.length} faults`);
    expect(summarize(faults), `${faults.length} faults`).toEqual([]);
  }, 600_000);
});
