import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { cancelBooking, rescheduleBooking, resubmitTimes, usePublicPage, useSchedulingInfo, type ManageView, type Slot } from "../api/public";
import { newKey, rememberCheckout, startRescheduleCheckout } from "../api/checkout";
import { formatDateTime, formatRange } from "../ui/format";
import { formatDecimalMoney } from "../ui/money";
import { SelectionBar } from "./BookOptions";
import { customerProblem } from "./customer-words";
import { SlotPicker } from "./SlotPicker";
import { TimeZonePicker } from "./TimeZonePicker";

/** The customer's changes behind a manage link, each inline under the booking (no modal on a phone). */

interface PanelProps {
  view: ManageView;
  token: string;
  onClose: () => void;
}

/**
 * The server's answer as a sentence the customer can act on. The policy's 422 is shown as the
 * server wrote it, with its deadline (details.deadline) put in the customer's zone.
 */
export function problem(err: unknown, picked: Slot[], zone: string): string {
  if (err instanceof ApiError && err.code === "slot_unavailable") {
    return `Sorry, ${picked.length === 1 ? formatDateTime(picked[0].startUtc, zone) : "one of those times"} was just taken. Please choose another time.`;
  }
  const said = customerProblem(err);
  const deadline = err instanceof ApiError ? err.details.deadline : undefined;
  if (typeof deadline === "string" && !Number.isNaN(Date.parse(deadline))) return said.split(deadline).join(formatDateTime(deadline, zone));
  return said;
}

export function CancelPanel({ view, token, zone, onClose, onDone }: PanelProps & { zone: string; onDone: (v: ManageView) => void }) {
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isRequest = view.status === "Requested";
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      onDone(await cancelBooking(token, reason.trim() || undefined));
    } catch (err) {
      setError(problem(err, [], zone));
    } finally {
      setPending(false);
    }
  };
  return (
    <form className="form manage-panel" onSubmit={submit} aria-labelledby="cancel-title">
      <h2 id="cancel-title">Cancel {isRequest ? "your request" : "your booking"}</h2>
      <label className="field">
        <span>
          Reason <span className="muted">(optional, shared with the host)</span>
        </span>
        <textarea className="input" rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="panel-actions">
        <button type="button" className="button" onClick={onClose}>
          Keep {isRequest ? "request" : "booking"}
        </button>
        <button type="submit" className="button button-danger" disabled={pending}>
          {pending ? "Canceling…" : `Cancel ${isRequest ? "request" : "booking"}`}
        </button>
      </div>
    </form>
  );
}

interface TimePanelProps extends PanelProps {
  zone: string;
  detected: string;
  onZone: (z: string) => void;
  /** Same link (a same-page reschedule) → the new view; a new booking → its manage link. */
  onDone: (r: { view: ManageView; manageLink: string | null }) => void;
}

/**
 * Reschedule: a new time on the same page, or on another page the account offers. Answering the
 * host's request keeps the event type unless they allowed any; on an approval page the customer
 * proposes times instead.
 */
