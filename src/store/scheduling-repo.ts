import { sql, type Expression } from "kysely";
import { accountHolding } from "./global-names.js";
import type { HoursRange, Interval } from "../domain/availability.js";
import type { Db, Tx } from "./database.js";
import { executePrepared } from "./prepared.js";
import type { OpenHours } from "./schema.js";

/** Availability, team hosts, busy time, holds and round-robin counts: the SQL behind scheduling. */
type Conn = Db | Tx;

/**
 * A live booking, in the words of the live-bookings index's predicate (migration 031) and as
 * literals: a generic plan (a booking's transaction asks for one, see withGenericPlans) cannot use
 * a partial index whose predicate it would have to prove from parameters.
 */
const LIVE_BOOKING = sql<boolean>`type = 'booking' AND status IN ('Scheduled', 'Rescheduled')`;
/** The widest buffer a page may have (migration 002): busy reads look this far around a range. */
const MAX_BUFFER = "12 hours";

/** A team page's hosts in order; empty when the page's owner hosts. */
export async function listPageHosts(conn: Conn, accountId: string, pageId: string): Promise<string[]> {
  const rows = await conn
    .selectFrom("booking_page_hosts")
    .select("user_id")
    .where("account_id", "=", accountId)
    .where("booking_page_id", "=", pageId)
    .orderBy("position")
    .execute();
  return rows.map((r) => r.user_id);
}

/**
 * A booking page by slug (as findPageBySlug reads it) with its team's user ids in order (empty when
 * the page's owner hosts), in one round trip: the slots read starts from both.
 */
export async function findPageWithTeam(conn: Conn, slug: string) {
  return conn
    .selectFrom("booking_pages as p")
    .selectAll("p")
    .select(
      sql<string[]>`coalesce((SELECT json_agg(h.user_id ORDER BY h.position) FROM booking_page_hosts h
                               WHERE h.account_id = p.account_id AND h.booking_page_id = p.id), '[]')`.as("team_user_ids"),
    )
    .where("p.account_id", "=", accountHolding("booking_page_slug", slug))
    .where((eb) => eb(eb.fn("lower", ["p.slug"]), "=", slug.toLowerCase()))
    .where("p.deleted_at", "is", null)
    .executeTakeFirst();
}

export async function replacePageHosts(tx: Tx, accountId: string, pageId: string, userIds: string[]): Promise<void> {
  await tx.deleteFrom("booking_page_hosts").where("account_id", "=", accountId).where("booking_page_id", "=", pageId).execute();
  if (userIds.length === 0) return;
  await tx
    .insertInto("booking_page_hosts")
    .values(userIds.map((user_id, position) => ({ account_id: accountId, booking_page_id: pageId, user_id, position })))
    .execute();
}

export async function listPageMembers(conn: Conn, accountId: string, pageId: string) {
  return conn
    .selectFrom("booking_page_members")
    .select(["user_id", "role"])
    .where("account_id", "=", accountId)
    .where("booking_page_id", "=", pageId)
    .orderBy("user_id")
    .execute();
}

export async function replacePageMembers(tx: Tx, accountId: string, pageId: string, members: { userId: string; role: "editor" | "viewer" }[]) {
  await tx.deleteFrom("booking_page_members").where("account_id", "=", accountId).where("booking_page_id", "=", pageId).execute();
  if (members.length === 0) return;
  await tx
    .insertInto("booking_page_members")
    .values(members.map((m) => ({ account_id: accountId, booking_page_id: pageId, user_id: m.userId, role: m.role })))
    .execute();
}

export interface UserAvailabilityRow {
  userId: string;
  name: string;
  timeZone: string;
  weekly: OpenHours | null;
}

/** Users with their time zone and weekly hours (null when they set none); `hostsOnly`: active users only. */
export async function loadUserAvailability(conn: Conn, accountId: string, userIds: string[], opts: { hostsOnly?: boolean } = {}): Promise<UserAvailabilityRow[]> {
  if (userIds.length === 0) return [];
  const { rows } = await executePrepared(conn, userAvailabilityQuery(conn, accountId, userIds, opts.hostsOnly));
  return rows.map(toUserAvailability);
}

