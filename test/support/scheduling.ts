import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { client, type TestServer, type TestUser } from "./harness.js";

/** Scheduling test helpers: pages and availability made through the admin API, as a person would. */

export const ALL_WEEK = (from: string, to: string) =>
  Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [[from, to]]]));

export async function createPage(server: TestServer, user: TestUser, body: Record<string, unknown> = {}) {
  const res = await client(server.url, user.token).post("/api/v1/booking-pages", {
    slug: `page-${randomUUID().slice(0, 12)}`,
    name: "Scheduling test page",
    timeZone: "UTC",
    durationMinutes: 60,
    mode: "automatic",
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; slug: string; eventTypes: { id: string }[] };
}

export async function setHours(server: TestServer, actor: TestUser, userId: string, timeZone: string, weeklyHours: unknown) {
  const res = await client(server.url, actor.token).call("PUT", `/api/v1/users/${userId}/availability`, { timeZone, weeklyHours });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export async function slots(server: TestServer, slug: string, from: string, to: string, timeZone = "UTC", extra = "") {
  const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&timeZone=${encodeURIComponent(timeZone)}${extra}`;
  const res = await client(server.url).get(`/api/v1/public/pages/${slug}/slots?${q}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.slots as { start: string; end: string; startUtc: string }[];
}

/** Counts overlapping live bookings of any host in the account (must always be 0). */
export async function doubleBookings(server: TestServer, accountId: string): Promise<number> {
  const r = await server.handle.executeSql(
    `SELECT count(*)::int AS n FROM activities a JOIN activities b
       ON a.owner_id = b.owner_id AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at
     WHERE a.account_id = $1 AND b.account_id = $1 AND a.type = 'booking' AND b.type = 'booking'
       AND a.status IN ('Scheduled','Rescheduled') AND b.status IN ('Scheduled','Rescheduled')`,
    [accountId],
  );
  return Number(r.rows[0].n);
}
