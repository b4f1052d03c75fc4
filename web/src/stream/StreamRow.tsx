import { memo } from "react";
import type { Activity } from "../api/types";
import { formatShort } from "../ui/format";
import { StatusBadge, TypeIcon } from "../ui/Status";

function meetingText(a: Activity, zone: string): string {
  if (a.start) return formatShort(a.start, zone);
  const proposed = a.proposedTimes ?? [];
  if (proposed.length) return `Proposed ${formatShort(proposed[0], zone)}${proposed.length > 1 ? ` +${proposed.length - 1}` : ""}`;
  return "No time set";
}

/** One stream row: type, ID, customer, page / event type, owner, meeting time, status and detailed status. */
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
}) {
  const { activity: a, zone, selected, active, index, setSize, top, height, onOpen } = props;
  const where = [a.bookingPage?.name, a.eventType?.name].filter(Boolean).join(" / ") || "—";
  return (
    <div
      role="option"
      id={`row-${a.id}`}
      data-id={a.id}
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={setSize}
      className={`row${selected ? " is-selected" : ""}${active ? " is-active" : ""}`}
      style={{ transform: `translateY(${top}px)`, height }}
      onClick={() => onOpen(a.id, index)}
    >
      <span className="row-icon">
        <TypeIcon type={a.type} />
      </span>
      <span className="row-line row-l1">
        <span className="row-customer">{a.customer.name ?? a.customer.email ?? "Unknown customer"}</span>
        <span className="row-status">
          <StatusBadge status={a.status} />
        </span>
      </span>
      <span className="row-line row-l2">
        <span className="row-meta">
          <span className="row-where">{where}</span>
          <span className="row-owner">
            <span className="sr-only">Owner: </span>
            {a.owner?.name ?? "No owner"}
          </span>
        </span>
        <span className="row-id">{a.id}</span>
      </span>
      <span className="row-line row-l3">
        <span className="row-time">
          <span className="sr-only">Meeting: </span>
          {meetingText(a, zone)}
        </span>
        <span className="row-detailed">{a.detailedStatus}</span>
      </span>
    </div>
  );
});
