import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db, Tx } from "./database.js";
import { executePrepared } from "./prepared.js";
import type { PurgeTrigger } from "./schema.js";

/**
 * The one deleter's SQL: everything Bookstream keeps about a set of trashed activities, table by
 * table (the README's "Trash and privacy" lists them). Runs inside the caller's transaction: the
 * activities go with all their traces, or nothing goes.
 *
 * Removed with the activity row (ON DELETE CASCADE): activity_history (reasons and snapshots),
 * activity_relations, manage_tokens, booking_holds, payment_records (payer, PayPal IDs),
 * invoice_details, checkouts that moved the booking. Removed here by activity ID, because those
 * tables keep the ID without a foreign key (their rows outlive nothing else): outbox_events (with
 * their outbox_deliveries and webhook_deliveries, payloads and error logs), sent_emails,
 * scheduled_notifications, calendar_event_copies, salesforce_events, checkouts that made the
 * activity, and PayPal's webhook events about its captures and refunds. Then the customers no
 * longer referenced by any activity, with what is kept by their e-mail (salesforce_people,
 * finished checkouts). The `search` vector is a column of the activity row and goes with it.
 *
 * Not removed: calendar events in connected calendars and Salesforce Events (the seed: other
 * systems keep their copies); idempotency_keys' stored answers, which are sealed with a key only
 * the client holds and expire within 24 hours.
 */

export type PurgeCounts = Record<string, number>;

/**
 * `= ANY($1::text[])` for a list: one parameter whatever the batch's size, so each statement has one
 * text, run prepared (store/prepared.ts) — planning a statement over these tables and their indexes
 * cost more than running it for a batch (on the embedded database planning also asks the file
 * system for the size of every table and index it looks at).
 */
const anyOf = (values: string[]) => sql<string>`ANY(${values}::text[])`;

const n = (r: { numDeletedRows?: bigint; numUpdatedRows?: bigint; numInsertedOrUpdatedRows?: bigint } | undefined) =>
  Number(r?.numDeletedRows ?? r?.numUpdatedRows ?? 0);

