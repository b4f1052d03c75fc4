import { DomainError, forbidden, invalid, notFound, unprocessable } from "../../domain/errors.js";
import { findActivity } from "../../store/activities-repo.js";
import { listUsers } from "../../store/accounts-repo.js";
import {
  deleteUserMatch, findSalesforceConnection, findSalesforceEvent, listUserMatches, pageCreatesEvents, saveUserMatch, setPageCreatesEvents,
} from "../../store/salesforce-repo.js";
import { isSalesforceId, SalesforceError, soqlString } from "../../integrations/salesforce/client.js";
import type { AppContext, Caller } from "../context.js";
import { pageFor } from "../manage-booking-pages.js";
import { canSee, visibilityOf } from "../permissions.js";
import { isConnected, salesforceFor } from "./session.js";

/** The booking page switch "Create Salesforce Activity Events" (owner, editors, admins). */
export async function getPageSalesforce(ctx: AppContext, caller: Caller, pageId: string) {
  const page = await pageFor(ctx.db, caller, pageId, "see");
  return {
    bookingPageId: page.id,
    createEvents: await pageCreatesEvents(ctx.db, caller.accountId, page.id),
    salesforceConnected: isConnected(await findSalesforceConnection(ctx.db, caller.accountId)),
  };
}

export async function setPageSalesforce(ctx: AppContext, caller: Caller, pageId: string, createEvents: boolean) {
  const page = await pageFor(ctx.db, caller, pageId, "edit");
  await setPageCreatesEvents(ctx.db, caller.accountId, page.id, createEvents);
  return getPageSalesforce(ctx, caller, pageId);
}

function assertAdmin(caller: Caller) {
  if (caller.role !== "admin") throw forbidden("Only an admin may match users to Salesforce.");
}

/** Each active user and the Salesforce User their bookings' Events are owned by (null: not matched yet or none). */
export async function listSalesforceUserMatches(ctx: AppContext, caller: Caller) {
  assertAdmin(caller);
  const [users, matches] = await Promise.all([listUsers(ctx.db, caller.accountId), listUserMatches(ctx.db, caller.accountId)]);
  const byUser = new Map(matches.map((m) => [m.user_id, m]));
  return {
    items: users.map((u) => ({
      userId: u.id, name: u.name, email: u.email,
      salesforceUserId: byUser.get(u.id)?.sf_user_id ?? null,
      match: byUser.get(u.id)?.manual ? ("admin" as const) : byUser.has(u.id) ? ("email" as const) : ("pending" as const),
    })),
  };
}

/** An admin's match (a Salesforce User id), or null to go back to matching by e-mail. */
export async function setSalesforceUserMatch(ctx: AppContext, caller: Caller, userId: string, sfUserId: string | null) {
  assertAdmin(caller);
  if (!(await listUsers(ctx.db, caller.accountId, "all")).some((u) => u.id === userId)) throw notFound("User", userId);
  if (sfUserId === null) await deleteUserMatch(ctx.db, caller.accountId, userId);
  else {
    if (!isSalesforceId(sfUserId) || !sfUserId.startsWith("005")) throw invalid("salesforceUserId", "a Salesforce User id (005…, 15 or 18 characters)");
    await saveUserMatch(ctx.db, { account_id: caller.accountId, user_id: userId, sf_user_id: sfUserId, manual: true });
  }
  return (await listSalesforceUserMatches(ctx, caller)).items.find((i) => i.userId === userId)!;
}

/** The Details pane's line: the booking's Event and how its sync stands. */
export async function getActivitySalesforce(ctx: AppContext, caller: Caller, activityId: string) {
  const a = await findActivity(ctx.db, caller.accountId, activityId);
  if (!a || !canSee(await visibilityOf(ctx.db, caller), a)) throw notFound("Activity", activityId);
  const row = await findSalesforceEvent(ctx.db, caller.accountId, a.id);
  const pending = await ctx.db.selectFrom("outbox_deliveries").select(({ fn }) => fn.countAll<string>().as("n"))
    .where("consumer", "=", "salesforce").where("account_id", "=", caller.accountId).where("activity_id", "=", a.id).where("status", "=", "pending").executeTakeFirst();
  const waiting = Number(pending?.n ?? 0);
  const conn = row?.sf_event_id ? await findSalesforceConnection(ctx.db, caller.accountId) : undefined;
  return {
    activityId: a.id,
    eventId: row?.sf_event_id ?? null,
    // Salesforce opens any record at <instance>/<id> (Classic and Lightning alike).
    eventUrl: row?.sf_event_id && conn?.instance_url ? `${conn.instance_url.replace(/\/$/, "")}/${row.sf_event_id}` : null,
    whoId: row?.who_id ?? null,
    whatId: row?.what_id ?? null,
    state: waiting > 0 ? (row?.note?.startsWith("Retrying") ? "retrying" : "pending") : (row?.state ?? "none"),
    note: row?.note ?? null,
    syncedAt: row?.synced_at?.toISOString() ?? null,
  };
}

const RECORD_TYPES = { "003": "Contact", "00Q": "Lead", "500": "Case" } as const;

/** "Schedule" from a CRM record: the customer a Contact, Lead or Case names. */
export async function getSalesforceRecord(ctx: AppContext, caller: Caller, recordId: string) {
  if (!isSalesforceId(recordId)) throw invalid("recordId", "a Salesforce record id (15 or 18 characters)");
  const type = RECORD_TYPES[recordId.slice(0, 3) as keyof typeof RECORD_TYPES];
  if (!type) throw unprocessable("Schedule works from a Contact, a Lead or a Case.", { reason: "unsupported_record" });
  const sf = await salesforceFor(ctx, caller.accountId);
  if (!sf) throw unprocessable("Salesforce is not connected.", { reason: "not_connected" });
  try {
    if (type === "Case") {
      const [c] = await sf.api.query<{ Id: string; Subject: string | null; CaseNumber: string; ContactId: string | null; Contact: { Name: string; Email: string | null } | null }>(
        `SELECT Id, Subject, CaseNumber, ContactId, Contact.Name, Contact.Email FROM Case WHERE Id = ${soqlString(recordId)}`);
      if (!c) throw notFound("Salesforce Case", recordId);
      return { recordId: c.Id, type, label: `Case ${c.CaseNumber}${c.Subject ? `: ${c.Subject}` : ""}`, name: c.Contact?.Name ?? null, email: c.Contact?.Email ?? null, whoId: c.ContactId, whatId: c.Id };
    }
    const [r] = await sf.api.query<{ Id: string; Name: string; Email: string | null }>(`SELECT Id, Name, Email FROM ${type} WHERE Id = ${soqlString(recordId)}`);
    if (!r) throw notFound(`Salesforce ${type}`, recordId);
    return { recordId: r.Id, type, label: `${type} ${r.Name}`, name: r.Name, email: r.Email, whoId: r.Id, whatId: null };
  } catch (err) {
    if (!(err instanceof SalesforceError)) throw err;
    throw new DomainError("provider_unavailable", `Salesforce did not answer (${err.message}); try again.`);
  }
}
