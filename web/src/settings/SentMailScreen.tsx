import { useState } from "react";
import { errorMessage } from "../api/client";
import { useSentMail, type SentMailItem } from "../api/sent-mail";
import type { Me } from "../api/types";
import { formatDateTime } from "../ui/format";

/**
 * /settings/sent-mail (admins): every e-mail Bookstream sent — or, without SMTP_URL (the demo),
 * kept here instead of sending — newest first, each opened to its headers, text, HTML (in a
 * sandboxed frame: no scripts, no requests) and attachments.
 */
export function SentMailScreen({ me }: { me: Me }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const mail = useSentMail(cursor);
  const [open, setOpen] = useState<string | null>(null);
  if (me.user.role !== "admin") return <p className="muted">Only admins see the sent mail.</p>;
  return (
    <div className="page sent-mail-page">
      <h1 className="page-title">Sent mail</h1>
      <p className="muted">
        Every notification e-mail, newest first. Without <code>SMTP_URL</code> nothing leaves this server: the messages are kept here. Customers' manage links are
        shown with their secret part hidden.
      </p>
      <section className="settings-card">
        {mail.isPending && <p className="muted">Loading…</p>}
        {mail.isError && <p className="form-error" role="alert">Could not load the sent mail: {errorMessage(mail.error)}</p>}
        {mail.data?.items.length === 0 && <p className="muted">No e-mail yet.</p>}
        {mail.data && mail.data.items.length > 0 && (
          <ul className="sent-mail-list" style={{ listStyle: "none", padding: 0, margin: 0, display: "flex", flexDirection: "column", gap: 8 }}>
            {mail.data.items.map((m) => (
              <li key={m.id}>
                <button type="button" className="button button-ghost" aria-expanded={open === m.id} onClick={() => setOpen(open === m.id ? null : m.id)} style={{ textAlign: "left", width: "100%" }}>
                  <strong>{m.subject}</strong>
                  <span className="muted"> · to {m.to} · {formatDateTime(m.sentAt, me.user.timeZone)}{m.transport === "local" ? " · kept here" : ""}</span>
                </button>
                {open === m.id && <Message m={m} />}
              </li>
            ))}
          </ul>
        )}
        <div style={{ display: "flex", gap: 8 }}>
          {cursors.length > 1 && (
            <button type="button" className="button button-small" onClick={() => setCursors(cursors.slice(0, -1))}>
              Newer
            </button>
          )}
          {mail.data?.nextCursor && (
            <button type="button" className="button button-small" onClick={() => setCursors([...cursors, mail.data!.nextCursor])}>
              Older
            </button>
          )}
        </div>
      </section>
    </div>
  );
}

function Message({ m }: { m: SentMailItem }) {
  return (
    <div className="sent-mail-message" style={{ display: "flex", flexDirection: "column", gap: 8, marginTop: 8 }}>
      <dl style={{ display: "grid", gridTemplateColumns: "max-content 1fr", gap: "2px 12px", margin: 0 }}>
        <dt>From</dt>
        <dd>{m.from}</dd>
        <dt>To</dt>
        <dd>{m.to}</dd>
        {Object.entries(m.headers).map(([k, v]) => (
          <FragmentRow key={k} name={k} value={v} />
        ))}
        {m.activityId && (
          <>
            <dt>Activity</dt>
            <dd>
              <a href={`/activities?open=${encodeURIComponent(m.activityId)}`}>{m.activityId}</a>
            </dd>
          </>
        )}
      </dl>
      <iframe title={`HTML part of ${m.subject}`} sandbox="" srcDoc={m.html} style={{ width: "100%", minHeight: 260, border: "1px solid var(--line)", background: "#fff" }} />
      <details>
        <summary>Text part</summary>
        <pre style={{ whiteSpace: "pre-wrap" }}>{m.text}</pre>
      </details>
      {m.attachments.map((a) => (
        <details key={a.filename}>
          <summary>
            Attachment {a.filename} ({a.contentType}, {a.size} bytes)
          </summary>
          {a.content && <pre style={{ whiteSpace: "pre-wrap" }}>{a.content}</pre>}
        </details>
      ))}
    </div>
  );
}

function FragmentRow({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </>
  );
}
