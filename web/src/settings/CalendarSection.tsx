import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { useCalendarConnection, useCalendarFeed, useCalendarMutations } from "../api/calendar";
import { CopyButton } from "../ui/CopyButton";
import { formatDateTime } from "../ui/format";

/**
 * Your calendar, in your profile: connect a CalDAV calendar (bookings you host are written into
 * it, its busy times keep customers off those times), read its busy times now, disconnect; and a
 * private feed URL for calendar apps that only subscribe. The app password is never shown again.
 */
export function CalendarSection({ zone }: { zone: string }) {
  const conn = useCalendarConnection();
  const m = useCalendarMutations();
  const [note, setNote] = useState<string | null>(null);
  const id = useId();
  const c = conn.data;
  return (
    <section className="settings-card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Your calendar</h3>
      <p className="muted">
        Connect a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale …) with an app password: meetings you host are added to it, and its busy
        times are not offered to customers.
      </p>
      {conn.isPending && <p className="muted">Loading…</p>}
      {conn.isError && <p className="form-error" role="alert">Could not load your calendar connection: {errorMessage(conn.error)}</p>}
      {c?.connected && (
        <div>
          <dl className="facts">
            <div className="fact"><dt>Calendar</dt><dd>{c.calendarName ?? c.calendarUrl}</dd></div>
            <div className="fact"><dt>Server</dt><dd>{c.serverUrl} as {c.username}</dd></div>
            <div className="fact">
              <dt>Busy times</dt>
              <dd>
                {c.busyFetchedAt ? `${c.busyTimes ?? 0} read ${formatDateTime(c.busyFetchedAt, zone)}` : "not read yet"}
                {c.busyError && <span className="form-error"> — last read failed: {c.busyError}</span>}
              </dd>
            </div>
          </dl>
          <p role="status" aria-live="polite">{note}</p>
          <div className="button-row">
            <button type="button" className="button" disabled={m.refresh.isPending} onClick={() => m.refresh.mutate(undefined, { onSuccess: (r) => setNote(r.message), onError: (e) => setNote(errorMessage(e)) })}>
              Test and read busy times now
            </button>
            <button type="button" className="button button-danger" disabled={m.disconnect.isPending} onClick={() => m.disconnect.mutate(undefined, { onSuccess: () => setNote(null) })}>
              Disconnect calendar
            </button>
          </div>
        </div>
      )}
      {c && !c.connected && <ConnectForm />}
      <FeedPart />
    </section>
  );
}

function ConnectForm() {
  const m = useCalendarMutations();
  const id = useId();
  const [serverUrl, setServerUrl] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [calendarUrl, setCalendarUrl] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.connect.mutate({ serverUrl: serverUrl.trim(), username: username.trim(), password, calendarUrl: calendarUrl.trim() || null }, { onSuccess: () => setPassword("") });
  };
  return (
    <form onSubmit={submit} aria-labelledby={`${id}-legend`}>
      <p id={`${id}-legend`} className="sr-only">Connect a CalDAV calendar</p>
      <label htmlFor={`${id}-server`}>CalDAV server URL</label>
      <input id={`${id}-server`} type="url" required value={serverUrl} onChange={(e) => setServerUrl(e.target.value)} placeholder="https://cloud.example.com/remote.php/dav" />
      <label htmlFor={`${id}-user`}>Username</label>
      <input id={`${id}-user`} required autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
      <label htmlFor={`${id}-pw`}>App password</label>
      <input id={`${id}-pw`} type="password" required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={`${id}-pw-hint`} />
      <p id={`${id}-pw-hint`} className="muted">Stored encrypted; never shown again.</p>
      <label htmlFor={`${id}-cal`}>Calendar URL (optional)</label>
      <input id={`${id}-cal`} type="url" value={calendarUrl} onChange={(e) => setCalendarUrl(e.target.value)} aria-describedby={`${id}-cal-hint`} />
      <p id={`${id}-cal-hint`} className="muted">Leave empty to use your first calendar that takes events.</p>
      {m.connect.isError && <p className="form-error" role="alert">{errorMessage(m.connect.error)}</p>}
      <button type="submit" className="button button-primary" disabled={m.connect.isPending}>
        {m.connect.isPending ? "Connecting…" : "Connect calendar"}
      </button>
    </form>
  );
}

function FeedPart() {
  const feed = useCalendarFeed();
  const m = useCalendarMutations();
  const [url, setUrl] = useState<string | null>(null);
  const id = useId();
  return (
    <div aria-labelledby={`${id}-feed`} role="group">
      <h4 id={`${id}-feed`}>Private calendar feed</h4>
      <p className="muted">A secret address any calendar app can subscribe to (read-only). Making a new one stops the old one.</p>
      {url && (
        <p>
          <code>{url}</code> <CopyButton text={url} label="Copy the feed URL" />
          <br />
          <span className="muted">Copy it now: it is not shown again.</span>
        </p>
      )}
      <div className="button-row">
        <button type="button" className="button" disabled={m.makeFeed.isPending} onClick={() => m.makeFeed.mutate(undefined, { onSuccess: (r) => setUrl(r.url) })}>
          {feed.data?.active ? "Make a new feed URL" : "Make a feed URL"}
        </button>
        {feed.data?.active && (
          <button type="button" className="button button-danger" onClick={() => m.revokeFeed.mutate(undefined, { onSuccess: () => setUrl(null) })}>
            Turn off the feed
          </button>
        )}
      </div>
    </div>
  );
}