export function ReschedulePanel({ view, token, zone, detected, onZone, onClose, onDone }: TimePanelProps) {
  const answering = view.status === "Canceled";
  const anyType = answering && view.rescheduleRequest?.eventType === "any";
  const pages = !answering || anyType ? [{ name: view.bookingPage.name, slug: view.bookingPage.slug }, ...view.otherPages] : [];
  const [slug, setSlug] = useState(view.bookingPage.slug);
  const samePage = slug === view.bookingPage.slug;
  const target = usePublicPage(slug);
  const info = useSchedulingInfo(slug);
  const typeChoices = samePage ? (anyType ? view.eventTypes : []) : (target.data?.eventTypes ?? []);
  const [chosenType, setChosenType] = useState<string>();
  const eventTypeId = typeChoices.length ? (typeChoices.find((t) => t.id === chosenType) ?? (samePage ? typeChoices.find((t) => t.id === view.eventType?.id) : undefined) ?? typeChoices[0]).id : view.eventType?.id;
  const proposals = samePage ? view.bookingPage.mode === "approval" : target.data?.mode === "approval";
  const need = proposals ? (info.data?.proposalsRequired ?? 1) : 1;
  const [picked, setPicked] = useState<Slot[]>([]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (s: Slot) => {
    setError(null);
    if (need === 1) return setPicked([s]);
    setPicked((cur) => (cur.some((c) => c.startUtc === s.startUtc) ? cur.filter((c) => c.startUtc !== s.startUtc) : cur.length < need ? [...cur, s] : cur));
  };
  // A fee to move the booking on its own page is paid at PayPal first (the new time is held meanwhile).
  const prices = samePage ? target.data?.prices : null;
  const fee = prices?.rescheduleFee && !proposals ? formatDecimalMoney(prices.rescheduleFee, prices.currency) : null;
  const [checkoutKey, setCheckoutKey] = useState(newKey);
  const payFee = async () => {
    const started = await startRescheduleCheckout(token, { start: picked[0].startUtc, ...(eventTypeId && (typeChoices.length > 0 || answering) ? { eventTypeId } : {}) }, checkoutKey);
    rememberCheckout(started.checkoutId, { manageToken: token });
    window.location.assign(started.approveUrl);
  };
  const submit = async () => {
    setPending(true);
    setError(null);
    try {
      if (fee) return await payFee();
      const r = await rescheduleBooking(token, {
        ...(proposals ? { proposedTimes: picked.map((s) => s.startUtc) } : { start: picked[0].startUtc }),
        ...(samePage ? {} : { pageSlug: slug }),
        ...(eventTypeId && (typeChoices.length > 0 || answering) ? { eventTypeId } : {}),
      });
      onDone({ view: r.activity, manageLink: r.manageLink });
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 0)) setCheckoutKey(newKey());
      // The page started charging for reschedules after this screen loaded: pay it at PayPal.
      if (err instanceof ApiError && err.details.reason === "payment_required" && samePage && !proposals) {
        try {
          return await payFee();
        } catch (again) {
          err = again;
        }
      }
      setError(problem(err, picked, zone));
      if (err instanceof ApiError && err.code === "slot_unavailable") setPicked([]);
    } finally {
      setPending(false);
    }
  };
  return (
    <section className="manage-panel" aria-labelledby="reschedule-title">
      <div className="panel-head">
        <h2 id="reschedule-title">{answering ? "Book your new time" : "Reschedule"}</h2>
        {!answering && (
          <button type="button" className="button button-ghost" onClick={onClose}>
            Keep the current time
          </button>
        )}
      </div>
      <div className="manage-options">
        {pages.length > 1 && (
          <label className="field">
            <span>Booking page</span>
            <select className="input" value={slug} onChange={(e) => (setSlug(e.target.value), setPicked([]), setChosenType(undefined))}>
              {pages.map((p) => (
                <option key={p.slug} value={p.slug}>
                  {p.name}
                  {p.slug === view.bookingPage.slug ? " (this page)" : ""}
                </option>
              ))}
            </select>
          </label>
        )}
        {typeChoices.length > 0 && (
          <label className="field">
            <span>Meeting type</span>
            <select className="input" value={eventTypeId} onChange={(e) => (setChosenType(e.target.value), setPicked([]))}>
              {typeChoices.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.durationMinutes} min)
                </option>
              ))}
            </select>
          </label>
        )}
        <TimeZonePicker zone={zone} detected={detected} onChange={onZone} />
      </div>
      <SlotPicker
        slug={slug}
        manageToken={token}
        zone={zone}
        eventTypeId={eventTypeId}
        title={proposals ? "Propose new times" : "Choose a new time"}
        hint={proposals && need > 1 ? `Propose ${need} times; the host confirms one of them.` : undefined}
        isSelected={(s) => picked.some((c) => c.startUtc === s.startUtc)}
        onPick={toggle}
        full={need > 1 && picked.length >= need}
        maxDaysAhead={info.data?.maxDaysAhead}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {need > 1 ? (
        <SelectionBar picked={picked} need={need} max={need} zone={zone} noun="times" onRemove={toggle} onContinue={submit} action={answering ? "Send these times" : "Propose these times"} pending={pending} />
      ) : (
        picked.length === 1 && (
          <div className="selection-bar" role="region" aria-label="New time">
            <div className="selection-text">
              New time: <strong>{formatRange(picked[0].startUtc, picked[0].end, zone)}</strong>
              {fee && <span className="hint"> · Reschedule fee {fee}, paid with PayPal</span>}
            </div>
            <button type="button" className="button button-primary" disabled={pending} onClick={submit}>
              {pending ? "Rescheduling…" : fee ? `Pay ${fee} with PayPal and reschedule` : answering ? "Book this time" : "Reschedule to this time"}
            </button>
          </div>
        )
      )}
    </section>
  );
}

/** A request: propose other times (the request is replaced; the host sees the new times). */
export function ResubmitPanel({ view, token, zone, detected, onZone, onClose, onDone }: TimePanelProps) {
  const info = useSchedulingInfo(view.bookingPage.slug);
  const need = info.data?.proposalsRequired ?? 1;
  const [picked, setPicked] = useState<Slot[]>([]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = (s: Slot) =>
    setPicked((cur) => (cur.some((c) => c.startUtc === s.startUtc) ? cur.filter((c) => c.startUtc !== s.startUtc) : need === 1 ? [s] : cur.length < need ? [...cur, s] : cur));
  const submit = async () => {
    setPending(true);
    setError(null);
    try {
      const r = await resubmitTimes(token, picked.map((s) => s.startUtc));
      onDone({ view: r.activity, manageLink: r.manageLink });
    } catch (err) {
      setError(problem(err, picked, zone));
    } finally {
      setPending(false);
    }
  };
  return (
    <section className="manage-panel" aria-labelledby="resubmit-title">
      <div className="panel-head">
        <h2 id="resubmit-title">Propose new times</h2>
        {view.status === "Requested" && (
          <button type="button" className="button button-ghost" onClick={onClose}>
            Keep my times
          </button>
        )}
      </div>
      <TimeZonePicker zone={zone} detected={detected} onChange={onZone} />
      <SlotPicker
        slug={view.bookingPage.slug}
        manageToken={token}
        zone={zone}
        eventTypeId={view.eventType?.id}
        title={need > 1 ? `Choose ${need} times` : "Choose a time"}
        isSelected={(s) => picked.some((c) => c.startUtc === s.startUtc)}
        onPick={toggle}
        full={need > 1 && picked.length >= need}
        maxDaysAhead={info.data?.maxDaysAhead}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <SelectionBar picked={picked} need={need} max={need} zone={zone} noun="times" onRemove={toggle} onContinue={submit} action="Send new times" pending={pending} />
    </section>
  );
}
