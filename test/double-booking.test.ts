import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBooking, inTransaction } from "../src/app/activity-writes.js";
import { DomainError } from "../src/domain/errors.js";
import { ENGINES, client, customer, futureSlots, newAccount, startTestServer, type TestAccount, type TestServer } from "./support/harness.js";
import { doubleBookings } from "./support/scheduling.js";

const RACERS = 200;
const SLOTS = 5;

/** 200 customers at once, each going for one of 5 slots (round the servers given). */
async function race(urls: string[], slug: string, slots: string[]) {
  const results = await Promise.all(
    Array.from({ length: RACERS }, (_, i) =>
      client(urls[i % urls.length]).post(`/api/v1/public/pages/${slug}/bookings`, { start: slots[i % slots.length], customer: customer(i) }),
    ),
  );
  return results;
}

/** What the account holds after the race: every table a booking writes to. */
async function written(server: TestServer, accountId: string) {
  const one = async (q: string) => Number((await server.handle.executeSql(q, [accountId])).rows[0].n);
  return {
    activities: await one("SELECT count(*)::int AS n FROM activities WHERE account_id = $1"),
    history: await one("SELECT count(*)::int AS n FROM activity_history WHERE account_id = $1"),
    events: await one("SELECT count(*)::int AS n FROM outbox_events WHERE account_id = $1"),
    tokens: await one("SELECT count(*)::int AS n FROM manage_tokens WHERE account_id = $1"),
    customers: await one("SELECT count(*)::int AS n FROM customers WHERE account_id = $1"),
  };
}

function expectExactlyFiveWon(results: { status: number; body: any }[]) {
  const won = results.filter((r) => r.status === 201);
  const lost = results.filter((r) => r.status !== 201);
  expect(won).toHaveLength(SLOTS);
  expect(new Set(won.map((r) => r.body.activity.start)).size).toBe(SLOTS);
  expect(new Set(lost.map((r) => r.status)), JSON.stringify(lost.find((r) => r.status !== 409)?.body)).toEqual(new Set([409]));
  for (const r of lost) {
    expect(r.body.error.code).toBe("slot_unavailable");
    expect(r.body.error.message).toMatch(/no longer available: the host is already booked between .+; choose another time\./);
  }
}

describe.each(ENGINES)("no double booking on $name", (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(engine);
  });
  afterAll(async () => server?.close());

  it(`lets exactly ${SLOTS} of ${RACERS} concurrent customers book ${SLOTS} slots, writing nothing for the others`, async () => {
    const acct = await newAccount(server);
    const slots = futureSlots(server, SLOTS);
    const results = await race([server.url], acct.autoPage.slug, slots);
    expectExactlyFiveWon(results);
    expect(await written(server, acct.accountId)).toEqual({ activities: SLOTS, history: SLOTS, events: SLOTS, tokens: SLOTS, customers: SLOTS });
    expect(await doubleBookings(server, acct.accountId)).toBe(0);
  });

  it("is guaranteed by the database: an overlapping live booking is refused even when written past the application's checks", async () => {
    const acct = await newAccount(server);
    const [start] = futureSlots(server, 1);
    const begin = new Date(start);
    const write = (minutesIn: number) =>
      inTransaction(server.ctx, (tx) =>
        createBooking(tx, server.ctx, {
          accountId: acct.accountId,
          origin: "customer-books",
          actor: { type: "customer", id: null, name: "Direct" },
          fields: directFields(acct, new Date(begin.getTime() + minutesIn * 60_000)),
        }),
      );
    await write(0);
    const clash = await write(15).then(() => null, (e: unknown) => e);
    expect(clash).toBeInstanceOf(DomainError);
    expect((clash as DomainError).code).toBe("slot_unavailable");
    // Back to back is fine.
    await write(30);
    // And raw SQL, racing on separate connections, still cannot overlap.
    const raw = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => insertRaw(server, acct, new Date(begin.getTime() + (24 * 60 + i) * 60_000))));
    expect(raw.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of raw) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("23P01");
    expect(await doubleBookings(server, acct.accountId)).toBe(0);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)("no double booking across two server processes on one PostgreSQL", () => {
  let server: TestServer;
  let child: ChildProcess | undefined;
  let childUrl = "";
  beforeAll(async () => {
    server = await startTestServer({ name: "postgres", url: process.env.TEST_DATABASE_URL });
    const port = await freePort();
    child = spawn(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "src/cli/main.ts", "serve", "--port", String(port), "--database-url", server.databaseUrl ?? process.env.TEST_DATABASE_URL!, "--no-demo"], {
      cwd: path.resolve("."),
      env: { ...process.env, BOOKSTREAM_WORKERS: "0", LOG_LEVEL: "warn", HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    childUrl = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`second server did not start: ${out}`)), 90_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = out.match(/Bookstream is running at (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      child!.stdout!.on("data", onData);
      child!.stderr!.on("data", onData);
      child!.once("exit", (code) => reject(new Error(`second server exited (${code}): ${out}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    await server?.close();
  });

  it(`lets exactly ${SLOTS} of ${RACERS} customers win when they are split over two processes`, async () => {
    const acct = await newAccount(server);
    const slots = futureSlots(server, SLOTS, 72);
    const results = await race([server.url, childUrl], acct.autoPage.slug, slots);
    expectExactlyFiveWon(results);
    // Half the customers went through the second process, and it answered every one of them.
    expect(results.filter((r, i) => i % 2 === 1 && (r.status === 201 || r.status === 409))).toHaveLength(RACERS / 2);
    expect(await written(server, acct.accountId)).toEqual({ activities: SLOTS, history: SLOTS, events: SLOTS, tokens: SLOTS, customers: SLOTS });
    expect(await doubleBookings(server, acct.accountId)).toBe(0);
  });
});

function directFields(acct: TestAccount, start: Date) {
  return {
    type: "booking" as const, booking_page_id: acct.autoPage.id, page_name: "Direct", event_type_id: null, event_type_name: null,
    owner_id: acct.admin.id, owner_name: "Admin", customer_id: null, customer_name: "Direct", customer_email: "direct@example.com",
    customer_phone: null, customer_time_zone: null, start_at: start, end_at: new Date(start.getTime() + 30 * 60_000),
    proposed_times: null, latest_proposed_at: null, reschedules_id: null, reschedule_request: null, reason: null, answers: null,
  };
}

async function insertRaw(server: TestServer, acct: TestAccount, start: Date) {
  const id = `BKNG-${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`;
  await server.handle.executeSql(
    `INSERT INTO activities (id, account_id, type, status, detailed_status, booking_page_id, owner_id, start_at, end_at, created_at, updated_at)
     VALUES ($1, $2, 'booking', 'Scheduled', 'Scheduled (By customer)', $3, $4, $5, $6, now(), now())`,
    [id, acct.accountId, acct.autoPage.id, acct.admin.id, start.toISOString(), new Date(start.getTime() + 30 * 60_000).toISOString()],
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.once("error", reject);
  });
}
