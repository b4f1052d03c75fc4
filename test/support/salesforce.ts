import { expect } from "vitest";
import { approveAuthorization } from "../../peers/salesforce/consent-client.js";
import { startSalesforcePeer, type SalesforcePeer, type SalesforcePeerOptions } from "../../peers/salesforce/server.js";
import { dispatchPending, registerConsumers } from "../../src/jobs/outbox-dispatcher.js";
import { salesforceConsumer, type SalesforceConsumerOptions } from "../../src/integrations/salesforce/consumer.js";
import { client, newAccount, startTestServer, type Engine, type TestAccount, type TestServer } from "./harness.js";

/**
 * Salesforce tests: a test server, the local Salesforce (peers/salesforce), and the "salesforce"
 * outbox consumer run by hand (quick retries: the tests check what ends up in Salesforce, not timing).
 */
export interface SalesforceEnv {
  server: TestServer;
  sf: SalesforcePeer;
  /** Runs the consumer until nothing is pending (retries included). */
  deliver(): Promise<void>;
  close(): Promise<void>;
}

export async function startSalesforceEnv(engine: Engine, peer: SalesforcePeerOptions = {}, consumer: SalesforceConsumerOptions = {}): Promise<SalesforceEnv> {
  const server = await startTestServer(engine);
  const sf = await startSalesforcePeer({ seed: 7, ...peer });
  const c = salesforceConsumer(server.ctx, { backoff: () => 0, timeoutMs: 3_000, maxAttempts: 1000, ...consumer });
  await registerConsumers(server.ctx, [c]);
  return {
    server,
    sf,
    deliver: async () => {
      for (let i = 0; i < 500; i++) {
        await dispatchPending(server.ctx, c);
        const left = await server.handle.db.selectFrom("outbox_deliveries").select(({ fn }) => fn.countAll<string>().as("n"))
          .where("consumer", "=", "salesforce").where("status", "=", "pending").executeTakeFirstOrThrow();
        if (Number(left.n) === 0) return;
      }
      throw new Error("Salesforce deliveries still pending after 500 rounds");
    },
    close: async () => {
      await sf.close();
      await server.close();
    },
  };
}

/** The admin's way: connected app settings, then the OAuth flow through the consent page. */
export async function connectSalesforce(env: SalesforceEnv, acct: TestAccount, settings: Record<string, unknown> = {}) {
  const admin = client(env.server.url, acct.admin.token);
  const put = await admin.call("PUT", "/api/v1/account/salesforce", {
    loginUrl: env.sf.loginUrl, clientId: env.sf.connectedApp.clientId, clientSecret: env.sf.connectedApp.clientSecret, ...settings,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const start = await fetch(`${env.server.url}/api/v1/salesforce/connect`, { headers: { authorization: `Bearer ${acct.admin.token}` }, redirect: "manual" });
  expect(start.status).toBe(302);
  const callback = await approveAuthorization(start.headers.get("location")!);
  const done = await fetch(`${env.server.url}/api/v1/salesforce/callback${callback.search}`, { headers: { authorization: `Bearer ${acct.admin.token}` }, redirect: "manual" });
  expect(done.status, await done.clone().text()).toBe(302);
  expect(done.headers.get("location")).toBe("/settings/salesforce?connected=1");
  const got = await admin.get("/api/v1/account/salesforce");
  expect(got.body.connected).toBe(true);
  return got.body;
}

export async function connectedAccount(env: SalesforceEnv, settings: Record<string, unknown> = {}) {
  const acct = await newAccount(env.server);
  const connection = await connectSalesforce(env, acct, settings);
  return { acct, connection, admin: client(env.server.url, acct.admin.token) };
}

/** The booking's Event in the local Salesforce, by the id Bookstream keeps for it. */
export async function eventOf(env: SalesforceEnv, acct: TestAccount, activityId: string) {
  const r = await client(env.server.url, acct.admin.token).get(`/api/v1/activities/${activityId}/salesforce`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const id = r.body.eventId as string | null;
  return { sync: r.body, event: id ? env.sf.control.record(id) : undefined };
}

export function seededUser(sf: SalesforcePeer, username: string) {
  const u = sf.control.users().find((x) => x.Username === username);
  if (!u) throw new Error(`no seeded user ${username}`);
  return u;
}

export function seededRecord(sf: SalesforcePeer, type: "Contact" | "Lead" | "Case", pred: (r: Record<string, any>) => boolean) {
  const r = sf.control.records(type).find(pred);
  if (!r) throw new Error(`no seeded ${type}`);
  return r;
}
