import type { Db, Tx } from "./database.js";
import type { CheckoutCustomer, CheckoutsTable } from "./schema.js";

type Conn = Db | Tx;

/** Checkouts: a customer on their way through PayPal, with the time held for them (migration 009). */
export interface NewCheckout {
  id: string;
  account_id: string;
  booking_page_id: string;
  purpose: CheckoutsTable["purpose"];
  host_id: string;
  event_type_id: string | null;
  starts: string[];
  duration_minutes: number;
  customer: CheckoutCustomer;
  answers: Record<string, string> | null;
  moves_activity_id: string | null;
  amount_minor: number;
  currency: string;
  expires_at: Date;
  created_at: Date;
}

export async function insertCheckout(tx: Tx, c: NewCheckout): Promise<void> {
  await tx
    .insertInto("checkouts")
    .values({ ...c, starts: JSON.stringify(c.starts), customer: JSON.stringify(c.customer), answers: c.answers ? JSON.stringify(c.answers) : null, state: "open" })
    .execute();
}

export async function findCheckout(conn: Conn, id: string) {
  return conn.selectFrom("checkouts").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The checkout a PayPal order belongs to (what was bought, as it was when paid). */
export async function findCheckoutByOrder(conn: Conn, accountId: string, orderId: string) {
  return conn.selectFrom("checkouts").select(["starts", "duration_minutes", "purpose"]).where("account_id", "=", accountId).where("paypal_order_id", "=", orderId).executeTakeFirst();
}

export async function lockCheckout(tx: Tx, id: string) {
  return tx.selectFrom("checkouts").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export async function setCheckoutOrder(conn: Conn, id: string, orderId: string): Promise<void> {
  await conn.updateTable("checkouts").set({ paypal_order_id: orderId }).where("id", "=", id).execute();
}

export async function finishCheckout(tx: Tx, id: string, changes: { state: CheckoutsTable["state"]; finished_at: Date; result_activity_id?: string | null; payment_activity_id?: string | null }): Promise<void> {
  await tx.updateTable("checkouts").set(changes).where("id", "=", id).execute();
}

export async function setCheckoutExpiry(tx: Tx, id: string, expiresAt: Date): Promise<void> {
  await tx.updateTable("checkouts").set({ expires_at: expiresAt, state: "open", finished_at: null }).where("id", "=", id).execute();
}

/** Open checkouts whose hold has run out. */
export async function listExpiredCheckouts(conn: Conn, now: Date, limit: number) {
  return conn.selectFrom("checkouts").select(["id", "account_id"]).where("state", "=", "open").where("expires_at", "<=", now).orderBy("expires_at").limit(limit).execute();
}
