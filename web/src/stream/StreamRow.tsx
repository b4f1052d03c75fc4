import { memo } from "react";
import type { Activity } from "../api/types";
import { countOf, formatDayRange, formatShort } from "../ui/format";
import { formatMoney } from "../ui/money";
import { toneOf } from "../ui/Status";

/** The names TypeIcon (ui/Status.tsx) gives the types. */
const TYPE_LABEL: Record<string, string> = { booking: "Booking", package: "Session package", transaction: "Transaction" };

/** A package's sessions: "3 sessions · Mar 4 – 18" (those held or to come; canceled ones are not counted). */
export function sessionsText(sessions: NonNullable<Activity["sessions"]>, zone: string): string {
  const { count, firstStart, lastStart } = sessions;
  if (count === 0 || !firstStart || !lastStart) return "No sessions left";
  return `${countOf(count, "session")} · ${formatDayRange(firstStart, lastStart, zone)}`;
}

function meetingText(a: Activity, zone: string): string {
  // A transaction has no meeting: its row shows the amount where a booking shows its time.
  if (a.amount) return formatMoney(a.amount);
  if (a.start) return formatShort(a.start, zone);
  if (a.sessions) return sessionsText(a.sessions, zone);
  const proposed = a.proposedTimes ?? [];
  if (proposed.length) return `Proposed ${formatShort(proposed[0], zone)}${proposed.length > 1 ? ` +${proposed.length - 1}` : ""}`;
  return "No time set";
}

/**
 * One stream row: type, ID, customer, page / event type, owner, meeting time, status and detailed
 * status (in the Trash, first the date it will be deleted permanently). A fast scroll creates several rows a frame, and each element costs style, layout, paint
 * and garbage, so a row is nine plain elements: the type icon, the status glyph and the "Owner:" /
 * "Meeting:" words for screen readers come from CSS (styles.css, "The list") instead of from
 * elements of their own (an SVG, a glyph span, visually hidden spans).
 */
export const StreamRow = memo(function StreamRow(props: {
  activity: Activity;
  zone: string;
  selected: boolean;
  active: boolean;
  index: number;
  setSize: number;
  top: number;
  height: number;
  onOpen: (id: string, index: number) => void;
  /** Select mode (admins' bulk Move to Trash): a click checks the row; `selected` is "checked". */
  checkable?: boolean;
}) {
  const { activity: a, zone, selected, active, index, setSize, top, height, onOpen, checkable } = props;
  const where = [a.bookingPage?.name, a.eventType?.name].filter(Boolean).join(" / ") || "—";
  const typeLabel = TYPE_LABEL[a.type] ?? a.type;
  return (
    <div
      role="option"
      id={`row-${a.id}`}
      data-id={a.id}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`row${selected ? " is-selected" : ""}${active ? " is-active" : ""}${checkable ? " is-checkable" : ""}`}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => onOpen(a.id, index)}
    >
      <span className={`row-icon type-${a.type}`} role="img" aria-label={typeLabel} title={typeLabel} />
      <span className="row-customer">{a.customer.name ?? a.customer.email ?? "Unknown customer"}</span>
      <span className={`row-status badge tone-${toneOf(a.status)}`}>{a.status}</span>
      <span className="row-meta">
        {where}
        <span className="row-owner">{a.owner?.name ?? "No owner"}</span>
      </span>
      <span className="row-id">{a.id}</span>
      <span className={`row-time${a.amount ? " row-amount" : ""}`}>{meetingText(a, zone)}</span>
      <span className="row-detailed">{a.trash ? `Deletes ${formatShort(a.trash.deletesAt, zone)} · ${a.detailedStatus}` : a.detailedStatus}</span>
    </div>
  );
});
