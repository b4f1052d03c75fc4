import type { ActivitySnapshot } from "../../domain/events.js";
import { isDetailedStatus } from "../../domain/lifecycle.js";
import { createsEvent, SALESFORCE_STATUS } from "../../domain/salesforce-status.js";
import { findUser } from "../../store/accounts-repo.js";
import { findActivity } from "../../store/activities-repo.js";
import type { ClaimedDelivery } from "../../store/outbox-repo.js";
import { findPage } from "../../store/pages-repo.js";
import {
  accountsConnectedToSalesforce, findPerson, findSalesforceEvent, findUserMatch, forgetPerson, pageCreatesEvents, saveSalesforceEvent, savePerson, saveUserMatch,
  updateSalesforceConnection, type SalesforceConnectionRow,
} from "../../store/salesforce-repo.js";
import { SalesforceError, soqlString, type SalesforceApi } from "../../integrations/salesforce/client.js";
import { DESCRIPTION_MARK, descriptionOf, eventFields, type BookingForEvent } from "../../integrations/salesforce/event-fields.js";
import type { AppContext } from "../context.js";
import { salesforceFor } from "./session.js";
import { KnownInUse } from "../known-in-use.js";

/**
 * One outbox event → the booking's Salesforce Event, created or brought up to date. Runs outside
 * any transaction (the outbox leases the delivery), so it must be safe to run again:
 * - the Event id is kept per booking (salesforce_events) and looked up before creating;
 * - a create whose answer was lost (timeout, 5xx after the write) is marked first, and its retry
 *   looks for an Event on the same record at the same start carrying this Booking ID before creating;
 * - an Event deleted in Salesforce is created again (state "recreated"), not reported and dropped.
 * What is written comes from the event's own snapshot; the outbox delivers one activity's events in order.
 */
export async function syncBookingEvent(ctx: AppContext, d: ClaimedDelivery, opts: { timeoutMs?: number } = {}): Promise<void> {
  const status = salesforceStatusOf(d);
  if (!status) return;
  const payload = d.payload as { activity: ActivitySnapshot; reason?: string | null; relatedTo?: string | null };
  const snap = payload.activity;
  if (snap.bookingPageId && !(await pageCreatesEvents(ctx.db, d.account_id, snap.bookingPageId))) return;
  const sf = await salesforceFor(ctx, d.account_id, { timeoutMs: opts.timeoutMs });
  if (!sf) return;
  const { api, connection: conn } = sf;
  const row = await findSalesforceEvent(ctx.db, d.account_id, snap.id);
  if (!row?.sf_event_id && !createsEvent(status)) return;

  const activity = await findActivity(ctx.db, d.account_id, snap.id);
  const page = snap.bookingPageId ? await findPage(ctx.db, d.account_id, snap.bookingPageId) : undefined;
  let reason = payload.reason ?? snap.reason;
  if (!reason && payload.relatedTo) reason = (await findActivity(ctx.db, d.account_id, payload.relatedTo))?.reason ?? null;
  const booking: BookingForEvent = {
    snapshot: snap, status,
    pageName: activity?.page_name ?? page?.name ?? null,
    eventTypeName: activity?.event_type_name ?? null,
    location: page?.location ?? null,
    answers: (activity?.answers as Record<string, string> | null) ?? null,
    bookingUrl: `${ctx.publicUrl.replace(/\/$/, "")}/activities?open=${encodeURIComponent(snap.id)}`,
    ownerSfId: snap.ownerId ? await ownerFor(ctx, api, d.account_id, snap.ownerId) : null,
    reason,
  };
  const now = () => ctx.clock.now();

  if (row?.sf_event_id) {
    try {
      await writeWithFieldFallback(ctx, api, conn, (names) => api.update("Event", row.sf_event_id!, eventFields(booking, names)));
      await saveSalesforceEvent(ctx.db, d.account_id, snap.id, { state: row.state === "recreated" ? "recreated" : "synced", ...(row.state === "recreated" ? {} : { note: null }), synced_at: now() });
      return;
    } catch (err) {
      if (!(err instanceof SalesforceError) || err.kind !== "deleted") throw err;
      // Deleted in Salesforce (ENTITY_IS_DELETED): the booking still exists, so its Event comes back.
      await saveSalesforceEvent(ctx.db, d.account_id, snap.id, { sf_event_id: null, create_started_at: null, note: `Event ${row.sf_event_id} was deleted in Salesforce; created again.` });
      return createEvent(ctx, api, conn, booking, { ...row, sf_event_id: null, create_started_at: null }, "recreated");
    }
  }
  return createEvent(ctx, api, conn, booking, row, "synced", payload.relatedTo ?? null);
}

