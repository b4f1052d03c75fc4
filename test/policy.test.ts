import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, customer, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";

describe.each(ENGINES)("the customer's cancel/reschedule policy on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  /** A whole hour `hours` from now. */
  const inHours = (hours: number) => new Date(Math.ceil((server.clock.now().getTime() + hours * 3_600_000) / 3_600_000) * 3_600_000).toISOString();
  const setPolicy = async (acct: TestAccount, pageId: string, policyMinutes: number | null) => {
    const r = await client(server.url, acct.admin.token).call("PATCH", `/api/v1/booking-pages/${pageId}`, { policyMinutes });
    expect(r.status).toBe(200);
  };
  const book = async (acct: TestAccount, start: string) => {
    const r = await client(server.url).post(`/api/v1/public/pages/${acct.autoPage.slug}/bookings`, { start, customer: customer() });
    expect(r.status).toBe(201);
    return { id: r.body.activity.id as string, token: r.body.manageLink.split("/manage/")[1] as string };
  };

  it("refuses the customer's cancel and reschedule after the deadline with a 422 naming it; the user is not bound", async () => {
    const acct = await newAccount(server);
    await setPolicy(acct, acct.autoPage.id, 24 * 60);
    const pub = client(server.url);
    const soon = await book(acct, inHours(12));
    const start = (await client(server.url, acct.admin.token).get(`/api/v1/activities/${soon.id}`)).body.start as string;
    const deadline = new Date(Date.parse(start) - 24 * 3_600_000).toISOString();
    const cancel = await pub.post(`/api/v1/public/manage/${soon.token}/cancel`, {});
    expect(cancel.status).toBe(422);
    expect(cancel.body.error.code).toBe("unprocessable");
    expect(cancel.body.error.message).toContain("up to 1 day before the meeting");
    expect(cancel.body.error.message).toContain(deadline);
    expect(cancel.body.error.details).toMatchObject({ deadline, policyMinutes: 1440, action: "cancel" });
    const move = await pub.post(`/api/v1/public/manage/${soon.token}/reschedule`, { start: inHours(40) });
    expect(move.status).toBe(422);
    expect(move.body.error.details.action).toBe("reschedule");
    // Nothing changed; the host may still cancel.
    expect((await pub.get(`/api/v1/public/manage/${soon.token}`)).body.detailedStatus).toBe("Scheduled (By customer)");
    const byUser = await client(server.url, acct.admin.token).post(`/api/v1/activities/${soon.id}/actions/cancel`, { reason: "Host ill" });
    expect(byUser.status).toBe(200);
    expect(byUser.body.activity.detailedStatus).toBe("Canceled (By user)");

    const later = await book(acct, inHours(30));
    expect((await pub.post(`/api/v1/public/manage/${later.token}/reschedule`, { start: inHours(50) })).status).toBe(200);
    expect((await pub.post(`/api/v1/public/manage/${later.token}/cancel`, {})).status).toBe(200);
  });

  it("lets the customer act anytime when the page has no policy", async () => {
    const acct = await newAccount(server);
    const soon = await book(acct, inHours(1));
    expect((await client(server.url).post(`/api/v1/public/manage/${soon.token}/cancel`, {})).status).toBe(200);
  });

  it("binds a pending request by its earliest proposed time, for cancel and resubmit", async () => {
    const acct = await newAccount(server);
    await setPolicy(acct, acct.approvalPage.id, 3 * 60);
    const pub = client(server.url);
    const req = await pub.post(`/api/v1/public/pages/${acct.approvalPage.slug}/requests`, { proposedTimes: [inHours(2), inHours(30)], customer: customer() });
    expect(req.status).toBe(201);
    const token = req.body.manageLink.split("/manage/")[1];
    const resubmit = await pub.post(`/api/v1/public/manage/${token}/resubmit`, { proposedTimes: [inHours(40)] });
    expect(resubmit.status).toBe(422);
    expect(resubmit.body.error.message).toContain("up to 3 hours before the meeting");
    expect((await pub.post(`/api/v1/public/manage/${token}/cancel`, {})).status).toBe(422);
  });

  it("never refuses the customer answering the host's own reschedule request", async () => {
    const acct = await newAccount(server);
    await setPolicy(acct, acct.autoPage.id, 14 * 24 * 60);
    const b = await book(acct, inHours(5));
    const ask = await client(server.url, acct.admin.token).post(`/api/v1/activities/${b.id}/actions/request-reschedule`, { reason: "Clash", eventType: "same" });
    expect(ask.status).toBe(200);
    const answer = await client(server.url).post(`/api/v1/public/manage/${b.token}/reschedule`, { start: inHours(8) });
    expect(answer.status).toBe(200);
    expect(answer.body.activity.detailedStatus).toBe("Rescheduled (Initiated by user)");
  });
});
