import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, client, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import {
  BOOKED_ACTIONS,
  REQUESTED_ACTIONS,
  act,
  book,
  clientsFor,
  customerDoes,
  details,
  hoursAfter,
  moveClock,
  request,
  startedBooking,
  streamIds,
  tokenOf,
  type Client,
} from "./support/lifecycle-drive.js";

/**
 * What the lifecycle and the permissions refuse, through the HTTP API: 409 for an action the
 * current status does not allow (naming that status), 403 for a caller who may see but not
 * change, 404 for what a caller may not see (another page, another account), and exactly one
 * winner when several people act on the same booking at once.
 *
 * Meetings are booked two years ahead: this file never moves its clock, and on a shared
 * PostgreSQL another file's test clock must not complete them under these tests.
 */
const FAR_AHEAD_HOURS = 2 * 365 * 24;
const USER_ACTIONS = ["approve", "cancel", "request-new-times", "request-reschedule", "reschedule", "reassign", "set-no-show"] as const;

describe.each(ENGINES)("lifecycle rules and permissions on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  const setUp = async () => {
    const acct = await newAccount(server);
    return { acct, ...clientsFor(server, acct), s: futureSlots(server, 8, FAR_AHEAD_HOURS) };
  };
  /** A body that passes validation for each action, so only the lifecycle or permissions can refuse it. */
  const validBody = (acct: TestAccount, action: string, start: string): Record<string, unknown> =>
    ({
      approve: { start },
      cancel: { reason: "Changed my mind" },
      "request-new-times": { reason: "Please propose other times" },
      "request-reschedule": { reason: "I have a conflict", eventType: "same" },
      reschedule: { reason: "Moved by phone", start },
      reassign: { ownerId: acct.member.id },
      "set-no-show": {},
    })[action]!;
  const post = (c: Client, id: string, action: string, body: Record<string, unknown>) => c.post(`/api/v1/activities/${id}/actions/${action}`, body);

  const canceledBy: Record<string, (acct: TestAccount, admin: Client, s: string[]) => Promise<string>> = {
    "Canceled (By user)": async (acct, admin, s) => {
      const b = await book(server, acct.autoPage.slug, s[0]);
      await act(admin, b.id, "cancel");
      return b.id;
    },
    "Canceled (By customer)": async (acct, _admin, s) => {
      const b = await book(server, acct.autoPage.slug, s[0]);
      await customerDoes(server, b.token, "cancel");
      return b.id;
    },
    "Canceled (Reschedule requested by user)": async (acct, admin, s) => {
      const b = await book(server, acct.autoPage.slug, s[0]);
      await act(admin, b.id, "request-reschedule", { reason: "Conflict", eventType: "same" });
      return b.id;
    },
    "Canceled (New times requested by user)": async (acct, admin, s) => {
      const r = await request(server, acct.approvalPage.slug, [s[0]]);
      await act(admin, r.id, "request-new-times");
      return r.id;
    },
  };

  it.each(Object.keys(canceledBy))("every user action on a booking that is %s answers 409 action_not_allowed naming that status, and changes nothing", async (detailed) => {
    const { acct, admin, s } = await setUp();
    const id = await canceledBy[detailed](acct, admin, s);
    const before = await details(admin, id);
    for (const action of USER_ACTIONS) {
      const r = await post(admin, id, action, validBody(acct, action, s[4]));
      expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(409);
      expect(r.body.error).toMatchObject({ code: "action_not_allowed", details: { activityId: id, action, status: "Canceled", detailedStatus: detailed } });
      expect(r.body.error.message).toContain(detailed);
    }
    const after = await details(admin, id);
    expect([after.version, after.history.length, after.related]).toEqual([before.version, before.history.length, before.related]);
  });

  it("approving a booking that is already scheduled answers 409 naming Scheduled (By customer)", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const r = await post(admin, b.id, "approve", { start: s[1] });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "action_not_allowed", details: { detailedStatus: "Scheduled (By customer)" } });
  });

  it("setting No-show before the meeting has begun is refused (422), and it is still possible once it has", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const early = await post(admin, b.id, "set-no-show", {});
    expect(early.status).toBe(422);
    expect(early.body.error).toMatchObject({ code: "unprocessable", details: { reason: "not_started", start: s[0] } });
    expect(early.body.error.message).toContain("has not started");
    expect((await details(admin, b.id)).history).toHaveLength(1);
    await moveClock(server, hoursAfter(s[0], 0.1));
    expect((await act(admin, b.id, "set-no-show")).activity.detailedStatus).toBe("No-show (Set by user)");
  });

  it("setting No-show twice answers 409 the second time", async () => {
    const { acct, admin, s } = await setUp();
    const b = await startedBooking(server, acct.autoPage.slug, s[0]);
    await act(admin, b.id, "set-no-show");
    const r = await post(admin, b.id, "set-no-show", {});
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "action_not_allowed", details: { detailedStatus: "No-show (Set by user)" } });
  });

  it("a customer cannot reschedule or cancel a booking that is already canceled (409 from the manage link)", async () => {
    const { acct, pub, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    await customerDoes(server, b.token, "cancel");
    for (const [action, body] of [["reschedule", { start: s[2] }], ["cancel", {}]] as const) {
      const r = await pub.post(`/api/v1/public/manage/${b.token}/${action}`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.error).toMatchObject({ code: "action_not_allowed", details: { detailedStatus: "Canceled (By customer)" } });
    }
  });

  it("a reschedule link works once: used again it answers 409 and no second booking is made", async () => {
    const { acct, admin, pub, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const link = tokenOf((await act(admin, b.id, "request-reschedule", { reason: "Conflict", eventType: "same" })).customerLink);
    const first = await customerDoes(server, link, "reschedule", { start: s[2] });
    const second = await pub.post(`/api/v1/public/manage/${link}/reschedule`, { start: s[4] });
    expect(second.status, JSON.stringify(second.body)).toBe(409);
    expect(second.body.error.code).toBe("action_not_allowed");
    expect((await details(admin, b.id)).related.map((r: any) => r.id)).toEqual([first.activity.id]);
  });

  it("a reschedule link used twice at once makes exactly one booking; the other use answers 409", async () => {
    const { acct, admin, pub, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const link = tokenOf((await act(admin, b.id, "request-reschedule", { reason: "Conflict", eventType: "same" })).customerLink);
    const tries = await Promise.all([s[2], s[4]].map((start) => pub.post(`/api/v1/public/manage/${link}/reschedule`, { start })));
    expect(tries.map((t) => t.status).sort()).toEqual([200, 409]);
    expect((await details(admin, b.id)).related).toHaveLength(1);
  });

  it("a viewer of the page sees the booking with no actions, and is refused (403) when they try to reassign, reschedule or cancel", async () => {
    const { acct, admin, viewer, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const seen = await details(viewer, b.id);
    expect([seen.detailedStatus, seen.actions]).toEqual(["Scheduled (By customer)", []]);
    const listed = await viewer.get(`/api/v1/activities?q=${b.id}`);
    expect(listed.body.items.map((i: any) => [i.id, i.actions])).toEqual([[b.id, []]]);
    for (const action of ["reassign", "reschedule", "cancel", "request-reschedule", "set-no-show"]) {
      const r = await post(viewer, b.id, action, validBody(acct, action, s[3]));
      expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.error.code).toBe("forbidden");
    }
    expect((await details(admin, b.id)).history).toHaveLength(1);
  });

  it("a member without the page gets 404 for its booking (to read or act on) and never sees it in the stream", async () => {
    const { acct, outsider, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const r = await outsider.get(`/api/v1/activities/${b.id}`);
    expect([r.status, r.body.error.code]).toEqual([404, "not_found"]);
    expect((await post(outsider, b.id, "cancel", {})).status).toBe(404);
    expect(await streamIds(outsider)).not.toContain(b.id);
    expect(await streamIds(outsider, `q=${b.id}`)).toEqual([]);
  });

  it("the owner of a booking-with-approval page (a member) sees its requests with the full menu and can approve them", async () => {
    const { acct, member, s } = await setUp();
    const r = await request(server, acct.approvalPage.slug, [s[0], s[1]]);
    expect((await details(member, r.id)).actions).toEqual(REQUESTED_ACTIONS);
    const approved = await act(member, r.id, "approve", { start: s[1] });
    expect(approved.activity).toMatchObject({ detailedStatus: "Scheduled (Approved by user)", start: s[1], actions: BOOKED_ACTIONS });
    expect(approved.activity.history.at(-1).actor).toMatchObject({ type: "user", id: acct.member.id });
  });

  it("the booking's host may act on it: a member who cannot see the page gets it by reassignment and then cancels it", async () => {
    const { acct, admin, member, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    expect((await member.get(`/api/v1/activities/${b.id}`)).status).toBe(404);
    await act(admin, b.id, "reassign", { ownerId: acct.member.id });
    expect((await details(member, b.id)).actions).toEqual(BOOKED_ACTIONS);
    const canceled = await act(member, b.id, "cancel", { reason: "I am away that day" });
    expect(canceled.activity.detailedStatus).toBe("Canceled (By user)");
    expect(canceled.activity.history.at(-1).actor).toMatchObject({ type: "user", id: acct.member.id });
  });

  it("accounts are isolated: another account's admin gets 404 and never finds the activity, not even by searching its ID or email", async () => {
    const { acct, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0], { customer: { name: "Isolde Private", email: `isolde-${acct.accountId.slice(0, 8)}@example.com` } });
    const other = await newAccount(server, "Another account");
    await book(server, other.autoPage.slug, s[0]);
    const stranger = client(server.url, other.admin.token);
    expect((await stranger.get(`/api/v1/activities/${b.id}`)).status).toBe(404);
    expect((await post(stranger, b.id, "cancel", {})).status).toBe(404);
    const everything = await streamIds(stranger);
    expect(everything).toHaveLength(1);
    expect(everything).not.toContain(b.id);
    for (const q of [b.id, b.id.toLowerCase(), `id:${b.id}`, `email:isolde-${acct.accountId.slice(0, 8)}@example.com`, "Isolde"]) {
      const r = await stranger.get(`/api/v1/activities?includeTotal=true&q=${encodeURIComponent(q)}`);
      expect([r.status, r.body.items, r.body.total], q).toEqual([200, [], 0]);
    }
  });

  it("ten people acting at once on the version they saw (cancel, no-show, reassign): exactly one wins, nine get 409, history has 2 rows", async () => {
    const { acct, admin, s } = await setUp();
    const b = await startedBooking(server, acct.autoPage.slug, s[0]);
    const seen = await details(admin, b.id);
    const actions = ["set-no-show", "reassign", "cancel"];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => actions[i % 3]).map(async (action) => ({
        action,
        r: await post(admin, b.id, action, { ...validBody(acct, action, s[2]), expectedVersion: seen.version }),
      })),
    );
    const winners = results.filter((x) => x.r.status === 200);
    expect(winners, JSON.stringify(results.map((x) => [x.action, x.r.status, x.r.body.error?.code]))).toHaveLength(1);
    for (const { r } of results.filter((x) => x.r.status !== 200)) {
      expect(r.status).toBe(409);
      expect(["conflict", "action_not_allowed"]).toContain(r.body.error.code);
    }
    const after = await details(admin, b.id);
    expect(after.history).toHaveLength(2);
    expect(after.history[1].action).toBe(winners[0].action);
    expect(after.detailedStatus).toBe(winners[0].r.body.activity.detailedStatus);
  });

  it("ten cancels at once (no version given): the guarded write lets exactly one through and history has 2 rows", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const results = await Promise.all(Array.from({ length: 10 }, () => post(admin, b.id, "cancel", { reason: "Double click" })));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect((await details(admin, b.id)).history.map((h: any) => h.action)).toEqual(["customer-books", "cancel"]);
  });

  it("an action on a version the user did not see is refused with 409 conflict naming the current status, even when the new status allows it", async () => {
    const { acct, admin, s } = await setUp();
    const b = await book(server, acct.autoPage.slug, s[0]);
    const seen = await details(admin, b.id);
    await act(admin, b.id, "reassign", { ownerId: acct.member.id });
    const stale = await post(admin, b.id, "cancel", { expectedVersion: seen.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: "conflict", details: { expectedVersion: seen.version, version: seen.version + 1, detailedStatus: "Scheduled (Reassigned by user)" } });
    expect(stale.body.error.message).toContain("Scheduled (Reassigned by user)");
    const fresh = await act(admin, b.id, "cancel", { expectedVersion: seen.version + 1 });
    expect(fresh.activity.detailedStatus).toBe("Canceled (By user)");
  });
});
