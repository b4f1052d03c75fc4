import { useEffect, useId, useState } from "react";
import { errorMessage } from "../api/client";
import { useCustomer, useCustomerSearch, type Customer } from "../api/schedule";
import { CopyButton } from "../ui/CopyButton";
import { zoneName } from "../ui/format";
import { TimeZonePicker } from "../public/TimeZonePicker";

export interface NewCustomer {
  name: string;
  email: string;
  phone: string;
  timeZone: string;
}

export type CustomerChoice = { kind: "existing"; customer: Customer } | { kind: "new"; customer: NewCustomer } | null;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isNewCustomerValid = (c: NewCustomer) => c.name.trim().length > 0 && EMAIL.test(c.email.trim());

/**
 * Who the booking is for: an existing customer record (searched by name, e-mail or phone, or named
 * by the link's ?customer=<id>) or one entered on the spot.
 */
export function CustomerPicker(props: { customerId: string | null; onCustomerId: (id: string | null) => void; onChange: (c: CustomerChoice) => void; defaultZone: string }) {
  const { customerId, onCustomerId, onChange, defaultZone } = props;
  const [mode, setMode] = useState<"existing" | "new">("existing");
  const [fresh, setFresh] = useState<NewCustomer>({ name: "", email: "", phone: "", timeZone: defaultZone });
  const record = useCustomer(customerId);

  useEffect(() => {
    if (customerId) onChange(record.data ? { kind: "existing", customer: record.data } : null);
    else onChange(mode === "new" ? { kind: "new", customer: fresh } : null);
  }, [customerId, record.data, mode, fresh, onChange]);

  if (customerId) {
    if (record.isPending) return <p className="muted">Loading the customer…</p>;
    if (record.isError)
      return (
        <div className="form-error" role="alert">
          Could not load customer {customerId}: {errorMessage(record.error)}{" "}
          <button type="button" className="button button-small" onClick={() => onCustomerId(null)}>
            Choose another customer
          </button>
        </div>
      );
    const c = record.data;
    const link = `${window.location.origin}/schedule?customer=${c.id}`;
    return (
      <div className="customer-card" data-testid="chosen-customer">
        <span className="customer-avatar" aria-hidden="true">
          {c.name.slice(0, 1).toUpperCase()}
        </span>
        <div className="customer-info">
          <strong>{c.name}</strong>
          <span className="muted">
            {c.email}
            {c.phone ? ` · ${c.phone}` : ""}
            {c.timeZone ? ` · ${zoneName(c.timeZone)}` : ""}
          </span>
        </div>
        <div className="customer-actions">
          <CopyButton text={link} label="Copy schedule link" showLabel />
          <button type="button" className="button button-small" onClick={() => onCustomerId(null)}>
            Change customer
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="customer-picker">
      <fieldset className="segmented">
        <legend className="sr-only">Customer</legend>
        <label className={mode === "existing" ? "is-on" : ""}>
          <input type="radio" name="customer-mode" checked={mode === "existing"} onChange={() => setMode("existing")} />
          Existing customer
        </label>
        <label className={mode === "new" ? "is-on" : ""}>
          <input type="radio" name="customer-mode" checked={mode === "new"} onChange={() => setMode("new")} />
          New customer
        </label>
      </fieldset>
      {mode === "existing" ? <CustomerSearch onPick={(c) => onCustomerId(c.id)} /> : <NewCustomerFields value={fresh} onChange={setFresh} />}
    </div>
  );
}

function CustomerSearch({ onPick }: { onPick: (c: Customer) => void }) {
  const [text, setText] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 200);
    return () => clearTimeout(t);
  }, [text]);
  const found = useCustomerSearch(q);
  const resultsId = useId();
  return (
    <div className="customer-search">
      <label className="field">
        <span>Find a customer</span>
        <input type="search" className="input" placeholder="Name, e-mail or phone" value={text} onChange={(e) => setText(e.target.value)} aria-controls={resultsId} autoComplete="off" />
      </label>
      <div id={resultsId} aria-live="polite">
        {q.length >= 2 && found.isPending && <p className="muted">Searching…</p>}
        {found.isError && <p className="form-error">{errorMessage(found.error)}</p>}
        {found.data?.length === 0 && <p className="muted">No customer matches “{q}”. Enter a new customer instead.</p>}
        {found.data && found.data.length > 0 && (
          <ul className="customer-results" aria-label="Customers found">
            {found.data.map((c) => (
              <li key={c.id}>
                <button type="button" className="customer-result" onClick={() => onPick(c)}>
                  <strong>{c.name}</strong>
                  <span className="muted">
                    {c.email}
                    {c.phone ? ` · ${c.phone}` : ""}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

export function NewCustomerFields({ value, onChange }: { value: NewCustomer; onChange: (c: NewCustomer) => void }) {
  const set = (k: keyof NewCustomer) => (v: string) => onChange({ ...value, [k]: v });
  return (
    <div className="new-customer">
      <label className="field">
        <span>Name</span>
        <input className="input" required maxLength={200} value={value.name} onChange={(e) => set("name")(e.target.value)} />
      </label>
      <label className="field">
        <span>Email</span>
        <input className="input" type="email" required maxLength={320} value={value.email} onChange={(e) => set("email")(e.target.value)} />
      </label>
      <label className="field">
        <span>
          Phone <span className="muted">(optional)</span>
        </span>
        <input className="input" type="tel" maxLength={40} value={value.phone} onChange={(e) => set("phone")(e.target.value)} />
      </label>
      <TimeZonePicker zone={value.timeZone} detected={value.timeZone} onChange={set("timeZone")} hint="The customer's time zone, for their confirmation." />
    </div>
  );
}
