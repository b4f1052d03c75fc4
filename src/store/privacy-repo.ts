import { sql } from "kysely";
import { activityColumns, type ActivityRow } from "./activities-repo.js";
import type { Db, Tx } from "./database.js";

type Conn = Db | Tx;

/**
 * What the privacy requests read: everything kept about one customer (their export), and the
 * activities of an e-mail address (forgetting them). Trashed activities are the customer's data
 * until they are deleted, so both include them.
 */

export async function findCustomerRecord(conn: Conn, accountId: string, id: string) {
  return conn.selectFrom("customers").selectAll().where("account_id", "=", accountId).where("id", "=", id).executeTakeFirst();
}

/** The customer's activities: theirs by customer ID (activities_customer_idx), oldest first. */
export async function activitiesOfCustomer(conn: Conn, accountId: string, customerId: string): Promise<ActivityRow[]> {
  return (await activityColumns(conn)
    .where("activities.account_id", "=", accountId)
    .where("activities.customer_id", "=", customerId)
    .orderBy("activities.created_at")
    .orderBy("activities.id")
    .execute()) as ActivityRow[];
}

export async function historyOf(conn: Conn, accountId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return conn.selectFrom("activity_history").selectAll().where("account_id", "=", accountId).where("activity_id", "in", ids).orderBy("id").execute();
}

export async function messagesOf(conn: Conn, accountId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return conn
    .selectFrom("sent_emails")
    .select(["activity_id", "kind", "audience", "sender", "recipient", "subject", "body_text", "sent_at"])
    .where("account_id", "=", accountId)
    .where("activity_id", "in", ids)
    .orderBy("id")
    .execute();
}

export async function paymentsOf(conn: Conn, accountId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return conn.selectFrom("payment_records").selectAll().where("account_id", "=", accountId).where("activity_id", "in", ids).orderBy("created_at").execute();
}

/**
 * The activities of an e-mail address not yet in the Trash: those of the customer record(s) with
 * that address and any whose denormalised e-mail is that address (activities_email_idx).
 */
export async function liveActivitiesOfEmail(conn: Conn, accountId: string, email: string) {
  const lower = email.trim().toLowerCase();
  return conn
    .selectFrom("activities")
    .select(["id", "type"])
    .where("account_id", "=", accountId)
    .where("trashed_at", "is", null)
    .where((eb) => eb.or([
      eb(sql<string>`lower(customer_email)`, "=", lower),
      eb("customer_id", "in", eb.selectFrom("customers").select("id").where("account_id", "=", accountId).where(sql<string>`lower(email)`, "=", lower)),
    ]))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}
