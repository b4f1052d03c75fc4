import { sql } from "kysely";
import { executePrepared, firstPrepared } from "./prepared.js";
import type { Db, Tx } from "./database.js";
import type { SentEmailAttachment } from "./schema.js";

/** E-mail notifications: per-page settings, custom templates, timed notifications, sent mail. */
type Conn = Db | Tx;

export interface PageNotificationSettings {
  disabledKinds: string[];
  reminderHours: number;
  followUpHours: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: PageNotificationSettings = { disabledKinds: [], reminderHours: 24, followUpHours: 2 };

export async function findNotificationSettings(conn: Conn, accountId: string, pageId: string): Promise<PageNotificationSettings> {
  const r = await firstPrepared(conn, conn.selectFrom("notification_settings").selectAll().where("account_id", "=", accountId).where("booking_page_id", "=", pageId));
  return r ? { disabledKinds: r.disabled_kinds, reminderHours: r.reminder_hours, followUpHours: r.follow_up_hours } : { ...DEFAULT_NOTIFICATION_SETTINGS };
}

export async function saveNotificationSettings(conn: Conn, accountId: string, pageId: string, s: PageNotificationSettings, at: Date): Promise<void> {
  const row = { disabled_kinds: s.disabledKinds, reminder_hours: s.reminderHours, follow_up_hours: s.followUpHours, updated_at: at };
  await conn
    .insertInto("notification_settings")
    .values({ account_id: accountId, booking_page_id: pageId, ...row })
    .onConflict((oc) => oc.columns(["booking_page_id", "account_id"]).doUpdateSet(row))
    .execute();
}

export async function listTemplates(conn: Conn, accountId: string, pageId: string) {
  return conn.selectFrom("email_templates").selectAll().where("account_id", "=", accountId).where("booking_page_id", "=", pageId).execute();
}

export async function findTemplate(conn: Conn, accountId: string, pageId: string, kind: string, audience: "customer" | "host") {
  return firstPrepared(conn, conn
    .selectFrom("email_templates")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("booking_page_id", "=", pageId)
    .where("kind", "=", kind)
    .where("audience", "=", audience));
}

export async function saveTemplate(
  conn: Conn,
  t: { accountId: string; pageId: string; kind: string; audience: "customer" | "host"; subject: string; text: string; html: string | null; at: Date },
): Promise<void> {
  const row = { subject: t.subject, body_text: t.text, body_html: t.html, updated_at: t.at };
  await conn
    .insertInto("email_templates")
    .values({ account_id: t.accountId, booking_page_id: t.pageId, kind: t.kind, audience: t.audience, ...row })
    .onConflict((oc) => oc.columns(["booking_page_id", "kind", "audience", "account_id"]).doUpdateSet(row))
    .execute();
}

export async function deleteTemplate(conn: Conn, accountId: string, pageId: string, kind: string, audience: "customer" | "host"): Promise<boolean> {
  const r = await conn
    .deleteFrom("email_templates")
    .where("account_id", "=", accountId)
    .where("booking_page_id", "=", pageId)
    .where("kind", "=", kind)
    .where("audience", "=", audience)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The longest reminder or follow-up setting (migration 012's checks): bounds the look-ups. */
const MAX_HOURS_MS = 336 * 3_600_000;

export interface DueBooking {
  account_id: string;
  id: string;
  status: string;
  start_at: Date;
  end_at: Date;
  due_at: Date;
}

/**
 * Bookings whose reminder has fallen due and was not decided yet: live (Scheduled or Rescheduled),
 * starting after `now`, and `reminder_hours` before the start has passed. Pages without settings
 * use the defaults (24 h); pages that turned reminders off are left out.
 */
export async function findDueReminders(conn: Conn, now: Date, limit: number): Promise<DueBooking[]> {
  const r = await sql<DueBooking>`
    SELECT a.account_id, a.id, a.status, a.start_at, a.end_at,
           a.start_at - make_interval(hours => COALESCE(s.reminder_hours, 24)) AS due_at
    FROM activities a
    LEFT JOIN notification_settings s ON s.booking_page_id = a.booking_page_id
    WHERE a.type = 'booking' AND a.status IN ('Scheduled', 'Rescheduled') AND a.trashed_at IS NULL
      AND a.start_at > ${now} AND a.start_at <= ${new Date(now.getTime() + MAX_HOURS_MS)}
      AND a.start_at - make_interval(hours => COALESCE(s.reminder_hours, 24)) <= ${now}
      AND NOT ('reminder' = ANY(COALESCE(s.disabled_kinds, '{}')))
      AND NOT EXISTS (SELECT 1 FROM scheduled_notifications n WHERE n.activity_id = a.id AND n.kind = 'reminder' AND n.for_start = a.start_at)
    ORDER BY a.start_at
    LIMIT ${limit}`.execute(conn);
  return r.rows;
}

/**
 * Bookings whose follow-up has fallen due and was not decided yet, whatever their status now
 * but canceled (the caller decides: a No-show gets none, and its history says so). Only those that fell due within
 * `window` of now, so turning follow-ups on does not write to every customer of years past.
 */
export async function findDueFollowUps(conn: Conn, now: Date, windowMs: number, limit: number): Promise<DueBooking[]> {
  const since = new Date(now.getTime() - windowMs);
  const r = await sql<DueBooking>`
    SELECT a.account_id, a.id, a.status, a.start_at, a.end_at,
           a.end_at + make_interval(hours => COALESCE(s.follow_up_hours, 2)) AS due_at
    FROM activities a
    LEFT JOIN notification_settings s ON s.booking_page_id = a.booking_page_id
    WHERE a.type = 'booking' AND a.status IN ('Scheduled', 'Rescheduled', 'Completed', 'No-show') AND a.trashed_at IS NULL
      AND a.start_at IS NOT NULL AND a.end_at <= ${now} AND a.end_at > ${new Date(since.getTime() - MAX_HOURS_MS)}
      AND a.end_at + make_interval(hours => COALESCE(s.follow_up_hours, 2)) <= ${now}
      AND a.end_at + make_interval(hours => COALESCE(s.follow_up_hours, 2)) > ${since}
      AND NOT ('follow-up' = ANY(COALESCE(s.disabled_kinds, '{}')))
      AND NOT EXISTS (SELECT 1 FROM scheduled_notifications n WHERE n.activity_id = a.id AND n.kind = 'follow-up' AND n.for_start = a.start_at)
    ORDER BY a.end_at
    LIMIT ${limit}`.execute(conn);
  return r.rows;
}

/** Records the decision; false when another worker decided first (the unique key). */
export async function claimScheduled(
  tx: Tx,
  n: { accountId: string; activityId: string; kind: "reminder" | "follow-up"; forStart: Date; dueAt: Date; at: Date; outcome: "sent" | "skipped"; note: string | null },
): Promise<boolean> {
  const r = await tx
    .insertInto("scheduled_notifications")
    .values({ account_id: n.accountId, activity_id: n.activityId, kind: n.kind, for_start: n.forStart, due_at: n.dueAt, decided_at: n.at, outcome: n.outcome, note: n.note })
    .onConflict((oc) => oc.columns(["activity_id", "kind", "for_start", "account_id"]).doNothing())
    .returning("activity_id")
    .executeTakeFirst();
  return r !== undefined;
}

export interface SentEmailInput {
  messageId: string;
  accountId: string;
  activityId: string | null;
  eventId: string | null;
  kind: string;
  audience: string;
  transport: "smtp" | "local";
  sender: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  attachments: SentEmailAttachment[];
  at: Date;
}

export async function isSent(conn: Conn, messageId: string): Promise<boolean> {
  return !!(await firstPrepared(conn, conn.selectFrom("sent_emails").select("id").where("message_id", "=", messageId)));
}

/** Records a sent message once (a retry of the same message id changes nothing). */
export async function recordSent(conn: Conn, m: SentEmailInput): Promise<void> {
  await executePrepared(conn, conn
    .insertInto("sent_emails")
    .values({
      message_id: m.messageId, account_id: m.accountId, activity_id: m.activityId, event_id: m.eventId, kind: m.kind, audience: m.audience,
      transport: m.transport, sender: m.sender, recipient: m.recipient, subject: m.subject, body_text: m.text, body_html: m.html,
      headers: JSON.stringify(m.headers), attachments: JSON.stringify(m.attachments), sent_at: m.at,
    })
    .onConflict((oc) => oc.columns(["message_id", "account_id"]).doNothing()));
}

/** An account's sent mail, newest first, paged by id. */
export async function listSentEmails(conn: Conn, accountId: string, opts: { before?: string; limit: number; activityId?: string }) {
  let q = conn.selectFrom("sent_emails").selectAll().where("account_id", "=", accountId);
  if (opts.before) q = q.where("id", "<", opts.before);
  if (opts.activityId) q = q.where("activity_id", "=", opts.activityId);
  return q.orderBy("id", "desc").limit(opts.limit).execute();
}
