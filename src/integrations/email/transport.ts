import nodemailer from "nodemailer";
import type { OutgoingMessage } from "../../app/notifications/compose.js";

/**
 * Where e-mail goes: an SMTP server (SMTP_URL; nodemailer, STARTTLS when the server offers it,
 * implicit TLS with smtps://), or — without SMTP_URL, as in the demo — nowhere outside: the
 * message is only kept in the "Sent mail" store, which the consumer writes in both cases.
 */
export interface MailTransport {
  kind: "smtp" | "local";
  send(m: OutgoingMessage): Promise<void>;
  close(): void;
}

export function smtpTransport(url: string, opts: { timeoutMs?: number } = {}): MailTransport {
  const timeout = opts.timeoutMs ?? 30_000;
  const t = nodemailer.createTransport(url, { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    kind: "smtp",
    async send(m) {
      await t.sendMail({
        messageId: m.messageId,
        from: { name: m.from.name, address: m.from.address },
        to: { name: m.to.name, address: m.to.address },
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: m.headers,
        // One connection per message: a failed or dropped session leaves nothing half-sent behind.
        attachments: m.ics
          ? [{ filename: m.ics.filename, content: m.ics.content, contentType: `text/calendar; charset=utf-8; method=${m.ics.method}` }]
          : [],
      });
    },
    close: () => t.close(),
  };
}

export function localTransport(): MailTransport {
  return { kind: "local", send: async () => undefined, close: () => undefined };
}
