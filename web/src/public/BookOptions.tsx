import type { PublicPage, SchedulingInfo, Slot } from "../api/public";
import { whenLabel } from "./time";
import { TimeZonePicker } from "./TimeZonePicker";
import { countOf } from "../ui/format";

/** The page's heading and what the customer chooses before a time: event type, member, package, zone. */
export function PageIntro({ page, minutes, routedTo, price, perSession }: { page: PublicPage; minutes: number; routedTo?: string | null; price?: string; perSession?: boolean }) {
  return (
    <header className="book-intro">
      <h1>{page.name}</h1>
      <ul className="book-meta">
        <li>
          <Icon d="M12 7v5l3 2M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Z" /> {minutes} min
        </li>
        {page.location && (
          <li>
            <Icon d="M12 21s-7-6.2-7-11.5A7 7 0 0 1 19 9.5C19 14.8 12 21 12 21Zm0-9a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5Z" /> {page.location}
          </li>
        )}
        {price && (
          <li data-testid="page-price">
            <Icon d="M12 3v18M16.5 7.5C16 6 14.3 5 12 5c-2.8 0-4.5 1.4-4.5 3.3 0 4.4 9 2.6 9 7 0 2-1.8 3.4-4.5 3.4-2.4 0-4.2-1-4.7-2.7" /> {price}
            {perSession ? " per session" : ""} · paid with PayPal
          </li>
        )}
        {routedTo && (
          <li>
            <Icon d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8ZM4 21a8 8 0 0 1 16 0" /> With {routedTo}
          </li>
        )}
        <li>
          <Icon d={page.mode === "approval" ? "M5 12l4 4 10-10" : "M13 3 4 14h7l-1 7 9-11h-7l1-7Z"} /> {page.mode === "approval" ? "You propose times; the host confirms one" : "Booked at once"}</li>
      </ul>
    </header>
  );
}

const Icon = ({ d }: { d: string }) => (
  <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
    <path d={d} />
  </svg>
);

export interface OptionsProps {
  page: PublicPage;
  info: SchedulingInfo | undefined;
  eventTypeId: string | undefined;
  onEventType: (id: string) => void;
  hostId: string;
  onHost: (id: string) => void;
  hostFixed: boolean;
  asPackage: boolean;
  onPackage: (on: boolean) => void;
  zone: string;
  detected: string;
  onZone: (z: string) => void;
}

export function BookOptions(p: OptionsProps) {
  const { page, info } = p;
  return (
    <div className="book-options">
      {page.eventTypes.length > 0 && (
        <fieldset className="choice-list">
          <legend>Meeting type</legend>
          {page.eventTypes.map((e) => (
            <label key={e.id} className="choice">
              <input type="radio" name="event-type" checked={p.eventTypeId === e.id} onChange={() => p.onEventType(e.id)} />
              <span>
                {e.name}
                <span className="muted choice-sub">{e.durationMinutes} min</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {info && info.hosts.length > 0 && !p.hostFixed && (
        <label className="field">
          <span>With</span>
          <select className="input" value={p.hostId} onChange={(e) => p.onHost(e.target.value)}>
            <option value="">Anyone available</option>
            {info.hosts.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {info?.packagesEnabled && page.mode === "automatic" && (
        <label className="choice">
          <input type="checkbox" checked={p.asPackage} onChange={(e) => p.onPackage(e.target.checked)} />
          <span>
            Book a package of sessions
            <span className="muted choice-sub">Pick up to {countOf(info.maxPackageSessions, "time")} and enter your details once.</span>
          </span>
        </label>
      )}
      <TimeZonePicker zone={p.zone} detected={p.detected} onChange={p.onZone} />
    </div>
  );
}

/** The times chosen so far, with the way on (several times: packages and requests). */
export function SelectionBar(props: {
  picked: Slot[];
  need: number;
  max: number;
  zone: string;
  noun: string;
  onRemove: (s: Slot) => void;
  onContinue: () => void;
  action?: string;
  pending?: boolean;
}) {
  const { picked, need, max, zone, noun, onRemove, onContinue, action = "Continue", pending } = props;
  const ready = picked.length >= need;
  return (
    <div className="selection-bar" role="region" aria-label="Chosen times">
      <div className="selection-text">
        <strong aria-live="polite">
          {picked.length} of {need === max ? need : `up to ${max}`} {noun} chosen
        </strong>
        {picked.length > 0 && (
          <ul className="chips">
            {picked.map((s) => (
              <li key={s.startUtc} className="chip">
                {whenLabel(s.startUtc, zone)}
                <button type="button" className="icon-button chip-remove" aria-label={`Remove ${whenLabel(s.startUtc, zone)}`} onClick={() => onRemove(s)}>
                  <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" className="button button-primary" disabled={!ready || pending} onClick={onContinue}>
        {pending ? "Working…" : action}
      </button>
    </div>
  );
}
