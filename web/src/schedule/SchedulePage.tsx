import { useQueryClient } from "@tanstack/react-query";
import { DateTime } from "luxon";
import { useCallback, useState, type FormEvent } from "react";
import { DateTimeField } from "../actions/DateTimeField";
import { ApiError, errorMessage } from "../api/client";
import { useBookingPages } from "../api/queries";
import { scheduleOnBehalf, useFindATime, type FindATimeQuery } from "../api/schedule";
import type { ActivityDetails, Me } from "../api/types";
import { Link, setSearch, useLocation } from "../app/router";
import { CopyButton } from "../ui/CopyButton";
import { formatRange, zoneName } from "../ui/format";
import { refusalWords, timeRefusal } from "../actions/host-time";
import { CustomerPicker, isNewCustomerValid, type CustomerChoice } from "./CustomerPicker";
import { SalesforceCustomer } from "./SalesforceCustomer";
import { WhoIsFree, type Candidate } from "./WhoIsFree";

const nextHour = (zone: string) => DateTime.now().setZone(zone).plus({ hours: 1 }).startOf("hour").toUTC().toISO()!;

/**
 * "Schedule on behalf" (/schedule): on a call, the user enters the time the customer asks for and
 * gets the team members free then, best first; picking one books it for the customer, with no
 * booking form. /schedule?customer=<id> arrives with the customer chosen; /schedule?sf=<recordId>
 * (Salesforce's "Schedule" button) with the customer of that Contact, Lead or Case, and the booking's
 * Salesforce Event is related to that record.
 */
export function SchedulePage({ me }: { me: Me }) {
  const zone = me.user.timeZone;
  const { search } = useLocation();
  const customerId = search.get("customer");
  const sfRecordId = search.get("sf");
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

  const schedule = async (m: Candidate, override: boolean) => {
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
        ...(override ? { override: true } : {}),
        ...(sfRecordId ? { salesforceRecordId: sfRecordId } : {}),
        ...who,
      });
      setDone(r);
      setQuery(null);
      void qc.invalidateQueries({ queryKey: ["find-a-time"] });
      window.scrollTo({ top: 0 });
    } catch (err) {
      const refusal = timeRefusal(err);
      setError(
        refusal?.kind === "taken"
          ? `${m.name} was just booked at that time. Pick someone else or another time.`
          : refusal
            ? refusalWords(refusal, m.name)
            : errorMessage(err),
      );
      if (err instanceof ApiError && err.status === 409) void found.refetch();
    } finally {
      setPending(null);
    }
  };

  return (
    <div className="page schedule-page">
      <h1 className="page-title">Schedule on behalf of a customer</h1>
      <p className="muted">
        {me.user.role === "admin"
          ? "Enter the time the customer asks for, pick a team member who is free, and the booking is made — no booking form."
          : "Enter the time the customer asks for, see whether you are free then, and the booking is made with you — no booking form."}
      </p>
      {done && <Scheduled result={done} zone={zone} onAgain={() => setDone(null)} />}

      <section className="schedule-step" aria-labelledby="step-customer">
        <h2 id="step-customer">
          <span className="step-no" aria-hidden="true">1</span> Customer
        </h2>
        {sfRecordId ? (
          <SalesforceCustomer recordId={sfRecordId} onChange={setCustomer} defaultZone={zone} />
        ) : (
          <CustomerPicker customerId={customerId} onCustomerId={onCustomerId} onChange={setCustomer} defaultZone={zone} />
        )}
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
            <span className="step-no" aria-hidden="true">3</span> {me.user.role === "admin" ? "Who is free" : "Are you free?"}
          </h2>
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
          {found.data && (
            <WhoIsFree
              data={found.data}
              me={me}
              pages={pages.data ?? []}
              customerReady={customerReady}
              pending={pending}
              chosenPage={chosenPage}
              onChosenPage={(userId, id) => setChosenPage((c) => ({ ...c, [userId]: id }))}
              onSchedule={schedule}
            />
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
