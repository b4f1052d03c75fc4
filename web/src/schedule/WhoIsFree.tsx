import type { FindATimeAnswer, PageRef } from "../api/schedule";
import type { BookingPage, Me } from "../api/types";
import { formatRange, zoneName } from "../ui/format";
import { whenLabel } from "../public/time";

/** Someone to schedule with: a free member, or one outside their hours (booked knowingly, with override). */
export interface Candidate {
  userId: string;
  name: string;
  bookingPages: PageRef[];
}

const MARKS = { outside_hours: "Outside their hours", busy: "Busy: already booked then" } as const;
const OWN_MARKS = { outside_hours: "Outside your hours", busy: "Busy: you are already booked then" } as const;

/**
 * Find a time's answer: the members free then, best first, each with a button to schedule; then
 * the members who are not, marked outside their hours or busy. Outside their hours may still be
 * booked knowingly ("Schedule anyway", sent with override); busy may not (another booking). A
 * member sees only themselves (members book only themselves), so the words speak to them.
 */
export function WhoIsFree(props: {
  data: FindATimeAnswer;
  me: Me;
  pages: BookingPage[];
  customerReady: boolean;
  pending: string | null;
  chosenPage: Record<string, string>;
  onChosenPage: (userId: string, pageId: string) => void;
  onSchedule: (c: Candidate, override: boolean) => void;
}) {
  const { data, me, pages, customerReady, pending, chosenPage, onChosenPage, onSchedule } = props;
  const zone = me.user.timeZone;
  const self = me.user.role !== "admin";
  // Pages to book someone outside their hours on: the page asked about, else the pages they own.
  const pagesOf = (userId: string): PageRef[] =>
    data.bookingPage ? [data.bookingPage] : pages.filter((p) => p.ownerId === userId).map((p) => ({ id: p.id, name: p.name, slug: p.slug }));
  const pagePicker = (c: Candidate) =>
    c.bookingPages.length > 1 ? (
      <label className="member-page">
        <span className="sr-only">Booking page for {c.name}</span>
        <select className="input" value={chosenPage[c.userId] ?? c.bookingPages[0].id} onChange={(e) => onChosenPage(c.userId, e.target.value)}>
          {c.bookingPages.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
    ) : (
      <span className="member-page muted">{c.bookingPages[0]?.name ?? "Hosts no booking page"}</span>
    );

  return (
    <>
      <p className="muted">{formatRange(data.start, data.end, zone)}</p>
      {self && <p className="hint">Members schedule only themselves; an admin can book a colleague.</p>}
      {!customerReady && data.members.length > 0 && <p className="notice-warning hint">Choose or enter the customer above to schedule.</p>}
      {data.members.length === 0 && data.unavailable.length === 0 && self ? (
        <p className="muted">{data.bookingPage ? `You do not host ${data.bookingPage.name}: pick a page you host, or any page.` : "You have no hours to book then."}</p>
      ) : (
        data.members.length === 0 && <p className="muted">{self ? "You are not free then." : "Nobody is free then."} Try another time.</p>
      )}
      {data.members.length > 0 && (
        <ol className="members" aria-label={self ? "You, free then" : "Team members free then, best first"}>
          {data.members.map((m, i) => (
            <li key={m.userId} className="member">
              <span className="member-rank" aria-hidden="true">
                {i + 1}
              </span>
              <div className="member-info">
                <strong>{m.name}</strong>
                <span className="muted">
                  {m.bookingsThatDay === 0 ? "No bookings" : `${m.bookingsThatDay} booking${m.bookingsThatDay === 1 ? "" : "s"}`} that day · their time:{" "}
                  {whenLabel(data.start, m.timeZone)} ({zoneName(m.timeZone)})
                </span>
              </div>
              {pagePicker(m)}
              <button type="button" className="button button-primary" disabled={!customerReady || pending !== null || m.bookingPages.length === 0} onClick={() => onSchedule(m, false)}>
                {pending === m.userId ? "Scheduling…" : `Schedule with ${m.name}`}
              </button>
            </li>
          ))}
        </ol>
      )}
      {data.unavailable.length > 0 && (
        <div className="not-free">
          <h3 className="not-free-title">Not free then</h3>
          <ul className="members" aria-label="Not free then">
            {data.unavailable.map((u) => {
              const c: Candidate = { userId: u.userId, name: u.name, bookingPages: pagesOf(u.userId) };
              const mark = (u.userId === me.user.id ? OWN_MARKS : MARKS)[u.reason];
              return (
                <li key={u.userId} className={`member member-unavailable member-${u.reason}`} data-reason={u.reason}>
                  <span className="member-rank" aria-hidden="true">
                    {u.reason === "outside_hours" ? "☾" : "✕"}
                  </span>
                  <div className="member-info">
                    <strong>{u.name}</strong>
                    <span className="member-mark">{mark}</span>
                  </div>
                  {u.reason === "outside_hours" ? pagePicker(c) : <span />}
                  {u.reason === "outside_hours" && (
                    <button
                      type="button"
                      className="button button-warning"
                      disabled={!customerReady || pending !== null || c.bookingPages.length === 0}
                      title={c.bookingPages.length === 0 ? "Choose a booking page above to schedule them anyway" : undefined}
                      onClick={() => onSchedule(c, true)}
                    >
                      {pending === u.userId ? "Scheduling…" : `Schedule anyway with ${u.name}`}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </>
  );
}
