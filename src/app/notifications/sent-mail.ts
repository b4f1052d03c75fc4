import { forbidden, invalid } from "../../domain/errors.js";
import { listSentEmails } from "../../store/notifications-repo.js";
import type { AppContext, Caller } from "../context.js";

/**
 * The account's sent mail, newest first (admins): every message the system sent — or, without
 * SMTP_URL, would have sent — with its headers, both parts and its attachments. Manage links are
 * kept with their token hidden.
 */
export async function listSentMail(ctx: AppContext, caller: Caller, q: { cursor?: string; limit?: number; activityId?: string }) {
  if (caller.role !== "admin") throw forbidden("Only an admin may read the sent mail.", {});
  if (q.cursor !== undefined && !/^[1-9][0-9]{0,17}$/.test(q.cursor)) throw invalid("cursor", "not a cursor from a previous page");
  const limit = q.limit ?? 25;
  const rows = await listSentEmails(ctx.db, caller.accountId, { before: q.cursor, limit: limit + 1, activityId: q.activityId });
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: String(r.id),
      messageId: r.message_id,
      activityId: r.activity_id,
      kind: r.kind,
      audience: r.audience,
      transport: r.transport,
      from: r.sender,
      to: r.recipient,
      subject: r.subject,
      sentAt: r.sent_at.toISOString(),
      headers: r.headers,
      text: r.body_text,
      html: r.body_html,
      attachments: r.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, content: a.content ?? null })),
    })),
    nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
  };
}
