import type { Connection } from "@jsforce/jsforce-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalId } from "../../peers/salesforce/ids.js";
import { startSalesforcePeer, type SalesforcePeer } from "../../peers/salesforce/server.js";
import { connect, contactByEmail, inDays, rejection } from "./salesforce-support.js";

/**
 * SOQL as the product will send it (through jsforce's query and find), and sObject Collections
 * (jsforce's multi-record create/update/retrieve/destroy).
 */
let peer: SalesforcePeer;
let conn: Connection;

beforeAll(async () => {
  peer = await startSalesforcePeer({ seed: 3 });
  conn = await connect(peer);
});
afterAll(() => peer.close());

const names = (records: Array<Record<string, unknown>>) => records.map((r) => r.Name);

describe("SOQL", () => {
  it("finds contacts and leads by e-mail, ignoring case, with records in Salesforce's shape", async () => {
    const contacts = await conn.query("SELECT Id, Name, Email FROM Contact WHERE Email = 'JOHN.Moreau.1@example.com'");
    const john = contactByEmail(peer, "john.moreau.1@example.com");
    expect(contacts).toEqual({
      totalSize: 1, done: true,
      records: [{ attributes: { type: "Contact", url: `/services/data/v${peer.apiVersion}/sobjects/Contact/${john.Id}` }, Id: john.Id, Name: "John Moreau", Email: "john.moreau.1@example.com" }],
    });
    // A contact and a lead can share an e-mail: the product must choose.
    expect((await conn.query("SELECT Id FROM Contact WHERE Email = 'priya.tanaka.2@example.com'")).totalSize).toBe(1);
    expect((await conn.query("SELECT Id, Company FROM Lead WHERE Email = 'priya.tanaka.2@example.com'")).records[0].Company).toBe("Tanaka Design");
    expect((await conn.query("SELECT Id FROM Contact WHERE Email = 'nobody@example.com'"))).toEqual({ totalSize: 0, done: true, records: [] });
  });

  it("reads escaped quotes, and jsforce's find() escapes them for us", async () => {
    const byHand = await conn.query("SELECT Name FROM Contact WHERE Email = 'siobhan.o\\'brien@example.com'");
    expect(names(byHand.records)).toEqual(["Siobhan O'Brien"]);
    const found = await conn.sobject("Contact").find({ Email: "siobhan.o'brien@example.com" }, ["Id", "Name"]);
    expect(names(found)).toEqual(["Siobhan O'Brien"]);
    const unescaped = await rejection(conn.query("SELECT Name FROM Contact WHERE Email = 'siobhan.o'brien@example.com'"));
    expect(unescaped.errorCode).toBe("MALFORMED_QUERY");
    expect(unescaped.message).toMatch(/\n {55}\^\nERROR at Row:1:Column:56\n/);
  });

  it("computes Salesforce's 18-character IDs: the suffix encodes the case, so a lower-cased 18-character ID still resolves", () => {
    expect(canonicalId("0015000000Gv7qJ")).toBe("0015000000Gv7qJAAR");
    expect(canonicalId("0015000000gv7qjaar")).toBe("0015000000Gv7qJAAR");
    expect(canonicalId("0015000000Gv7qJAAB")).toBe("0015000000Gv7qjAAB"); // the suffix wins: a different record
    expect(canonicalId("0015000000Gv7qJAA9")).toBeNull(); // 9 is no suffix character
    expect(canonicalId("001500000")).toBeNull();
  });

  it("matches IDs in IN lists in either form, and events by WhoId", async () => {
    const [a, b] = peer.control.records("Contact");
    const byIds = await conn.query(`SELECT Id FROM Contact WHERE Id IN ('${String(a.Id).slice(0, 15)}', '${b.Id}') ORDER BY Name`);
    expect(byIds.records.map((r) => r.Id).sort()).toEqual([a.Id, b.Id].sort());
    const start = inDays(2);
    for (const minutes of [0, 60]) {
      await conn.sobject("Event").create({ StartDateTime: new Date(start.getTime() + minutes * 60_000).toISOString(), DurationInMinutes: 30, WhoId: a.Id, Subject: `Session at +${minutes}` });
    }
    const events = await conn.query(`SELECT Id, Subject, StartDateTime, Owner.Email, Who.Name FROM Event WHERE WhoId = '${a.Id}' ORDER BY StartDateTime DESC`);
    expect(events.records.map((e) => e.Subject)).toEqual(["Session at +60", "Session at +0"]);
    expect(events.records[0]).toMatchObject({ Owner: { attributes: { type: "User" }, Email: "admin@demo.bookstream.test" }, Who: { attributes: { type: "Contact" }, Name: a.Name } });
    const after = await conn.query(`SELECT Subject FROM Event WHERE WhoId = '${a.Id}' AND StartDateTime > ${new Date(start.getTime() + 60_000).toISOString()}`);
    expect(after.records.map((e) => e.Subject)).toEqual(["Session at +60"]);
  });

  it("combines AND / OR with parentheses, NOT, LIKE, ORDER BY, LIMIT and OFFSET", async () => {
    const q = (where: string) => conn.query(`SELECT Name FROM Contact WHERE ${where} ORDER BY LastName ASC`).then((r) => names(r.records));
    expect(await q("(LastName = 'Moreau' OR LastName = 'Tanaka') AND Email != null")).toEqual(["John Moreau", "Priya Tanaka"]);
    expect(await q("NOT LastName LIKE 'O%'")).toEqual(["John Moreau", "Priya Tanaka"]);
    expect(await q("Email LIKE '%.3@example.com'")).toEqual(["Mateo Okafor"]);
    expect(await q("LastName NOT IN ('Moreau', 'Tanaka')")).toEqual(["Siobhan O'Brien", "Mateo Okafor"]);
    const page = await conn.query("SELECT Name FROM Contact ORDER BY LastName DESC NULLS LAST LIMIT 2 OFFSET 1");
    expect(names(page.records)).toEqual(["Mateo Okafor", "Siobhan O'Brien"]);
    expect(await conn.sobject("Lead").count()).toBe(3);
  });

  it("refuses what SOQL refuses, with Salesforce's error codes and a caret under the column", async () => {
    const mixed = await rejection(conn.query("SELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Email = 'c'"));
    expect(mixed).toMatchObject({ errorCode: "MALFORMED_QUERY" });
    expect(mixed.message).toBe("\nSELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Email = 'c'\n" + " ".repeat(64) + "^\nERROR at Row:1:Column:65\nunexpected token: OR");
    const cases: Array<[string, string]> = [
      ["SELECT Id FROM Contact GROUP BY LastName", "MALFORMED_QUERY"],
      ["SELECT Id FROM Booking__c", "INVALID_TYPE"],
      ["SELECT Id, Shoe_Size__c FROM Contact", "INVALID_FIELD"],
      ["SELECT Id FROM Contact WHERE Id = 'not-an-id'", "INVALID_QUERY_FILTER_OPERATOR"],
      ["SELECT Id FROM Event WHERE StartDateTime > '2030-01-01T00:00:00Z'", "INVALID_FIELD"],
      ["SELECT Id FROM Event WHERE Description = 'x'", "INVALID_FIELD"],
      ["SELECT Id FROM Contact WHERE CreatedDate = TODAY", "MALFORMED_QUERY"],
      ["SELECT Id FROM Contact WHERE Email = 'a\\qb'", "MALFORMED_QUERY"],
      ["SELECT Id FROM Contact WHERE Email = 'unterminated", "MALFORMED_QUERY"],
    ];
    for (const [soql, errorCode] of cases) {
      const err = await rejection(conn.query(soql));
      expect([soql, err.errorCode]).toEqual([soql, errorCode]);
    }
  });

  it("pages large results with nextRecordsUrl, which jsforce follows with autoFetch", async () => {
    const created = await conn.sobject("Contact").create(
      Array.from({ length: 450 }, (_, i) => ({ LastName: `Bulk${String(i).padStart(3, "0")}`, Email: `bulk${i}@example.com` })),
      { allowRecursive: true },
    );
    expect(created.every((r) => r.success)).toBe(true);
    peer.control.resetStats();
    const soql = "SELECT Id, LastName FROM Contact WHERE LastName LIKE 'Bulk%' ORDER BY LastName";
    const first = await conn.query(soql, { headers: { "Sforce-Query-Options": "batchSize=200" } });
    expect(first).toMatchObject({ totalSize: 450, done: false });
    expect(first.records).toHaveLength(200);
    expect(first.nextRecordsUrl).toMatch(new RegExp(`/services/data/v${peer.apiVersion.replace(".", "\\.")}/query/01g[A-Za-z0-9]+-200$`));
    const all = await conn.query(soql, { autoFetch: true, maxFetch: 1000, headers: { "Sforce-Query-Options": "batchSize=200" } });
    expect(all.records.map((r) => r.LastName)).toEqual(Array.from({ length: 450 }, (_, i) => `Bulk${String(i).padStart(3, "0")}`));
    expect(peer.control.stats().byEndpoint["GET /query/{locator}"]).toBe(2);
  });

  it("queryAll sees deleted records; query does not", async () => {
    const { id } = await conn.sobject("Lead").create({ LastName: "Gone", Company: "Gone Ltd" });
    await conn.sobject("Lead").destroy(id!);
    const soql = "SELECT Id, IsDeleted FROM Lead WHERE LastName = 'Gone'";
    expect((await conn.query(soql)).totalSize).toBe(0);
    expect((await conn.query(soql, { scanAll: true })).records).toMatchObject([{ Id: id, IsDeleted: true }]);
  });
});

