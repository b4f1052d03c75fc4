import { useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { useSalesforceUsers, useSetSalesforceUser, type SalesforceUserMatch } from "../api/salesforce";
import { fieldErrors } from "./fields";

const MATCH_WORDS: Record<SalesforceUserMatch["match"], string> = {
  email: "Found by e-mail",
  admin: "Set by an admin",
  pending: "Looked up at their next booking",
};

/**
 * Which Salesforce User owns each user's Events: found by e-mail (the active User with the same
 * address), or an admin's choice (a User id, 005…). Clearing an override goes back to e-mail.
 */
export function SalesforceUsers() {
  const users = useSalesforceUsers();
  return (
    <section className="settings-card" aria-labelledby="salesforce-users">
      <h3 id="salesforce-users">Users and their Salesforce Users</h3>
      <p className="muted">A booking's Event is owned by its host's Salesforce User. Enter a User ID (005…) to override the match by e-mail.</p>
      {users.isPending && <p className="muted">Loading…</p>}
      {users.isError && (
        <p className="form-error" role="alert">
          Could not load the users: {errorMessage(users.error)}
        </p>
      )}
      {users.data && (
        <ul className="team-list" aria-label="Salesforce user matches">
          {users.data.map((u) => (
            <UserRow key={u.userId} u={u} />
          ))}
        </ul>
      )}
    </section>
  );
}

function UserRow({ u }: { u: SalesforceUserMatch }) {
  const set = useSetSalesforceUser();
  const [value, setValue] = useState(u.salesforceUserId ?? "");
  const [saved, setSaved] = useState<string | null>(null);
  const errs = fieldErrors(set.error, ["salesforceUserId"]);
  const error = errs.of("salesforceUserId") ?? errs.general;
  const inputId = `sf-user-${u.userId}`;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const id = value.trim();
    set.mutate({ userId: u.userId, salesforceUserId: id || null }, { onSuccess: (m) => (setValue(m.salesforceUserId ?? ""), setSaved(id ? "Saved" : "Matched by e-mail again")) });
  };
  const reset = () => {
    set.mutate({ userId: u.userId, salesforceUserId: null }, { onSuccess: (m) => (setValue(m.salesforceUserId ?? ""), setSaved("Matched by e-mail again")) });
  };
  return (
    <li className="team-row" data-testid="salesforce-user">
      <div className="team-who">
        <strong>{u.name}</strong>
        <span className="muted">
          {u.email} · {MATCH_WORDS[u.match]}
        </span>
      </div>
      <form className="team-actions sf-user-form" onSubmit={submit} aria-label={`Salesforce User of ${u.name}`}>
        <label htmlFor={inputId} className="sr-only">
          Salesforce User ID of {u.name}
        </label>
        <input
          id={inputId}
          className="input input-compact sf-user-input"
          value={value}
          placeholder={u.match === "pending" ? "Not matched yet" : "No active User with this e-mail"}
          onChange={(e) => (setSaved(null), setValue(e.target.value))}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${inputId}-error` : undefined}
        />
        <button type="submit" className="button button-small" disabled={set.isPending}>
          Save<span className="sr-only"> the Salesforce User of {u.name}</span>
        </button>
        {u.match === "admin" && (
          <button type="button" className="button button-small button-ghost" onClick={reset} disabled={set.isPending}>
            Match by e-mail<span className="sr-only"> for {u.name}</span>
          </button>
        )}
        <span role="status" className="save-status">
          {saved ?? ""}
        </span>
      </form>
      {error && (
        <p id={`${inputId}-error`} className="field-error team-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
