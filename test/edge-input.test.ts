import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, type ApiResponse, type TestAccount, type TestServer, startTestServer } from "./support/harness.js";
import { book, type Made } from "./support/lifecycle-drive.js";

/**
 * Input that used to reach the database and come back as a 500 (a probe found five causes):
 * each is now a 400 naming the field, refused at the HTTP edge before anything is stored. Also:
 * addresses and bodies Fastify or Node refuse before any route runs answer in the error shape,
 * and an action POST with no body, or an empty JSON body, is the same as `{}`.
 */
const FAR_AHEAD_HOURS = 2 * 365 * 24;

function expectInvalid(r: ApiResponse, field: string, message?: RegExp) {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body).toEqual({ error: { code: "validation_failed", message: expect.any(String), details: expect.objectContaining({ field }) } });
  expect(r.body.error.message).toContain(field);
  if (message) expect(r.body.error.message).toMatch(message);
}

/** A request with a body sent exactly as given (or none), and the answer read as JSON. */
async function raw(server: TestServer, method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const res = await fetch(server.url + path, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

describe.each(ENGINES)("input refused at the edge on $name", (engine) => {
  let server: TestServer;
  let acct: TestAccount;
  let booking: Made;
  beforeAll(async () => {
    server = await startTestServer(engine);
    acct = await newAccount(server);
    booking = await book(server, acct.autoPage.slug, futureSlots(server, 1, FAR_AHEAD_HOURS)[0]);
  });
  afterAll(async () => server?.close());

  const admin = () => client(server.url, acct.admin.token);
  const pub = () => client(server.url);
  const slot = (n = 0) => futureSlots(server, 1, FAR_AHEAD_HOURS + 24 + n)[0];
  const bookings = () => `/api/v1/public/pages/${acct.autoPage.slug}/bookings`;

  it("a NUL character anywhere in a body, query or path is refused with the field's name, and nothing is stored", async () => {
    expectInvalid(await pub().post(bookings(), { start: slot(), customer: { ...customer(), name: "Zelda\u0000Lee" } }), "body.customer.name", /NUL/);
    expectInvalid(await pub().post(bookings(), { start: slot(), customer: customer(), answers: { topic: "a\u0000" } }), "body.answers.topic");
    expectInvalid(await admin().post(`/api/v1/activities/${booking.id}/actions/cancel`, { reason: "\u0000" }), "body.reason");
    expectInvalid(await admin().get("/api/v1/customers?q=ann%00"), "querystring.q");
    expectInvalid(await admin().get("/api/v1/activities?q=a%00b"), "querystring.q");
    expectInvalid(await admin().get("/api/v1/activities/BKNG-%00"), "params.id");
    expect((await admin().get(`/api/v1/activities/${booking.id}`)).body.detailedStatus, "the cancel was refused").toBe("Scheduled (By customer)");
    expect((await admin().get("/api/v1/customers?q=Zelda")).body.items, "no customer was stored").toEqual([]);
  });

  it("half a UTF-16 surrogate pair (which JSON can carry as \\ud800) is refused in values and in keys", async () => {
    expectInvalid(await pub().post(bookings(), { start: slot(), customer: { ...customer(), name: "Ann \uD800" } }), "body.customer.name", /surrogate/);
    expectInvalid(await pub().post(bookings(), { start: slot(), customer: customer(), answers: { ["k\uDC00"]: "x" } }), "body.answers.k\uFFFD", /property name/);
    expectInvalid(await admin().post("/api/v1/saved-filters", { name: "Mine", query: { q: ["\uDBFF"] } }), "body.query.q.0");
    // A whole pair (an emoji) is text like any other.
    const emoji = await pub().post(bookings(), { start: slot(1), customer: { ...customer(), name: "Ann 🙂" } });
    expect(emoji.status, JSON.stringify(emoji.body)).toBe(201);
  });

  it("years outside 1900–2999 are refused in every time and date, so a meeting can never end in year 10000", async () => {
    expectInvalid(await pub().post(bookings(), { start: "9999-12-31T23:30:00-12:00", customer: customer() }), "body.start", /between 1900 and 2999/);
    expectInvalid(await pub().post(bookings(), { start: "0000-01-01T00:00:00Z", customer: customer() }), "body.start");
    expectInvalid(await admin().get("/api/v1/activities?createdFrom=0000-01-01T00:00:00Z"), "querystring.createdFrom");
    expectInvalid(await admin().get(`/api/v1/find-a-time?start=${encodeURIComponent("9999-12-31T23:30:00-12:00")}`), "querystring.start");
    expectInvalid(await admin().call("PUT", `/api/v1/users/${acct.admin.id}/date-overrides/0000-01-01`, { ranges: [] }), "params.date");
    expectInvalid(await admin().post(`/api/v1/activities/${booking.id}/actions/reschedule`, { reason: "x", start: "3000-01-01T00:00:00Z" }), "body.start");
    const docs = await pub().get("/api/openapi.json");
    expect(JSON.stringify(docs.body)).toContain("years 1900–2999");
  });

  it("a search nested 2,000 parentheses deep is an invalid_query at the first level too deep", async () => {
    const q = `${"(".repeat(2000)}ann`;
    const r = await admin().get(`/api/v1/activities?q=${encodeURIComponent(q)}`);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.code).toBe("invalid_query");
    expect(r.body.error.details.position).toBe(16);
    expect((await admin().get("/api/v1/search-help")).body.markdown).toMatch(/16 levels of nested parentheses/);
  });

  it("a stream cursor that decodes to something this API never wrote is refused, not sent to the database", async () => {
    const cursor = (json: string) => Buffer.from(json).toString("base64url");
    for (const c of ['["0000-01-01T00:00:00Z","BKNG-AAAAAAAAAAAA"]', '["+275760-09-13T00:00:00.000Z","BKNG-AAAAAAAAAAAA"]', '["2030-01-01T00:00:00.000Z","\\u0000"]', '["Tue, 1 Jan 2030","BKNG-AAAAAAAAAAAA"]']) {
      const r = await admin().get(`/api/v1/activities?cursor=${cursor(c)}`);
      expect(r.status, c).toBe(400);
      expect(r.body.error.details.field).toBe("cursor");
    }
  });

  it("addresses the router or Node refuse answer in the error shape: bad percent-encoding, over-long parts, over-long URLs", async () => {
    expectInvalid(await raw(server, "GET", "/api/v1/public/pages/%FF%FE"), "url", /percent-encoding/);
    expectInvalid(await raw(server, "GET", "/api/v1/public/manage/%ED%A0%80aaaaaaaaaaaaaaaaaaaaaaaa"), "url");
    expectInvalid(await raw(server, "GET", `/api/v1/public/pages/${"a".repeat(600)}`), "params");
    // Within the router's limit, the schema names the parameter.
    expectInvalid(await raw(server, "GET", `/api/v1/public/pages/${"a".repeat(300)}`), "params.slug");
    const huge = await raw(server, "GET", `/api/v1/activities?q=${"a".repeat(20_000)}`);
    expect(huge.status).toBe(431);
    expect(huge.body).toEqual({ error: { code: "request_too_large", message: expect.any(String), details: {} } });
  });

  it("a body that is not JSON, or smuggles __proto__, is a 400 naming the body; another content type is a 415", async () => {
    const json = { "content-type": "application/json", authorization: `Bearer ${acct.admin.token}` };
    const action = `/api/v1/activities/${booking.id}/actions/cancel`;
    expectInvalid(await raw(server, "POST", action, { headers: json, body: "{" }), "body", /not valid JSON/);
    expectInvalid(await raw(server, "POST", action, { headers: json, body: '{"__proto__":{"admin":true}}' }), "body");
    expectInvalid(await raw(server, "POST", action, { headers: json, body: '{"constructor":{"prototype":{"admin":true}}}' }), "body");
    const form = await raw(server, "POST", action, { headers: { ...json, "content-type": "application/x-www-form-urlencoded" }, body: "reason=x" });
    expect([form.status, form.body.error.code]).toEqual([415, "unsupported_media_type"]);
    expect((await admin().get(`/api/v1/activities/${booking.id}`)).body.detailedStatus).toBe("Scheduled (By customer)");
  });

  it("an action POST with no body, or with an empty JSON body, is the same as {}", async () => {
    const auth = { authorization: `Bearer ${acct.admin.token}` };
    const a = await book(server, acct.autoPage.slug, slot(3));
    const b = await book(server, acct.autoPage.slug, slot(4));
    const noBody = await raw(server, "POST", `/api/v1/activities/${a.id}/actions/cancel`, { headers: auth });
    expect(noBody.status, JSON.stringify(noBody.body)).toBe(200);
    expect(noBody.body.activity.detailedStatus).toBe("Canceled (By user)");
    const empty = await raw(server, "POST", `/api/v1/activities/${b.id}/actions/cancel`, { headers: { ...auth, "content-type": "application/json" }, body: "" });
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(empty.body.activity.detailedStatus).toBe("Canceled (By user)");
    // A body that needs fields still says which one is missing.
    const reschedule = await raw(server, "POST", `/api/v1/activities/${booking.id}/actions/reschedule`, { headers: { ...auth, "content-type": "application/json" }, body: "" });
    expect(reschedule.status).toBe(400);
    expect(reschedule.body.error.details.field).toMatch(/reason|start/);
    // The customer side too: an empty body cancels from the manage link.
    const c = await book(server, acct.autoPage.slug, slot(5));
    const cancel = await raw(server, "POST", `/api/v1/public/manage/${c.token}/cancel`, { headers: { "content-type": "application/json" }, body: "" });
    expect([cancel.status, cancel.body.detailedStatus]).toEqual([200, "Canceled (By customer)"]);
  });
});
