import fs from "node:fs";
import http from "node:http";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../src/app/auth.js";
import { generateSecretKey } from "../src/app/secrets.js";
import { loadConfig } from "../src/config.js";
import { startServer, startWorkerProcess, type RunningServer } from "../src/server.js";
import { insertUser, firstAccount } from "../src/store/accounts-repo.js";
import { insertBookingPage } from "../src/store/pages-repo.js";
import { listenForNudges, outboxNotifier } from "../src/store/wake-channel.js";
import { client, createFileSchema, EVERY_DAY_ALL_DAY } from "./support/harness.js";
import { startReceiver, type Receiver } from "./support/webhook-receiver.js";

/**
 * The several-process layout of README "Running at scale", on one PostgreSQL: two API processes
 * without workers (BOOKSTREAM_WORKERS=0) and a worker process (`bookstream worker`), here as three
 * servers in this test process that share nothing but the database. A booking made through one API
 * reaches a webhook receiver through the worker (nudged over LISTEN/NOTIFY), and the other API's
 * live stream (SSE) reports it. PostgreSQL only: the embedded database is one process's.
 */
const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)("several processes on one PostgreSQL", () => {
  let schema: Awaited<ReturnType<typeof createFileSchema>>;
  let apiA: RunningServer;
  let apiB: RunningServer;
  let worker: { stop(): Promise<void> };
  let receiver: Receiver;
  const secretKey = generateSecretKey().bytes.toString("base64");
  const configOf = (extra: Record<string, string>) =>
    loadConfig({ DATABASE_URL: schema.url, BOOKSTREAM_DEMO: "0", PORT: "0", LOG_LEVEL: "silent", BOOKSTREAM_SECRET_KEY: secretKey, ...extra });

  beforeAll(async () => {
    schema = await createFileSchema(url!);
    receiver = await startReceiver();
    apiA = await startServer(configOf({ BOOKSTREAM_WORKERS: "0" }), () => undefined);
    apiB = await startServer(configOf({ BOOKSTREAM_WORKERS: "0" }), () => undefined);
    worker = await startWorkerProcess(configOf({}), () => undefined);
  }, 60_000);
  afterAll(async () => {
    await apiA?.stop();
    await apiB?.stop();
    await worker?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it("a nudge reaches a listener, and one that lost its connection comes back and nudges itself", async () => {
    let nudges = 0;
    const listener = await listenForNudges(schema.url, () => nudges++);
    const notifier = outboxNotifier(schema.url);
    try {
      notifier.notify();
      await expect.poll(() => nudges, { timeout: 10_000 }).toBeGreaterThan(0);
      // The listener's connection is cut (a failover, a restart): it reconnects, nudges once for what it may have missed, and hears the next one.
      await apiA.handle.executeSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN bookstream_outbox' AND pid <> pg_backend_pid()`);
      const before = nudges;
      await expect.poll(() => nudges, { timeout: 10_000 }).toBeGreaterThan(before);
      const after = nudges;
      notifier.notify();
      await expect.poll(() => nudges, { timeout: 10_000 }).toBeGreaterThan(after);
    } finally {
      await listener.close();
      await notifier.close();
    }
  });

  it("books on one API process; the worker process delivers the webhook; the other API process's live stream reports it", async () => {
    const db = apiA.handle.db;
    const account = (await firstAccount(db))!;
    const adminId = randomUUID();
    const email = `layout-${adminId.slice(0, 8)}@example.test`;
    await insertUser(db, { id: adminId, account_id: account.id, email, name: "Layout admin", role: "admin", password_hash: null, time_zone: "UTC" });
    const token = await createApiToken(db, email);
    const slug = `layout-${adminId.slice(0, 8)}`;
    await insertBookingPage(db, { id: randomUUID(), account_id: account.id, slug, name: "Layout", owner_id: adminId, time_zone: "UTC", duration_minutes: 30, mode: "automatic", location: null, open_hours: EVERY_DAY_ALL_DAY });
    const hook = await client(apiB.url, token).post("/api/v1/webhook-endpoints", { url: `${receiver.url}/layout`, eventTypes: ["activity.created"] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);

    const live = openLiveStream(apiB.url, token);
    try {
      await live.connected;
      const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * 86_400_000).toISOString();
      const booked = await client(apiA.url).post(`/api/v1/public/pages/${slug}/bookings`, { start, customer: { name: "Ada", email: "ada-layout@example.com", timeZone: "UTC" } });
      expect(booked.status, JSON.stringify(booked.body)).toBe(201);
      const id = booked.body.activity.id as string;
      // Neither API process has workers: only the worker process can have sent it.
      await expect.poll(() => receiver.received.filter((r) => r.path === "/layout").map((r) => JSON.parse(r.body).data.activity.id), { timeout: 15_000 }).toEqual([id]);
      await expect.poll(() => live.events.filter((e) => e.event === "activity").map((e) => JSON.parse(e.data).id), { timeout: 15_000 }).toContain(id);
    } finally {
      live.close();
    }
  });

  it("connects over PostgreSQL's Unix socket when DATABASE_URL names one (README: a server on the database's machine)", async (t) => {
    const tcp = new URL(schema.url);
    const socketDir = "/var/run/postgresql";
    if (!fs.existsSync(`${socketDir}/.s.PGSQL.${tcp.port || 5432}`)) return t.skip();
    const viaSocket = new URL(schema.url);
    viaSocket.searchParams.set("host", socketDir);
    const server = await startServer(configOf({ BOOKSTREAM_WORKERS: "0", DATABASE_URL: viaSocket.href }), () => undefined);
    try {
      const r = await client(server.url).get("/api/v1/public/pages/no-such-page");
      expect(r.status).toBe(404);
      // A Unix-socket session has no server address; a TCP one has 127.0.0.1.
      const addr = await server.handle.executeSql("SELECT inet_server_addr() AS addr");
      expect(addr.rows[0].addr).toBeNull();
      const ours = await apiA.handle.executeSql("SELECT inet_server_addr() AS addr");
      expect(ours.rows[0].addr).not.toBeNull();
    } finally {
      await server.stop();
    }
  });

  it("reads reports from DATABASE_READ_URL's replica, on read-only connections of their own", async () => {
    expect(() => loadConfig({ DATABASE_READ_URL: schema.url })).toThrow(/DATABASE_READ_URL.*DATABASE_URL/);
    // The "replica" is the primary itself here: what matters is which connection the reports use.
    const withReplica = await startServer(configOf({ BOOKSTREAM_WORKERS: "0", DATABASE_READ_URL: schema.url }), () => undefined);
    try {
      const db = withReplica.handle.db;
      const account = (await firstAccount(db))!;
      const adminId = randomUUID();
      const email = `reports-${adminId.slice(0, 8)}@example.test`;
      await insertUser(db, { id: adminId, account_id: account.id, email, name: "Reports admin", role: "admin", password_hash: null, time_zone: "UTC" });
      const token = await createApiToken(db, email);
      const marker = `report-${randomUUID()}`;
      const r = await client(withReplica.url, token).get(`/api/v1/reports/detail?q=${encodeURIComponent(marker)}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      // The detail report's query ran on a connection named for the reports, and nothing can write through it.
      const seen = await withReplica.handle.executeSql("SELECT query FROM pg_stat_activity WHERE application_name = 'bookstream-reports'");
      expect(seen.rows.some((row: { query: string }) => row.query.includes("activities"))).toBe(true);
      await expect(withReplica.ctx.readDb!.insertInto("accounts").values({ id: randomUUID(), name: "Nope" }).execute()).rejects.toThrow(/read-only transaction/);
    } finally {
      await withReplica.stop();
    }
  });
});

/** An SSE client: the events read so far, as {event, data}. */
function openLiveStream(base: string, token: string) {
  const events: { event: string; data: string }[] = [];
  let buffer = "";
  let req!: http.ClientRequest;
  const connected = new Promise<void>((resolve, reject) => {
    req = http.get(`${base}/api/v1/live`, { headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`live: ${res.statusCode}`));
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        if (buffer.includes(": connected")) resolve();
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) events.push({ event, data });
        }
      });
    });
    req.on("error", reject);
  });
  return { events, connected, close: () => req.destroy() };
}
