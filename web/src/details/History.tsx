import type { HistoryEntry } from "../api/types";
import { formatDateTime, labelFromName } from "../ui/format";
import { Section } from "../ui/Section";

const ACTOR: Record<string, string> = { customer: "Customer", user: "User", system: "System" };

/** The activity's history as a timeline, oldest first. */
export function History({ entries, zone }: { entries: HistoryEntry[]; zone: string }) {
  return (
    <Section title="History">
      <ol className="timeline">
        {entries.map((h, i) => (
          <li key={i} className="timeline-item">
            <span className="timeline-dot" aria-hidden="true" />
            <div>
              <p className="timeline-what">
                <strong>{labelFromName(h.action)}</strong> by {h.actor.name ?? ACTOR[h.actor.type] ?? h.actor.type}
                {h.actor.name && <span className="muted"> ({ACTOR[h.actor.type]?.toLowerCase()})</span>}
              </p>
              <p className="timeline-status">
                {h.from ? `${h.from.detailedStatus} → ` : ""}
                {h.to.detailedStatus}
              </p>
              {h.reason && <p className="timeline-reason">“{h.reason}”</p>}
              <p className="muted timeline-at">
                <time dateTime={h.at}>{formatDateTime(h.at, zone)}</time>
              </p>
            </div>
          </li>
        ))}
      </ol>
    </Section>
  );
}
