import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";

describe.each(ENGINES)("API smoke on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it("books on a public page, lists it in the stream and shows details", async () => {
    const acct = await newAccount(server);
    const [start] = futureSlots(server, 1);
    const pub = client(server.url);
    const booked = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start, customer: customer() });
    expect(booked.status).toBe(201);
    expect(booked.body.activity.id).toMatch(/^BKNG-[A-Z0-9]{12}$/);
    expect(booked.body.manageLink).toMatch(/^http:\/\/bookstream\.test\/manage\/[A-Za-z0-9_-]{43}$/);
    const admin = client(server.url, acct.admin.token);
    const list = await admin.get(`/api/v1/activities`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).toEqual([booked.body.activity.id]);
    const details = await admin.get(`/api/v1/activities/${booked.body.activity.id}`);
    expect(details.body.detailedStatus).toBe("Scheduled (By customer)");
    expect(details.body.actions).toEqual(["cancel", "request-reschedule", "reschedule", "reassign", "set-no-show"]);
    expect(details.body.history).toHaveLength(1);
    // The answer is built from what the booking's transaction read (no re-read): it must be the
    // very view the manage link shows, and the booking must belong to the customer record.
    const token = booked.body.manageLink.split("/").pop();
    const view = await pub.get(`/api/v1/public/manage/${token}`);
    expect(view.status).toBe(200);
    expect(booked.body.activity).toEqual(view.body);
    expect(details.body.customer.id).toBeTruthy();
    const again = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start: futureSlots(server, 2)[1], customer: { name: "Same Person", email: booked.body.activity.customer.email.toUpperCase() } });
    expect(again.status).toBe(201);
    const second = await admin.get(`/api/v1/activities/${again.body.activity.id}`);
    expect(second.body.customer.id).toBe(details.body.customer.id);
  });
});