describe("sObject Collections (composite/sobjects)", () => {
  it("creates many records in one call; allOrNone rolls all of them back when one fails", async () => {
    peer.control.resetStats();
    const ok = await conn.sobject("Contact").create([{ LastName: "Alpha" }, { LastName: "Beta" }]);
    expect(ok.map((r) => r.success)).toEqual([true, true]);
    expect(peer.control.stats().byEndpoint).toEqual({ "POST /composite/sobjects": 1 });

    const before = peer.control.records("Contact").length;
    const rolledBack = await conn.sobject("Contact").create([{ LastName: "Gamma" }, { FirstName: "No last name" }], { allOrNone: true });
    expect(rolledBack).toEqual([
      { success: false, errors: [{ statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", message: "Record rolled back because not all records were valid and the request was using AllOrNone header", fields: [] }] },
      { success: false, errors: [{ statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [LastName]", fields: ["LastName"] }] },
    ]);
    expect(peer.control.records("Contact")).toHaveLength(before);

    const partial = await conn.sobject("Contact").create([{ LastName: "Delta" }, { FirstName: "No last name" }]);
    expect(partial.map((r) => r.success)).toEqual([true, false]);
    expect(peer.control.records("Contact")).toHaveLength(before + 1);
  });

  it("updates, retrieves and deletes many records in one call each", async () => {
    const [a, b] = await conn.sobject("Contact").create([{ LastName: "Epsilon" }, { LastName: "Zeta" }]);
    const updated = await conn.sobject("Contact").update([{ Id: a.id!, Title: "Owner" }, { Id: b.id!, Email: "not an e-mail" }]);
    expect(updated[0]).toEqual({ id: a.id, success: true, errors: [] });
    expect(updated[1]).toMatchObject({ id: b.id, success: false, errors: [{ statusCode: "INVALID_EMAIL_ADDRESS", fields: ["Email"] }] });
    const read = await conn.sobject("Contact").retrieve([a.id!, b.id!, "003000000000000AAA"]);
    expect(read.map((r) => r && [r.Id, r.Title])).toEqual([[a.id, "Owner"], [b.id, null], null]);
    const removed = await conn.sobject("Contact").destroy([a.id!, b.id!]);
    expect(removed.map((r) => r.success)).toEqual([true, true]);
    expect((await conn.sobject("Contact").destroy([a.id!]))[0]).toMatchObject({ success: false, errors: [{ statusCode: "ENTITY_IS_DELETED" }] });
  });

  it("refuses more than 200 records in one call", async () => {
    const err = await rejection(conn.sobject("Contact").create(Array.from({ length: 201 }, (_, i) => ({ LastName: `Many${i}` }))));
    expect(err).toMatchObject({ errorCode: "EXCEEDED_ID_LIMIT" });
  });
});
