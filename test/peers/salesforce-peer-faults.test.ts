import type { Connection } from "@jsforce/jsforce-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSalesforcePeer, type FaultRule, type SalesforcePeer } from "../../peers/salesforce/server.js";
import { connect, contactByEmail, inDays, rejection } from "./salesforce-support.js";

/**
 * Scripted failures as jsforce surfaces them (errorCode on the thrown error, or a transparent
 * refresh/retry where jsforce does one), the request counters, and the HTTP control API.
 */
let peer: SalesforcePeer;
let conn: Connection;
let john: string;

beforeAll(async () => {
  peer = await startSalesforcePeer({ seed: 21 });
  conn = await connect(peer);
  john = String(contactByEmail(peer, "john.moreau.1@example.com").Id);
});
afterEach(() => peer.control.clearFaults());
afterAll(() => peer.close());

const newEvent = () => ({ StartDateTime: inDays(3).toISOString(), DurationInMinutes: 30, WhoId: john, Subject: "Intro call" });
const eventCount = () => peer.control.records("Event").length;

describe("faults as jsforce sees them", () => {
  it("a revoked session (401 INVALID_SESSION_ID) is refreshed and retried by jsforce without the caller noticing", async () => {
    peer.control.setFaults([{ kind: "invalid-session", endpoint: "POST /sobjects/Event", times: 1 }]);
    peer.control.resetStats();
    const before = conn.accessToken;
    const created = await conn.sobject("Event").create(newEvent());
    expect(created.success).toBe(true);
    expect(conn.accessToken).not.toBe(before);
    expect(peer.control.calls().map((c) => `${c.endpoint} ${c.status}${c.fault ? ` (${c.fault})` : ""}`)).toEqual([
      "POST /sobjects/Event 401 (invalid-session)", "POST /services/oauth2/token 200", "POST /sobjects/Event 201",
    ]);
    expect(peer.control.stats()).toMatchObject({ total: 3, dataApi: 2, faults: 1 });
    // The token the fault answered is really dead.
    const res = await fetch(`${peer.instanceUrl}/services/data/v${peer.apiVersion}/limits`, { headers: { Authorization: `Bearer ${before}` } });
    expect(res.status).toBe(401);
  });

  it.each<[FaultRule["kind"], number, string, string]>([
    ["request-limit", 403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."],
    ["server-unavailable", 503, "SERVER_UNAVAILABLE", "Server temporarily unavailable. Please try again later."],
    ["server-error", 500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1337042-19283 (-1189406412)"],
  ])("%s answers %i %s on a create, which jsforce does not retry", async (kind, status, errorCode, message) => {
    peer.control.setFaults([{ kind, method: "POST" }]);
    peer.control.resetStats();
    const before = eventCount();
    const err = await rejection(conn.sobject("Event").create(newEvent()));
    expect(err).toMatchObject({ errorCode, message });
    expect(peer.control.calls()).toEqual([{ method: "POST", path: `/services/data/v${peer.apiVersion}/sobjects/Event`, endpoint: "POST /sobjects/Event", status, fault: kind }]);
    expect(eventCount()).toBe(before);
  });

  it("UNABLE_TO_LOCK_ROW names the record being updated", async () => {
    const { id } = await conn.sobject("Event").create(newEvent());
    peer.control.setFaults([{ kind: "unable-to-lock-row", endpoint: "PATCH /sobjects/Event/{id}" }]);
    const err = await rejection(conn.sobject("Event").update({ Id: id!, Event_Status__c: "Canceled" }));
    expect(err).toMatchObject({ errorCode: "UNABLE_TO_LOCK_ROW", message: `unable to obtain exclusive access to this record or 1 records: ${id}` });
    expect(err.data.fields).toEqual([]);
    expect(peer.control.record(id!)?.Event_Status__c).toBeNull();
  });

  it("a 503 on a read is retried by jsforce (GET is idempotent) and the second answer wins", async () => {
    peer.control.setFaults([{ kind: "server-unavailable", endpoint: "GET /query", times: 1 }]);
    peer.control.resetStats();
    expect((await conn.query("SELECT Id FROM User")).totalSize).toBe(4);
    expect(peer.control.calls().map((c) => c.status)).toEqual([503, 200]);
  });

  it("phase 'after' does the work and then fails: the Event exists although the client heard an error", async () => {
    peer.control.setFaults([{ kind: "server-error", endpoint: "POST /sobjects/Event", phase: "after", times: 1 }]);
    const before = eventCount();
    const subject = `Lost answer ${before}`;
    expect(await rejection(conn.sobject("Event").create({ ...newEvent(), Subject: subject }))).toMatchObject({ errorCode: "UNKNOWN_EXCEPTION" });
    expect(eventCount()).toBe(before + 1);
    expect((await conn.query(`SELECT Id FROM Event WHERE Subject = '${subject}'`)).totalSize).toBe(1);
  });

  it("'slow' still answers; 'hang' holds the socket until the client's own timeout gives up", async () => {
    peer.control.setFaults([{ kind: "slow", endpoint: "GET /sobjects/Event/describe", delayMs: 100, times: 1 }]);
    expect((await conn.sobject("Event").describe()).name).toBe("Event");
    expect(peer.control.calls().at(-1)).toMatchObject({ status: 200, fault: "slow" });

    peer.control.setFaults([{ kind: "hang", endpoint: "GET /sobjects/Event/describe" }]);
    const err = await rejection(conn.request({ method: "GET", url: "/sobjects/Event/describe" }, { timeout: 300 }));
    expect(err.name).toBe("AbortError");
    expect(peer.control.calls().at(-1)).toMatchObject({ status: "held", fault: "hang" });
  });

  it("a fraction of calls fails, drawn from the seeded PRNG: the same seed fails the same calls", async () => {
    const run = async () => {
      const other = await startSalesforcePeer({ seed: 99, faults: [{ kind: "request-limit", endpoint: "GET /sobjects/User/describe", rate: 0.3 }] });
      try {
        const c = await connect(other);
        const outcomes: string[] = [];
        for (let i = 0; i < 30; i++) outcomes.push(await c.sobject("User").describe().then(() => "ok", (e: { errorCode: string }) => e.errorCode));
        return outcomes;
      } finally {
        await other.close();
      }
    };
    const first = await run();
    const failures = first.filter((o) => o === "REQUEST_LIMIT_EXCEEDED").length;
    expect(failures).toBeGreaterThan(0);
    expect(failures).toBeLessThan(30);
    expect(await run()).toEqual(first);
  });

  it("faults on the token endpoint answer in OAuth's shape, and a refresh that fails surfaces as jsforce's refresh error", async () => {
    const other = await connect(peer);
    peer.control.setFaults([{ kind: "server-unavailable", endpoint: "POST /services/oauth2/token", times: 1 }]);
    peer.control.expireAccessTokens();
    expect((await rejection(other.query("SELECT Id FROM User"))).message).toBe("Unable to refresh session due to: retry your request");
    // The refresh token itself is fine: the next call refreshes and succeeds.
    expect((await other.query("SELECT Id FROM User")).totalSize).toBe(4);
  });

  it("past the daily limit every data call is REQUEST_LIMIT_EXCEEDED; jsforce reads the usage from Sforce-Limit-Info", async () => {
    peer.control.setApiUsage(100, 1000);
    await conn.query("SELECT Id FROM User");
    expect(conn.limitInfo.apiUsage).toEqual({ used: 101, limit: 1000 });
    peer.control.setApiUsage(1000);
    try {
      expect(await rejection(conn.query("SELECT Id FROM User"))).toMatchObject({ errorCode: "REQUEST_LIMIT_EXCEEDED", message: "TotalRequests Limit exceeded." });
    } finally {
      peer.control.setApiUsage(0, 15_000);
    }
  });
});

describe("counting and steering", () => {
  it("counts the API calls a booking's Event costs, per endpoint", async () => {
    peer.control.resetStats();
    const found = await conn.query("SELECT Id FROM Contact WHERE Email = 'john.moreau.1@example.com'");
    const { id } = await conn.sobject("Event").create({ ...newEvent(), WhoId: found.records[0].Id });
    await conn.sobject("Event").update({ Id: id!, Event_Status__c: "Completed" });
    expect(peer.control.stats()).toEqual({
      total: 3, dataApi: 3, faults: 0,
      byEndpoint: { "GET /query": 1, "POST /sobjects/Event": 1, "PATCH /sobjects/Event/{id}": 1 },
    });
  });

  it("offers the same control over HTTP under /__peer/", async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${peer.loginUrl}/__peer/${path}`, { method, ...(body ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}) });
      return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
    };
    expect((await call("DELETE", "stats")).status).toBe(204);
    const created = await call("POST", "records/Event", newEvent());
    expect(created).toMatchObject({ status: 201, body: { Id: expect.stringMatching(/^00U/), Subject: "Intro call" } });
    const id = created.body.Id as string;
    expect((await call("GET", "records/Event")).body.map((e: { Id: string }) => e.Id)).toContain(id);
    expect((await call("PATCH", `records/Event/${id}`, { Event_Status__c: "No-show" })).body.Event_Status__c).toBe("No-show");
    expect((await call("DELETE", `records/Event/${id}`)).status).toBe(204);
    expect(await rejection(conn.sobject("Event").retrieve(id))).toMatchObject({ errorCode: "ENTITY_IS_DELETED" });
    expect(await call("POST", "records/Event", { DurationInMinutes: 5 })).toMatchObject({ status: 400, body: [{ errorCode: "REQUIRED_FIELD_MISSING" }] });

    const rule = { kind: "server-error", endpoint: "POST /sobjects/Contact", times: 1 };
    expect((await call("PUT", "faults", { rules: [rule] })).body).toEqual([rule]);
    expect(await rejection(conn.sobject("Contact").create({ LastName: "x" }))).toMatchObject({ errorCode: "UNKNOWN_EXCEPTION" });
    expect((await conn.sobject("Contact").create({ LastName: "x" })).success).toBe(true);
    expect((await call("DELETE", "faults")).status).toBe(204);

    expect((await call("PATCH", "org", { eventCustomFields: false })).status).toBe(200);
    expect((await conn.sobject("Event").describe()).fields.some((f) => f.custom)).toBe(false);
    await call("PATCH", "org", { eventCustomFields: true });
    expect((await call("POST", "expire-access-tokens")).body).toMatchObject({ accessTokens: 0 });
    expect((await call("GET", "stats")).body).toMatchObject({ faults: 1, byEndpoint: { "POST /sobjects/Contact": 2, "GET /sobjects/Event/describe": 1, "GET /sobjects/Event/{id}": 1 } });
  });
});
