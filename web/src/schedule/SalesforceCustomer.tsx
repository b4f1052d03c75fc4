import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { useSalesforceRecord } from "../api/salesforce";
import { Link } from "../app/router";
import { zoneName } from "../ui/format";
import { isNewCustomerValid, NewCustomerFields, type CustomerChoice, type NewCustomer } from "./CustomerPicker";

/**
 * The customer of a Salesforce "Schedule" button (/schedule?sf=<recordId>): read from the Contact,
 * Lead or Case through the connection, so no form is filled in. Only when the record lacks a name
 * or e-mail (a Case without a Contact) are the missing details asked for; "Edit details" is there
 * for a phone number or time zone.
 */
export function SalesforceCustomer({ recordId, onChange, defaultZone }: { recordId: string; onChange: (c: CustomerChoice) => void; defaultZone: string }) {
  const record = useSalesforceRecord(recordId);
  const [customer, setCustomer] = useState<NewCustomer | null>(null);
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    if (!record.data) return;
    const c = { name: record.data.name ?? "", email: record.data.email ?? "", phone: "", timeZone: defaultZone };
    setCustomer(c);
    setEditing(!isNewCustomerValid(c));
  }, [record.data, defaultZone]);
  useEffect(() => onChange(customer ? { kind: "new", customer } : null), [customer, onChange]);

  if (record.isPending) return <p className="muted">Loading the Salesforce record {recordId}…</p>;
  if (record.isError)
    return (
      <div className="form-error" role="alert" data-testid="salesforce-record-error">
        <p>
          Could not read Salesforce record {recordId}: {errorMessage(record.error)}
        </p>
        <Link to="/schedule" className="button button-small">
          Schedule without Salesforce
        </Link>
      </div>
    );
  const r = record.data;
  return (
    <div className="salesforce-customer">
      <div className="customer-card" data-testid="salesforce-record">
        <span className="customer-avatar" aria-hidden="true">
          {(customer?.name || r.label).slice(0, 1).toUpperCase()}
        </span>
        <div className="customer-info">
          <strong>{customer?.name || r.name || r.label}</strong>
          <span className="muted">
            {customer?.email || "No e-mail on the record"}
            {customer?.phone ? ` · ${customer.phone}` : ""}
            {customer ? ` · ${zoneName(customer.timeZone)}` : ""}
          </span>
          <span className="muted">
            From Salesforce: {r.label} <code>{r.recordId}</code> — the booking's Event goes on this {r.type}.
          </span>
        </div>
        <div className="customer-actions">
          <button type="button" className="button button-small" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
            {editing ? "Done" : "Edit details"}
          </button>
        </div>
      </div>
      {editing && customer && <NewCustomerFields value={customer} onChange={setCustomer} />}
      {customer && !isNewCustomerValid(customer) && (
        <p className="form-error" role="alert">
          Enter the customer's name and e-mail: the record does not have them.
        </p>
      )}
    </div>
  );
}
