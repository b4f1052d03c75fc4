import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDetailedStatus } from "../src/domain/lifecycle.js";
import { carriesReason, SALESFORCE_STATUS } from "../src/domain/salesforce-status.js";
import { ENGINES, futureSlots } from "./support/harness.js";
import { act, book, customerDoes } from "./support/lifecycle-drive.js";
import { connectedAccount, seededUser, startSalesforceEnv, type SalesforceEnv } from "./support/salesforce.js";

/**
 * Salesforce misbehaving on ~30 % of data calls — expired sessions (401 INVALID_SESSION_ID),
 * REQUEST_LIMIT_EXCEEDED, 503s, 500s after the write was made, and calls that never answer (before
 * and after the write) — while 500 lifecycle changes are made through the API. In the end every
 * booking has exactly one Event, and each Event says what Bookstream says: status, reason, start,
 * end, owner. Deliveries run between batches of changes, so later changes land on Events made earlier
 * (updates applied out of order would leave a stale status or time behind).
 */
const CHANGES = 500;

describe.each(ENGINES)("Salesforce under faults on $name", (engine) => {
  let env: SalesforceEnv;
  beforeAll(async () => {
    env = await startSalesforceEnv(engine, { seed: 42 }, { timeoutMs: 400, concurrency: 4 });
  });
  afterAll(async () => env?.close());

  it(`${CHANGES} lifecycle changes end with Salesforce's Events equal to Bookstream's bookings, no duplicates`, async () => {
    const { acct, admin } = await connectedAccount(env);
    const ada = seededUser(env.sf, "ada@bookstream-demo.example");
    const max = seededUser(env.sf, "max@bookstream-demo.example");
    await admin.call("PUT", `/api/v1/account/salesforce/users/${acct.admin.id}`, { salesforceUserId: ada.Id });
    await admin.call("PUT", `/api/v1/account/salesforce/users/${acct.member.id}`, { salesforceUserId: max.Id });
    const sfOf: Record<string, unknown> = { [acct.admin.id]: ada.Id, [acct.member.id]: max.Id };

    env.sf.control.setFaults([
      { kind: "invalid-session", rate: 0.08 },
      { kind: "request-limit", rate: 0.06 },
      { kind: "server-unavailable", rate: 0.06 },
      { kind: "server-error", rate: 0.06, phase: "after" },
      { kind: "hang", rate: 0.04 },
      { kind: "hang", rate: 0.04, phase: "after" },
    ]);

    const slots = futureSlots(env.server, 400);
    let free = 0;
    const bookings: { id: string; token: string; owner: string; live: boolean }[] = [];
    let changes = 0;
    const customerOf = (i: number) => ({ name: `Customer ${i % 40}`, email: `c${i % 40}-${acct.accountId.slice(0, 6)}@example.com`, timeZone: "UTC" });
    let step = 0;
    while (changes < CHANGES) {
      const liveOnes = bookings.filter((b) => b.live);
      const pick = step++ % 5;
      if (pick === 0 || liveOnes.length < 5) {
        const b = await book(env.server, acct.autoPage.slug, slots[free++], { customer: customerOf(free) });
        bookings.push({ ...b, owner: acct.admin.id, live: true });
        changes++;
      } else {
        const b = liveOnes[(step * 7) % liveOnes.length];
        if (pick === 1 && b.token) {
          await customerDoes(env.server, b.token, "reschedule", { start: slots[free++] });
          changes++;
        } else if (pick === 2 || pick === 1) {
          const to = b.owner === acct.admin.id ? acct.member.id : acct.admin.id;
          await act(admin, b.id, "reassign", { ownerId: to });
          b.owner = to;
          changes++;
        } else if (pick === 3) {
          const res = await act(admin, b.id, "reschedule", { start: slots[free++], reason: `Moved ${step}` });
          b.live = false;
          bookings.push({ id: res.created.id, token: "", owner: res.created.owner.id, live: true });
          changes += 2;
        } else {
          await act(admin, b.id, "cancel", { reason: `Canceled ${step}` });
          b.live = false;
          changes++;
        }
      }
      if (changes % 50 === 0 || changes >= CHANGES) await env.deliver();
    }
    await env.deliver();
    const stats = env.sf.control.stats();
    env.sf.control.clearFaults();
    expect(stats.faults).toBeGreaterThan(stats.dataApi * 0.2);

    const events = env.sf.control.records("Event");
    const byBooking = new Map<string, typeof events>();
    for (const e of events) {
      const id = /^Booking ID: (\S+)/.exec(String(e.Description ?? ""))?.[1];
      if (id && bookings.some((b) => b.id === id)) byBooking.set(id, [...(byBooking.get(id) ?? []), e]);
    }
    const duplicates = [...byBooking].filter(([, es]) => es.length > 1).map(([id]) => id);
    expect(duplicates).toEqual([]);
    const mismatches: string[] = [];
    for (const b of bookings) {
      const d = (await admin.get(`/api/v1/activities/${b.id}`)).body;
      const detailed = String(d.detailedStatus);
      const status = isDetailedStatus(detailed) ? SALESFORCE_STATUS[detailed] : null;
      const [e] = byBooking.get(b.id) ?? [];
      const sync = (await admin.get(`/api/v1/activities/${b.id}/salesforce`)).body;
      const want = {
        status, reason: status && carriesReason(status) ? (d.reason ?? null) : null,
        start: d.start, end: d.end, owner: sfOf[d.owner.id], id: sync.eventId,
      };
      const got = e && {
        status: e.Event_Status__c, reason: want.reason === null ? null : e.Cancel_Reschedule_Reason__c,
        start: new Date(String(e.StartDateTime)).toISOString(), end: new Date(String(e.EndDateTime)).toISOString(), owner: e.OwnerId, id: e.Id,
      };
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${b.id}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
    }
    expect(mismatches).toEqual([]);
    expect(byBooking.size).toBe(bookings.length);
  }, 600_000);
});
