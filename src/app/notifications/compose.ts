import { formatDecimal, money } from "../../domain/money.js";
import type { ActivitySnapshot, OutboxEvent } from "../../domain/events.js";
import type { DetailedStatus } from "../../domain/lifecycle.js";
import { ON_CREATED, ON_LINK_ISSUED, ON_TRANSACTION, ON_UPDATED, TIMED, followUpSuppressedBy, type Audience, type Notification, type Recipient, type TemplateKind } from "../../domain/notifications.js";
import type { TransactionStatus } from "../../domain/transactions.js";
import { calendarFile, eventUid, type CalendarEventData } from "../../integrations/ical/calendar-file.js";
import { DEFAULT_TEMPLATES } from "../../integrations/email/default-templates.js";
import { htmlFromText, renderTemplate, type FieldValues } from "../../integrations/email/render.js";
import { findActivity, type ActivityRow } from "../../store/activities-repo.js";
import { findAccount, findUser, listUsers } from "../../store/accounts-repo.js";
import type { ClaimedDelivery } from "../../store/outbox-repo.js";
import { findNotificationSettings, findTemplate } from "../../store/notifications-repo.js";
import { findPackageIdOf, listPackageSessions } from "../../store/packages-repo.js";
import { findPage } from "../../store/pages-repo.js";
import { findPaymentRecord } from "../../store/payments-repo.js";
import { issueManageToken, manageLink } from "../activity-writes.js";
import type { AppContext } from "../context.js";

/**
 * What one outbox event e-mails, to whom, fully rendered: the domain table (src/domain/
 * notifications.ts) says which templates go to which recipients; this loads what the templates
 * show with short reads (it runs outside any transaction), in each recipient's time zone.
 */
export interface OutgoingMessage {
  /** Derived from the outbox event: the same event always makes the same Message-ID (idempotency). */
  messageId: string;
  accountId: string;
  activityId: string | null;
  eventId: string;
  /** A booking page's template, or a notice to the account's admins about the account itself. */
  kind: TemplateKind | "webhook-endpoint-disabled";
  audience: Audience;
  from: { name: string; address: string };
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  ics: { filename: string; content: string; method: "PUBLISH" | "CANCEL" } | null;
}

/** The notifications an event asks for, by the domain table. */
export function notificationsOf(e: OutboxEvent): Notification[] {
  switch (e.type) {
    case "activity.created":
      return e.activity.type === "booking" ? ON_CREATED[e.origin] : [];
    case "activity.updated": {
      const rule = ON_UPDATED[e.activity.detailedStatus as DetailedStatus];
      if (!rule) return [];
      return typeof rule === "function" ? rule(e.action) : rule;
    }
    case "customer.link_issued":
      return ON_LINK_ISSUED[e.purpose];
    case "package.created":
      return ON_CREATED["customer-books"];
    case "transaction.created":
    case "transaction.updated":
      return ON_TRANSACTION[e.activity.status as TransactionStatus] ?? [];
    case "notification.due":
      return [TIMED[e.kind]];
    case "refund.requested":
    case "webhook_endpoint.disabled": // to the account's admins, not a booking's people: see composeAdminNotice
      return [];
  }
}

const WITH_CALENDAR: ReadonlySet<TemplateKind> = new Set(["booking-confirmed", "request-approved", "rescheduled", "reassigned", "reminder", "canceled", "reschedule-requested"]);
const WITH_MANAGE_LINK: ReadonlySet<TemplateKind> = new Set(["booking-confirmed", "request-received", "request-approved", "rescheduled", "reassigned", "reminder"]);

