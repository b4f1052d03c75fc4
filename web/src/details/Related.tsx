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
  refund: "Refund",
  refund_of: "Refund of",
};

/**
 * Related activities (reschedules, resubmissions, package sessions), each one click away; a
 * booking's or package's payments and refunds in a list of their own.
 */
export function Related({ a, zone, onOpen }: { a: ActivityDetails; zone: string; onOpen: (id: string) => void }) {
  const title = a.type === "package" ? "Sessions" : "Related activities";
  const ownPayments = a.type !== "transaction";
  const payments = ownPayments ? a.related.filter((r) => r.type === "transaction") : [];
  const others = ownPayments ? a.related.filter((r) => r.type !== "transaction") : a.related;
  return (
    <>
      <RelatedList title={title} items={others} zone={zone} onOpen={onOpen} empty={a.type === "package" ? "No sessions." : "No related activities."} />
      {payments.length > 0 && <RelatedList title="Payments" items={payments} zone={zone} onOpen={onOpen} empty="" />}
    </>
  );
}

function RelatedList({ title, items, zone, onOpen, empty }: { title: string; items: ActivityDetails["related"]; zone: string; onOpen: (id: string) => void; empty: string }) {
  return (
    <Section title={title}>
      {items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="related-list" aria-label={title}>
          {items.map((r) => {
            const body = (
              <>
                <TypeIcon type={r.type} />
                <span className="related-text">
                  <span className="related-relation">{RELATION_LABELS[r.relation] ?? r.relation}</span>
                  <span className="related-id">{r.id}</span>
                  {r.type !== "transaction" && <span className="muted">{r.start ? formatShort(r.start, zone) : "No time set"}</span>}
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
