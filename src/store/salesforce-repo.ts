import type { Insertable, Updateable } from "kysely";
import { executePrepared, firstPrepared } from "./prepared.js";
import type { Db, Tx } from "./database.js";
import type { SalesforceConnectionsTable } from "./schema.js";

/** The Salesforce connector's tables (migration 017): the only SQL the connector runs. */
type Conn = Db | Tx;

export type SalesforceConnectionRow = Awaited<ReturnType<typeof findSalesforceConnection>> & {};

export async function findSalesforceConnection(conn: Conn, accountId: string) {
  return firstPrepared(conn, conn.selectFrom("salesforce_connections").selectAll().where("account_id", "=", accountId));
}

/** Of these accounts, those with a Salesforce org connected (its instance and both tokens kept). */
export async function accountsConnectedToSalesforce(conn: Conn, accountIds: string[]): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await conn.selectFrom("salesforce_connections").select("account_id")
    .where("account_id", "in", accountIds).where("instance_url", "is not", null)
    .where("access_token_sealed", "is not", null).where("refresh_token_sealed", "is not", null).execute();
  return new Set(rows.map((r) => r.account_id));
}

export async function upsertSalesforceConnection(conn: Conn, row: Insertable<SalesforceConnectionsTable>): Promise<void> {
  const { account_id: _id, ...rest } = row;
  await conn.insertInto("salesforce_connections").values(row).onConflict((oc) => oc.column("account_id").doUpdateSet(rest)).execute();
}

export async function updateSalesforceConnection(conn: Conn, accountId: string, changes: Updateable<SalesforceConnectionsTable>): Promise<void> {
  await conn.updateTable("salesforce_connections").set(changes).where("account_id", "=", accountId).execute();
}

export async function deleteSalesforceConnection(conn: Conn, accountId: string): Promise<boolean> {
  const r = await conn.deleteFrom("salesforce_connections").where("account_id", "=", accountId).executeTakeFirst();
  await conn.deleteFrom("salesforce_user_matches").where("account_id", "=", accountId).where("manual", "=", false).execute();
  await conn.deleteFrom("salesforce_people").where("account_id", "=", accountId).execute();
  return Number(r.numDeletedRows) > 0;
}

export async function insertOauthState(conn: Conn, s: { state_hash: string; account_id: string; user_id: string; expires_at: Date }): Promise<void> {
  await conn.insertInto("salesforce_oauth_states").values(s).execute();
}

/** Takes a state once: a second use (a replayed callback) finds nothing. */
export async function takeOauthState(conn: Conn, stateHash: string, now: Date) {
  const row = await conn.deleteFrom("salesforce_oauth_states").where("state_hash", "=", stateHash).returningAll().executeTakeFirst();
  await conn.deleteFrom("salesforce_oauth_states").where("expires_at", "<", now).execute();
  return row && row.expires_at > now ? row : undefined;
}

export async function findUserMatch(conn: Conn, accountId: string, userId: string) {
  return firstPrepared(conn, conn.selectFrom("salesforce_user_matches").selectAll().where("account_id", "=", accountId).where("user_id", "=", userId));
}

export async function listUserMatches(conn: Conn, accountId: string) {
  return conn.selectFrom("salesforce_user_matches").selectAll().where("account_id", "=", accountId).execute();
}

export async function saveUserMatch(conn: Conn, m: { account_id: string; user_id: string; sf_user_id: string | null; manual: boolean }): Promise<void> {
  await conn.insertInto("salesforce_user_matches").values(m)
    .onConflict((oc) => oc.columns(["account_id", "user_id"]).doUpdateSet({ sf_user_id: m.sf_user_id, manual: m.manual })).execute();
}

export async function deleteUserMatch(conn: Conn, accountId: string, userId: string): Promise<void> {
  await conn.deleteFrom("salesforce_user_matches").where("account_id", "=", accountId).where("user_id", "=", userId).execute();
}

/** The page switch "Create Salesforce Activity Events": on unless turned off. */
export async function pageCreatesEvents(conn: Conn, accountId: string, bookingPageId: string): Promise<boolean> {
  const r = await firstPrepared(conn, conn.selectFrom("salesforce_page_settings").select("create_events")
    .where("account_id", "=", accountId).where("booking_page_id", "=", bookingPageId));
  return r?.create_events ?? true;
}

export async function setPageCreatesEvents(conn: Conn, accountId: string, bookingPageId: string, on: boolean): Promise<void> {
  await conn.insertInto("salesforce_page_settings").values({ account_id: accountId, booking_page_id: bookingPageId, create_events: on })
    .onConflict((oc) => oc.columns(["account_id", "booking_page_id"]).doUpdateSet({ create_events: on })).execute();
}

export async function findPerson(conn: Conn, accountId: string, email: string) {
  const r = await firstPrepared(conn, conn.selectFrom("salesforce_people").select("who_id").where("account_id", "=", accountId).where("email", "=", email.toLowerCase()));
  return r?.who_id;
}

export async function savePerson(conn: Conn, accountId: string, email: string, whoId: string): Promise<void> {
  await conn.insertInto("salesforce_people").values({ account_id: accountId, email: email.toLowerCase(), who_id: whoId })
    .onConflict((oc) => oc.columns(["account_id", "email"]).doUpdateSet({ who_id: whoId })).execute();
}

export async function forgetPerson(conn: Conn, accountId: string, whoId: string): Promise<void> {
  await conn.deleteFrom("salesforce_people").where("account_id", "=", accountId).where("who_id", "=", whoId).execute();
}

export type SalesforceEventRow = Awaited<ReturnType<typeof findSalesforceEvent>> & {};

export async function findSalesforceEvent(conn: Conn, accountId: string, activityId: string) {
  return firstPrepared(conn, conn.selectFrom("salesforce_events").selectAll().where("account_id", "=", accountId).where("activity_id", "=", activityId));
}

export async function listSalesforceEvents(conn: Conn, accountId: string) {
  return conn.selectFrom("salesforce_events").selectAll().where("account_id", "=", accountId).execute();
}

/** Creates the row or changes the given columns of it. */
export async function saveSalesforceEvent(
  conn: Conn, accountId: string, activityId: string,
  changes: { sf_event_id?: string | null; who_id?: string | null; what_id?: string | null; state?: string; note?: string | null; create_started_at?: Date | null; synced_at?: Date | null },
): Promise<void> {
  await executePrepared(conn, conn.insertInto("salesforce_events").values({ account_id: accountId, activity_id: activityId, ...changes })
    .onConflict((oc) => oc.columns(["account_id", "activity_id"]).doUpdateSet(changes)));
}

/**
 * Forgets what was learnt from an org that no longer exists as it was (the demo's simulated org
 * starts afresh on each start): its Event ids, matched people and e-mail-found users. Admins'
 * own user matches stay.
 */
export async function forgetOrgRecords(conn: Conn, accountId: string): Promise<void> {
  await conn.deleteFrom("salesforce_events").where("account_id", "=", accountId).execute();
  await conn.deleteFrom("salesforce_people").where("account_id", "=", accountId).execute();
  await conn.deleteFrom("salesforce_user_matches").where("account_id", "=", accountId).where("manual", "=", false).execute();
}
