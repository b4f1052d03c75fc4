import { sql, type Selectable } from "kysely";
import type { Db, Tx } from "./database.js";
import { executePrepared, firstPrepared } from "./prepared.js";
import { outboxCtes, type OutboxEventInput } from "./outbox-repo.js";
import { customerUpsert, type NewCustomer } from "./pages-repo.js";
import type { ActivitiesTable, ListsEvery, RelationKind, RescheduleRequest } from "./schema.js";

/** An activity as the details view reads it: every column but the derived `search` and `blocked`. */
export type ActivityRow = Omit<Selectable<ActivitiesTable>, "search" | "blocked"> & { page_owner_id: string | null; page_slug: string | null; page_location: string | null };
type Conn = Db | Tx;

/**
 * The columns a stream row shows (and its cursor and permissions need). A page of the stream is
 * the API's busiest answer: every column read is parsed by the driver, so the page reads only
 * these, not the request's answers, the search vector or the bookkeeping columns.
 */
const STREAM_COLUMNS = [
  "id", "type", "status", "detailed_status", "booking_page_id", "event_type_id", "owner_id", "customer_id",
  "customer_name", "customer_email", "customer_phone", "customer_time_zone", "page_name", "event_type_name", "owner_name",
  "start_at", "end_at", "proposed_times", "reason", "created_at", "updated_at",
  "session_count", "sessions_first_start", "sessions_last_start", "amount_minor", "currency", "refundable_minor",
  "trashed_at", "trashed_by", "payment_purged_at",
] as const satisfies readonly (keyof ActivityRow)[];
export type StreamRow = Pick<ActivityRow, (typeof STREAM_COLUMNS)[number] | "page_owner_id" | "page_slug">;

/** Every column but `search` and `blocked` (derived, never shown); listed so a new column is a compile error here. */
const DETAIL_COLUMNS = [
  ...STREAM_COLUMNS, "account_id", "latest_proposed_at", "reschedules_id", "reschedule_request", "answers", "version", "created_by",
] as const satisfies readonly (keyof ActivityRow)[];
const detailColumnsComplete: ListsEvery<Exclude<keyof ActivitiesTable, "search" | "blocked">, (typeof DETAIL_COLUMNS)[number]> = true;
void detailColumnsComplete;

const qualified = <C extends string>(columns: readonly C[]) => columns.map((c) => `activities.${c}` as `activities.${C}`);

/** A stream page's columns, with the booking page's owner (for permissions) and slug. */
export function streamColumns(conn: Conn) {
  return conn
    .selectFrom("activities")
    .leftJoin("booking_pages", "booking_pages.id", "activities.booking_page_id")
    .select(qualified(STREAM_COLUMNS))
    .select(["booking_pages.owner_id as page_owner_id", "booking_pages.slug as page_slug"]);
}

/** An activity's columns for its details, with the booking page's owner, slug and location. */
export function activityColumns(conn: Conn) {
  return conn
    .selectFrom("activities")
    .leftJoin("booking_pages", "booking_pages.id", "activities.booking_page_id")
    .select(qualified(DETAIL_COLUMNS))
    .select(["booking_pages.owner_id as page_owner_id", "booking_pages.slug as page_slug", "booking_pages.location as page_location"]);
}

export async function findActivity(conn: Conn, accountId: string, id: string): Promise<ActivityRow | undefined> {
  return (await firstPrepared(conn, activityColumns(conn)
    .where("activities.account_id", "=", accountId)
    .where("activities.id", "=", id.toUpperCase()))) as ActivityRow | undefined;
}

export async function findActivitiesByIds(conn: Conn, accountId: string, ids: string[]): Promise<ActivityRow[]> {
  if (ids.length === 0) return [];
  return (await activityColumns(conn)
    .where("activities.account_id", "=", accountId)
    .where("activities.id", "in", ids)
    .execute()) as ActivityRow[];
}

