import type { Connection } from "@jsforce/jsforce-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSalesforcePeer, type SalesforcePeer } from "../../peers/salesforce/server.js";
import { connect, contactByEmail, inDays, rejection, userByUsername } from "./salesforce-support.js";

/**
 * The Salesforce Event per booking, as jsforce writes it: create related to a Contact/Lead and a
 * Case, read back with Salesforce's derived fields, update (reschedule, status, reason), delete,
 * and the errors Salesforce gives for what it refuses; describe with and without the custom fields.
 */
let peer: SalesforcePeer;
let conn: Connection;
let ada: string;
let john: string;

beforeAll(async () => {
  peer = await startSalesforcePeer({ seed: 5 });
  conn = await connect(peer);
  ada = String(userByUsername(peer, "ada@bookstream-demo.example").Id);
  john = String(contactByEmail(peer, "john.moreau.1@example.com").Id);
});
afterAll(() => peer.close());

const iso = (d: Date) => d.toISOString();
const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);
const sfInstant = (d: Date) => d.toISOString().replace("Z", "+0000");

describe("Event create, retrieve, update, delete", () => {
  it("creates an Event with WhoId/WhatId/OwnerId and the custom fields, and reads it back as Salesforce derives it", async () => {
    const start = inDays(3, 14 * 60 + 30);
    const mateoCase = peer.control.records("Case")[0];
    const result = await conn.sobject("Event").create({
      Subject: "Intro call — BKNG-ABCDEFGHJKLM", StartDateTime: iso(start), EndDateTime: iso(plus(start, 45)),
      WhoId: john, WhatId: mateoCase.Id, OwnerId: ada, Location: "https://meet.example/abc",
      Description: "Booked on the Intro call page", Event_Status__c: "Scheduled",
    });
    expect(result).toMatchObject({ success: true, errors: [] });
    expect(result.id).toMatch(/^00U[a-zA-Z0-9]{15}$/);

    const event = await conn.sobject("Event").retrieve(result.id!);
    expect(event).toMatchObject({
      attributes: { type: "Event", url: `/services/data/v${peer.apiVersion}/sobjects/Event/${result.id}` },
      Id: result.id, StartDateTime: sfInstant(start), EndDateTime: sfInstant(plus(start, 45)), ActivityDateTime: sfInstant(start),
      DurationInMinutes: 45, WhoId: john, WhatId: mateoCase.Id, OwnerId: ada, IsDeleted: false, ShowAs: "Busy",
      Event_Status__c: "Scheduled", Cancel_Reschedule_Reason__c: null,
    });
    // ActivityDate is the start's date in the owner's time zone (Ada: New York).
    const local = new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit" }).format(start);
    expect(event.ActivityDate).toBe(local);
    // The 15-character form of the ID addresses the same record.
    expect((await conn.sobject("Event").retrieve(result.id!.slice(0, 15))).Id).toBe(result.id);
    expect(peer.control.record(result.id!)).toMatchObject({ Subject: "Intro call — BKNG-ABCDEFGHJKLM", CreatedById: ada });
  });

  it("derives the end from a duration and the account from the contact", async () => {
    const start = inDays(4);
    const { id } = await conn.sobject("Event").create({ StartDateTime: iso(start), DurationInMinutes: 30, WhoId: john, Subject: "Call" });
    const event = await conn.sobject("Event").retrieve(id!);
    expect(event).toMatchObject({ EndDateTime: sfInstant(plus(start, 30)), AccountId: contactByEmail(peer, "john.moreau.1@example.com").AccountId, OwnerId: ada });
  });

  it("updates a rescheduled, reassigned or canceled booking's Event with PATCH (204); moving the start keeps the length", async () => {
    const start = inDays(5);
    const { id } = await conn.sobject("Event").create({ StartDateTime: iso(start), EndDateTime: iso(plus(start, 60)), WhoId: john, OwnerId: ada, Event_Status__c: "Scheduled" });
    const max = String(userByUsername(peer, "max@bookstream-demo.example").Id);
    const later = inDays(6);
    expect(await conn.sobject("Event").update({ Id: id!, StartDateTime: iso(later), OwnerId: max, Event_Status__c: "Rescheduled (Reassigned by User)", Cancel_Reschedule_Reason__c: "Host on leave" }))
      .toEqual({ id, success: true, errors: [] });
    expect(peer.control.record(id!)).toMatchObject({ StartDateTime: sfInstant(later), EndDateTime: sfInstant(plus(later, 60)), DurationInMinutes: 60, OwnerId: max, Event_Status__c: "Rescheduled (Reassigned by User)" });
    await conn.sobject("Event").update({ Id: id!, Event_Status__c: "Canceled", Cancel_Reschedule_Reason__c: "Something came up" });
    const fields = await conn.sobject("Event").retrieve(id!, { fields: ["Event_Status__c", "Cancel_Reschedule_Reason__c"] });
    expect(fields).toEqual({ attributes: expect.any(Object), Event_Status__c: "Canceled", Cancel_Reschedule_Reason__c: "Something came up" });
  });

  it("deletes with 204; afterwards retrieve, update and delete answer ENTITY_IS_DELETED", async () => {
    const start = inDays(7);
    const { id } = await conn.sobject("Event").create({ StartDateTime: iso(start), DurationInMinutes: 15, WhoId: john });
    expect(await conn.sobject("Event").destroy(id!)).toEqual({ id, success: true, errors: [] });
    for (const attempt of [conn.sobject("Event").retrieve(id!), conn.sobject("Event").update({ Id: id!, Subject: "x" }), conn.sobject("Event").destroy(id!)]) {
      const err = await rejection(attempt);
      expect(err).toMatchObject({ errorCode: "ENTITY_IS_DELETED", message: "entity is deleted" });
      expect(err.data).toEqual({ message: "entity is deleted", errorCode: "ENTITY_IS_DELETED", fields: [] });
    }
    expect(peer.control.records("Event").some((e) => e.Id === id)).toBe(false);
    expect(peer.control.records("Event", { includeDeleted: true }).find((e) => e.Id === id)?.IsDeleted).toBe(true);
  });

  it("an Event deleted in Salesforce (control) answers ENTITY_IS_DELETED to the next update; an unknown ID answers NOT_FOUND", async () => {
    const { id } = await conn.sobject("Event").create({ StartDateTime: iso(inDays(8)), DurationInMinutes: 15, WhoId: john });
    peer.control.deleteRecord("Event", id!);
    expect(await rejection(conn.sobject("Event").update({ Id: id!, Event_Status__c: "Completed" }))).toMatchObject({ errorCode: "ENTITY_IS_DELETED" });
    expect(await rejection(conn.sobject("Event").retrieve("00U000000000000AAA"))).toMatchObject({ errorCode: "NOT_FOUND", message: "The requested resource does not exist" });
  });

  it("deleting the contact in Salesforce deletes its Events too", async () => {
    const contact = peer.control.createRecord("Contact", { LastName: "Short-lived", Email: "short@example.com" });
    const { id } = await conn.sobject("Event").create({ StartDateTime: iso(inDays(9)), DurationInMinutes: 15, WhoId: contact.Id });
    peer.control.deleteRecord("Contact", String(contact.Id));
    expect(await rejection(conn.sobject("Event").retrieve(id!))).toMatchObject({ errorCode: "ENTITY_IS_DELETED" });
  });
});

