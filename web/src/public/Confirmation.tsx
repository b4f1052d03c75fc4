import { useEffect, useRef } from "react";
import type { Created, ManageView } from "../api/public";
import { CopyButton } from "../ui/CopyButton";
import { formatDateTime, formatRange, zoneName } from "../ui/format";
import { CustomerStatusBadge } from "./customer-words";

export interface BookingResult {
  kind: "booking" | "request" | "package";
  sessions: Created[];
  packageId?: string;
}

const TITLES: Record<BookingResult["kind"], string> = {
  booking: "You're booked",
  request: "Request sent",
  package: "Your sessions are booked",
};

export const meetingTitle = (v: ManageView) => `${v.bookingPage.name}${v.eventType ? ` – ${v.eventType.name}` : ""}${v.host ? ` with ${v.host}` : ""}`;

/**
 * The "add to calendar" file, made by the server from the booking as it is now (the same
 * generator as the hosts' calendars and feeds): for a package's session, every session at once.
 */
export const calendarFileUrl = (manageLink: string) => `/api/v1/public/manage/${encodeURIComponent(manageLink.slice(manageLink.lastIndexOf("/") + 1))}/calendar.ics`;

/** After booking: the IDs, the time in the customer's zone, add-to-calendar and the manage link(s). */
export function Confirmation({ result, zone }: { result: BookingResult; zone: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const first = result.sessions[0];
  // Opened again later (its own URL), the booking may have changed since: say so.
  const live = result.sessions.filter((s) => s.activity.status !== "Canceled");
  const timed = live.filter((s) => s.activity.start && s.activity.end);
  const v = first.activity;
  const title = live.length > 0 ? TITLES[result.kind] : result.kind === "request" ? "Your request was canceled" : "Your booking was canceled";
  return (
    <section className="confirm" aria-labelledby="confirm-title">
      {live.length > 0 && (
        <div className="confirm-mark" aria-hidden="true">
          ✓
        </div>
      )}
      <h1 id="confirm-title" ref={heading} tabIndex={-1}>
        {title}
      </h1>
      <p className="muted">
        {result.kind === "request"
          ? `${v.bookingPage.name}: the host confirms one of the times you proposed. Keep the link below to change or cancel your request.`
          : `${meetingTitle(v)}. Keep the link below to reschedule or cancel.`}
      </p>
      {result.packageId && (
        <p className="confirm-id">
          Package ID: <strong data-testid="package-id">{result.packageId}</strong>
          <CopyButton text={result.packageId} label={`Copy package ID ${result.packageId}`} />
        </p>
      )}
      <ul className="confirm-list">
        {result.sessions.map((s) => (
          <li key={s.activity.id} className="confirm-card">
            <dl className="facts">
              <div className="fact">
                <dt>Booking ID</dt>
                <dd className="confirm-booking-id">
                  <strong data-testid="booking-id">{s.activity.id}</strong>
                  <CopyButton text={s.activity.id} label={`Copy booking ID ${s.activity.id}`} />
                </dd>
              </div>
              <div className="fact">
                <dt>Status</dt>
                <dd>
                  <CustomerStatusBadge detailedStatus={s.activity.detailedStatus} />
                </dd>
              </div>
              <div className="fact">
                <dt>{s.activity.start ? "When" : "Proposed times"}</dt>
                <dd data-testid="booking-time">
                  {s.activity.start ? (
                    formatRange(s.activity.start, s.activity.end, zone)
                  ) : (
                    <ul className="plain-list">
                      {(s.activity.proposedTimes ?? []).map((t) => (
                        <li key={t}>{formatDateTime(t, zone)}</li>
                      ))}
                    </ul>
                  )}
                </dd>
              </div>
              <div className="fact">
                <dt>Time zone</dt>
                <dd>{zoneName(zone)}</dd>
              </div>
              {s.activity.bookingPage.location && (
                <div className="fact">
                  <dt>Where</dt>
                  <dd>{s.activity.bookingPage.location}</dd>
                </div>
              )}
              <div className="fact">
                <dt>Manage</dt>
                <dd className="manage-link">
                  <a href={s.manageLink} data-testid="manage-link">
                    {result.sessions.length > 1 ? `Manage session ${s.activity.id}` : "View, reschedule or cancel"}
                  </a>
                  <CopyButton text={s.manageLink} label={`Copy the manage link of ${s.activity.id}`} />
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
      {timed.length > 0 && (
        <a className="button button-primary" href={calendarFileUrl(timed[0].manageLink)} download={`${result.packageId ?? v.id}.ics`}>
          <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
            <path d="M7 3v3M17 3v3M4 9h16M5 5h14a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1ZM12 12v5M9.5 14.5h5" />
          </svg>
          Add to calendar (.ics)
        </a>
      )}
    </section>
  );
}
