import type { HistoryEntry } from "../api/types";
import { formatDateTime } from "../ui/format";
import { Section } from "../ui/Section";
import { historySentence } from "./history-sentence";

/** The activity's history as a timeline of sentences, oldest first, each with the status it moved to. */
export function History({ entries, zone }: { entries: HistoryEntry[]; zone: string }) {
  return (
    <Section title="History">
      <ol className="timeline">
        {entries.map((h, i) => (
          <li key={i} className="timeline-item">
            <span className="timeline-dot" aria-hidden="true" />
            <div>
              <p className="timeline-what">{historySentence(h, zone)}</p>
              <p className="timeline-status">
                {h.from ? `${h.from.detailedStatus} → ` : ""}
                {h.to.detailedStatus}
              </p>
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