export async function composeMessages(ctx: AppContext, d: ClaimedDelivery): Promise<OutgoingMessage[]> {
  const e = d.payload as unknown as OutboxEvent;
  if (e.type === "webhook_endpoint.disabled") return composeAdminNotice(ctx, d, e);
  const wanted = notificationsOf(e);
  if (wanted.length === 0) return [];
  const snap = e.activity;
  const row = await findActivity(ctx.db, d.account_id, snap.id);
  if (!row) return [];
  // A session of a package is confirmed with its package (package.created), not one by one.
  const packageId = snap.type === "booking" ? ((await findPackageIdOf(ctx.db, d.account_id, snap.id)) ?? null) : null;
  if (e.type === "activity.created" && packageId) return [];
  // The follow-up is decided when due, and checked again here: a No-show set since gets none.
  if (e.type === "notification.due" && e.kind === "follow-up" && followUpSuppressedBy(row.status)) return [];
  if (e.type === "notification.due" && e.kind === "reminder" && (row.start_at?.toISOString() !== e.forStart || !["Scheduled", "Rescheduled"].includes(row.status))) return [];

  const paidFor = snap.type === "transaction" ? await paidForActivity(ctx, d.account_id, snap.id, e) : null;
  const pageId = snap.bookingPageId ?? paidFor?.booking_page_id ?? null;
  const page = pageId ? await findPage(ctx.db, d.account_id, pageId) : undefined;
  const settings = pageId ? await findNotificationSettings(ctx.db, d.account_id, pageId) : undefined;
  const account = await findAccount(ctx.db, d.account_id);
  if (!account) return [];
  const from = { name: account.email_sender_name ?? account.name, address: account.email_sender_address ?? defaultSender(ctx.publicUrl) };
  const hostId = snap.ownerId ?? paidFor?.owner_id ?? null;
  const host = hostId ? await findUser(ctx.db, d.account_id, hostId) : undefined;
  const previousHostId = e.type === "activity.updated" ? e.previous.ownerId : null;
  const previousHost = previousHostId && previousHostId !== hostId ? await findUser(ctx.db, d.account_id, previousHostId) : undefined;
  const sessions = snap.type === "package" ? await listPackageSessions(ctx.db, d.account_id, snap.id) : [];
  const base = publicBase(ctx);

  const out: OutgoingMessage[] = [];
  for (const n of wanted) {
    if (settings?.disabledKinds.includes(n.kind)) continue;
    let manage: string | null = null;
    for (const recipient of n.to) {
      const audience: Audience = recipient === "customer" ? "customer" : "host";
      const person = recipient === "customer" ? customerOf(snap) : recipient === "host" ? host : previousHost;
      if (!person?.email || (person as { deactivated_at?: Date | null }).deactivated_at) continue;
      const zone = (recipient === "customer" ? snap.customer.timeZone : (person as { time_zone?: string }).time_zone) ?? page?.time_zone ?? "UTC";
      if (audience === "customer" && !manage) manage = await customerLink(ctx, e, n.kind, paidFor ?? row);
      const values: FieldValues = {
        "booking.id": snap.type === "booking" ? snap.id : (paidFor?.type === "booking" ? paidFor.id : ""),
        "package.id": snap.type === "package" ? snap.id : (packageId ?? (paidFor?.type === "package" ? paidFor.id : "")),
        "transaction.id": snap.type === "transaction" ? snap.id : "",
        "transaction.amount": snap.amount ? `${formatDecimal(money(Math.abs(snap.amount.minor), snap.amount.currency))} ${snap.amount.currency}` : "",
        "transaction.type": snap.type === "transaction" ? snap.detailedStatus : "",
        "customer.name": snap.customer.name ?? "",
        "customer.email": snap.customer.email ?? "",
        "host.name": host?.name ?? row.owner_name ?? "",
        "previousHost.name": previousHost?.name ?? "",
        "page.name": page?.name ?? row.page_name ?? "",
        "event.name": row.event_type_name ?? "",
        "account.name": account.name,
        "time.start": formatTime(snap.start ?? paidFor?.start_at ?? null, zone),
        "time.end": formatTime(snap.end ?? paidFor?.end_at ?? null, zone),
        "time.previousStart": e.type === "activity.updated" && e.previous.start !== snap.start ? formatTime(e.previous.start, zone) : "",
        "time.zone": zone,
        "time.sessions": sessionLines(snap.type === "package" ? sessions.map((s) => s.start_at) : (row.proposed_times ?? (snap.start ? [snap.start] : [])), zone),
        location: page?.location ?? "",
        videoLink: page?.video_link ?? "",
        reason: e.type === "activity.updated" || e.type === "customer.link_issued" ? (e.reason ?? "") : "",
        status: snap.detailedStatus,
        "link.manage": audience === "customer" ? (manage ?? "") : "",
        "link.activity": audience === "host" ? `${base}/activities?open=${encodeURIComponent(snap.id)}` : "",
        "link.invoice": snap.type === "transaction" && manage ? invoiceLink(manage, snap.id) : "",
      };
      const custom = pageId ? await findTemplate(ctx.db, d.account_id, pageId, n.kind, audience) : undefined;
      const template = custom ? { subject: custom.subject, text: custom.body_text, html: custom.body_html } : DEFAULT_TEMPLATES[audience][n.kind];
      const rendered = renderTemplate(template, values, { isDefault: !custom, isPackage: snap.type === "package" });
      const messageId = `<${d.event_id}.${n.kind}.${recipient}@${hostOf(ctx.publicUrl)}>`;
      out.push({
        messageId, accountId: d.account_id, activityId: snap.id, eventId: d.event_id, kind: n.kind, audience,
        from, to: { name: person.name ?? "", address: person.email }, ...rendered,
        headers: { "X-Bookstream-Activity": snap.id, "X-Bookstream-Notification": n.kind },
        ics: WITH_CALENDAR.has(n.kind) ? calendarAttachment(ctx, snap, row, sessions, page?.name ?? "Booking", host, n.kind) : null,
      });
    }
  }
  return out;
}