type EventRow = Awaited<ReturnType<typeof findSalesforceEvent>>;

async function createEvent(ctx: AppContext, api: SalesforceApi, conn: SalesforceConnectionRow, b: BookingForEvent, row: EventRow, state: "synced" | "recreated", relatedTo: string | null = null) {
  const accountId = conn.account_id;
  const id = b.snapshot.id;
  let whoId = row?.who_id ?? null;
  let whatId = row?.what_id ?? null;
  if (!whoId && !whatId && relatedTo) {
    // A booking made from another (a reschedule that makes a new booking) stays on the record the
    // first one was on — the Case or Contact its Schedule button named, not a fresh e-mail match.
    const prior = await findSalesforceEvent(ctx.db, accountId, relatedTo);
    if (prior?.who_id || prior?.what_id) {
      whoId = prior.who_id;
      whatId = prior.what_id;
      await saveSalesforceEvent(ctx.db, accountId, id, { who_id: whoId, what_id: whatId });
    }
  }
  if (!whoId && !whatId) {
    whoId = await whoFor(ctx, api, conn, b.snapshot);
    if (!whoId) {
      await saveSalesforceEvent(ctx.db, accountId, id, { state: "skipped", note: "No Contact or Lead has this e-mail, and the connection is set to skip.", synced_at: ctx.clock.now() });
      return;
    }
    await saveSalesforceEvent(ctx.db, accountId, id, { who_id: whoId });
  }
  const relation = whatId ? { WhatId: whatId, ...(whoId && !whoId.startsWith("00Q") ? { WhoId: whoId } : {}) } : { WhoId: whoId };
  if (row?.create_started_at) {
    const found = await findLostCreate(api, relation, b);
    if (found) {
      await writeWithFieldFallback(ctx, api, conn, (names) => api.update("Event", found, eventFields(b, names)));
      await saveSalesforceEvent(ctx.db, accountId, id, { sf_event_id: found, state, create_started_at: null, synced_at: ctx.clock.now() });
      return;
    }
  }
  await saveSalesforceEvent(ctx.db, accountId, id, { create_started_at: ctx.clock.now() });
  let eventId: string;
  try {
    eventId = await writeWithFieldFallback(ctx, api, conn, (names) => api.create("Event", { ...eventFields(b, names), ...relation, Description: descriptionOf(b) }));
  } catch (err) {
    // The Contact or Lead remembered for this e-mail was deleted or merged: look it up afresh next time.
    if (err instanceof SalesforceError && err.code === "INVALID_CROSS_REFERENCE_KEY" && whoId && !row?.who_id) {
      await forgetPerson(ctx.db, accountId, whoId);
      await saveSalesforceEvent(ctx.db, accountId, id, { who_id: null });
    }
    throw err;
  }
  await saveSalesforceEvent(ctx.db, accountId, id, { sf_event_id: eventId, state, create_started_at: null, synced_at: ctx.clock.now(), ...(state === "synced" ? { note: null } : {}) });
}

/** After a create whose answer was lost: the Event it may have made (same record, same start, this Booking ID). */
async function findLostCreate(api: SalesforceApi, relation: Record<string, unknown>, b: BookingForEvent): Promise<string | undefined> {
  const [field, value] = relation.WhatId ? ["WhatId", relation.WhatId] : ["WhoId", relation.WhoId];
  const start = new Date(b.snapshot.start!).toISOString().replace(/\.\d{3}Z$/, "Z");
  const rows = await api.query<{ Id: string; Description: string | null }>(
    `SELECT Id, Description FROM Event WHERE ${field} = ${soqlString(String(value))} AND StartDateTime = ${start}`,
  );
  return rows.find((r) => (r.Description ?? "").startsWith(`${DESCRIPTION_MARK}${b.snapshot.id}\n`) || r.Description === `${DESCRIPTION_MARK}${b.snapshot.id}`)?.Id;
}

/**
 * Writes with the custom fields the org has; when Salesforce says a field does not exist (removed
 * since the last describe), records it as missing and writes again without it.
 */
