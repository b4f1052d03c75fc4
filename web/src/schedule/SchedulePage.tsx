import { useQueryClient } from "@tanstack/react-query";
import { DateTime } from "luxon";
import { useCallback, useState, type FormEvent } from "react";
import { DateTimeField } from "../actions/DateTimeField";
import { ApiError, errorMessage } from "../api/client";
import { useBookingPages } from "../api/queries";
import { scheduleOnBehalf, useFindATime, type FindATimeQuery, type FreeMember } from "../api/schedule";
import type { ActivityDetails, Me } from "../api/types";
import { Link, setSearch, useLocation } from "../app/router";
import { CopyButton } from "../ui/CopyButton";
import { formatRange, zoneName } from "../ui/format";
import { whenLabel } from "../public/time";
import { CustomerPicker, isNewCustomerValid, type CustomerChoice } from "./CustomerPicker";

const nextHour = (zone: string) => DateTime.now().setZone(zone).plus({ hours: 1 }).startOf("hour").toUTC().toISO()!;

const REASONS = { outside_hours: "outside their hours", busy: "busy then" } as const;

/**
 * "Schedule on behalf" (/schedule): on a call, the user enters the time the customer asks for and
 * gets the team members free then, best first; picking one books it for the customer, with no
 * booking form. /schedule?customer=<id> arrives with the customer chosen.
 */