/** A webhook endpoint was switched off after failing for a day and more: its account's admins are told. */
async function composeAdminNotice(ctx: AppContext, d: ClaimedDelivery, e: Extract<OutboxEvent, { type: "webhook_endpoint.disabled" }>): Promise<OutgoingMessage[]> {
  const account = await findAccount(ctx.db, d.account_id);
  if (!account) return [];
  const from = { name: account.email_sender_name ?? account.name, address: account.email_sender_address ?? defaultSender(ctx.publicUrl) };
  const admins = (await listUsers(ctx.db, d.account_id)).filter((u) => u.role === "admin");
  const link = `${publicBase(ctx)}/settings/integrations`;
  const subject = `Webhook endpoint turned off: ${e.endpoint.description || e.endpoint.url}`;
  const text = [
    `Bookstream stopped sending webhooks to ${e.endpoint.url} after ${e.failures} failed attempts in a row (failing since ${e.failingSince}).`,
    e.lastError ? `The last answer: ${e.lastError}` : "",
    `Fix the receiver, then turn the endpoint on again and replay what failed: ${link}`,
  ].filter(Boolean).join("\n\n");
  const html = htmlFromText(text, subject);
  return admins.map((a) => ({
    messageId: `<${d.event_id}.webhook-endpoint-disabled.${a.id}@${hostOf(ctx.publicUrl)}>`,
    accountId: d.account_id, activityId: null, eventId: d.event_id, kind: "webhook-endpoint-disabled" as const, audience: "host" as const,
    from, to: { name: a.name, address: a.email }, subject, text, html,
    headers: { "X-Bookstream-Notification": "webhook-endpoint-disabled" }, ics: null,
  }));
}

function customerOf(s: ActivitySnapshot): { name: string | null; email: string | null } {
  return { name: s.customer.name, email: s.customer.email };
}

