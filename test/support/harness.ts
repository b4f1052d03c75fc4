import { randomUUID } from "node:crypto";
import type { AppContext } from "../../src/app/context.js";
import { createApiToken } from "../../src/app/auth.js";
import { AdjustableClock } from "../../src/domain/clock.js";
import { buildHttpApp } from "../../src/http/app.js";
import { createSecretBox, generateSecretKey } from "../../src/app/secrets.js";
import { payPalGateways } from "../../src/integrations/paypal/gateway.js";
import { insertAccount, insertUser } from "../../src/store/accounts-repo.js";
import argon2 from "argon2";
import { openDatabase, type DatabaseHandle } from "../../src/store/database.js";
import { insertBookingPage, insertEventType, insertPageMember } from "../../src/store/pages-repo.js";
import type { FastifyInstance } from "fastify";
import pg from "pg";

/**
 * One database and one HTTP server per test file; each test makes its own account, so tests
 * never see each other's data and nothing is truncated. PGlite always; PostgreSQL too when
 * TEST_DATABASE_URL is set (CI sets it).
 */
export interface Engine {
  name: "pglite" | "postgres";
  url?: string;
}

export const ENGINES: Engine[] = [
  { name: "pglite" },
  ...(process.env.TEST_DATABASE_URL ? [{ name: "postgres" as const, url: process.env.TEST_DATABASE_URL }] : []),
];

export interface TestServer {
  url: string;
  /** The database this server uses: for PostgreSQL, a URL whose search_path is this file's own schema. */
  databaseUrl?: string;
  ctx: AppContext;
  clock: AdjustableClock;
  /** An admin's API token (of an account of its own) for the test clock, which only admins may move. */
  clockToken: string;
  handle: DatabaseHandle;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * `realPublicUrl`: links point at this server itself (PayPal's webhooks and return addresses must reach it).
 * `startAt`: the test clock's first "now", for files that use fixed calendar dates (they must not depend on today).
 * `webDist`: serve the built web app from there (browser tests on either engine; see test/browser/support.ts).
 */
export async function startTestServer(engine: Engine, opts: { realPublicUrl?: boolean; startAt?: string; webDist?: string } = {}): Promise<TestServer> {
  const isolated = engine.url ? await createFileSchema(engine.url) : undefined;
  const handle = await openDatabase({ databaseUrl: isolated?.url, poolSize: 20 });
  const clock = new AdjustableClock(opts.startAt ? new Date(opts.startAt) : undefined);
  const secrets = createSecretBox({ current: generateSecretKey() });
  const ctx: AppContext = { db: handle.db, clock, publicUrl: "http://bookstream.test", secrets, payments: payPalGateways(handle.db, secrets), embedded: handle.engine === "pglite" };
  const app = await buildHttpApp(ctx, { logLevel: "silent", testClock: clock, signInRateLimit: 5, webDist: opts.webDist ?? "/nonexistent" });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  if (opts.realPublicUrl) ctx.publicUrl = url;
  const clockAccount = randomUUID();
  await insertAccount(handle.db, { id: clockAccount, name: "Test clock" });
  const clockAdmin = `clock-${clockAccount.slice(0, 8)}@example.test`;
  await insertUser(handle.db, { id: randomUUID(), account_id: clockAccount, email: clockAdmin, name: "Clock admin", role: "admin", password_hash: null, time_zone: "UTC" });
  const clockToken = await createApiToken(handle.db, clockAdmin);
  return {
    url,
    clockToken,
    databaseUrl: isolated?.url,
    ctx,
    clock,
    handle,
    app,
    close: async () => {
      await app.close();
      await handle.close();
      await isolated?.drop();
    },
  };
}

/**
 * Test files run in parallel against one PostgreSQL database. Accounts keep their data apart, but
 * the system job (completing and expiring) is installation-wide, so one file moving its test
 * clock would complete another file's bookings. Each file therefore gets its own schema.
 */
export async function createFileSchema(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bs_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    // Extensions live once per database; keep them in public, which stays on the search_path.
    await admin.query("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public").catch(() => undefined);
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema},public`)}`;
  return {
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** A small HTTP client: `token` is an API token (Bearer) or undefined for the public side. */
export function client(baseUrl: string, token?: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>("GET", path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>("POST", path, body ?? {}, headers),
    call,
  };
}

export const WEEKDAYS_9_TO_17 = Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]])) as any;
export const EVERY_DAY_ALL_DAY = Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [["00:00", "24:00"]]])) as any;

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

