import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { approveAuthorization } from "../peers/salesforce/consent-client.js";
import { createApiToken } from "../src/app/auth.js";
import { DEMO_ADMIN } from "../src/app/demo/seed.js";
import { loadConfig } from "../src/config.js";
import { startServer, type RunningServer } from "../src/server.js";
import { findReadyDemo } from "../src/store/demo-repo.js";
import { listSalesforceEvents, saveSalesforceEvent } from "../src/store/salesforce-repo.js";

/**
 * The demo's Salesforce (`npm start`): the local Salesforce starts beside the server, labelled
 * "Salesforce (simulated)", and the demo account's connected app points at it, ready to connect.
 * Its org lives in memory, so a restart drops the old session and what was learnt of the old org;
 * a real Salesforce an admin set up is left alone.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bookstream-demo-sf-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<{ server: RunningServer; lines: string[]; api: (method: string, p: string, body?: unknown) => Promise<{ status: number; body: any }>; token: string }> {
  const lines: string[] = [];
  const server = await startServer(loadConfig({}, { port: 0, dataDir, demo: true, workers: false, testClock: false, logLevel: "silent" }), (l) => lines.push(l));
  const token = await createApiToken(server.handle.db, DEMO_ADMIN.email, "demo salesforce test");
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(server.url + p, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return { server, lines, api, token };
}

describe("The demo's Salesforce (simulated)", () => {
  it("is ready to connect at each start; a restart forgets the old org; a real Salesforce is left alone", async () => {
    const first = await start();
    let accountId: string;
    try {
      const c = (await first.api("GET", "/api/v1/account/salesforce")).body;
      expect(c).toMatchObject({ configured: true, connected: false, simulated: true, clientId: "bookstream-local-client" });
      expect(first.lines.some((l) => l.startsWith(`Salesforce (simulated) at ${c.loginUrl}`))).toBe(true);

      // Connectable as it is: the OAuth flow through the local Salesforce's consent page.
      const go = await fetch(`${first.server.url}/api/v1/salesforce/connect`, { headers: { authorization: `Bearer ${first.token}` }, redirect: "manual" });
      expect(go.status).toBe(302);
      const back = await approveAuthorization(go.headers.get("location")!);
      const done = await fetch(`${first.server.url}/api/v1/salesforce/callback${back.search}`, { headers: { authorization: `Bearer ${first.token}` }, redirect: "manual" });
      expect(done.headers.get("location")).toBe("/settings/salesforce?connected=1");
      expect((await first.api("GET", "/api/v1/account/salesforce")).body).toMatchObject({ connected: true, connectedAs: { username: "ada@bookstream-demo.example" } });
      accountId = (await findReadyDemo(first.server.handle.db))!.account_id;
      await saveSalesforceEvent(first.server.handle.db, accountId, "BKNG-FROMLASTRUN1", { sf_event_id: "00U000000000001AAA", state: "synced" });
    } finally {
      await first.server.stop();
    }

    const second = await start();
    try {
      // A new org in memory: the old session and Event ids mean nothing there.
      expect((await second.api("GET", "/api/v1/account/salesforce")).body).toMatchObject({ configured: true, connected: false, simulated: true });
      expect(await listSalesforceEvents(second.server.handle.db, accountId)).toEqual([]);
      const put = await second.api("PUT", "/api/v1/account/salesforce", { loginUrl: "https://login.salesforce.com", clientId: "real-app", clientSecret: "real-secret" });
      expect(put.body).toMatchObject({ loginUrl: "https://login.salesforce.com", simulated: false });
    } finally {
      await second.server.stop();
    }

    const third = await start();
    try {
      expect((await third.api("GET", "/api/v1/account/salesforce")).body).toMatchObject({ loginUrl: "https://login.salesforce.com", clientId: "real-app", simulated: false });
      expect(third.lines.some((l) => l.startsWith("Salesforce (simulated)"))).toBe(false);
    } finally {
      await third.server.stop();
    }
  }, 180_000);
});
