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
  });
});
