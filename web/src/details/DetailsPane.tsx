import { useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { useActivity } from "../api/queries";
import type { ActivityDetails, Me } from "../api/types";
import { ActionMenu } from "../actions/ActionMenu";
import { CopyButton } from "../ui/CopyButton";
import { formatDateTime, formatRange, zoneName } from "../ui/format";
import { Fact, Section } from "../ui/Section";
import { StatusBadge, TypeIcon } from "../ui/Status";
import { sessionsText } from "../stream/StreamRow";
import { History } from "./History";
import { PaymentFacts } from "./PaymentFacts";
import { Deliveries } from "./Deliveries";
import { Related } from "./Related";
import { SalesforceEvent } from "./SalesforceEvent";

const TYPE_NAMES: Record<string, string> = { booking: "Booking", package: "Session package", transaction: "Transaction" };

/** Everything about one activity, its actions, related activities and history. */
export function DetailsPane(props: { id: string; me: Me; onClose: () => void; onOpen: (id: string) => void; onCustomer: (id: string, name: string) => void }) {
  const { id, me, onClose, onOpen, onCustomer } = props;
  const q = useActivity(id);
  const [notice, setNotice] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => setNotice(null), [id]);
  const a = q.data;
  const zone = me.user.timeZone;

  return (
    <aside className="details-pane" aria-label="Activity details" aria-busy={q.isFetching}>
      <div className="details-top">
        <button type="button" className="button button-ghost details-back" onClick={onClose}>
          <span aria-hidden="true">←</span> Back<span className="sr-only"> to the list</span>
        </button>
        <button type="button" className="icon-button details-close" aria-label="Close details" onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      {q.isPending && <p className="details-loading">Loading {id}…</p>}
      {q.isError && (
        <div className="notice notice-error" role="alert">
          <p>{q.error instanceof ApiError && q.error.status === 404 ? `${id} was not found, or you may not see it.` : q.error.message}</p>
        </div>
      )}
      {a && (
        <div className="details-scroll" key={a.id}>
          <header className="details-header">
            <TypeIcon type={a.type} />
            <div>
              <h2 ref={heading} tabIndex={-1}>
                {a.customer.name ?? TYPE_NAMES[a.type] ?? a.type}
              </h2>
              <p className="muted">
                {TYPE_NAMES[a.type] ?? a.type} · {a.id}
              </p>
            </div>
          </header>
          <div className="details-status">
            <StatusBadge status={a.status} />
            <span>
              <span className="sr-only">Detailed status: </span>
              {a.detailedStatus}
            </span>
          </div>
          <ActionMenu activity={a} me={me} onConflict={setNotice} onOpen={onOpen} onGone={onClose} />
          {notice && (
            <div className="notice notice-warning" role="alert">
              <p>{notice}</p>
              <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
                <span aria-hidden="true">×</span>
              </button>
            </div>
          )}
          {a.type === "transaction" ? <PaymentFacts a={a} onOpen={onOpen} /> : <Meeting a={a} zone={zone} />}
          <Section title={a.type === "transaction" ? "Customer (payer)" : "Customer"}>
            <dl className="facts">
              <Fact label="Name" value={a.customer.name} />
              <Fact label="Email" value={a.customer.email && <a href={`mailto:${a.customer.email}`}>{a.customer.email}</a>} />
              <Fact label="Phone" value={a.customer.phone && <a href={`tel:${a.customer.phone.replace(/[^+\d]/g, "")}`}>{a.customer.phone}</a>} />
              <Fact label="Time zone" value={a.customer.timeZone && zoneName(a.customer.timeZone)} />
            </dl>
            {a.customer.id && (
              <button type="button" className="button button-small" onClick={() => onCustomer(a.customer.id!, a.customer.name ?? a.customer.email ?? "")}>
                All activities of this customer
              </button>
            )}
            {Object.keys(a.answers).length > 0 && (
              <>
                <h4>Answers</h4>
                <dl className="facts facts-stacked">
                  {Object.entries(a.answers).map(([k, v]) => (
                    <Fact key={k} label={k} value={v} />
                  ))}
                </dl>
              </>
            )}
          </Section>
          <Section title="Booking">
            <dl className="facts">
              <Fact label="Booking page" value={a.bookingPage?.name} />
              <Fact label="Event type" value={a.eventType?.name} />
              <Fact label="Owner" value={a.owner?.name} />
              <Fact label="Location" value={a.location} />
            </dl>
          </Section>
          {(a.reason || a.rescheduleRequest) && (
            <Section title="Reasons given">
              <dl className="facts facts-stacked">
                <Fact label="Reason (shown to the customer)" value={a.reason} />
                {a.rescheduleRequest && (
                  <Fact
                    label="Reschedule requested"
                    value={`${a.rescheduleRequest.eventType === "same" ? "Same event type" : "Any event type"}: ${a.rescheduleRequest.reason}`}
                  />
                )}
              </dl>
            </Section>
          )}
          <Related a={a} zone={zone} onOpen={onOpen} />
          <History entries={a.history} zone={zone} />
          {a.type === "booking" && <SalesforceEvent activityId={a.id} zone={zone} />}
          <Deliveries activityId={a.id} />
          <footer className="details-footer">
            <div className="details-id">
              <span>
                Activity ID: <strong>{a.id}</strong>
              </span>
              <CopyButton text={a.id} label={`Copy activity ID ${a.id}`} />
            </div>
            <p>
              Created {formatDateTime(a.createdAt, zone)}
              <br />
              Updated {formatDateTime(a.updatedAt, zone)}
            </p>
          </footer>
        </div>
      )}
    </aside>
  );
}

function Meeting({ a, zone }: { a: ActivityDetails; zone: string }) {
  const customerZone = a.customer.timeZone;
  const other = customerZone && customerZone !== zone ? customerZone : null;
  return (
    <Section title="Meeting">
      {a.start ? (
        <dl className="facts facts-stacked">
          <Fact label={`Your time (${zoneName(zone)})`} value={formatRange(a.start, a.end, zone)} />
          {other && <Fact label={`Customer's time (${zoneName(other)})`} value={formatRange(a.start, a.end, other)} />}
        </dl>
      ) : a.sessions ? (
        <p data-testid="package-sessions">{sessionsText(a.sessions, zone)}</p>
      ) : (
        <p className="muted">No meeting time{a.proposedTimes?.length ? " yet" : ""}.</p>
      )}
      {a.proposedTimes && a.proposedTimes.length > 0 && (
        <>
          <h4>Proposed times</h4>
          <ul className="plain-list">
            {a.proposedTimes.map((t) => (
              <li key={t}>
                {formatDateTime(t, zone)}
                {other && <span className="muted"> · customer: {formatDateTime(t, other)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
}
