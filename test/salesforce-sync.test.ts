import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, ENGINES, futureSlots } from "./support/harness.js";
import { act, book, customerDoes, hoursAfter, moveClock, request, startedBooking } from "./support/lifecycle-drive.js";
import { connectedAccount, eventOf, seededRecord, seededUser, startSalesforceEnv, type SalesforceEnv } from "./support/salesforce.js";

/**
 * The seed "The Salesforce Activity Event", driven through Bookstream's HTTP API against the local
 * Salesforce: each row of the status table leaves the right Event (status, reason, owner, relation).
 */
const JOHN = { name: "John Moreau", email: "john.moreau.1@example.com", timeZone: "Europe/Paris" };
const CHEN = { name: "Chen Lindqvist", email: "chen.lindqvist.4@example.com", timeZone: "Europe/Stockholm" };

describe.each(ENGINES)("Salesforce Activity Events on $name", (engine) => {
  let env: SalesforceEnv;
  beforeAll(async () => {
    env = await startSalesforceEnv(engine);
  });
  afterAll(async () => env?.close());

  const setUp = async (settings: Record<string, unknown> = {}) => {
    const c = await connectedAccount(env, settings);
    return { ...c, s: futureSlots(env.server, 10) };
  };
  const john = () => seededRecord(env.sf, "Contact", (r) => r.Email === JOHN.email);

  it("connects as the consenting user, finds both custom fields, and never shows a secret", async () => {
    const { connection, admin } = await setUp();
    expect(connection.connectedAs).toEqual({ userId: seededUser(env.sf, "ada@bookstream-demo.example").Id, username: "ada@bookstream-demo.example" });
    expect(connection.missingFields).toEqual([]);
    const text = JSON.stringify((await admin.get("/api/v1/account/salesforce")).body);
    expect(text).not.toContain(env.sf.connectedApp.clientSecret);
  });

  it("row Scheduled: a booking creates an Event on the customer's Contact, with subject, times, description and status", async () => {
    const { acct, s } = await setUp();
    const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    await env.deliver();
    const { sync, event } = await eventOf(env, acct, b.id);
    expect(sync.state).toBe("synced");
    expect(sync.eventId).toMatch(/^00U/);
    expect(event).toMatchObject({ WhoId: john().Id, Event_Status__c: "Scheduled", Cancel_Reschedule_Reason__c: null, Subject: `Page ${acct.autoPage.slug} with John Moreau` });
    expect(new Date(String(event!.StartDateTime)).toISOString()).toBe(s[0]);
    expect(new Date(String(event!.EndDateTime)).toISOString()).toBe(hoursAfter(s[0], 0.5));
    expect(event!.Description).toContain(`Booking ID: ${b.id}`);
  });

  it("row Rescheduled (same page): the same Event moves and says Rescheduled", async () => {
    const { acct, s } = await setUp();
    const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    await env.deliver();
    const before = (await eventOf(env, acct, b.id)).sync.eventId;
    await customerDoes(env.server, b.token, "reschedule", { start: s[3] });
    await env.deliver();
    const { sync, event } = await eventOf(env, acct, b.id);
    expect(sync.eventId).toBe(before);
    expect(event).toMatchObject({ Event_Status__c: "Rescheduled" });
    expect(new Date(String(event!.StartDateTime)).toISOString()).toBe(s[3]);
  });

  it("row Rescheduled by the user (a new booking): a new Event says Rescheduled, the old one Canceled with the reason", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    await env.deliver();
    const res = await act(admin, b.id, "reschedule", { reason: "Moved by phone", start: s[2] });
    await env.deliver();
    const old = await eventOf(env, acct, b.id);
    const made = await eventOf(env, acct, res.created.id);
    expect(old.event).toMatchObject({ Event_Status__c: "Canceled", Cancel_Reschedule_Reason__c: "Moved by phone" });
    expect(made.event).toMatchObject({ Event_Status__c: "Rescheduled", Cancel_Reschedule_Reason__c: "Moved by phone", WhoId: john().Id });
    expect(made.sync.eventId).not.toBe(old.sync.eventId);
  });

  it("row Rescheduled by the customer to another page: the old Event Canceled, a new one Rescheduled", async () => {
    const { acct, s } = await setUp();
    const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    const res = await customerDoes(env.server, b.token, "reschedule", { start: s[2], pageSlug: acct.otherPage.slug });
    await env.deliver();
    expect((await eventOf(env, acct, b.id)).event).toMatchObject({ Event_Status__c: "Canceled" });
    expect((await eventOf(env, acct, res.activity.id)).event).toMatchObject({ Event_Status__c: "Rescheduled", Subject: `Page ${acct.otherPage.slug} with John Moreau` });
  });

  it("row Canceled by the customer and by the user: status Canceled with the reason given", async () => {
    const { acct, admin, s } = await setUp();
    const a = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    const b = await book(env.server, acct.autoPage.slug, s[1], { customer: JOHN });
    await env.deliver();
    await customerDoes(env.server, a.token, "cancel", { reason: "Something came up" });
    await act(admin, b.id, "cancel", { reason: "Host unavailable" });
    await env.deliver();
    expect((await eventOf(env, acct, a.id)).event).toMatchObject({ Event_Status__c: "Canceled", Cancel_Reschedule_Reason__c: "Something came up" });
    expect((await eventOf(env, acct, b.id)).event).toMatchObject({ Event_Status__c: "Canceled", Cancel_Reschedule_Reason__c: "Host unavailable" });
  });

  it("row No-show, then Completed for a booking whose meeting ended", async () => {
    const { acct, admin, s } = await setUp();
    const done = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    const missed = await startedBooking(env.server, acct.autoPage.slug, s[1], { customer: JOHN });
    await act(admin, missed.id, "set-no-show");
    await moveClock(env.server, hoursAfter(s[1], 1));
    await env.deliver();
    expect((await eventOf(env, acct, missed.id)).event).toMatchObject({ Event_Status__c: "No-show" });
    expect((await eventOf(env, acct, done.id)).event).toMatchObject({ Event_Status__c: "Completed" });
  });

  it("rows Reassigned: the owner becomes the new host's Salesforce User, status Scheduled/Rescheduled (Reassigned by User)", async () => {
    const { acct, admin, s } = await setUp();
    const ada = seededUser(env.sf, "ada@bookstream-demo.example");
    const max = seededUser(env.sf, "max@bookstream-demo.example");
    expect((await admin.call("PUT", `/api/v1/account/salesforce/users/${acct.admin.id}`, { salesforceUserId: ada.Id })).status).toBe(200);
    expect((await admin.call("PUT", `/api/v1/account/salesforce/users/${acct.member.id}`, { salesforceUserId: max.Id })).status).toBe(200);
    const a = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    const b = await book(env.server, acct.autoPage.slug, s[1], { customer: JOHN });
    await env.deliver();
    expect((await eventOf(env, acct, a.id)).event).toMatchObject({ OwnerId: ada.Id });
    await customerDoes(env.server, b.token, "reschedule", { start: s[4] });
    await act(admin, a.id, "reassign", { ownerId: acct.member.id });
    await act(admin, b.id, "reassign", { ownerId: acct.member.id });
    await env.deliver();
    expect((await eventOf(env, acct, a.id)).event).toMatchObject({ OwnerId: max.Id, Event_Status__c: "Scheduled (Reassigned by User)" });
    expect((await eventOf(env, acct, b.id)).event).toMatchObject({ OwnerId: max.Id, Event_Status__c: "Rescheduled (Reassigned by User)" });
  });

  it("a booking request gets no Event until approved, then Scheduled", async () => {
    const { acct, s } = await setUp();
    const r = await request(env.server, acct.approvalPage.slug, [s[0], s[1]], { customer: CHEN });
    await env.deliver();
    expect((await eventOf(env, acct, r.id)).sync).toMatchObject({ eventId: null, state: "none" });
    await act(client(env.server.url, acct.member.token), r.id, "approve", { start: s[1] });
    await env.deliver();
    const lead = seededRecord(env.sf, "Lead", (x) => x.Email === CHEN.email);
    expect((await eventOf(env, acct, r.id)).event).toMatchObject({ WhoId: lead.Id, Event_Status__c: "Scheduled" });
  });

  it("scheduled from a CRM record (the Schedule button): the Event lands on that Contact, or on the Case and its Contact", async () => {
    const { acct, admin, s } = await setUp();
    const mateo = seededRecord(env.sf, "Contact", (x) => x.Email === "mateo.okafor.3@example.com");
    const kase = seededRecord(env.sf, "Case", (x) => x.ContactId === mateo.Id);
    const record = await admin.get(`/api/v1/salesforce/records/${mateo.Id}`);
    expect(record.body).toMatchObject({ type: "Contact", name: "Mateo Okafor", email: "mateo.okafor.3@example.com", whoId: mateo.Id, whatId: null });
    // The customer's e-mail differs from the record's: the record decides where the Event goes, not an e-mail match.
    const onBehalf = (start: string, salesforceRecordId: unknown) =>
      admin.call("POST", "/api/v1/bookings", { bookingPageId: acct.autoPage.id, start, customer: { ...JOHN, email: `mateo-${acct.accountId.slice(0, 6)}@example.com` }, salesforceRecordId });
    const fromContact = await onBehalf(s[0], mateo.Id);
    const fromCase = await onBehalf(s[2], kase.Id);
    expect(fromContact.status, JSON.stringify(fromContact.body)).toBe(201);
    expect(fromCase.status, JSON.stringify(fromCase.body)).toBe(201);
    await env.deliver();
    const c = await eventOf(env, acct, fromContact.body.activity.id);
    expect(c.event).toMatchObject({ WhoId: mateo.Id, Event_Status__c: "Scheduled" });
    expect(c.sync.eventUrl).toBe(`${env.sf.instanceUrl}/${c.sync.eventId}`);
    expect((await eventOf(env, acct, fromCase.body.activity.id)).event).toMatchObject({ WhatId: kase.Id, WhoId: mateo.Id });
    expect(env.sf.control.records("Lead").some((x) => String(x.Email).startsWith("mateo-"))).toBe(false);

    // Rescheduled by the user into a new booking: the new Event stays on the Case, the old one says Canceled.
    const moved = await act(admin, fromCase.body.activity.id, "reschedule", { reason: "Moved by phone", start: s[4] });
    await env.deliver();
    expect((await eventOf(env, acct, moved.created.id)).event).toMatchObject({ WhatId: kase.Id, WhoId: mateo.Id, Event_Status__c: "Rescheduled" });
    expect((await eventOf(env, acct, fromCase.body.activity.id)).event).toMatchObject({ WhatId: kase.Id, Event_Status__c: "Canceled" });
  });

  it("scheduling from a record refuses what is not a Contact, Lead or Case (422) and a record that does not exist (404), booking nothing", async () => {
    const { acct, admin, s } = await setUp();
    const user = seededUser(env.sf, "ada@bookstream-demo.example");
    const body = (salesforceRecordId: unknown) => ({ bookingPageId: acct.autoPage.id, start: s[0], customer: JOHN, salesforceRecordId });
    const notRecord = await admin.call("POST", "/api/v1/bookings", body(user.Id));
    expect(notRecord.status).toBe(422);
    expect(notRecord.body.error.details.reason).toBe("unsupported_record");
    const gone = await admin.call("POST", "/api/v1/bookings", body("003000000000000AAA"));
    expect(gone.status).toBe(404);
    expect((await admin.get("/api/v1/activities?limit=5")).body.items).toHaveLength(0);
  });

  it("an expired session is refreshed and the write retried; the new token is stored sealed", async () => {
    const { acct, s } = await setUp();
    env.sf.control.expireAccessTokens();
    const calls = env.sf.control.stats().byEndpoint["POST /services/oauth2/token"] ?? 0;
    const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    await env.deliver();
    expect((await eventOf(env, acct, b.id)).event).toMatchObject({ Event_Status__c: "Scheduled" });
    expect(env.sf.control.stats().byEndpoint["POST /services/oauth2/token"]).toBeGreaterThan(calls);
  });

  it("a page switched off writes nothing; switched off later, its Event stops being updated", async () => {
    const { acct, admin, s } = await setUp();
    const put = await admin.call("PUT", `/api/v1/booking-pages/${acct.otherPage.id}/salesforce`, { createEvents: false });
    expect(put.body).toMatchObject({ createEvents: false, salesforceConnected: true });
    const before = env.sf.control.records("Event").length;
    const off = await book(env.server, acct.otherPage.slug, s[0], { customer: JOHN });
    const on = await book(env.server, acct.autoPage.slug, s[1], { customer: JOHN });
    await env.deliver();
    expect((await eventOf(env, acct, off.id)).sync.eventId).toBeNull();
    expect(env.sf.control.records("Event").length).toBe(before + 1);
    await admin.call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/salesforce`, { createEvents: false });
    await customerDoes(env.server, on.token, "cancel", { reason: "No longer needed" });
    await env.deliver();
    expect((await eventOf(env, acct, on.id)).event).toMatchObject({ Event_Status__c: "Scheduled" });
  });

  it("no Contact or Lead: a Lead is created (default), a Contact when so set, nothing when set to skip", async () => {
    const lead = await setUp();
    const stranger = { name: "Nora Quist", email: `nora-${lead.acct.accountId.slice(0, 6)}@example.com`, timeZone: "UTC" };
    const a = await book(env.server, lead.acct.autoPage.slug, lead.s[0], { customer: stranger });
    await env.deliver();
    const madeLead = seededRecord(env.sf, "Lead", (x) => x.Email === stranger.email);
    expect(madeLead).toMatchObject({ FirstName: "Nora", LastName: "Quist" });
    expect((await eventOf(env, lead.acct, a.id)).event).toMatchObject({ WhoId: madeLead.Id });

    const contact = await setUp({ noMatch: "contact" });
    const other = { ...stranger, email: `nora-c-${contact.acct.accountId.slice(0, 6)}@example.com` };
    const b = await book(env.server, contact.acct.autoPage.slug, contact.s[0], { customer: other });
    await env.deliver();
    const madeContact = seededRecord(env.sf, "Contact", (x) => x.Email === other.email);
    expect((await eventOf(env, contact.acct, b.id)).event).toMatchObject({ WhoId: madeContact.Id });

    const skip = await setUp({ noMatch: "skip" });
    const third = { ...stranger, email: `nora-s-${skip.acct.accountId.slice(0, 6)}@example.com` };
    const c = await book(env.server, skip.acct.autoPage.slug, skip.s[0], { customer: third });
    await env.deliver();
    expect((await eventOf(env, skip.acct, c.id)).sync).toMatchObject({ eventId: null, state: "skipped" });
    expect(env.sf.control.records("Lead").some((x) => x.Email === third.email)).toBe(false);
  });

  it("an Event deleted in Salesforce is created again at the next change (stated in its sync note)", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    await env.deliver();
    const first = (await eventOf(env, acct, b.id)).sync.eventId;
    env.sf.control.deleteRecord("Event", first);
    await act(admin, b.id, "cancel", { reason: "Host unavailable" });
    await env.deliver();
    const { sync, event } = await eventOf(env, acct, b.id);
    expect(sync.eventId).not.toBe(first);
    expect(sync.state).toBe("recreated");
    expect(sync.note).toContain("deleted in Salesforce");
    expect(event).toMatchObject({ Event_Status__c: "Canceled", Cancel_Reschedule_Reason__c: "Host unavailable", WhoId: john().Id });
  });

  it("an org without the custom fields: the field check says what to add, and standard fields are still written", async () => {
    const { acct, admin, s } = await setUp();
    env.sf.control.setEventCustomFields(false);
    try {
      const check = await admin.post("/api/v1/account/salesforce/field-check");
      expect(check.body.missingFields).toEqual(["Event_Status__c", "Cancel_Reschedule_Reason__c"]);
      expect(check.body.message).toContain("Add Event_Status__c and Cancel_Reschedule_Reason__c");
      const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
      await env.deliver();
      const { event } = await eventOf(env, acct, b.id);
      expect(event).toMatchObject({ WhoId: john().Id });
      expect(event!.Event_Status__c).toBeUndefined();
    } finally {
      env.sf.control.setEventCustomFields(true);
    }
  });

  it("disconnect: nothing more is written, and the settings say not connected", async () => {
    const { acct, admin, s } = await setUp();
    expect((await admin.call("DELETE", "/api/v1/account/salesforce")).status).toBe(204);
    const b = await book(env.server, acct.autoPage.slug, s[0], { customer: JOHN });
    await env.deliver();
    expect((await eventOf(env, acct, b.id)).sync.eventId).toBeNull();
    expect((await admin.get("/api/v1/account/salesforce")).body).toMatchObject({ configured: false, connected: false });
  });

  it("the OAuth callback refuses a state it did not issue", async () => {
    const { acct } = await setUp();
    const r = await fetch(`${env.server.url}/api/v1/salesforce/callback?code=x&state=forged`, { headers: { authorization: `Bearer ${acct.admin.token}` }, redirect: "manual" });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toContain("error=bad_state");
    expect((await client(env.server.url, acct.admin.token).get("/api/v1/account/salesforce")).body.connected).toBe(true);
  });
});