export function SchedulePage({ me }: { me: Me }) {
  const zone = me.user.timeZone;
  const { search } = useLocation();
  const customerId = search.get("customer");
  const pages = useBookingPages();
  const [customer, setCustomer] = useState<CustomerChoice>(null);
  const [start, setStart] = useState(() => nextHour(zone));
  const [pageId, setPageId] = useState("");
  const [eventTypeId, setEventTypeId] = useState("");
  const [query, setQuery] = useState<FindATimeQuery | null>(null);
  const found = useFindATime(query);
  const [chosenPage, setChosenPage] = useState<Record<string, string>>({});
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ activity: ActivityDetails; manageLink: string } | null>(null);
  const qc = useQueryClient();

  const onCustomerId = useCallback(
    (id: string | null) => {
      const next = new URLSearchParams(window.location.search);
      if (id) next.set("customer", id);
      else next.delete("customer");
      setSearch(next, { replace: true });
    },
    [],
  );
  const page = pages.data?.find((p) => p.id === pageId);
  const customerReady = customer !== null && (customer.kind === "existing" || isNewCustomerValid(customer.customer));

  const find = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    setQuery({ start, ...(pageId ? { bookingPageId: pageId } : {}), ...(eventTypeId ? { eventTypeId } : {}) });
  };

  const schedule = async (m: FreeMember) => {
    if (!found.data || !customer) return;
    const bookingPageId = chosenPage[m.userId] ?? m.bookingPages[0]?.id;
    if (!bookingPageId) return;
    setPending(m.userId);
    setError(null);
    try {
      const c = customer.customer;
      const who =
        customer.kind === "existing"
          ? { customerId: customer.customer.id }
          : { customer: { name: c.name.trim(), email: c.email.trim(), ...(customer.customer.phone.trim() ? { phone: customer.customer.phone.trim() } : {}), timeZone: customer.customer.timeZone } };
      const r = await scheduleOnBehalf({
        bookingPageId,
        start: found.data.start,
        ownerId: m.userId,
        ...(query?.eventTypeId ? { eventTypeId: query.eventTypeId } : {}),
        ...who,
      });
      setDone(r);
      setQuery(null);
      void qc.invalidateQueries({ queryKey: ["find-a-time"] });
      window.scrollTo({ top: 0 });
    } catch (err) {
      setError(err instanceof ApiError && err.code === "slot_unavailable" ? `${m.name} was just booked at that time. Pick someone else or another time.` : errorMessage(err));
      if (err instanceof ApiError && err.status === 409) void found.refetch();
    } finally {
      setPending(null);
    }
  };

  return (
    <div className="page schedule-page">
      <h1 className="page-title">Schedule on behalf of a customer</h1>
      <p className="muted">Enter the time the customer asks for, pick a team member who is free, and the booking is made — no booking form.</p>
      {done && <Scheduled result={done} zone={zone} onAgain={() => setDone(null)} />}

      <section className="schedule-step" aria-labelledby="step-customer">
        <h2 id="step-customer">
          <span className="step-no" aria-hidden="true">1</span> Customer
        </h2>
        <CustomerPicker customerId={customerId} onCustomerId={onCustomerId} onChange={setCustomer} defaultZone={zone} />
      </section>

      <section className="schedule-step" aria-labelledby="step-time">
        <h2 id="step-time">
          <span className="step-no" aria-hidden="true">2</span> Time
        </h2>
        <form className="find-form" onSubmit={find} aria-label="Find a time">
          <DateTimeField label="Date and time" value={start} onChange={setStart} zone={zone} otherZone={customer?.customer.timeZone ?? null} required />
          <label className="field">
            <span>
              Booking page <span className="muted">(optional)</span>
            </span>
            <select className="input" value={pageId} onChange={(e) => (setPageId(e.target.value), setEventTypeId(""))}>
              <option value="">Any page</option>
              {pages.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>
              Event type <span className="muted">(optional)</span>
            </span>
            <select className="input" value={eventTypeId} onChange={(e) => setEventTypeId(e.target.value)} disabled={!page || page.eventTypes.length === 0}>
              <option value="">{page ? `Page default (${page.durationMinutes} min)` : "Choose a page first"}</option>
              {page?.eventTypes.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.durationMinutes} min)
                </option>
              ))}
            </select>
          </label>
          <div className="find-actions">
            <button type="submit" className="button button-primary" disabled={!start || found.isFetching}>
              {found.isFetching ? "Finding…" : "Find a time"}
            </button>
          </div>
        </form>
      </section>

      {query && (
        <section className="schedule-step" aria-labelledby="step-who" aria-busy={found.isFetching || undefined}>
          <h2 id="step-who">
            <span className="step-no" aria-hidden="true">3</span> Who is free
          </h2>
          {found.data && <p className="muted">{formatRange(found.data.start, found.data.end, zone)}</p>}
          {found.isError && (
            <p className="form-error" role="alert">
              {errorMessage(found.error)}
            </p>
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          {!customerReady && found.data && found.data.members.length > 0 && <p className="notice-warning hint">Choose or enter the customer above to schedule.</p>}
          {found.data && found.data.members.length === 0 && <p className="muted">Nobody is free then. Try another time.</p>}
          {found.data && found.data.members.length > 0 && (
            <ol className="members" aria-label="Team members free then, best first">
              {found.data.members.map((m, i) => (
                <li key={m.userId} className="member">
                  <span className="member-rank" aria-hidden="true">
                    {i + 1}
                  </span>
                  <div className="member-info">
                    <strong>{m.name}</strong>
                    <span className="muted">
                      {m.bookingsThatDay === 0 ? "No bookings" : `${m.bookingsThatDay} booking${m.bookingsThatDay === 1 ? "" : "s"}`} that day · their time:{" "}
                      {whenLabel(found.data!.start, m.timeZone)} ({zoneName(m.timeZone)})
                    </span>
                  </div>
                  {m.bookingPages.length > 1 ? (
                    <label className="member-page">
                      <span className="sr-only">Booking page for {m.name}</span>
                      <select className="input" value={chosenPage[m.userId] ?? m.bookingPages[0].id} onChange={(e) => setChosenPage((c) => ({ ...c, [m.userId]: e.target.value }))}>
                        {m.bookingPages.map((p) => (
                          <option key={p.id} value={p.id}>
                            {p.name}
                          </option>
                        ))}
                      </select>
                    </label>
                  ) : (
                    <span className="member-page muted">{m.bookingPages[0]?.name ?? "Hosts no booking page"}</span>
                  )}
                  <button
                    type="button"
                    className="button button-primary"
                    disabled={!customerReady || pending !== null || m.bookingPages.length === 0}
                    onClick={() => schedule(m)}
                  >
                    {pending === m.userId ? "Scheduling…" : `Schedule with ${m.name}`}
                  </button>
                </li>
              ))}
            </ol>
          )}
          {found.data && found.data.unavailable.length > 0 && (
            <p className="hint">Not free: {found.data.unavailable.map((u) => `${u.name} (${REASONS[u.reason]})`).join(", ")}.</p>
          )}
        </section>
      )}
    </div>
  );
}

function Scheduled({ result, zone, onAgain }: { result: { activity: ActivityDetails; manageLink: string }; zone: string; onAgain: () => void }) {
  const a = result.activity;
  return (
    <div className="scheduled" role="status">
      <h2>Scheduled {a.id}</h2>
      <p>
        {a.customer.name} with {a.owner?.name ?? "the host"} · {a.start ? formatRange(a.start, a.end, zone) : ""} ({zoneName(zone)}) · {a.bookingPage?.name}
      </p>
      <div className="scheduled-actions">
        <Link className="button" to={`/activities?q=${a.id}&open=${a.id}`}>
          Open in the Activity stream
        </Link>
        <CopyButton text={result.manageLink} label="Copy the customer's manage link" className="button" showLabel />
        <button type="button" className="button button-ghost" onClick={onAgain}>
          Schedule another
        </button>
      </div>
    </div>
  );
}
