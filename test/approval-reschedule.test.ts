import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, futureSlots, newAccount, startTestServer, type TestServer } from "./support/harness.js";
import { act, clientsFor, request, tokenOf } from "./support/lifecycle-drive.js";

/**
 * A customer moving a booking made on a booking-with-approval page proposes new times: the move
 * is a request, and the booking keeps its time until a user approves the move.
 */
describe.each(ENGINES)("customer reschedule on a booking-with-approval page ($name)", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it("keeps the booking until the move is approved, then cancels it and relates the two", async () => {
    const acct = await newAccount(server);
    const { pub, member } = clientsFor(server, acct);
    const [t1, t2, t3, t4] = futureSlots(server, 4, 72);
    const original = await request(server, acct.approvalPage.slug, [t1, t2]);
    await act(member, original.id, "approve", { start: t1 });

    // A start alone is not enough on an approval page: the customer must propose times.
    const direct = await pub.post(`/api/v1/public/manage/${original.token}/reschedule`, { start: t3 });
    expect(direct.status).toBe(400);
    expect(direct.body.error.details.field).toBe("proposedTimes");

    const moved = await pub.post(`/api/v1/public/manage/${original.token}/reschedule`, { proposedTimes: [t3, t4] });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.activity.detailedStatus).toBe("Requested (By customer)");
    const requestId = moved.body.activity.id as string;
    expect(requestId).not.toBe(original.id);

    // Until approval the booking stands, and a second move is refused while the first waits.
    expect((await member.get(`/api/v1/activities/${original.id}`)).body.detailedStatus).toBe("Scheduled (Approved by user)");
    const again = await pub.post(`/api/v1/public/manage/${original.token}/reschedule`, { proposedTimes: [t4] });
    expect(again.status).toBe(409);
    expect(again.body.error.details.pendingRequestId).toBe(requestId);

    const approved = await act(member, requestId, "approve", { start: t4 });
    expect(approved.activity.detailedStatus).toBe("Rescheduled (Approved by user)");
    expect(approved.activity.start).toBe(t4);
    expect(approved.activity.related).toEqual([expect.objectContaining({ relation: "rescheduled_from", id: original.id, detailedStatus: "Canceled (By customer)" })]);
    const after = (await member.get(`/api/v1/activities/${original.id}`)).body;
    expect(after.detailedStatus).toBe("Canceled (By customer)");
    expect(after.actions).toEqual([]);
    expect(after.related).toEqual([expect.objectContaining({ relation: "rescheduled_as", id: requestId, detailedStatus: "Rescheduled (Approved by user)" })]);
    expect(after.history.at(-1)).toMatchObject({ actor: { type: "customer" }, action: "customer-reschedule", data: { approvedRequest: requestId } });
  });

  it("leaves the booking as it was when the move request is canceled instead", async () => {
    const acct = await newAccount(server);
    const { pub, member } = clientsFor(server, acct);
    const [t1, t2] = futureSlots(server, 2, 200);
    const original = await request(server, acct.approvalPage.slug, [t1]);
    await act(member, original.id, "approve", {});
    const moved = await pub.post(`/api/v1/public/manage/${original.token}/reschedule`, { proposedTimes: [t2] });
    expect(moved.status).toBe(200);
    await act(member, moved.body.activity.id, "cancel", { reason: "Not possible" });
    expect((await member.get(`/api/v1/activities/${original.id}`)).body.detailedStatus).toBe("Scheduled (Approved by user)");
    // With the request out of the way the customer may ask again.
    const retry = await pub.post(`/api/v1/public/manage/${tokenOf(original.manageLink)}/reschedule`, { proposedTimes: [t2] });
    expect(retry.status).toBe(200);
  });
});