/** `hostsOnly`: leave deactivated users out (they host no new meetings). */
function userAvailabilityQuery(conn: Conn, accountId: string, userIds: string[], hostsOnly = false) {
  const q = conn
    .selectFrom("users")
    .leftJoin("user_weekly_hours", "user_weekly_hours.user_id", "users.id")
    .select(["users.id", "users.name", "users.time_zone", "user_weekly_hours.hours"])
    .where("users.account_id", "=", accountId)
    .where("users.id", "in", userIds);
  return hostsOnly ? q.where("users.deactivated_at", "is", null) : q;
}

const toUserAvailability = (r: { id: string; name: string; time_zone: string; hours: unknown }): UserAvailabilityRow => ({
  userId: r.id,
  name: r.name,
  timeZone: r.time_zone,
  weekly: (r.hours as OpenHours | null) ?? null,
});

export async function upsertWeeklyHours(tx: Tx, accountId: string, userId: string, hours: OpenHours, at: Date): Promise<void> {
  await tx
    .insertInto("user_weekly_hours")
    .values({ user_id: userId, account_id: accountId, hours: JSON.stringify(hours), updated_at: at })
    .onConflict((oc) => oc.columns(["user_id", "account_id"]).doUpdateSet({ hours: JSON.stringify(hours), updated_at: at }))
    .execute();
}

export async function deleteWeeklyHours(tx: Tx, accountId: string, userId: string): Promise<void> {
  await tx.deleteFrom("user_weekly_hours").where("account_id", "=", accountId).where("user_id", "=", userId).execute();
}

export async function setUserTimeZone(tx: Tx, accountId: string, userId: string, timeZone: string): Promise<void> {
  await tx.updateTable("users").set({ time_zone: timeZone }).where("account_id", "=", accountId).where("id", "=", userId).execute();
}

/** Date overrides of several users between two local dates (inclusive), as YYYY-MM-DD keys. */
export async function listOverrides(conn: Conn, accountId: string, userIds: string[], fromDay?: string, toDay?: string) {
  if (userIds.length === 0) return [];
  const { rows } = await executePrepared(conn, overridesQuery(conn, accountId, userIds, fromDay, toDay));
  return rows.map(toOverride);
}

