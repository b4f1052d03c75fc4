import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom } from "../peers/paypal/faults.js";
import { webhookMessageId } from "../src/domain/webhooks.js";
import { ENGINES, client, futureSlots, newAccount } from "./support/harness.js";
import { act, book, customerDoes, details, hoursAfter, moveClock, request, tokenOf } from "./support/lifecycle-drive.js";
import { deliveryLog, icsProp, startIntegrationPeers, type IntegrationPeers } from "./support/integration-peers.js";
import { addresses } from "./support/smtp-inbox.js";
import { verifyStandardWebhook } from "./support/webhook-receiver.js";

/**
 * Every peer failing or hanging about 30 % of the time — the SMTP server answering 4xx/5xx or
 * cutting the connection (always before it accepts a message), the CalDAV server (Radicale behind
 * a proxy) answering 5xx or never answering, before or after doing the write, two webhook
 * receivers answering 500 or too slowly — while 500 lifecycle changes are made through the API:
 * the status table's customer and user rows (book, book for a customer, request, approve, request
 * new times, resubmit, reschedule on the same or another page, reschedule on behalf, request a
 * reschedule, reassign between two hosts, cancel by either side), then the meetings take place
 * (reminders, no-shows, completion, follow-ups, expired requests). Deliveries run between batches,
 * the test clock moving past each back-off until nothing is pending. In the end, from what the
 * test did (not from Bookstream's records): every e-mail arrived once, in order per activity, with
 * what its change asks for; each host's calendar holds exactly the events it should, as they
 * should be; each endpoint took each event once, in order per activity, signed; the delivery log
 * shows the retries. About 2 minutes per engine on the shared 2-core machine;
 * INTEGRATIONS_FAULTS_CHANGES, _SEED and _RATE set another count, other faults, another share of them.
 */
const CHANGES = Number(process.env.INTEGRATIONS_FAULTS_CHANGES ?? 500);
const RATE = Number(process.env.INTEGRATIONS_FAULTS_RATE ?? 0.3);
const SEED = Number(process.env.INTEGRATIONS_FAULTS_SEED ?? 20_240_611);
/** Per-request limits here (the product's defaults are 10 s): a hang costs this much. */
const CALDAV_TIMEOUT_MS = 500;
const WEBHOOK_TIMEOUT_MS = 300;
const BATCH = 50;
/** Bookings kept live at once: enough that most live through several batches (written, then changed). */
const LIVE = 25;
const HOUR = 3_600_000;

/** A booking or request of the drive, and what the test expects of it. */
interface Tracked {
  id: string;
  /** Its manage link's token ("" if the customer has none to use). */
  token: string;
  page: "auto" | "other" | "approval";
  owner: string;
  customer: string;
  /** The meeting's start (a request: the time it would be approved at), and its length if not half an hour. */
  start: string;
  hours?: number;
  status: "Requested" | "Scheduled" | "Rescheduled" | "Canceled" | "Completed" | "No-show" | "Expired";
  reason?: string;
  /** The host whose calendar got the event at the last settling while it was live. */
  writtenOn: string | null;
  /** E-mails as "kind>address", in order; webhooks as "type detailedStatus", in order. */
  mails: string[];
  hooks: string[];
}
const isLive = (a: Tracked) => a.status === "Scheduled" || a.status === "Rescheduled";
const onCalendar = (a: Tracked) => isLive(a) || a.status === "Completed" || a.status === "No-show";
const icsTime = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const eventIdOf = (messageOrWebhookId: string) => BigInt(/^<?(?:msg_)?(\d+)[._]/.exec(messageOrWebhookId)?.[1] ?? "0");
const inOrder = (ids: bigint[]) => ids.every((e, i) => i === 0 || e >= ids[i - 1]);