export interface NewActivity {
  id: string;
  account_id: string;
  type: "booking" | "package" | "transaction";
  status: string;
  detailed_status: string;
  booking_page_id: string | null;
  event_type_id: string | null;
  owner_id: string | null;
  customer_id: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  customer_time_zone: string | null;
  page_name: string | null;
  event_type_name: string | null;
  owner_name: string | null;
  start_at: Date | null;
  end_at: Date | null;
  proposed_times: string[] | null;
  latest_proposed_at: Date | null;
  reschedules_id: string | null;
  reschedule_request: RescheduleRequest | null;
  reason: string | null;
  answers: Record<string, string> | null;
  created_at: Date;
  updated_at: Date;
  /** Transactions: the amount (minor units), its currency, and a payment's rest to refund. */
  amount_minor?: number | null;
  currency?: string | null;
  refundable_minor?: number | null;
}

export async function insertActivity(tx: Tx, row: NewActivity, createdBy: "customer" | "user" | "system"): Promise<void> {
  await tx.insertInto("activities").values({ ...activityValues(row), created_by: createdBy }).execute();
}

/** A new activity's row as the table stores it (JSON columns as text). */
function activityValues(row: NewActivity) {
  return {
    ...row,
    proposed_times: row.proposed_times === null ? null : JSON.stringify(row.proposed_times),
    reschedule_request: row.reschedule_request === null ? null : JSON.stringify(row.reschedule_request),
    answers: row.answers === null ? null : JSON.stringify(row.answers),
  };
}

export interface NewActivityRecords {
  activity: NewActivity;
  /** Find or create this customer by e-mail in the same statement; the activity becomes theirs. */
  customer?: NewCustomer;
  history: HistoryEntry;
  relation?: { fromId: string; kind: RelationKind };
  manageTokenHash?: string;
  events: OutboxEventInput[];
}

/**
 * Writes a new activity with its first history row, its relation, its manage-link token and its
 * outbox events in one statement. Booking is the hot write path and each round trip to the
 * database costs more than the statement's work; foreign keys are checked at the statement's end,
 * so the rows may refer to the new activity.
 */
export async function insertActivityWithRecords(tx: Tx, r: NewActivityRecords): Promise<{ customerId: string | null }> {
  const a = r.activity;
  const ctes = r.customer ? [sql`new_customer AS (${customerUpsert(r.customer)})`] : [];
  // Who made the activity is who its first history row names.
  const own = { ...activityValues(a), created_by: r.history.actorType };
  const values = r.customer ? { ...own, customer_id: sql<string>`(SELECT id FROM new_customer)` } : own;
  ctes.push(
    sql`new_activity AS (${tx.insertInto("activities").values(values)})`,
    sql`new_history AS (${tx.insertInto("activity_history").values(historyValues(r.history))})`,
  );
  if (r.relation) {
    const rel = { account_id: a.account_id, from_id: r.relation.fromId, to_id: a.id, kind: r.relation.kind, created_at: a.created_at };
    ctes.push(sql`new_relation AS (${tx.insertInto("activity_relations").values(rel)})`);
  }
  if (r.manageTokenHash) {
    ctes.push(sql`new_token AS (${tx.insertInto("manage_tokens").values({ token_hash: r.manageTokenHash, account_id: a.account_id, activity_id: a.id })})`);
  }
  if (r.events.length > 0) ctes.push(...outboxCtes(r.events));
  const customer = r.customer ? sql`(SELECT id FROM new_customer)` : sql`${a.customer_id}::uuid`;
  const result = await executePrepared(tx, sql<{ customer_id: string | null }>`WITH ${sql.join(ctes)} SELECT ${customer} AS customer_id`);
  return { customerId: result.rows[0].customer_id };
}

export interface ActivityChanges {
  status: string;
  detailed_status: string;
  updated_at: Date;
  start_at?: Date | null;
  end_at?: Date | null;
  owner_id?: string;
  owner_name?: string;
  event_type_id?: string | null;
  event_type_name?: string | null;
  reason?: string | null;
  reschedule_request?: RescheduleRequest | null;
  refundable_minor?: number | null;
}

/**
 * The guarded write: it only matches the activity in the state the caller checked (detailed
 * status and version), so of two concurrent actions exactly one wins. Returns false if it lost.
 */