export async function deleteActivitiesAndTraces(tx: Tx, accountId: string, candidateIds: string[], now: Date): Promise<PurgeCounts> {
  const counts: PurgeCounts = { bookings: 0, packages: 0, transactions: 0, customers: 0, history: 0, emails: 0, outboxEvents: 0, deliveries: 0, checkouts: 0, paypalEvents: 0, revenueRows: 0 };
  if (candidateIds.length === 0) return counts;
  // Only what is in the Trash, locked: a restore racing this deleter either wins first or finds nothing.
  // The Trash test is made here, not in SQL: "trashed_at IS NOT NULL" would lead the planner to the
  // Trash's partial index (migrations 019, 021) and a walk over the whole Trash for every batch,
  // where the primary key finds the named rows directly.
  const locked = (await executePrepared(tx, tx
    .selectFrom("activities")
    .select(["id", "type", "customer_id", "trashed_at"])
    .where("account_id", "=", accountId)
    .where("id", "=", anyOf(candidateIds))
    .forUpdate())).rows;
  const targets = locked.filter((t) => t.trashed_at !== null);
  if (targets.length === 0) return counts;
  const ids = targets.map((t) => t.id);
  for (const t of targets) counts[`${t.type}s`]++;
  const customerIds = [...new Set(targets.flatMap((t) => (t.customer_id ? [t.customer_id] : [])))];

  // Payments: their money stays in revenue as amount, currency, date and page; their booking or
  // package loses what depended on them (refund, invoice, page link, policy).
  // Payment records belong to transaction activities (TXN-): none in the batch, none to read.
  const txnIds = targets.filter((t) => t.type === "transaction").map((t) => t.id);
  const records = txnIds.length === 0 ? []
    : (await executePrepared(tx, tx.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("activity_id", "=", anyOf(txnIds)))).rows;
  const moved = records.filter((r) => r.state === "completed");
  if (moved.length > 0) {
    await tx.insertInto("revenue_ledger").values(moved.map((r) => ({
      account_id: accountId, booking_page_id: r.booking_page_id, kind: r.kind, amount_minor: r.amount_minor, currency: r.currency, occurred_at: r.created_at, purged_at: now,
    }))).execute();
    counts.revenueRows = moved.length;
  }
  const paidFor = [...new Set(records.flatMap((r) => (r.kind === "payment" && r.for_activity_id && !ids.includes(r.for_activity_id) ? [r.for_activity_id] : [])))];
  if (paidFor.length > 0) {
    await tx.updateTable("activities").set({ payment_purged_at: now }).where("account_id", "=", accountId).where("id", "in", paidFor).execute();
  }
  const paypalIds = records.flatMap((r) => [r.paypal_capture_id, r.paypal_order_id, r.paypal_refund_id]).filter((x): x is string => Boolean(x));
  if (paypalIds.length > 0) {
    counts.paypalEvents = n(await tx.deleteFrom("paypal_webhook_events").where("account_id", "=", accountId)
      .where((eb) => eb.or([eb("capture_id", "in", paypalIds), eb("resource_id", "in", paypalIds)])).executeTakeFirst());
  }

  // The activities and the traces kept beside them, in one statement (on the embedded database
  // each statement has a fixed cost, and a purge runs thousands of batches). Its parts share one
  // snapshot: the deliveries and history are counted before the cascades take them; the foreign
  // keys are checked at the statement's end, when the pointers to the deleted bookings are gone too.
  // (PostgreSQL runs every data-modifying WITH part to completion, read or not.)
  const list = sql`${ids}::text[]`;
  const traces = await executePrepared(tx, sql<{ checkouts: number; outbox_events: number; emails: number; deliveries: number; history: number }>`
    WITH checkouts_gone AS (
        DELETE FROM checkouts WHERE account_id = ${accountId}
          AND (result_activity_id = ANY(${list}) OR payment_activity_id = ANY(${list}) OR moves_activity_id = ANY(${list})) RETURNING 1),
      events_gone AS (DELETE FROM outbox_events WHERE account_id = ${accountId} AND activity_id = ANY(${list}) RETURNING 1),
      emails_gone AS (DELETE FROM sent_emails WHERE account_id = ${accountId} AND activity_id = ANY(${list}) RETURNING 1),
      reminders_gone AS (DELETE FROM scheduled_notifications WHERE account_id = ${accountId} AND activity_id = ANY(${list}) RETURNING 1),
      copies_gone AS (DELETE FROM calendar_event_copies WHERE account_id = ${accountId} AND activity_id = ANY(${list}) RETURNING 1),
      salesforce_gone AS (DELETE FROM salesforce_events WHERE account_id = ${accountId} AND activity_id = ANY(${list}) RETURNING 1),
      -- A request that would move a deleted booking keeps its own data, not the pointer.
      unpointed AS (UPDATE activities SET reschedules_id = NULL
        WHERE account_id = ${accountId} AND reschedules_id = ANY(${list}) AND NOT (id = ANY(${list})) RETURNING 1),
      activities_gone AS (DELETE FROM activities WHERE account_id = ${accountId} AND id = ANY(${list}) RETURNING 1)
    SELECT (SELECT count(*) FROM checkouts_gone)::int AS checkouts,
      (SELECT count(*) FROM events_gone)::int AS outbox_events,
      (SELECT count(*) FROM emails_gone)::int AS emails,
      ((SELECT count(*) FROM outbox_deliveries WHERE account_id = ${accountId} AND activity_id = ANY(${list}))
        + (SELECT count(*) FROM webhook_deliveries WHERE account_id = ${accountId} AND activity_id = ANY(${list})))::int AS deliveries,
      (SELECT count(*) FROM activity_history WHERE account_id = ${accountId} AND activity_id = ANY(${list}))::int AS history`);
  const t = traces.rows[0]!;
  counts.checkouts = Number(t.checkouts);
  counts.outboxEvents = Number(t.outbox_events);
  counts.emails = Number(t.emails);
  counts.deliveries = Number(t.deliveries);
  counts.history = Number(t.history);

  if (customerIds.length > 0) {
    // The customers no longer referenced (a statement of its own: it must see the activities
    // gone), with what is kept by their e-mail: Salesforce's matched people, and checkouts that
    // never became an activity (declined, expired, abandoned) but still hold the customer's details.
    const gone = await executePrepared(tx, sql<{ customers: number; checkouts: number }>`
      WITH customers_gone AS (
          DELETE FROM customers c WHERE c.account_id = ${accountId} AND c.id = ANY(${customerIds}::uuid[])
            -- The account too: activities_customer_idx leads with it (on customer_id alone it walked the whole index per customer).
            AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.account_id = c.account_id AND a.customer_id = c.id)
          RETURNING lower(c.email) AS email),
        people_gone AS (DELETE FROM salesforce_people WHERE account_id = ${accountId} AND lower(email) IN (SELECT email FROM customers_gone) RETURNING 1),
        checkouts_gone AS (DELETE FROM checkouts WHERE account_id = ${accountId} AND state <> 'open'
          AND lower(customer->>'email') IN (SELECT email FROM customers_gone) RETURNING 1)
      SELECT (SELECT count(*) FROM customers_gone)::int AS customers, (SELECT count(*) FROM checkouts_gone)::int AS checkouts`);
    counts.customers = Number(gone.rows[0]!.customers);
    counts.checkouts += Number(gone.rows[0]!.checkouts);
  }
  return counts;
}

