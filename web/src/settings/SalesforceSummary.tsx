import { useId } from "react";
import { useSalesforceConnection } from "../api/salesforce";
import { Link } from "../app/router";

/** The Integrations page's word on Salesforce: connected or not, and which custom fields Event lacks. */
export function SalesforceSummary() {
  const c = useSalesforceConnection();
  const headingId = useId();
  if (!c.data) return null;
  const missing = c.data.missingFields ?? [];
  return (
    <section className="settings-card" aria-labelledby={headingId} data-testid="integrations-salesforce">
      <h2 id={headingId}>Salesforce</h2>
      <p>
        {c.data.connected
          ? `Connected as ${c.data.connectedAs?.username ?? "a Salesforce user"}${c.data.simulated ? " — Salesforce (simulated)" : ""}. Its writes are in the delivery log below (Salesforce).`
          : c.data.configured
            ? "Set up but not connected yet: no Events are written."
            : "Not connected: bookings write no Salesforce Events."}
      </p>
      {c.data.connected && missing.length > 0 && (
        <p className="notice notice-warning" role="status">
          <span>
            Event lacks {missing.join(" and ")}: Events are written without their status and reason until these fields are added.
          </span>
        </p>
      )}
      <p>
        <Link to="/settings/salesforce">Salesforce settings</Link>
      </p>
    </section>
  );
}
