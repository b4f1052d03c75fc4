import { sql } from "kysely";
import type { Db, Tx } from "./database.js";

type Conn = Db | Tx;

/** The demo account's seeding state (migration 004). */
export async function insertDemoAccount(conn: Conn, accountId: string, seededFor: Date) {
  await conn.insertInto("demo_accounts").values({ account_id: accountId, state: "seeding", seeded_for: seededFor }).execute();
}

export async function markDemoReady(conn: Conn, accountId: string, apiToken: string, at: Date) {
  await conn.updateTable("demo_accounts").set({ state: "ready", api_token: apiToken, ready_at: at }).where("account_id", "=", accountId).execute();
}

export async function findReadyDemo(conn: Conn) {
  return conn.selectFrom("demo_accounts").selectAll().where("state", "=", "ready").orderBy("ready_at").limit(1).executeTakeFirst();
}

export async function setDemoToken(conn: Conn, accountId: string, apiToken: string) {
  await conn.updateTable("demo_accounts").set({ api_token: apiToken }).where("account_id", "=", accountId).execute();
}

/**
 * Removes demo accounts whose seeding never finished (the process died midway). Call it only
 * while no other process can be seeding (openDatabase's withStartupLock).
 */
export async function removeUnfinishedDemos(conn: Conn): Promise<number> {
  const r = await sql`DELETE FROM accounts WHERE id IN (SELECT account_id FROM demo_accounts WHERE state = 'seeding')`.execute(conn);
  return Number(r.numAffectedRows ?? 0);
}

export async function markDemoPaymentsSeeded(conn: Conn, accountId: string, at: Date) {
  await conn.updateTable("demo_accounts").set({ payments_seeded_at: at }).where("account_id", "=", accountId).execute();
}