describe.each(ENGINES)("e-mail, calendars and webhooks under faults on $name", (engine) => {
  let peers: IntegrationPeers;
  beforeAll(async () => {
    peers = await startIntegrationPeers(engine, { caldavTimeoutMs: CALDAV_TIMEOUT_MS, webhookTimeoutMs: WEBHOOK_TIMEOUT_MS });
  }, 60_000);
  afterAll(async () => peers?.close());

  it("lifecycle changes end with every e-mail, calendar change and webhook delivered once, in order, despite the peers' faults", async () => {
    const { server, inbox, proxy, receiver } = peers;
    const acct = await newAccount(server);
    const admin = client(server.url, acct.admin.token);
    const hostEmail: Record<string, string> = { [acct.admin.id]: acct.admin.email, [acct.member.id]: acct.member.email };
    const calendars = {
      [acct.admin.id]: await peers.connectCalendar(acct.admin, `admin-${engine.name}`),
      [acct.member.id]: await peers.connectCalendar(acct.member, `member-${engine.name}`),
    };
    const endpoints: { id: string; secret: string; path: string }[] = [];
    for (const n of [1, 2]) {
      const path = `/hooks-${n}-${acct.accountId}`;
      const r = await admin.post("/api/v1/webhook-endpoints", { url: receiver.url + path, eventTypes: ["activity.created", "activity.updated"], description: `receiver ${n}` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      endpoints.push({ id: r.body.item.id, secret: r.body.secret, path });
    }

    // Faults from here on, each peer's from its own seeded PRNG (the same seed fails the same requests, in the same order).
    inbox.setFaults(RATE, SEED);
    proxy.setFaults(RATE, SEED + 1);
    const hookFaults = { requests: 0, faults: 0 };
    const hookRandom = seededRandom(SEED + 2);
    for (const ep of endpoints) {
      receiver.behave(ep.path, () => {
        hookFaults.requests++;
        const x = hookRandom();
        if (x >= RATE) return { status: 204 };
        hookFaults.faults++;
        return x < RATE / 2 ? { status: 500 } : { status: 200, delayMs: WEBHOOK_TIMEOUT_MS * 4 };
      });
    }

    // Meetings weeks away: the clock moves of the retries (hours in all) complete nothing and remind of nothing.
    const slots = futureSlots(server, CHANGES + 10, 24 * 21);
    let free = 0;
    const tracked: Tracked[] = [];
    const newCustomer = () => ({ name: `Customer ${free % 40}`, email: `c${free % 40}-${acct.accountId.slice(0, 6)}@example.com`, timeZone: "UTC" });
    const mail = (a: Tracked, kind: string, to: string[] = [a.customer, hostEmail[a.owner]]) => a.mails.push(...to.map((t) => `${kind}>${t}`));
    /** A new activity of the drive, and what its creation sends to the customer and the host. */
    const track = (t: Omit<Tracked, "writtenOn" | "mails" | "hooks">, created: string, kind: string) => {
      const a: Tracked = { ...t, writtenOn: null, mails: [], hooks: [`activity.created ${created}`] };
      tracked.push(a);
      mail(a, kind);
    };
    /** A change of `a` to a detailed status, and the e-mail it sends them (and `also`). */
    const change = (a: Tracked, to: string, kind: string | null, also: string[] = []) => {
      a.hooks.push(`activity.updated ${to}`);
      a.status = to.split(" (")[0] as Tracked["status"];
      if (kind) mail(a, kind, [a.customer, hostEmail[a.owner], ...also]);
    };
    const ownerOf = async (id: string) => (await details(admin, id)).owner.id as string;
    const started = Date.now();
    let made = 0;
    let settledAt = 0;
    let rounds = 0;
    const settle = async () => {
      rounds += await peers.settle(acct.accountId);
      for (const a of tracked) if (onCalendar(a)) a.writtenOn = a.owner;
      settledAt = made;
    };

    for (let step = 0, rest = 0; made < CHANGES; step++) {
      const live = tracked.filter(isLive);
      const ours = live.filter((a) => a.page === "auto" && a.token);
      const mine = ours[(step * 3) % Math.max(1, ours.length)];
      const b = live[(step * 7) % live.length];
      const open = tracked.filter((a) => a.status === "Requested");
      const req = open[(step * 5) % Math.max(1, open.length)];
      const pick = live.length < LIVE ? 0 : step % 10;
      if (pick === 0) {
        const c = newCustomer();
        const m = await book(server, acct.autoPage.slug, slots[free], { customer: c });
        track({ id: m.id, token: m.token, page: "auto", owner: acct.admin.id, customer: c.email, start: slots[free++], status: "Scheduled" }, "Scheduled (By customer)", "booking-confirmed");
      } else if (pick === 1 && mine) {
        mine.start = slots[free++];
        await customerDoes(server, mine.token, "reschedule", { start: mine.start });
        change(mine, "Rescheduled (By customer)", "rescheduled");
      } else if (pick === 2 || pick === 1) {
        const from = b.owner;
        b.owner = from === acct.admin.id ? acct.member.id : acct.admin.id;
        await act(admin, b.id, "reassign", { ownerId: b.owner });
        change(b, `${b.status} (Reassigned by user)`, "reassigned", [hostEmail[from]]);
      } else if (pick === 3) {
        const res = await act(admin, b.id, "reschedule", { start: slots[free], reason: `Moved ${step}` });
        change(b, "Canceled (Reschedule requested by user)", null);
        track({ ...b, id: res.created.id, token: "", owner: res.created.owner.id, start: slots[free++], status: "Rescheduled" }, "Rescheduled (Initiated by user)", "rescheduled");
      } else if (pick === 4) {
        b.reason = `Canceled ${step}`;
        await act(admin, b.id, "cancel", { reason: b.reason });
        change(b, "Canceled (By user)", "canceled");
      } else if (pick === 5 || (pick === 6 && open.length < 3)) {
        const c = newCustomer();
        const times = [slots[free++], slots[free++]];
        const r = await request(server, acct.approvalPage.slug, times, { customer: c });
        track({ id: r.id, token: r.token, page: "approval", owner: acct.member.id, customer: c.email, start: times[0], status: "Requested" }, "Requested (By customer)", "request-received");
      } else if (pick === 6) {
        await act(admin, req.id, "approve", { start: req.start });
        change(req, "Scheduled (Approved by user)", "request-approved");
      } else if (pick === 7 && mine) {
        // The user asks the customer to pick another time; the customer books one from the link.
        const asked = await act(admin, mine.id, "request-reschedule", { reason: `Conflict ${step}`, eventType: "same" });
        change(mine, "Canceled (Reschedule requested by user)", "reschedule-requested");
        const rebooked = await customerDoes(server, tokenOf(asked.customerLink), "reschedule", { start: slots[free] });
        const id = rebooked.activity.id;
        track({ ...mine, id, token: rebooked.manageLink ? tokenOf(rebooked.manageLink) : "", owner: await ownerOf(id), start: slots[free++], status: "Rescheduled" }, "Rescheduled (Initiated by user)", "rescheduled");
      } else if (pick === 8 && mine) {
        // The customer moves to another booking page: a new booking there; the old one is canceled without an e-mail of its own.
        const moved = await customerDoes(server, mine.token, "reschedule", { start: slots[free], pageSlug: acct.otherPage.slug });
        change(mine, "Canceled (By customer)", null);
        const id = moved.activity.id;
        track({ ...mine, id, token: tokenOf(moved.manageLink), page: "other", owner: await ownerOf(id), start: slots[free++], status: "Rescheduled" }, "Rescheduled (By customer)", "rescheduled");
      } else {
        // The other rows of the status table, in turn.
        const variant = rest++ % 7;
        const approved = live.find((a) => a.page === "approval");
        if (variant === 0 && mine) {
          mine.reason = `Customer reason ${step}`;
          await customerDoes(server, mine.token, "cancel", { reason: mine.reason });
          change(mine, "Canceled (By customer)", "canceled");
        } else if (variant === 5 && mine) {
          // A reschedule request letting the customer pick any event type: they take the long one.
          const asked = await act(admin, mine.id, "request-reschedule", { reason: `Other session ${step}`, eventType: "any" });
          change(mine, "Canceled (Reschedule requested by user)", "reschedule-requested");
          const rebooked = await customerDoes(server, tokenOf(asked.customerLink), "reschedule", { start: slots[free], eventTypeId: acct.autoPage.eventTypes[1].id });
          const id = rebooked.activity.id;
          track({ ...mine, id, token: "", owner: await ownerOf(id), start: slots[free++], hours: 1, status: "Scheduled" }, "Scheduled (By customer)", "booking-confirmed");
        } else if (variant === 6 && approved) {
          // On the approval page the customer answers a reschedule request with times, which the user approves.
          const asked = await act(admin, approved.id, "request-reschedule", { reason: `Clinic closed ${step}`, eventType: "same" });
          change(approved, "Canceled (Reschedule requested by user)", "reschedule-requested");
          const proposed = await customerDoes(server, tokenOf(asked.customerLink), "reschedule", { proposedTimes: [slots[free]] });
          const id = proposed.activity.id;
          track({ ...approved, id, token: "", owner: await ownerOf(id), start: slots[free++], status: "Requested" }, "Requested (By customer)", "request-received");
          await act(admin, id, "approve", { start: tracked.at(-1)!.start });
          change(tracked.at(-1)!, "Rescheduled (Approved by user)", "request-approved");
        } else if (variant <= 1 || !req || variant >= 5) {
          const c = newCustomer();
          const r = await admin.post("/api/v1/bookings", { bookingPageId: acct.autoPage.id, start: slots[free], customer: c, ownerId: acct.member.id });
          expect(r.status, JSON.stringify(r.body)).toBe(201);
          track({ id: r.body.activity.id, token: tokenOf(r.body.manageLink), page: "auto", owner: acct.member.id, customer: c.email, start: slots[free++], status: "Scheduled" }, "Scheduled (By customer)", "booking-confirmed");
        } else if (variant === 2) {
          const asked = await act(admin, req.id, "request-new-times", { reason: `Full ${step}` });
          change(req, "Canceled (New times requested by user)", "new-times-requested");
          const again = await customerDoes(server, tokenOf(asked.customerLink), "resubmit", { proposedTimes: [slots[free]] });
          track({ ...req, id: again.activity.id, token: tokenOf(again.manageLink), start: slots[free++], status: "Requested" }, "Requested (Initiated by user)", "request-received");
        } else if (variant === 3) {
          const again = await customerDoes(server, req.token, "resubmit", { proposedTimes: [slots[free]] });
          change(req, "Canceled (By customer)", null);
          track({ ...req, id: again.activity.id, token: tokenOf(again.manageLink), start: slots[free++], status: "Requested" }, "Requested (By customer)", "request-received");
        } else {
          req.reason = `Declined ${step}`;
          await act(admin, req.id, "cancel", { reason: req.reason });
          change(req, "Canceled (By user)", "canceled");
        }
      }
      made = tracked.reduce((n, a) => n + a.hooks.length, 0);
      if (made - settledAt >= BATCH) await settle();
    }
    await settle();

    // The meetings take place: the clock walks through them — into each reminder's day, into every
    // fourth meeting to set a no-show, past each end — delivering before a meeting begins (a reminder
    // still undelivered then is dropped) and at least every other day (webhooks give up after three).
    const meetings = tracked.filter(isLive).sort((x, y) => x.start.localeCompare(y.start));
    const stops: { at: number; reminds?: boolean; then?: () => Promise<void> }[] = [];
    for (const [i, a] of meetings.entries()) {
      mail(a, "reminder");
      const begin = Date.parse(a.start);
      stops.push({ at: begin - 23 * HOUR, reminds: true }, { at: begin + 3 * HOUR });
      if (i % 4 === 1) stops.push({ at: begin + 0.1 * HOUR, then: async () => {
        if (server.clock.now().getTime() >= begin + 0.4 * HOUR) return; // a retry's clock move went past it (meetings last 30 min or more)
        await act(admin, a.id, "set-no-show");
        change(a, "No-show (Set by user)", null);
      } });
    }
    stops.push({ at: Date.parse(slots[free]) + 24 * HOUR });
    let lastSettle = server.clock.now().getTime();
    let reminded = false;
    for (const stop of stops.sort((x, y) => x.at - y.at)) {
      if ((reminded && !stop.reminds) || stop.at - lastSettle > 48 * HOUR) {
        await settle();
        [lastSettle, reminded] = [server.clock.now().getTime(), false];
      }
      if (stop.at > server.clock.now().getTime()) await moveClock(server, new Date(stop.at));
      reminded ||= Boolean(stop.reminds);
      await stop.then?.();
    }
    for (const a of meetings) {
      if (a.status !== "No-show") change(a, "Completed (Set by System)", null);
      if (a.status === "Completed") mail(a, "follow-up", [a.customer]);
    }
    for (const r of tracked.filter((x) => x.status === "Requested")) change(r, "Expired (Set by System)", null);
    made = tracked.reduce((n, a) => n + a.hooks.length, 0);
    await settle();
    const driveMs = Date.now() - started;
    inbox.setFaults(0);
    proxy.setFaults(0);
    for (const ep of endpoints) receiver.behave(ep.path, { status: 204 });

    const hookRequests = receiver.received.filter((r) => endpoints.some((ep) => ep.path === r.path));
    const rows: Record<string, number> = {};
    for (const h of tracked.flatMap((a) => a.hooks)) rows[h.split(" ").slice(1).join(" ")] = (rows[h.split(" ").slice(1).join(" ")] ?? 0) + 1;
    console.info(`[integrations-faults ${engine.name}] ${made} changes, ${tracked.length} bookings and requests, ${driveMs} ms (${rounds} delivery rounds); ${JSON.stringify(rows)}; ` +
      `SMTP ${inbox.stats.faults}/${inbox.stats.transactions} ${JSON.stringify(inbox.stats.byKind)}; ` +
      `CalDAV ${proxy.stats.faults}/${proxy.stats.requests} ${JSON.stringify(proxy.stats.byKind)} ${JSON.stringify(proxy.stats.byMethod)}; ` +
      `webhooks ${hookFaults.faults}/${hookFaults.requests} (${hookRequests.filter((r) => r.answerDropped).length} 2xx answers came after the sender's time limit)`);
    expect(await peers.undelivered(acct.accountId)).toEqual([]);

    // E-mail: each message Bookstream recorded as sent arrived once; each activity got what its changes ask for, in order.
    const sent = await server.handle.executeSql("SELECT message_id FROM sent_emails WHERE account_id = $1", [acct.accountId]);
    expect(inbox.messages.map((m) => m.messageId ?? "").sort()).toEqual(sent.rows.map((r) => r.message_id as string).sort());
    const byActivity = new Map<string, ParsedMail[]>();
    for (const m of inbox.messages) {
      const id = String(m.headers.get("x-bookstream-activity"));
      byActivity.set(id, [...(byActivity.get(id) ?? []), m]);
    }
    const mailProblems: string[] = [];
    for (const a of tracked) {
      const got = byActivity.get(a.id) ?? [];
      const seq = got.map((m) => `${m.headers.get("x-bookstream-notification")}>${addresses(m.to).join(",")}`);
      if (seq.join(" ") !== a.mails.join(" ")) mailProblems.push(`${a.id}: want ${a.mails.join(" ")} got ${seq.join(" ")}`);
      if (!inOrder(got.map((m) => eventIdOf(m.messageId ?? "")))) mailProblems.push(`${a.id}: out of event order ${got.map((m) => m.messageId).join(" ")}`);
      for (const m of got) {
        if (!m.text?.includes(`Booking ID: ${a.id}`)) mailProblems.push(`${a.id}: "${m.subject}" lacks its Booking ID`);
        if (m.headers.get("x-bookstream-notification") === "canceled" && !m.text?.includes(`Reason: ${a.reason}`)) mailProblems.push(`${a.id}: canceled mail lacks "${a.reason}"`);
      }
    }
    expect(mailProblems).toEqual([]);
    expect(byActivity.size).toBe(tracked.length);

    // Calendars: one event per booking that was written, on its host's calendar only, with its times and status.
    const held = new Map<string, Map<string, string[]>>();
    for (const [userId, who] of Object.entries(calendars)) held.set(userId, await peers.calendarEvents(who));
    const calendarProblems: string[] = [];
    for (const a of tracked) {
      const expected = onCalendar(a) || (a.status === "Canceled" && a.writtenOn === a.owner);
      for (const [userId, byUid] of held) {
        const copies = byUid.get(`${a.id}@bookstream.test`) ?? [];
        const want = expected && userId === a.owner ? 1 : 0;
        if (copies.length !== want) calendarProblems.push(`${a.id}: ${copies.length} events on ${userId === acct.admin.id ? "admin" : "member"}'s calendar, want ${want}`);
        if (want !== 1 || copies.length !== 1) continue;
        const got = ["DTSTART", "DTEND", "STATUS"].map((p) => icsProp(copies[0], p)).join(" ");
        const wantText = [icsTime(a.start), icsTime(hoursAfter(a.start, a.hours ?? 0.5)), a.status === "Canceled" ? "CANCELLED" : "CONFIRMED"].join(" ");
        if (got !== wantText) calendarProblems.push(`${a.id}: want ${wantText} got ${got}`);
      }
    }
    expect(calendarProblems).toEqual([]);
    const known = new Set(tracked.map((a) => `${a.id}@bookstream.test`));
    for (const byUid of held.values()) expect([...byUid.keys()].filter((u) => !known.has(u))).toEqual([]);

    // Webhooks, per endpoint: every request signed and counted by Bookstream as an attempt; each event
    // taken with a 2xx once (answers that reached the sender after its time limit do not count: it had
    // given up), and those are what Bookstream marked delivered; per activity, sent in event order,
    // what its changes ask for.
    const stored = await server.handle.executeSql("SELECT endpoint_id::text AS endpoint_id, event_id::text AS event_id, status, attempts FROM webhook_deliveries WHERE account_id = $1", [acct.accountId]);
    const hookProblems: string[] = [];
    for (const ep of endpoints) {
      const got = hookRequests.filter((r) => r.path === ep.path);
      expect(got.filter((r) => !verifyStandardWebhook(ep.secret, r.headers, r.body)).length, `${ep.path}: badly signed messages`).toBe(0);
      const idOf = (r: (typeof got)[number]) => String(r.headers["webhook-id"]);
      const mine = stored.rows.filter((r) => r.endpoint_id === ep.id);
      const sends = new Map<string, number>();
      for (const r of got) sends.set(idOf(r), (sends.get(idOf(r)) ?? 0) + 1);
      const attempts = new Map(mine.map((r) => [webhookMessageId(r.event_id, ep.id), Number(r.attempts)]));
      // Every request the receiver got is one attempt Bookstream counted. An attempt may also end
      // before its request left this process (its answer time runs from the send, and on a busy
      // machine the embedded database can hold the event loop past the 300 ms limit), so attempts
      // may outnumber what the receiver saw, never the other way.
      expect([...sends].filter(([id, n]) => (attempts.get(id) ?? 0) < n).map(([id, n]) => `${id}: ${n} requests, ${attempts.get(id) ?? 0} attempts`), `${ep.path}: requests not counted as attempts`).toEqual([]);
      const ok = new Set(got.filter((r) => r.answered !== undefined && r.answered >= 200 && r.answered < 300 && !r.answerDropped));
      const okIds = [...ok].map(idOf);
      expect(okIds.filter((id, i) => okIds.indexOf(id) !== i), `${ep.path}: events taken with 2xx more than once`).toEqual([]);
      expect(okIds.sort()).toEqual(mine.filter((r) => r.status === "delivered").map((r) => webhookMessageId(r.event_id, ep.id)).sort());
      const perActivity = new Map<string, { all: bigint[]; ok: string[] }>();
      for (const r of got) {
        const body = JSON.parse(r.body);
        const a = perActivity.get(body.data.activity.id) ?? { all: [], ok: [] };
        a.all.push(eventIdOf(idOf(r)));
        if (ok.has(r)) a.ok.push(`${body.type} ${body.data.activity.detailedStatus}`);
        perActivity.set(body.data.activity.id, a);
      }
      for (const a of tracked) {
        const seen = perActivity.get(a.id) ?? { all: [], ok: [] };
        if (!inOrder(seen.all)) hookProblems.push(`${ep.path} ${a.id}: sent out of event order ${seen.all.join(" ")}`);
        if (seen.ok.join(", ") !== a.hooks.join(", ")) hookProblems.push(`${ep.path} ${a.id}: want ${a.hooks.join(", ")} got ${seen.ok.join(", ")}`);
      }
      expect(perActivity.size).toBe(tracked.length);
    }
    expect(hookProblems).toEqual([]);

    // The faults happened, to at least a fifth of each peer's requests; the delivery log shows all
    // delivered, and retries for each consumer.
    expect(inbox.stats.faults).toBeGreaterThan(inbox.stats.transactions * 0.2);
    expect(proxy.stats.faults).toBeGreaterThan(proxy.stats.requests * 0.2);
    expect(hookFaults.faults).toBeGreaterThan(hookFaults.requests * 0.2);
    expect(hookFaults.requests).toBe(hookRequests.length);
    for (const consumer of ["email", "calendar", "webhooks"]) {
      const items = await deliveryLog(admin, consumer);
      expect(items.filter((d) => d.state !== "delivered"), consumer).toEqual([]);
      expect(items.filter((d) => d.attempts > 1).length, `${consumer}: retried deliveries in the log`).toBeGreaterThan(0);
    }
  }, 600_000);
});
