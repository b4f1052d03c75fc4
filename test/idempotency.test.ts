import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { book, clientsFor, details, hoursAfter, moveClock, streamIds } from "./support/lifecycle-drive.js";

/** Idempotency-Key (Stripe's semantics) and the database's guard against a retried booking. */
describe.each(ENGINES)("retries and Idempotency-Key on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const withKey = (key: string) => ({ "idempotency-key": key });

  it("the same key and body give the same answer, once: one booking, the second answer marked as replayed", async () => {
    const acct = await newAccount(server);
    const pub = client(server.url);
    const body = { start: futureSlots(server, 1)[0], customer: customer() };
    const key = randomUUID();
    const first = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, body, withKey(key));
    const second = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, body, withKey(key));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    const res = await fetch(`${server.url}/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { method: "POST", headers: { "content-type": "application/json", ...withKey(key) }, body: JSON.stringify(body) });
    expect(res.headers.get("idempotent-replayed")).toBe("true");
    expect(await streamIds(clientsFor(server, acct).admin)).toEqual([first.body.activity.id]);
    // The stored answer holds a manage link: it is kept encrypted, unreadable without the key.
    const token = first.body.manageLink.split("/manage/")[1];
    const rows = await server.handle.db.selectFrom("idempotency_keys").select(["response"]).execute();
    expect(rows.some((r) => Buffer.from(r.response ?? []).toString("latin1").includes(token))).toBe(false);
  });

  it("the same key with another body is 422 and does nothing", async () => {
    const acct = await newAccount(server);
    const pub = client(server.url);
    const [s1, s2] = futureSlots(server, 2);
    const key = randomUUID();
    expect((await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: s1, customer: customer() }, withKey(key))).status).toBe(201);
    const other = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: s2, customer: customer() }, withKey(key));
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: "unprocessable", details: { field: "headers.idempotency-key", reason: "idempotency_key_reused" } });
    expect(await streamIds(clientsFor(server, acct).admin)).toHaveLength(1);
  });

  it("ten concurrent requests with one key book once; each answers the booking or asks to retry", async () => {
    const acct = await newAccount(server);
    const pub = client(server.url);
    const body = { start: futureSlots(server, 1)[0], customer: customer() };
    const key = randomUUID();
    const all = await Promise.all(Array.from({ length: 10 }, () => pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, body, withKey(key))));
    const ids = new Set(all.filter((r) => r.status === 201).map((r) => r.body.activity.id));
    expect(ids.size).toBe(1);
    for (const r of all.filter((x) => x.status !== 201)) expect([r.status, r.body.error.details.reason]).toEqual([409, "idempotency_key_in_use"]);
    const retried = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, body, withKey(key));
    expect(retried.body.activity.id).toBe([...ids][0]);
    expect(await streamIds(clientsFor(server, acct).admin)).toEqual([...ids]);
  });

  it("a lifecycle action retried with its key is done once (history has one cancel) and answered the same", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const b = await book(server, acct.autoPage.slug, futureSlots(server, 1)[0]);
    const key = randomUUID();
    const first = await admin.post(`/api/v1/activities/${b.id}/actions/cancel`, { reason: "Ill" }, withKey(key));
    const again = await admin.post(`/api/v1/activities/${b.id}/actions/cancel`, { reason: "Ill" }, withKey(key));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect((await details(admin, b.id)).history.map((h: any) => h.action)).toEqual(["customer-books", "cancel"]);
    // Without the key the second cancel is what it is: not allowed any more.
    expect((await admin.post(`/api/v1/activities/${b.id}/actions/cancel`, { reason: "Ill" })).status).toBe(409);
  });

  it("keys are per account: another account's identical key is its own request", async () => {
    const a = await newAccount(server);
    const b = await newAccount(server);
    const key = randomUUID();
    const body = (acct: typeof a) => ({ name: "Mine", query: { status: ["Scheduled"] } });
    const ra = await clientsFor(server, a).admin.post("/api/v1/saved-filters", body(a), withKey(key));
    const rb = await clientsFor(server, b).admin.post("/api/v1/saved-filters", body(b), withKey(key));
    expect([ra.status, rb.status], JSON.stringify([ra.body, rb.body])).toEqual([201, 201]);
    expect(ra.body.id).not.toBe(rb.body.id);
    // A request that writes outside a lifecycle transaction replays too.
    const replay = await clientsFor(server, a).admin.post("/api/v1/saved-filters", body(a), withKey(key));
    expect([replay.status, replay.body.id]).toEqual([201, ra.body.id]);
  });

  it("a key is remembered for 24 hours, then it is a new request", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    const key = randomUUID();
    const first = await admin.post("/api/v1/saved-filters", { name: "Day one", query: {} }, withKey(key));
    expect(first.status).toBe(201);
    await moveClock(server, hoursAfter(server.clock.now(), 25));
    const later = await admin.post("/api/v1/saved-filters", { name: "Day one", query: {} }, withKey(key));
    expect(later.status).toBe(409); // the name is taken: it really ran again
  });

  it("a malformed key is 400 naming the header", async () => {
    const acct = await newAccount(server);
    const r = await clientsFor(server, acct).admin.post("/api/v1/saved-filters", { name: "x", query: {} }, withKey("has spaces in it"));
    expect(r.status).toBe(400);
    expect(r.body.error.details.field).toBe("headers.idempotency-key");
  });

  it("without a key, a retried booking (same customer, page and start) on a two-host team page is 409, not a second booking", async () => {
    const acct = await newAccount(server);
    const { admin } = clientsFor(server, acct);
    expect((await admin.call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/hosts`, { userIds: [acct.admin.id, acct.member.id] })).status).toBe(200);
    const body = { start: futureSlots(server, 1)[0], customer: customer() };
    const pub = client(server.url);
    const first = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, body);
    const retry = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, body);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(409);
    expect(retry.body.error).toMatchObject({ code: "conflict", details: { reason: "duplicate_booking" } });
    expect(await streamIds(admin)).toEqual([first.body.activity.id]);
    // Another customer at that time still gets the other host.
    const other = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { ...body, customer: customer(2) });
    expect(other.status).toBe(201);
    expect(other.body.activity.host).not.toBe(first.body.activity.host);
  });
});
