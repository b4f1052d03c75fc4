import type { AppContext } from "../../app/context.js";
import { composeMessages, notificationsOf, type OutgoingMessage } from "../../app/notifications/compose.js";
import type { OutboxEvent } from "../../domain/events.js";
import type { OutboxConsumer } from "../../jobs/outbox-dispatcher.js";
import { isSent, recordSent } from "../../store/notifications-repo.js";
import type { MailTransport } from "./transport.js";

/** Retry an SMTP failure (4xx, 5xx, a dropped connection) after 30 s, doubling, at most 2 h apart, for about a day. */
export const EMAIL_BACKOFF = (attempts: number) => Math.min(2 * 3_600_000, 30_000 * 2 ** (attempts - 1));
export const EMAIL_MAX_ATTEMPTS = 16;

/**
 * The e-mail consumer of the outbox (leased mode: SMTP runs outside any transaction). An event
 * may make several messages (customer, host, the previous host); each is recorded once it is
 * sent, and a retry skips those already sent, so a failure of the second never resends the
 * first. The Message-ID comes from the event, so a receiver can drop a copy sent again after a
 * crash between sending and recording.
 */
export function emailConsumer(ctx: AppContext, transport: MailTransport): OutboxConsumer {
  return {
    name: "email",
    maxAttempts: EMAIL_MAX_ATTEMPTS,
    backoff: EMAIL_BACKOFF,
    leaseMs: 5 * 60_000,
    concurrency: 4,
    // Events that e-mail nobody by the domain table (a trash move, a transaction note…) need no composing.
    idle: (ds) => new Set(ds.filter((d) => {
      const e = d.payload as unknown as OutboxEvent;
      return e.type !== "webhook_endpoint.disabled" && notificationsOf(e).length === 0;
    }).map((d) => d.event_id)),
    async deliver(event) {
      const messages = await composeMessages(ctx, event);
      for (const m of messages) {
        if (await isSent(ctx.db, m.messageId)) continue;
        await transport.send(m);
        await recordSent(ctx.db, storedCopy(m, transport.kind, ctx.clock.now()));
      }
    },
  };
}

/** What the Sent mail store keeps: the message with its manage links' tokens hidden (secrets never in API answers). */
function storedCopy(m: OutgoingMessage, transport: "smtp" | "local", at: Date) {
  const hide = (s: string) => s.replace(/(\/manage\/)[A-Za-z0-9_-]{20,}/g, "$1…");
  return {
    messageId: m.messageId, accountId: m.accountId, activityId: m.activityId, eventId: m.eventId, kind: m.kind, audience: m.audience,
    transport, sender: `${m.from.name} <${m.from.address}>`, recipient: m.to.name ? `${m.to.name} <${m.to.address}>` : m.to.address,
    subject: m.subject, text: hide(m.text), html: hide(m.html),
    headers: { "Message-ID": m.messageId, ...m.headers },
    attachments: m.ics ? [{ filename: m.ics.filename, contentType: "text/calendar", size: Buffer.byteLength(m.ics.content), content: m.ics.content }] : [],
    at,
  };
}
