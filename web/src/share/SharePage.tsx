import { useBookingPages } from "../api/queries";
import { Link } from "../app/router";
import { CopyButton } from "../ui/CopyButton";

/** The booking pages the user may see, each with its public link to copy or open. */
export function SharePage() {
  const pages = useBookingPages();
  return (
    <div className="page">
      <h1 className="page-title">Share booking page links</h1>
      <p className="muted">
        Send a link to a customer, or put it on your website. Customers book or request a time there.{" "}
        <Link to="/settings/booking-pages">Make or change booking pages in Settings</Link>.
      </p>
      {pages.isPending && <p>Loading…</p>}
      {pages.isError && (
        <p className="form-error" role="alert">
          {pages.error.message}
        </p>
      )}
      {pages.data?.length === 0 && <p>You have no booking pages yet.</p>}
      <ul className="share-list">
        {pages.data?.map((p) => (
          <li key={p.id} className="share-card">
            <div className="share-info">
              <h2>{p.name}</h2>
              <p className="muted">
                {p.mode === "approval" ? "Requests need approval" : "Books instantly"} · {p.durationMinutes} min
                {p.eventTypes.length > 0 && ` · ${p.eventTypes.map((e) => e.name).join(", ")}`}
              </p>
              <code className="share-url">{p.publicUrl}</code>
            </div>
            <div className="share-actions">
              <CopyButton text={p.publicUrl} label={`Copy the link to ${p.name}`} className="button" />
              <a className="button button-ghost" href={p.publicUrl} target="_blank" rel="noreferrer">
                Open<span className="sr-only"> {p.name} in a new tab</span>
              </a>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