function overridesQuery(conn: Conn, accountId: string, userIds: string[], fromDay?: string, toDay?: string) {
  let q = conn
    .selectFrom("user_date_overrides")
    .select(["user_id", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day"), "ranges"])
    .where("account_id", "=", accountId)
    .where("user_id", "in", userIds);
  if (fromDay) q = q.where("day", ">=", fromDay);
  if (toDay) q = q.where("day", "<=", toDay);
  return q.orderBy("day");
}

const toOverride = (r: { user_id: string; day: string; ranges: unknown }) => ({ userId: r.user_id, day: r.day, ranges: r.ranges as HoursRange[] });

export async function upsertOverride(tx: Tx, accountId: string, userId: string, day: string, ranges: HoursRange[]): Promise<void> {
  await tx
    .insertInto("user_date_overrides")
    .values({ account_id: accountId, user_id: userId, day, ranges: JSON.stringify(ranges) })
    .onConflict((oc) => oc.columns(["user_id", "day", "account_id"]).doUpdateSet({ ranges: JSON.stringify(ranges) }))
    .execute();
}

export async function deleteOverride(tx: Tx, accountId: string, userId: string, day: string): Promise<boolean> {
  const r = await tx.deleteFrom("user_date_overrides").where("account_id", "=", accountId).where("user_id", "=", userId).where("day", "=", day).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Busy time of the hosts overlapping [from, to): their live bookings (buffers included) and,
 * when asked, the holds of pending requests. `ignoreActivityId` leaves one activity out (a
 * booking being moved, a request being approved).
 *
 * A 60-day team page has thousands of these, so they come as one row per
 * host with its intervals as a JSON array of [start, end] epoch milliseconds (what the availability
 * core works in): row-by-row transfer and timestamp parsing cost more than the query itself, most
 * of all on PGlite.
 */
export function busyQuery(conn: Conn, accountId: string, hostIds: string[], from: Date, to: Date, opts: BusyOptions) {
  const range = sql`tstzrange(${from}::timestamptz, ${to}::timestamptz, '[)')`;
  let q = conn
    .selectFrom("activities")
    .select(["owner_id", "blocked"])
    .where("account_id", "=", accountId)
    .where("owner_id", "in", hostIds)
    .where(LIVE_BOOKING)
    .where("start_at", "<", sql<Date>`${to}::timestamptz + ${MAX_BUFFER}::interval`)
    .where("end_at", ">", sql<Date>`${from}::timestamptz - ${MAX_BUFFER}::interval`)
    .where(sql<boolean>`blocked && ${range}`);
  if (opts.ignoreActivityId) q = q.where("id", "!=", opts.ignoreActivityId);
  if (opts.holds || opts.checkoutHolds) {
    let h = conn
      .selectFrom("booking_holds")
      .select(["owner_id", "blocked"])
      .where("account_id", "=", accountId)
      .where("owner_id", "in", hostIds)
      .where(sql<boolean>`blocked && ${range}`);
    if (!opts.holds) h = h.where("checkout_id", "is not", null);
    if (opts.ignoreActivityId) h = h.where("holder", "!=", opts.ignoreActivityId);
    q = q.unionAll(h);
  }
  if (opts.calendar !== false) {
    // The connected calendars' busy times (migration 013), as last read; Bookstream's own events
    // were left out when they were read, so a booking is not busy twice.
    const c = conn
      .selectFrom("calendar_busy")
      .select(["owner_id", "blocked"])
      .where("account_id", "=", accountId)
      .where("owner_id", "in", hostIds)
      .where(sql<boolean>`blocked && ${range}`);
    q = q.unionAll(c);
  }
  // Whole milliseconds, as a JavaScript Date keeps them.
  const ms = (bound: "lower" | "upper") => sql.raw(`floor(extract(epoch from ${bound}(blocked)) * 1000)`);
  return conn
    .selectFrom(q.as("busy"))
    .select([sql<string>`owner_id`.as("owner_id"), sql<[number, number][]>`json_agg(json_build_array(${ms("lower")}, ${ms("upper")}))`.as("intervals")])
    .groupBy("owner_id");
}

function toBusy(hostIds: string[], rows: { owner_id: string; intervals: [number, number][] }[]): Map<string, Interval[]> {
  const busy = new Map<string, Interval[]>(hostIds.map((h) => [h, []]));
  for (const r of rows) {
    const own = busy.get(r.owner_id)!;
    for (const [start, end] of r.intervals) own.push({ start, end });
  }
  return busy;
}

export interface BusyOptions {
  /** Every hold: pending requests' proposed times and checkouts' times. */
  holds: boolean;
  /** Only the times held for customers paying at PayPal (which nobody books over, even with an override). */
  checkoutHolds?: boolean;
  ignoreActivityId?: string;
  /** The connected calendars' busy times (default on; off where only Bookstream's own bookings count). */
  calendar?: boolean;
}

/**
 * What the availability core needs about `hostIds` (their hours, date overrides between two local
 * dates, busy time overlapping [from, to)) in one round trip (deactivated users are left out, so
 * they get no slots): the three reads above as JSON
 * columns of one row. Inside a booking's transaction they would otherwise go one after another.
 */
export async function loadScheduleInputs(conn: Conn, accountId: string, hostIds: string[], days: { from: string; to: string }, from: Date, to: Date, opts: BusyOptions) {
  if (hostIds.length === 0) return { users: [], overrides: [], busy: new Map<string, Interval[]>() };
  const all = <R>(q: { compile(): unknown } & Expression<R>) => sql<R[]>`(SELECT coalesce(json_agg(r), '[]') FROM (${q}) r)`;
  const { rows } = await executePrepared(
    conn,
    sql<{
      users: { id: string; name: string; time_zone: string; hours: unknown }[];
      overrides: { user_id: string; day: string; ranges: unknown }[];
      busy: { owner_id: string; intervals: [number, number][] }[];
    }>`SELECT ${all(userAvailabilityQuery(conn, accountId, hostIds, true))} AS users,
              ${all(overridesQuery(conn, accountId, hostIds, days.from, days.to))} AS overrides,
              ${all(busyQuery(conn, accountId, hostIds, from, to, opts))} AS busy`,
  );
  const r = rows[0];
  return { users: r.users.map(toUserAvailability), overrides: r.overrides.map(toOverride), busy: toBusy(hostIds, r.busy) };
}

/** Serialises scheduling for one host across processes until the transaction ends (re-entrant). */
export async function lockHost(tx: Tx, hostId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${hostId}))`.execute(tx);
}

/** How many live bookings each host has starting in [from, to) (to = null: from onwards). */
export async function countLiveBookings(conn: Conn, accountId: string, hostIds: string[], from: Date, to: Date | null): Promise<Map<string, number>> {
  const counts = new Map<string, number>(hostIds.map((h) => [h, 0]));
  if (hostIds.length === 0) return counts;
  let q = conn
    .selectFrom("activities")
    .select(["owner_id", sql<number>`count(*)::int`.as("n")])
    .where("account_id", "=", accountId)
    .where("owner_id", "in", hostIds)
    .where(LIVE_BOOKING)
    .where("start_at", ">=", from);
  if (to) q = q.where("start_at", "<", to);
  for (const r of await q.groupBy("owner_id").execute()) counts.set(r.owner_id!, Number(r.n));
  return counts;
}

export async function insertHolds(tx: Tx, rows: { accountId: string; activityId?: string; checkoutId?: string; ownerId: string; start: Date; end: Date }[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto("booking_holds")
    .values(
      rows.map((r) => ({
        account_id: r.accountId,
        activity_id: r.activityId ?? null,
        checkout_id: r.checkoutId ?? null,
        holder: r.activityId ?? `checkout:${r.checkoutId}`,
        owner_id: r.ownerId,
        blocked: sql<string>`tstzrange(${r.start}::timestamptz, ${r.end}::timestamptz, '[)')` as unknown as string,
      })),
    )
    .execute();
}

export async function deleteCheckoutHolds(tx: Tx, accountId: string, checkoutId: string): Promise<void> {
  await tx.deleteFrom("booking_holds").where("account_id", "=", accountId).where("checkout_id", "=", checkoutId).execute();
}

export async function deleteHolds(tx: Tx, accountId: string, activityId: string): Promise<void> {
  await tx.deleteFrom("booking_holds").where("account_id", "=", accountId).where("activity_id", "=", activityId).execute();
}

export async function listHolds(conn: Conn, accountId: string, activityId: string) {
  return conn
    .selectFrom("booking_holds")
    .select(["owner_id", sql<Date>`lower(blocked)`.as("start"), sql<Date>`upper(blocked)`.as("end")])
    .where("account_id", "=", accountId)
    .where("activity_id", "=", activityId)
    .orderBy("id")
    .execute();
}

/** Pages a user hosts: owned pages without a team, and team pages listing them. */
export async function pagesHostedBy(conn: Conn, accountId: string, userIds: string[]) {
  if (userIds.length === 0) return [];
  return conn
    .selectFrom("booking_pages as p")
    .leftJoin("booking_page_hosts as h", "h.booking_page_id", "p.id")
    .select(["p.id", "p.name", "p.slug", sql<string>`coalesce(h.user_id, p.owner_id)`.as("host_id")])
    .where("p.account_id", "=", accountId)
    .where("p.deleted_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("h.user_id", "in", userIds),
        eb.and([eb("h.user_id", "is", null), eb("p.owner_id", "in", userIds)]),
      ]),
    )
    .orderBy("p.name")
    .execute();
}