async function writeWithFieldFallback<T>(ctx: AppContext, api: SalesforceApi, conn: SalesforceConnectionRow, write: (names: { statusField: string | null; reasonField: string | null }) => Promise<T>): Promise<T> {
  const missing = new Set(conn.missing_fields ?? []);
  const names = () => ({ statusField: missing.has(conn.status_field) ? null : conn.status_field, reasonField: missing.has(conn.reason_field) ? null : conn.reason_field });
  try {
    return await write(names());
  } catch (err) {
    if (!(err instanceof SalesforceError) || err.kind !== "invalid_field") throw err;
    const culprits = [conn.status_field, conn.reason_field].filter((f) => !missing.has(f) && (err.fields.includes(f) || err.message.includes(f)));
    if (culprits.length === 0) throw err;
    for (const f of culprits) missing.add(f);
    await updateSalesforceConnection(ctx.db, conn.account_id, { missing_fields: [...missing] });
    return write(names());
  }
}

/** The host's Salesforce User: an admin's match, else the active User with the host's e-mail (remembered). */
async function ownerFor(ctx: AppContext, api: SalesforceApi, accountId: string, userId: string): Promise<string | null> {
  const m = await findUserMatch(ctx.db, accountId, userId);
  if (m) return m.sf_user_id;
  const user = await findUser(ctx.db, accountId, userId);
  if (!user) return null;
  const [found] = await api.query<{ Id: string }>(`SELECT Id FROM User WHERE Email = ${soqlString(user.email)} AND IsActive = TRUE LIMIT 1`);
  await saveUserMatch(ctx.db, { account_id: accountId, user_id: userId, sf_user_id: found?.Id ?? null, manual: false });
  return found?.Id ?? null;
}

/** The customer's Contact, else Lead, by e-mail; none: create a Lead or Contact, or skip, as configured. */
async function whoFor(ctx: AppContext, api: SalesforceApi, conn: SalesforceConnectionRow, snap: ActivitySnapshot): Promise<string | null> {
  const email = snap.customer.email;
  if (!email) return null;
  const known = await findPerson(ctx.db, conn.account_id, email);
  if (known) return known;
  const lit = soqlString(email);
  let id = (await api.query<{ Id: string }>(`SELECT Id FROM Contact WHERE Email = ${lit} ORDER BY CreatedDate LIMIT 1`))[0]?.Id;
  id ??= (await api.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Email = ${lit} AND IsConverted = FALSE ORDER BY CreatedDate LIMIT 1`))[0]?.Id;
  if (!id && conn.no_match !== "skip") {
    const [first, ...rest] = (snap.customer.name ?? email.split("@")[0]).trim().split(/\s+/);
    const name = rest.length ? { FirstName: first, LastName: rest.join(" ") } : { LastName: first };
    id = conn.no_match === "lead"
      ? await api.create("Lead", { ...name, Email: email, Company: "[not provided]", LeadSource: "Web" })
      : await api.create("Contact", { ...name, Email: email });
  }
  if (id) await savePerson(ctx.db, conn.account_id, email, id);
  return id ?? null;
}

/** The Event status a booking's change asks for; undefined when the event is not a booking's change with a status Salesforce shows. */
function salesforceStatusOf(d: ClaimedDelivery) {
  if (d.type !== "activity.created" && d.type !== "activity.updated") return undefined;
  const snap = (d.payload as { activity?: ActivitySnapshot }).activity;
  if (!snap || snap.type !== "booking" || !snap.start || !snap.end || !isDetailedStatus(snap.detailedStatus)) return undefined;
  return SALESFORCE_STATUS[snap.detailedStatus] ?? undefined;
}

/** The events of a claimed lot that write nothing to Salesforce: no status to show, or an account with no org connected. */
export async function idleSalesforceEvents(ctx: AppContext, ds: ClaimedDelivery[]): Promise<Set<string>> {
  const maybe = ds.filter((d) => salesforceStatusOf(d));
  const ask = CONNECTED.unknown(maybe.map((d) => d.account_id));
  CONNECTED.remember(await accountsConnectedToSalesforce(ctx.db, ask));
  return new Set(ds.filter((d) => !salesforceStatusOf(d) || !CONNECTED.has(d.account_id)).map((d) => d.event_id));
}

/** Accounts recently found connected (a claim then asks the database only about the others). */
const CONNECTED = new KnownInUse();
