import type { Connection } from "@jsforce/jsforce-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSalesforcePeer, type SalesforcePeer } from "../../peers/salesforce/server.js";
import { SalesforceApi, SalesforceError } from "../../src/integrations/salesforce/client.js";
import { CALLBACK, connect, contactByEmail, inDays, rejection } from "./salesforce-support.js";

/**
 * The Composite resource (POST /services/data/vNN.0/composite) of the local Salesforce, and the
 * product's client batching concurrent calls of one org into it (src/integrations/salesforce/composite-batcher.ts).
 */
let peer: SalesforcePeer;
let conn: Connection;
beforeAll(async () => {
  peer = await startSalesforcePeer({ seed: 23 });
  conn = await connect(peer);
});
afterAll(() => peer.close());

const v = () => `/services/data/v${peer.apiVersion}`;
const composite = (body: unknown) => conn.request<{ compositeResponse: { body: any; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }[] }>({
  method: "POST", url: "/composite", body: JSON.stringify(body), headers: { "Content-Type": "application/json" },
});
const event = (subject: string) => ({ Subject: subject, StartDateTime: inDays(3).toISOString(), EndDateTime: new Date(inDays(3).getTime() + 1_800_000).toISOString() });

describe("the Composite resource", () => {
  it("runs subrequests in order, each with its own answer; a failure stops nothing without allOrNone; one API call", async () => {
    const contact = contactByEmail(peer, peer.control.records("Contact")[0]!.Email as string);
    peer.control.resetStats();
    const r = await composite({
      allOrNone: false,
      compositeRequest: [
        { method: "POST", url: `${v()}/sobjects/Event`, referenceId: "made", body: { ...event("Composite one"), WhoId: contact.Id } },
        { method: "PATCH", url: `${v()}/sobjects/Event/@{made.id}`, referenceId: "moved", body: { Subject: "Composite one, moved" } },
        { method: "PATCH", url: `${v()}/sobjects/Event/00U000000000000AAA`, referenceId: "missing", body: { Subject: "nobody" } },
        { method: "POST", url: `${v()}/sobjects/Event`, referenceId: "bad", body: { ...event("Bad field"), No_Such_Field__c: "x" } },
        { method: "GET", url: `${v()}/query?q=${encodeURIComponent("SELECT Id, Subject FROM Event WHERE Subject = 'Composite one, moved'")}`, referenceId: "found" },
      ],
    });
    const [made, moved, missing, bad, found] = r.compositeResponse;
    expect(r.compositeResponse.map((a) => [a.referenceId, a.httpStatusCode])).toEqual([["made", 201], ["moved", 204], ["missing", 404], ["bad", 400], ["found", 200]]);
    expect(made!.body).toMatchObject({ success: true, errors: [] });
    expect(made!.httpHeaders.Location).toBe(`${v()}/sobjects/Event/${made!.body.id}`);
    expect(moved!.body).toBeNull();
    expect(missing!.body[0].errorCode).toBe("NOT_FOUND");
    expect(bad!.body[0]).toMatchObject({ errorCode: "INVALID_FIELD" });
    expect(found!.body.records.map((x: any) => x.Id)).toEqual([made!.body.id]);
    expect(peer.control.stats()).toMatchObject({ dataApi: 1, byEndpoint: { "POST /composite": 1 } });
  });

  it("with allOrNone, a failure rolls back what ran before it and halts the rest", async () => {
    const before = peer.control.records("Event").length;
    const r = await composite({
      allOrNone: true,
      compositeRequest: [
        { method: "POST", url: `${v()}/sobjects/Event`, referenceId: "first", body: event("Rolled back") },
        { method: "POST", url: `${v()}/sobjects/Event`, referenceId: "broken", body: { ...event("Broken"), Nope__c: 1 } },
        { method: "POST", url: `${v()}/sobjects/Event`, referenceId: "never", body: event("Never run") },
      ],
    });
    expect(r.compositeResponse.map((a) => [a.httpStatusCode, a.body[0]?.errorCode])).toEqual([[400, "PROCESSING_HALTED"], [400, "INVALID_FIELD"], [400, "PROCESSING_HALTED"]]);
    expect(peer.control.records("Event").length).toBe(before);
  });

  it("refuses more than 25 subrequests, more than 5 queries, duplicate references and a composite inside a composite", async () => {
    const create = (i: number) => ({ method: "POST", url: `${v()}/sobjects/Event`, referenceId: `e${i}`, body: event(`E${i}`) });
    const query = (i: number) => ({ method: "GET", url: `${v()}/query?q=${encodeURIComponent("SELECT Id FROM User")}`, referenceId: `q${i}` });
    for (const compositeRequest of [Array.from({ length: 26 }, (_, i) => create(i)), Array.from({ length: 6 }, (_, i) => query(i)), [create(1), create(1)]]) {
      const err = await rejection(composite({ compositeRequest }));
      expect(err.errorCode).toBe("INVALID_SUBREQUEST");
    }
    const nested = await composite({ compositeRequest: [{ method: "POST", url: `${v()}/composite`, referenceId: "inner", body: { compositeRequest: [] } }] });
    expect(nested.compositeResponse[0]).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: "INVALID_SUBREQUEST" }] });
  });
});

describe("the product's client batches concurrent calls of one org", () => {
  const clients = (key: string) => {
    const app = { loginUrl: peer.loginUrl, clientId: peer.connectedApp.clientId, clientSecret: peer.connectedApp.clientSecret, redirectUri: CALLBACK };
    const session = { instanceUrl: conn.instanceUrl, accessToken: conn.accessToken!, refreshToken: conn.refreshToken!, apiVersion: peer.apiVersion };
    return [1, 2, 3].map(() => new SalesforceApi(app, session, { batchKey: key, batchWindowMs: 30 }));
  };

  it("sends calls made together as one Composite call, and gives each caller its own answer or error", async () => {
    const [a, b, c] = clients("batch-test-1");
    const existing = await a!.create("Event", event("To update"));
    peer.control.resetStats();
    const [created, updated, failed] = await Promise.allSettled([
      b!.create("Event", event("Made together")),
      a!.update("Event", existing, { Subject: "Updated together" }),
      c!.update("Event", "00U000000000000AAA", { Subject: "nobody" }),
    ]);
    expect(created.status).toBe("fulfilled");
    expect(updated.status).toBe("fulfilled");
    expect(failed.status).toBe("rejected");
    expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(SalesforceError);
    expect((failed as PromiseRejectedResult).reason.kind).toBe("deleted");
    expect(peer.control.stats()).toMatchObject({ dataApi: 1, byEndpoint: { "POST /composite": 1 } });
    expect(peer.control.records("Event").find((e) => e.Id === existing)?.Subject).toBe("Updated together");
    expect(peer.control.records("Event").some((e) => e.Id === (created as PromiseFulfilledResult<string>).value && e.Subject === "Made together")).toBe(true);
  });

  it("sends a call alone as the plain call, and a whole-call failure fails every caller in it", async () => {
    const [a, b] = clients("batch-test-2");
    peer.control.resetStats();
    await a!.query("SELECT Id FROM User");
    expect(peer.control.stats().byEndpoint).toEqual({ "GET /query": 1 });
    peer.control.setFaults([{ kind: "request-limit", times: 1 }]);
    const both = await Promise.allSettled([a!.create("Event", event("Limited one")), b!.create("Event", event("Limited two"))]);
    expect(both.map((r) => r.status === "rejected" && (r.reason as SalesforceError).kind)).toEqual(["limit", "limit"]);
  });
});