export async function insertPurgeReport(tx: Tx, r: { accountId: string; trigger: PurgeTrigger; actorId: string | null; at: Date; counts: PurgeCounts }): Promise<string> {
  const id = randomUUID();
  await tx.insertInto("purge_reports").values({ id, account_id: r.accountId, trigger: r.trigger, actor_id: r.actorId, ran_at: r.at, counts: JSON.stringify(r.counts) }).execute();
  return id;
}

/** Adds a later round's counts to a run's report (the scheduled purge keeps one report per run). */
export async function addToPurgeReport(tx: Tx, reportId: string, counts: PurgeCounts): Promise<void> {
  const report = await tx.selectFrom("purge_reports").select("counts").where("id", "=", reportId).forUpdate().executeTakeFirstOrThrow();
  const sum: PurgeCounts = { ...(report.counts as PurgeCounts) };
  for (const [k, v] of Object.entries(counts)) sum[k] = (sum[k] ?? 0) + v;
  await tx.updateTable("purge_reports").set({ counts: JSON.stringify(sum) }).where("id", "=", reportId).execute();
}

export async function listPurgeReports(conn: Db, accountId: string, limit: number) {
  return conn.selectFrom("purge_reports").selectAll().where("account_id", "=", accountId).orderBy("ran_at", "desc").orderBy("id").limit(limit).execute();
}

/** Whether a purge made at or before `before` has not been followed by a vacuum yet. */
export async function hasUnvacuumedPurges(conn: Db, before: Date): Promise<boolean> {
  return Boolean(await conn.selectFrom("purge_reports").select("id").where("vacuumed_at", "is", null).where("ran_at", "<=", before).limit(1).executeTakeFirst());
}

/** The tables the deleter writes to (VACUUM's list). */
export const PURGED_TABLES = [
  "activities", "activity_history", "activity_relations", "manage_tokens", "booking_holds", "payment_records", "invoice_details",
  "checkouts", "outbox_events", "outbox_deliveries", "webhook_deliveries", "sent_emails", "scheduled_notifications",
  "calendar_event_copies", "salesforce_events", "salesforce_people", "paypal_webhook_events", "customers",
] as const;

/**
 * VACUUM the tables a purge touched, so the dead rows' space (and their index entries) is
 * reclaimed, then mark the reports made before it started as vacuumed. Outside any transaction
 * (VACUUM cannot run in one); plain VACUUM takes no lock that blocks reads or writes.
 */
export async function vacuumPurgedTables(db: Db, now: Date): Promise<number> {
  for (const table of PURGED_TABLES) await sql`VACUUM ${sql.table(table)}`.execute(db);
  const r = await db.updateTable("purge_reports").set({ vacuumed_at: now }).where("vacuumed_at", "is", null).where("ran_at", "<=", now).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
