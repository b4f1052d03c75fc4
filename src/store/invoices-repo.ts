import { sql } from "kysely";
import type { Db, Tx } from "./database.js";

type Conn = Db | Tx;

/**
 * The business details and tax a transaction's invoice shows (migration 010), copied from the
 * account when the transaction is made, so later changes to the account do not rewrite it.
 */

/** Copies the account's current details for `activityId`, unless they were recorded already. */
export async function recordInvoiceDetails(conn: Conn, accountId: string, activityId: string, at: Date): Promise<void> {
  await conn
    .insertInto("invoice_details")
    .columns(["activity_id", "account_id", "seller_name", "seller_address", "seller_tax_id", "tax_name", "tax_rate_bp", "time_zone", "recorded_at"])
    .expression((eb) =>
      eb
        .selectFrom("accounts")
        .select([
          sql<string>`${activityId}::text`.as("activity_id"), "id", "name", "invoice_address", "tax_id", "tax_name", "tax_rate_bp", "default_time_zone",
          sql<Date>`${at.toISOString()}::timestamptz`.as("recorded_at"),
        ])
        .where("id", "=", accountId),
    )
    .onConflict((oc) => oc.columns(["activity_id", "account_id"]).doNothing())
    .execute();
}

export async function findInvoiceDetails(conn: Conn, accountId: string, activityId: string) {
  return conn.selectFrom("invoice_details").selectAll().where("account_id", "=", accountId).where("activity_id", "=", activityId).executeTakeFirst();
}
