import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import { customerProblem } from "./customer-words";
import { fetchSlots, publicKeys, useSlots, type Slot, type SlotsQuery } from "../api/public";
import { byDay, dayLabel, timeLabel, weekOf } from "./time";

let markedFirstSlots = false;

export interface SlotPickerProps {
  slug: string;
  zone: string;
  eventTypeId?: string;
  hostId?: string;
  manageToken?: string;
  /** The heading above the week, e.g. "Choose a time". */
  title: string;
  /** A line under the heading, e.g. how many times to propose. */
  hint?: string;
  isSelected: (s: Slot) => boolean;
  onPick: (s: Slot) => void;
  /** No more may be chosen: the other slots are disabled. */
  full?: boolean;
  maxDaysAhead?: number | null;
}

/**
 * Free slots for one week at a time in the customer's zone: one labelled group per day, each time
 * a toggle button. The next week is fetched ahead, so moving on is instant; a skeleton holds the
 * space while a week loads.
 */
export function SlotPicker(props: SlotPickerProps) {
  const { slug, zone, eventTypeId, hostId, manageToken, title, hint, isSelected, onPick, full, maxDaysAhead } = props;
  const [offset, setOffset] = useState(0);
  const headingId = useId();
  const week = useMemo(() => weekOf(zone, offset), [zone, offset]);
  const query: SlotsQuery = { slug, from: week.from, to: week.to, timeZone: zone, eventTypeId, hostId, manageToken };
  const slots = useSlots(query);
  const qc = useQueryClient();
  const lastWeek = maxDaysAhead ? Math.floor(maxDaysAhead / 7) : 52;

  useEffect(() => setOffset(0), [zone, eventTypeId, hostId]);
  // Fetch the next week ahead of the click.
  useEffect(() => {
    if (!slots.isSuccess || offset >= lastWeek) return;
    const next = weekOf(zone, offset + 1);
    const q: SlotsQuery = { ...query, from: next.from, to: next.to };
    void qc.prefetchQuery({ queryKey: publicKeys.slots(q), queryFn: ({ signal }) => fetchSlots(q, signal), staleTime: 15_000 });
  }, [slots.isSuccess, offset, zone, eventTypeId, hostId, slug]);

  const stale = slots.isPlaceholderData || slots.isPending;
  const days = useMemo(() => (slots.data && !stale ? byDay(slots.data.slots) : null), [slots.data, stale]);
  const count = slots.data && !stale ? slots.data.slots.length : 0;
  useEffect(() => {
    if (!markedFirstSlots && count > 0) {
      markedFirstSlots = true;
      performance.mark("bookstream:first-slots");
    }
  }, [count]);

  const range = `${dayLabel(week.days[0], "range")} – ${dayLabel(week.days[6], "range")}`;
  return (
    <section className="slots" aria-labelledby={headingId} data-state={stale ? "loading" : slots.isError ? "error" : "ready"}>
      <div className="slots-head">
        <h2 id={headingId}>{title}</h2>
        <div className="week-nav">
          <button type="button" className="icon-button" aria-label="Previous week" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - 1))}>
            <span aria-hidden="true">‹</span>
          </button>
          <span className="week-range" aria-live="polite">
            {range}
          </span>
          <button type="button" className="icon-button" aria-label="Next week" disabled={offset >= lastWeek} onClick={() => setOffset((o) => o + 1)}>
            <span aria-hidden="true">›</span>
          </button>
        </div>
      </div>
      {hint && <p className="hint slots-hint">{hint}</p>}
      {slots.isError && (
        <p className="form-error" role="alert">
          Could not load free times. {customerProblem(slots.error)}{" "}
          <button type="button" className="button button-small" onClick={() => slots.refetch()}>
            Try again
          </button>
        </p>
      )}
      {!slots.isError && days && count === 0 && (
        <div className="slots-empty">
          <p>No free times in this week.</p>
          {offset < lastWeek && (
            <button type="button" className="button" onClick={() => setOffset((o) => o + 1)}>
              Show the next week
            </button>
          )}
        </div>
      )}
      <div className="week" aria-busy={stale || undefined}>
        {week.days.map((d) => (
          <Day key={d} date={d} slots={days?.get(d)} loading={stale} zone={zone} isSelected={isSelected} onPick={onPick} full={full} />
        ))}
      </div>
    </section>
  );
}

function Day({ date, slots, loading, zone, isSelected, onPick, full }: { date: string; slots: Slot[] | undefined; loading: boolean; zone: string } & Pick<SlotPickerProps, "isSelected" | "onPick" | "full">) {
  const id = useId();
  const long = dayLabel(date, "long");
  return (
    <div className={`day${!loading && !slots ? " day-empty" : ""}`} role="group" aria-labelledby={id}>
      <h3 id={id} className="day-title">
        <span aria-hidden="true">{dayLabel(date)}</span>
        <span className="sr-only">{long}</span>
      </h3>
      {loading ? (
        <ul className="day-slots" aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <li key={i}>
              <span className="slot-skeleton" />
            </li>
          ))}
        </ul>
      ) : slots ? (
        <ul className="day-slots">
          {slots.map((s) => {
            const on = isSelected(s);
            return (
              <li key={s.startUtc}>
                <button type="button" className="slot" aria-pressed={on} disabled={full && !on} onClick={() => onPick(s)} data-start={s.startUtc}>
                  {timeLabel(s.startUtc, zone)}
                  <span className="sr-only">, {long}</span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="day-none muted">No times</p>
      )}
    </div>
  );
}