export interface TestAccount {
  accountId: string;
  admin: TestUser;
  /** Owns the approval page; editor of nothing else. */
  member: TestUser;
  /** A member with no pages at all. */
  outsider: TestUser;
  /** Viewer of the automatic page (may see, may not change). */
  viewer: TestUser;
  /** Automatic booking page owned by the admin, open every day all day (UTC), two event types. */
  autoPage: { id: string; slug: string; eventTypes: { id: string; name: string }[] };
  /** A second automatic page owned by the admin (for rescheduling across pages). */
  otherPage: { id: string; slug: string };
  /** Booking-with-approval page owned by the member. */
  approvalPage: { id: string; slug: string };
}

export const TEST_PASSWORD = "correct horse battery";
let passwordHash: Promise<string> | undefined;

/** A fresh, isolated account: users with API tokens and booking pages with unique slugs. */
export async function newAccount(server: TestServer, name = "Test account"): Promise<TestAccount> {
  const db = server.handle.db;
  const accountId = randomUUID();
  const tag = accountId.slice(0, 8);
  await insertAccount(db, { id: accountId, name });
  const mkUser = async (label: string, role: "admin" | "member"): Promise<TestUser> => {
    const email = `${label}-${tag}@example.test`;
    // argon2 is slow by design: hash the shared test password once per file, not per user.
    passwordHash ??= argon2.hash(TEST_PASSWORD);
    const id = randomUUID();
    await insertUser(db, { id, account_id: accountId, email, name: `${label[0].toUpperCase()}${label.slice(1)} ${tag}`, role, password_hash: await passwordHash, time_zone: "UTC" });
    return { id, email, token: await createApiToken(db, email) };
  };
  const admin = await mkUser("admin", "admin");
  const member = await mkUser("member", "member");
  const outsider = await mkUser("outsider", "member");
  const viewer = await mkUser("viewer", "member");
  const page = async (slug: string, owner: string, mode: "automatic" | "approval") => {
    const id = randomUUID();
    await insertBookingPage(db, { id, account_id: accountId, slug, name: `Page ${slug}`, owner_id: owner, time_zone: "UTC", duration_minutes: 30, mode, location: null, open_hours: EVERY_DAY_ALL_DAY });
    return { id, slug };
  };
  const autoPage = await page(`auto-${tag}`, admin.id, "automatic");
  const otherPage = await page(`other-${tag}`, admin.id, "automatic");
  const approvalPage = await page(`approval-${tag}`, member.id, "approval");
  const eventTypes = [{ id: randomUUID(), name: "Short" }, { id: randomUUID(), name: "Long" }];
  await insertEventType(db, { id: eventTypes[0].id, account_id: accountId, booking_page_id: autoPage.id, name: "Short", duration_minutes: 30 });
  await insertEventType(db, { id: eventTypes[1].id, account_id: accountId, booking_page_id: autoPage.id, name: "Long", duration_minutes: 60 });
  await insertPageMember(db, { account_id: accountId, booking_page_id: autoPage.id, user_id: viewer.id, role: "viewer" });
  return { accountId, admin, member, outsider, viewer, autoPage: { ...autoPage, eventTypes }, otherPage, approvalPage };
}

/** Distinct future start times (ISO), an hour apart, so tests never collide on a host. */
export function futureSlots(server: TestServer, count: number, fromHours = 48): string[] {
  const base = new Date(server.clock.now().getTime() + fromHours * 3_600_000);
  base.setUTCMinutes(0, 0, 0);
  return Array.from({ length: count }, (_, i) => new Date(base.getTime() + i * 3_600_000).toISOString());
}

export const customer = (n = 1) => ({ name: `Customer ${n}`, email: `customer${n}-${randomUUID().slice(0, 6)}@example.com`, timeZone: "Europe/Berlin" });