describe("what Salesforce refuses, and how jsforce reports it", () => {
  const start = () => iso(inDays(10));
  const refused = async (values: Record<string, unknown>) => rejection(conn.sobject("Event").create(values));

  it.each([
    ["no end and no duration", () => ({ StartDateTime: start(), WhoId: john }), "REQUIRED_FIELD_MISSING", ["DurationInMinutes"]],
    ["no start", () => ({ DurationInMinutes: 30, WhoId: john }), "REQUIRED_FIELD_MISSING", ["StartDateTime"]],
    ["a WhoId that is an Account", () => ({ StartDateTime: start(), DurationInMinutes: 30, WhoId: peer.control.records("Account")[0].Id }), "FIELD_INTEGRITY_EXCEPTION", ["WhoId"]],
    ["a WhoId that is not an ID", () => ({ StartDateTime: start(), DurationInMinutes: 30, WhoId: "john" }), "MALFORMED_ID", ["WhoId"]],
    ["a WhatId that is a Contact", () => ({ StartDateTime: start(), DurationInMinutes: 30, WhatId: john }), "FIELD_INTEGRITY_EXCEPTION", ["WhatId"]],
    ["an OwnerId that is a Contact", () => ({ StartDateTime: start(), DurationInMinutes: 30, OwnerId: john }), "FIELD_INTEGRITY_EXCEPTION", ["OwnerId"]],
    ["a Lead with a WhatId", () => ({ StartDateTime: start(), DurationInMinutes: 30, WhoId: peer.control.records("Lead")[0].Id, WhatId: peer.control.records("Case")[0].Id }), "FIELD_INTEGRITY_EXCEPTION", ["WhatId"]],
    ["a read-only field", () => ({ StartDateTime: start(), DurationInMinutes: 30, AccountId: peer.control.records("Account")[0].Id }), "INVALID_FIELD_FOR_INSERT_UPDATE", ["AccountId"]],
    ["a subject over 255 characters", () => ({ StartDateTime: start(), DurationInMinutes: 30, Subject: "x".repeat(256) }), "STRING_TOO_LONG", ["Subject"]],
    ["an unknown Event status", () => ({ StartDateTime: start(), DurationInMinutes: 30, Event_Status__c: "Booked" }), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", ["Event_Status__c"]],
    ["an end before the start", () => ({ StartDateTime: start(), EndDateTime: iso(inDays(9)) }), "FIELD_INTEGRITY_EXCEPTION", ["EndDateTime"]],
    ["more than 14 days", () => ({ StartDateTime: start(), DurationInMinutes: 14 * 1440 + 1 }), "FIELD_INTEGRITY_EXCEPTION", ["DurationInMinutes"]],
  ])("%s", async (_label, values, errorCode, fields) => {
    const err = await refused(values());
    expect(err.errorCode).toBe(errorCode);
    expect(err.data.fields).toEqual(fields);
  });

  it("names the missing field, the unknown column and the inactive owner in Salesforce's words", async () => {
    expect((await refused({ StartDateTime: start(), WhoId: john })).message).toBe("Required fields are missing: [DurationInMinutes]");
    expect((await refused({ StartDateTime: start(), DurationInMinutes: 30, WhoId: "john" })).message).toBe("Name ID: id value of incorrect type: john");
    expect(await refused({ StartDateTime: start(), DurationInMinutes: 30, Booking_Id__c: "BKNG-1" }))
      .toMatchObject({ errorCode: "INVALID_FIELD", message: "No such column 'Booking_Id__c' on sobject of type Event" });
    const olivia = userByUsername(peer, "olivia@bookstream-demo.example");
    expect(await refused({ StartDateTime: start(), DurationInMinutes: 30, OwnerId: olivia.Id }))
      .toMatchObject({ errorCode: "INACTIVE_OWNER_OR_USER", message: `operation performed with inactive user [${olivia.Id}] as owner of event` });
    expect(await refused({ StartDateTime: "next tuesday", DurationInMinutes: 30 })).toMatchObject({ errorCode: "JSON_PARSER_ERROR" });
  });

  it("answers the raw body as Salesforce does: a JSON array of {message, errorCode, fields}", async () => {
    const res = await fetch(`${conn.instanceUrl}/services/data/v${peer.apiVersion}/sobjects/Event`, {
      method: "POST", headers: { Authorization: `Bearer ${conn.accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ StartDateTime: start(), WhoId: john }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{ message: "Required fields are missing: [DurationInMinutes]", errorCode: "REQUIRED_FIELD_MISSING", fields: ["DurationInMinutes"] }]);
  });
});

describe("describe and the org's custom fields", () => {
  it("describes Event with the package's custom fields", async () => {
    const d = await conn.sobject("Event").describe();
    expect(d).toMatchObject({ name: "Event", keyPrefix: "00U", createable: true, updateable: true, deletable: true });
    const field = (name: string) => d.fields.find((f) => f.name === name)!;
    expect(field("Event_Status__c")).toMatchObject({ type: "picklist", label: "Event status", custom: true, createable: true, updateable: true, restrictedPicklist: true, nillable: true });
    expect(field("Event_Status__c").picklistValues!.map((p) => p.value)).toEqual([
      "Scheduled", "Rescheduled", "Completed", "Canceled", "No-show", "Scheduled (Reassigned by User)", "Rescheduled (Reassigned by User)",
    ]);
    expect(field("Cancel_Reschedule_Reason__c")).toMatchObject({ type: "textarea", custom: true, updateable: true });
    expect(field("WhoId")).toMatchObject({ type: "reference", referenceTo: ["Contact", "Lead"], relationshipName: "Who", polymorphicForeignKey: true, custom: false });
    expect(field("StartDateTime")).toMatchObject({ type: "datetime", soapType: "xsd:dateTime" });
    expect(field("Id")).toMatchObject({ type: "id", createable: false, updateable: false });
    expect(d.fields.filter((f) => f.custom).map((f) => f.name)).toEqual(["Event_Status__c", "Cancel_Reschedule_Reason__c"]);
  });

  it("in an org without them, describe lists no custom fields and writing or reading them is INVALID_FIELD", async () => {
    peer.control.setEventCustomFields(false);
    try {
      expect((await conn.sobject("Event").describe()).fields.filter((f) => f.custom)).toEqual([]);
      expect(await rejection(conn.sobject("Event").create({ StartDateTime: iso(inDays(11)), DurationInMinutes: 30, Event_Status__c: "Scheduled" })))
        .toMatchObject({ errorCode: "INVALID_FIELD", message: "No such column 'Event_Status__c' on sobject of type Event" });
      const query = await rejection(conn.query("SELECT Id, Event_Status__c FROM Event"));
      expect(query.errorCode).toBe("INVALID_FIELD");
      expect(query.message).toContain("No such column 'Event_Status__c' on entity 'Event'");
      // Without them, the standard fields still take the booking.
      expect((await conn.sobject("Event").create({ StartDateTime: iso(inDays(11)), DurationInMinutes: 30, WhoId: john })).success).toBe(true);
    } finally {
      peer.control.setEventCustomFields(true);
    }
  });

  it("describes the other objects with their key prefixes, and creates them with realistic IDs", async () => {
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => `${s.name}:${s.keyPrefix}`).sort()).toEqual(["Account:001", "Case:500", "Contact:003", "Event:00U", "Lead:00Q", "User:005"]);
    const account = await conn.sobject("Account").create({ Name: "Harbor Dental" });
    const contact = await conn.sobject("Contact").create({ LastName: "Quinn", Email: "quinn@example.com", AccountId: account.id });
    const lead = await conn.sobject("Lead").create({ LastName: "Reyes", Company: "Reyes Physio" });
    const kase = await conn.sobject("Case").create({ Subject: "Booking question", ContactId: contact.id });
    expect([account.id, contact.id, lead.id, kase.id].map((id) => id!.slice(0, 3))).toEqual(["001", "003", "00Q", "500"]);
    expect(await conn.sobject("Lead").retrieve(lead.id!)).toMatchObject({ Name: "Reyes", Status: "Open - Not Contacted", IsConverted: false });
    expect((await conn.sobject("Case").retrieve(kase.id!)).CaseNumber).toMatch(/^\d{8}$/);
    expect(await rejection(conn.sobject("Lead").create({ LastName: "NoCompany" }))).toMatchObject({ errorCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [Company]" });
  });
});
