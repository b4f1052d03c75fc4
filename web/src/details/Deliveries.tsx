import { useActivityDeliveries } from "../api/integrations";
import { Section } from "../ui/Section";

/**
 * What the activity's changes caused outside — e-mails, calendar events, webhooks — as the
 * server's sentences ("Confirmation e-mailed 10:02", "Webhook failed: 503, retrying 10:07").
 */
export function Deliveries({ activityId }: { activityId: string }) {
  const q = useActivityDeliveries(activityId);
  if (!q.data || q.data.length === 0) return null;
  return (
    <Section title="Deliveries">
      <ul className="deliveries-list">
        {q.data.map((d) => (
          <li key={`${d.key}/${d.eventId}`} className={`delivery delivery-${d.state}`} data-state={d.state}>
            <span className="delivery-dot" aria-hidden="true" />
            {d.sentence}
          </li>
        ))}
      </ul>
    </Section>
  );
}
