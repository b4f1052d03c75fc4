import { expect } from "vitest";
import { calDavProviders } from "../../src/integrations/caldav/client.js";
import { calendarConsumer } from "../../src/integrations/caldav/consumer.js";
import { emailConsumer } from "../../src/integrations/email/consumer.js";
import { smtpTransport, type MailTransport } from "../../src/integrations/email/transport.js";
import { sendDueWebhooks, webhooksConsumer } from "../../src/integrations/webhooks/consumer.js";
import { dispatchPending, registerConsumers } from "../../src/jobs/outbox-dispatcher.js";
import { startFlakyProxy, type FlakyProxy } from "./flaky-proxy.js";
import { client, startTestServer, type ApiResponse, type Engine, type TestServer, type TestUser } from "./harness.js";
import { moveClock, type Client } from "./lifecycle-drive.js";
import { startRadicale, type Radicale } from "./radicale.js";
import { Inbox } from "./smtp-inbox.js";
import { startReceiver, type Receiver } from "./webhook-receiver.js";

/**
 * A test server with its three outbound integrations wired to real local peers: e-mail over SMTP
 * to an in-process smtp-server (`inbox`), calendars on Radicale behind a proxy that can misbehave
 * (`proxy`), webhooks to a local receiver (`receiver`). The outbox consumers are run by hand
 * (`settle`), the test clock moved past each back-off, as the workers would in time.
 */
export interface IntegrationPeers {
  server: TestServer;
  inbox: Inbox;
  radicale: Radicale;
  proxy: FlakyProxy;
  receiver: Receiver;
  /** A Radicale user with a "work" calendar, connected by `user` through the API (via the proxy). */
  connectCalendar(user: TestUser, name: string): Promise<{ name: string; password: string }>;
  /** The calendar's events (iCalendar text) by UID. */
  calendarEvents(who: { name: string; password: string }): Promise<Map<string, string[]>>;
  /** The account's deliveries not delivered yet (outbox consumers and webhook endpoints). */
  undelivered(accountId: string): Promise<{ consumer: string; activity_id: string; event_id: string; status: string; attempts: number; next_attempt_at: Date; last_error: string | null }[]>;
  /** Delivers until nothing of the account is pending; returns the rounds it took. */
  settle(accountId: string): Promise<number>;
  close(): Promise<void>;
}

export async function startIntegrationPeers(engine: Engine, opts: { caldavTimeoutMs: number; webhookTimeoutMs: number }): Promise<IntegrationPeers> {
  const server = await startTestServer(engine);
  server.ctx.calendars = calDavProviders({ allowPrivateNetworks: true, timeoutMs: opts.caldavTimeoutMs });
  const inbox = new Inbox();
  await inbox.start();
  const transport: MailTransport = smtpTransport(`smtp://127.0.0.1:${inbox.port}`, { timeoutMs: 5000 });
  // smtp-server waits 100 ms before its greeting (an early-talker check) and the transport opens a
  // connection per message: more messages in flight than the product's 4 keep the tests quick.
  const email = { ...emailConsumer(server.ctx, transport), concurrency: 16 };
  const calendar = calendarConsumer(server.ctx);
  const webhooks = webhooksConsumer(server.ctx);
  await registerConsumers(server.ctx, [email, calendar, webhooks]);
  const radicale = await startRadicale();
  const proxy = await startFlakyProxy(radicale.url);
  const receiver = await startReceiver();

  const undelivered: IntegrationPeers["undelivered"] = async (accountId) => {
    const r = await server.handle.executeSql(
      `SELECT consumer, event_id::text AS event_id, activity_id, status, attempts, next_attempt_at, last_error FROM outbox_deliveries
         WHERE account_id = $1 AND consumer IN ('email', 'calendar', 'webhooks') AND status <> 'delivered'
       UNION ALL
       SELECT 'webhooks:' || endpoint_id::text, event_id::text, activity_id, status, attempts, next_attempt_at, last_error FROM webhook_deliveries
         WHERE account_id = $1 AND status <> 'delivered'`, [accountId]);
    return r.rows.map((x) => ({ ...x, next_attempt_at: new Date(x.next_attempt_at) }));
  };

  return {
    server, inbox, radicale, proxy, receiver, undelivered,
    async connectCalendar(user, name) {
      const who = { name, password: `app-pw-${name}` };
      await radicale.addUser(who.name, who.password, ["work"]);
      const r = await client(server.url, user.token).call("PUT", "/api/v1/me/calendar-connection", { serverUrl: proxy.url, username: who.name, password: who.password });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return who;
    },
    async calendarEvents(who) {
      const dav = await radicale.client(who.name, who.password);
      const objects = await dav.fetchCalendarObjects({ calendar: { url: `${radicale.url}/${who.name}/work/` } });
      const byUid = new Map<string, string[]>();
      for (const o of objects) {
        const uid = icsProp(o.data, "UID") ?? "";
        byUid.set(uid, [...(byUid.get(uid) ?? []), o.data]);
      }
      return byUid;
    },
    async settle(accountId) {
      const limit = 300;
      for (let round = 0; ; round++) {
        // As the workers do: each consumer on its own, the webhook sender after the fan-out.
        await Promise.all([dispatchPending(server.ctx, email), dispatchPending(server.ctx, calendar),
          dispatchPending(server.ctx, webhooks).then(() => sendDueWebhooks(server.ctx, { timeoutMs: opts.webhookTimeoutMs }))]);
        const left = await undelivered(accountId);
        if (left.length === 0) return round;
        const show = () => left.slice(0, 10).map((d) => `${d.consumer} ${d.activity_id} #${d.event_id} ${d.status} ×${d.attempts}: ${d.last_error}`).join("\n");
        if (left.some((d) => d.status === "failed")) throw new Error(`deliveries gave up:\n${show()}`);
        if (round >= limit) throw new Error(`${left.length} deliveries still pending after ${limit} rounds:\n${show()}`);
        const now = server.clock.now().getTime();
        const later = left.map((d) => d.next_attempt_at.getTime()).filter((t) => t > now);
        await moveClock(server, new Date((later.length ? Math.min(...later) : now) + 1000));
      }
    },
    async close() {
      transport.close();
      await receiver.close();
      await proxy.close();
      await radicale.close();
      await inbox.close();
      await server.close();
    },
  };
}

/** A property's value in iCalendar text (folded lines joined). */
export const icsProp = (ics: string, name: string) => new RegExp(`^${name}(?:;[^:]*)?:(.*)$`, "m").exec(ics.replace(/\r\n[ \t]/g, ""))?.[1]?.trim();

/** Every page of the delivery log for one consumer, as an admin sees it. */
export async function deliveryLog(admin: Client, consumer: string) {
  const items: { state: string; attempts: number }[] = [];
  let cursor: string | null = null;
  do {
    const r: ApiResponse = await admin.get(`/api/v1/deliveries?consumer=${consumer}&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return items;
}
