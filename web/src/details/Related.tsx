import type { ActivityDetails } from "../api/types";
import { formatShort } from "../ui/format";
import { StatusBadge, TypeIcon } from "../ui/Status";
import { Section } from "../ui/Section";

const RELATION_LABELS: Record<string, string> = {
  rescheduled_as: "Rescheduled as",
  rescheduled_from: "Rescheduled from",
  resubmitted_as: "Resubmitted as",
  resubmitted_from: "Resubmitted from",
  session: "Session",
  package: "Part of package",
  payment: "Payment",
  paid_for: "Paid for",
};

/** Related activities (reschedules, resubmissions, package sessions, payments), each one click away. */
export function Related({ a, zone, onOpen }: { a: ActivityDetails; zone: string; onOpen: (id: string) => void }) {
  const title = a.type === "package" ? "Sessions" : "Related activities";
  return (
    <Section title={title}>
      {a.related.length === 0 ? (
        <p className="muted">{a.type === "package" ? "No sessions." : "No related activities."}</p>
      ) : (
        <ul className="related-list" aria-label={title}>
          {a.related.map((r) => {
            const body = (
              <>
                <TypeIcon type={r.type} />
                <span className="related-text">
                  <span className="related-relation">{RELATION_LABELS[r.relation] ?? r.relation}</span>
                  <span className="related-id">{r.id}</span>
                  <span className="muted">{r.start ? formatShort(r.start, zone) : "No time set"}</span>
                </span>
                <span className="related-status">
                  <StatusBadge status={r.status} />
                  <span className="related-detailed">{r.detailedStatus}</span>
                </span>
              </>
            );
            return (
              <li key={`${r.relation}-${r.id}`}>
                {r.visible ? (
                  <button type="button" className="related-item" onClick={() => onOpen(r.id)} aria-label={`Open ${RELATION_LABELS[r.relation] ?? r.relation} ${r.id}, ${r.detailedStatus}`}>
                    {body}
                  </button>
                ) : (
                  <div className="related-item is-hidden" title="You may not open this activity">
                    {body}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}