export async function updateActivityGuarded(
  tx: Tx,
  accountId: string,
  id: string,
  expected: { detailedStatus: string; version: number },
  changes: ActivityChanges,
): Promise<boolean> {
  const { reschedule_request, ...rest } = changes;
  const result = await tx
    .updateTable("activities")
    .set({
      ...rest,
      ...(reschedule_request !== undefined ? { reschedule_request: reschedule_request === null ? null : JSON.stringify(reschedule_request) } : {}),
      version: sql`version + 1`,
    })
    .where("account_id", "=", accountId)
    .where("id", "=", id)
    .where("detailed_status", "=", expected.detailedStatus)
    .where("version", "=", expected.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface HistoryEntry {
  accountId: string;
  activityId: string;
  at: Date;
  actorType: "customer" | "user" | "system";
  actorId: string | null;
  actorName: string | null;
  action: string;
  from: { status: string; detailedStatus: string } | null;
  to: { status: string; detailedStatus: string };
  reason?: string | null;
  data?: Record<string, unknown>;
}

export async function insertHistory(tx: Tx, e: HistoryEntry): Promise<void> {
  await tx.insertInto("activity_history").values(historyValues(e)).execute();
}

function historyValues(e: HistoryEntry) {
  return {
    account_id: e.accountId,
    activity_id: e.activityId,
    at: e.at,
    actor_type: e.actorType,
    actor_id: e.actorId,
    actor_name: e.actorName,
    action: e.action,
    from_status: e.from?.status ?? null,
    from_detailed_status: e.from?.detailedStatus ?? null,
    to_status: e.to.status,
    to_detailed_status: e.to.detailedStatus,
    reason: e.reason ?? null,
    data: JSON.stringify(e.data ?? {}),
  };
}

export async function listHistory(conn: Conn, accountId: string, activityId: string) {
  return conn
    .selectFrom("activity_history")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("activity_id", "=", activityId)
    .orderBy("id", "asc")
    .execute();
}

/** Relates two activities; a second rebooking of the same original violates a unique index. */
export async function insertRelation(tx: Tx, accountId: string, fromId: string, toId: string, kind: RelationKind, at: Date): Promise<void> {
  await tx.insertInto("activity_relations").values({ account_id: accountId, from_id: fromId, to_id: toId, kind, created_at: at }).execute();
}

export async function listRelations(conn: Conn, accountId: string, activityId: string) {
  return conn
    .selectFrom("activity_relations")
    .selectAll()
    .where("account_id", "=", accountId)
    .where((eb) => eb.or([eb("from_id", "=", activityId), eb("to_id", "=", activityId)]))
    .orderBy("created_at", "asc")
    .execute();
}

export async function hasOutgoingRelation(conn: Conn, accountId: string, fromId: string, kind: RelationKind): Promise<boolean> {
  const row = await conn
    .selectFrom("activity_relations")
    .select("to_id")
    .where("account_id", "=", accountId)
    .where("from_id", "=", fromId)
    .where("kind", "=", kind)
    .executeTakeFirst();
  return Boolean(row);
}

/** Activities the system must complete (end passed) or expire (all proposed times passed). */
export async function findDue(conn: Conn, now: Date, limit: number) {
  const complete = await conn
    .selectFrom("activities")
    .select(["id", "account_id"])
    .where("status", "in", ["Scheduled", "Rescheduled"])
    .where("end_at", "<=", now)
    .orderBy("end_at")
    .limit(limit)
    .execute();
  const expire = await conn
    .selectFrom("activities")
    .select(["id", "account_id"])
    .where("status", "=", "Requested")
    .where("latest_proposed_at", "<=", now)
    .orderBy("latest_proposed_at")
    .limit(limit)
    .execute();
  return { complete, expire };
}

/** A request still waiting for approval that would move booking `id` (customer reschedule on an approval page). */
export async function findPendingRescheduleRequest(conn: Conn, accountId: string, id: string): Promise<string | undefined> {
  const row = await conn
    .selectFrom("activities")
    .select("id")
    .where("account_id", "=", accountId)
    .where("reschedules_id", "=", id)
    .where("status", "=", "Requested")
    .executeTakeFirst();
  return row?.id;
}
