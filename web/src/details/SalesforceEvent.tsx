import { useActivitySalesforce, type ActivitySalesforce } from "../api/salesforce";
import { formatDateTime } from "../ui/format";
import { Section } from "../ui/Section";

const STATES: Record<string, { words: string; tone: string }> = {
  pending: { words: "Being written", tone: "tone-info" },
  retrying: { words: "Retrying", tone: "tone-warning" },
  synced: { words: "Up to date", tone: "tone-success" },
  recreated: { words: "Created again", tone: "tone-warning" },
  skipped: { words: "Not written", tone: "tone-neutral" },
};

/**
 * "Salesforce: Event 00U… (open)" and how its sync stands — only for a booking that has an Event
 * (or whose write is being retried, or was skipped); nothing when Salesforce is not connected or
 * the page writes none. A first write still waiting is not shown: it may be one that writes nothing.
 */
export function SalesforceEvent({ activityId, zone }: { activityId: string; zone: string }) {
  const q = useActivitySalesforce(activityId, true);
  const s = q.data;
  if (!s || (!s.eventId && s.state !== "retrying" && s.state !== "skipped")) return null;
  return (
    <Section title="Salesforce">
      <p className="salesforce-event" data-testid="salesforce-event" data-state={s.state}>
        <span>
          Salesforce: {s.eventId ? <EventLink s={s} /> : "no Event yet"}
        </span>{" "}
        <span className={`badge ${STATES[s.state]?.tone ?? "tone-neutral"}`}>{STATES[s.state]?.words ?? s.state}</span>
      </p>
      {s.syncedAt && s.state !== "pending" && <p className="muted">Last written {formatDateTime(s.syncedAt, zone)}</p>}
      {s.note && <p className="muted">{s.note}</p>}
    </Section>
  );
}

function EventLink({ s }: { s: ActivitySalesforce }) {
  return (
    <>
      Event <code>{s.eventId}</code>
      {s.eventUrl && (
        <>
          {" "}
          (
          <a href={s.eventUrl} target="_blank" rel="noreferrer">
            open<span className="sr-only"> Event {s.eventId} in Salesforce (new tab)</span>
          </a>
          )
        </>
      )}
    </>
  );
}
