import { expect } from "vitest";
import { client, customer, type ApiResponse, type TestAccount, type TestServer } from "./harness.js";

/**
 * Small steps for driving bookings through the HTTP API the way a customer or a user would,
 * shared by the lifecycle, rules, errors and stream tests. Every step checks its own status code
 * (with the response body in the failure message), so a scenario reads as the story it tells.
 */

export type Client = ReturnType<typeof client>;

/** The menus of the seed's status table, as the API's action names (in the table's order). */
export const BOOKED_ACTIONS = ["cancel", "request-reschedule", "reschedule", "reassign", "set-no-show"];
export const REQUESTED_ACTIONS = ["approve", "cancel", "request-new-times"];

/** The manage token is the last path segment of a manage link or customer link. */
export const tokenOf = (link: string) => link.slice(link.lastIndexOf("/") + 1);

export const hoursAfter = (iso: string | Date, hours: number) => new Date(new Date(iso).getTime() + hours * 3_600_000).toISOString();

const show = (r: ApiResponse) => JSON.stringify(r.body);

export function clientsFor(server: TestServer, acct: TestAccount) {
  return {
    pub: client(server.url),
    admin: client(server.url, acct.admin.token),
    member: client(server.url, acct.member.token),
    viewer: client(server.url, acct.viewer.token),
    outsider: client(server.url, acct.outsider.token),
  };
}

export interface Made {
  id: string;
  token: string;
  manageLink: string;
}

/** A customer books `start` on an automatic page. */
export async function book(server: TestServer, slug: string, start: string, extra: Record<string, unknown> = {}): Promise<Made> {
  const r = await client(server.url).post(`/api/v1/public/pages/${slug}/bookings`, { start, customer: customer(), ...extra });
  expect(r.status, show(r)).toBe(201);
  return { id: r.body.activity.id, token: tokenOf(r.body.manageLink), manageLink: r.body.manageLink };
}

/** A customer proposes times on a booking-with-approval page. */
export async function request(server: TestServer, slug: string, proposedTimes: string[], extra: Record<string, unknown> = {}): Promise<Made> {
  const r = await client(server.url).post(`/api/v1/public/pages/${slug}/requests`, { proposedTimes, customer: customer(), ...extra });
  expect(r.status, show(r)).toBe(201);
  return { id: r.body.activity.id, token: tokenOf(r.body.manageLink), manageLink: r.body.manageLink };
}

/**
 * A booking whose meeting has begun (a no-show can only be set then): booked at `start`, then the
 * file's clock moved to a few minutes after it. Bookings of the file that start later are untouched.
 */
export async function startedBooking(server: TestServer, slug: string, start: string, extra: Record<string, unknown> = {}): Promise<Made> {
  const b = await book(server, slug, start, extra);
  await moveClock(server, hoursAfter(start, 0.1));
  return b;
}

/** A user action that must succeed; returns {activity, created?, customerLink?}. */
export async function act(c: Client, id: string, action: string, body: Record<string, unknown> = {}) {
  const r = await c.post(`/api/v1/activities/${id}/actions/${action}`, body);
  expect(r.status, `${action} ${id}: ${show(r)}`).toBe(200);
  return r.body;
}

/** A customer action from the manage link that must succeed. */
export async function customerDoes(server: TestServer, token: string, action: "cancel" | "reschedule" | "resubmit", body: Record<string, unknown> = {}) {
  const r = await client(server.url).post(`/api/v1/public/manage/${token}/${action}`, body);
  expect(r.status, `customer ${action}: ${show(r)}`).toBe(200);
  return r.body;
}

export async function manageView(server: TestServer, token: string) {
  const r = await client(server.url).get(`/api/v1/public/manage/${token}`);
  expect(r.status, show(r)).toBe(200);
  return r.body;
}

export async function details(c: Client, id: string) {
  const r = await c.get(`/api/v1/activities/${id}`);
  expect(r.status, show(r)).toBe(200);
  return r.body;
}

/** Moves the file's test clock to `to` (forward only) and runs the due system transitions. */
export async function moveClock(server: TestServer, to: string | Date) {
  const r = await client(server.url, server.clockToken).post("/api/v1/test-clock", { now: new Date(to).toISOString() });
  expect(r.status, show(r)).toBe(200);
  return r.body as { now: string; completed: number; expired: number };
}

export interface Expected {
  status: string;
  detailedStatus: string;
  actions: string[];
  related: { relation: string; id: string; detailedStatus: string }[];
}

/** What the Details pane shows that the status table decides: statuses, menu and related activities. */
export function lifecycleOf(d: any): Expected {
  return {
    status: d.status,
    detailedStatus: d.detailedStatus,
    actions: d.actions,
    related: d.related.map((r: any) => ({ relation: r.relation, id: r.id, detailedStatus: r.detailedStatus })),
  };
}

export async function expectLifecycle(c: Client, id: string, expected: Expected) {
  const d = await details(c, id);
  expect(lifecycleOf(d)).toEqual(expected);
  return d;
}

/** Every ID across all pages of the stream for `query` (limit 50 unless the query says otherwise). */
export async function streamIds(c: Client, query = "") {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = query ? "&" : "";
    const r: ApiResponse = await c.get(`/api/v1/activities?${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(r.status, show(r)).toBe(200);
    ids.push(...r.body.items.map((i: any) => i.id));
    cursor = r.body.nextCursor;
    pages++;
    expect(pages, "the stream never stops paginating").toBeLessThan(100);
  } while (cursor);
  return ids;
}
