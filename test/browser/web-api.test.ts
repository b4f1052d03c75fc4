import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "../support/harness.js";

/** The server side the web app relies on: saved filters (per user) and the live event stream. */
describe.each(ENGINES)("Web app API on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it("keeps saved filters per user, with unique names and the usual error shape", async () => {
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const member = client(server.url, acct.member.token);
    const query = { status: "Requested", detailedStatus: ["Requested (By customer)", "Requested (Initiated by user)"] };

    const created = await admin.post("/api/v1/saved-filters", { name: "Requests", query });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Requests", query });

    const dup = await admin.post("/api/v1/saved-filters", { name: " requests ", query: {} });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: "conflict", details: { field: "name" } });

    // Another user may use the same name, and sees only their own filters.
    expect((await member.post("/api/v1/saved-filters", { name: "Requests", query: {} })).status).toBe(201);
    const mine = await member.get("/api/v1/saved-filters");
    expect(mine.body.items.map((f: any) => f.name)).toEqual(["Requests"]);
    expect(mine.body.items[0].id).not.toBe(created.body.id);
    const foreign = await member.call("PATCH", `/api/v1/saved-filters/${created.body.id}`, { name: "Mine now" });
    expect(foreign.status).toBe(404);
    expect((await member.call("DELETE", `/api/v1/saved-filters/${created.body.id}`)).status).toBe(404);

    await admin.post("/api/v1/saved-filters", { name: "Canceled", query: { status: "Canceled" } });
    const clash = await admin.call("PATCH", `/api/v1/saved-filters/${created.body.id}`, { name: "CANCELED" });
    expect(clash.status).toBe(409);
    const renamed = await admin.call("PATCH", `/api/v1/saved-filters/${created.body.id}`, { name: "Open requests" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Open requests", query });

    const bad = await admin.post("/api/v1/saved-filters", { name: "", query: { "not a name": "x" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");

    expect((await admin.call("DELETE", `/api/v1/saved-filters/${created.body.id}`)).status).toBe(204);
    expect((await admin.get("/api/v1/saved-filters")).body.items.map((f: any) => f.name)).toEqual(["Canceled"]);
    expect((await client(server.url).get("/api/v1/saved-filters")).status).toBe(401);
  });

  it("pushes changed activities to live streams, only to those who may see them", async () => {
    const acct = await newAccount(server);
    const admin = await openLive(server.url, acct.admin.token);
    const viewer = await openLive(server.url, acct.viewer.token);
    try {
      const pub = client(server.url);
      const [t1, t2] = futureSlots(server, 2, 200);
      // The viewer may see the automatic page only, not the member's approval page.
      const request = await pub.post(`/api/v1/public/pages/${acct.approvalPage.slug}/requests`, { proposedTimes: [t1], customer: customer(1) });
      expect(request.status).toBe(201);
      const booking = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: t2, customer: customer(2) });
      expect(booking.status).toBe(201);

      const seenByAdmin = [await admin.next(), await admin.next()].map((e) => e.id).sort();
      expect(seenByAdmin).toEqual([request.body.activity.id, booking.body.activity.id].sort());
      // Events come in change order: had the viewer been sent the request, it would come first.
      expect((await viewer.next()).id).toBe(booking.body.activity.id);

      const canceled = await client(server.url, acct.admin.token).post(`/api/v1/activities/${booking.body.activity.id}/actions/cancel`, {});
      expect(canceled.status).toBe(200);
      const event = await viewer.next();
      expect(event).toEqual({ id: booking.body.activity.id, updatedAt: canceled.body.activity.updatedAt });
    } finally {
      admin.close();
      viewer.close();
    }
    expect((await fetch(`${server.url}/api/v1/live`)).status).toBe(401);
  });
});

/** Reads `event: activity` messages from /api/v1/live. */
async function openLive(baseUrl: string, token: string) {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/live`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const queue: { id: string; updatedAt: string }[] = [];
  const next = async (): Promise<{ id: string; updatedAt: string }> => {
    for (;;) {
      if (queue.length) return queue.shift()!;
      const { value, done } = await reader.read();
      if (done) throw new Error("the live stream ended");
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = message.split("\n");
        if (lines.includes("event: activity")) queue.push(JSON.parse(lines.find((l) => l.startsWith("data: "))!.slice(6)));
      }
    }
  };
  return { next, close: () => abort.abort() };
}