/** The booking or package a transaction pays for (or whose payment it refunds). */
async function paidForActivity(ctx: AppContext, accountId: string, txnId: string, e: OutboxEvent): Promise<ActivityRow | null> {
  let forId = e.type === "transaction.created" ? e.forActivityId : null;
  if (!forId) forId = (await findPaymentRecord(ctx.db, accountId, txnId))?.for_activity_id ?? null;
  return forId ? ((await findActivity(ctx.db, accountId, forId)) ?? null) : null;
}

/**
 * The customer's link: the one the user's request issued, else a fresh manage link (manage links
 * are stored hashed, so the one handed out at booking cannot be read back). Minted at most once
 * per message kind that shows it; a retried delivery mints another, which is as good.
 */
async function customerLink(ctx: AppContext, e: OutboxEvent, kind: TemplateKind, a: ActivityRow): Promise<string | null> {
  if (e.type === "customer.link_issued") return e.link;
  if (!WITH_MANAGE_LINK.has(kind) && kind !== "payment-receipt" && kind !== "refund-notice") return null;
  if (a.type === "package") return null;
  const token = await ctx.db.transaction().execute((tx) => issueManageToken(tx, a.account_id, a.id));
  return manageLink(ctx, token);
}

/** The invoice of a transaction, on the customer's manage link. */
export function invoiceLink(manage: string, txnId: string): string {
  const token = manage.slice(manage.lastIndexOf("/") + 1);
  return `${manage.slice(0, manage.indexOf("/manage/"))}/api/v1/public/manage/${token}/invoices/${txnId}`;
}

function calendarAttachment(
  ctx: AppContext, snap: ActivitySnapshot, row: ActivityRow, sessions: { id: string; start_at: Date | null; end_at: Date | null }[],
  title: string, host: { name: string; email: string } | undefined, kind: TemplateKind,
): OutgoingMessage["ics"] {
  const cancelled = kind === "canceled" || kind === "reschedule-requested";
  const items = snap.type === "package"
    ? sessions.filter((s) => s.start_at && s.end_at).map((s) => ({ id: s.id, start: s.start_at!, end: s.end_at! }))
    : snap.start && snap.end ? [{ id: snap.id, start: new Date(snap.start), end: new Date(snap.end) }] : [];
  if (items.length === 0) return null;
  const events: CalendarEventData[] = items.map((it) => ({
    uid: eventUid(it.id, ctx.publicUrl),
    sequence: row.version,
    start: it.start,
    end: it.end,
    summary: `${title}${snap.customer.name ? ` · ${snap.customer.name}` : ""}`,
    description: `Booking ID: ${it.id}${snap.type === "package" ? `\nPackage ID: ${snap.id}` : ""}`,
    location: row.page_location,
    status: cancelled ? "cancelled" : "confirmed",
    organizer: host ? { name: host.name, email: host.email } : null,
    stamp: ctx.clock.now(),
  }));
  const method = cancelled ? "CANCEL" : "PUBLISH";
  return { filename: cancelled ? "cancel.ics" : "invite.ics", content: calendarFile(events, { method: cancelled ? "cancel" : "publish" }), method };
}

function sessionLines(times: (string | Date | null)[], zone: string): string {
  return times.filter((t): t is string | Date => !!t).map((t) => `- ${formatTime(t, zone)}`).join("\n");
}

/** "Monday, 22 March 2027, 10:00" in the recipient's zone (the zone is named beside it). */
export function formatTime(t: string | Date | null, zone: string): string {
  if (!t) return "";
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(t));
}

function publicBase(ctx: AppContext): string {
  return ctx.publicUrl.replace(/\/$/, "");
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || "bookstream.invalid";
  } catch {
    return "bookstream.invalid";
  }
}

/** The installation's no-reply address, for accounts that set no sender. */
export function defaultSender(publicUrl: string): string {
  const host = hostOf(publicUrl);
  return /[a-z]/i.test(host) && host.includes(".") ? `no-reply@${host}` : "no-reply@bookstream.invalid";
}
