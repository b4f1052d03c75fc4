import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { SALESFORCE_CONNECT_URL, useSalesforceConnection, useSalesforceMutations, type NoMatch, type SalesforceConnection } from "../api/salesforce";
import type { Me } from "../api/types";
import { setSearch, useLocation } from "../app/router";
import { CopyButton } from "../ui/CopyButton";
import { formatDateTime } from "../ui/format";
import { SectionForm } from "./BookingPageEditor";
import { ConfirmChange } from "./dialogs";
import { SelectField, TextField, fieldErrors } from "./fields";
import { SalesforceUsers } from "./SalesforceUsers";

/**
 * The account's Salesforce (admins), /settings/salesforce: the connected app (login URL, consumer
 * key, consumer secret — write-only —, the two custom fields' API names, what to do when no
 * Contact or Lead has the customer's e-mail), then "Connect", which goes through Salesforce's
 * OAuth web-server flow and comes back here (?connected=1, or ?error=…&message=…). Connected: who
 * it acts as, "Check fields", Disconnect, and which Salesforce User owns each user's Events.
 */
export function SalesforceScreen({ me }: { me: Me }) {
  const admin = me.user.role === "admin";
  const connection = useSalesforceConnection(admin);
  return (
    <div className="settings-screen">
      <header className="settings-head">
        <h2>Salesforce</h2>
        <p className="muted">Each booking on a connected booking page gets a Salesforce Event on the customer's Contact, Lead or Case, kept up to date as the booking changes.</p>
      </header>
      {!admin && <p className="notice notice-warning">Only an admin sees and changes the account's Salesforce connection.</p>}
      {admin && <ReturnNotice />}
      {admin && connection.isPending && <p>Loading…</p>}
      {admin && connection.error && (
        <p className="form-error" role="alert">
          {connection.error.message}
        </p>
      )}
      {admin && connection.data && (
        <>
          <ConnectionState c={connection.data} />
          <SettingsForm c={connection.data} />
          {connection.data.configured && <SalesforceUsers />}
          <ScheduleButton c={connection.data} />
        </>
      )}
    </div>
  );
}

/** What Salesforce's redirect came back with; shown once, then the address is cleaned. */
function ReturnNotice() {
  const { search } = useLocation();
  const [notice] = useState(() =>
    search.get("connected") === "1" ? { ok: true, text: "Salesforce is connected." } : search.get("error") ? { ok: false, text: search.get("message") || `Salesforce did not connect (${search.get("error")}).` } : null,
  );
  useEffect(() => {
    if (search.has("connected") || search.has("error")) setSearch(new URLSearchParams(), { replace: true });
  }, [search]);
  if (!notice) return null;
  return (
    <p className={notice.ok ? "notice notice-success" : "notice notice-error"} role={notice.ok ? "status" : "alert"} data-testid="salesforce-return">
      {notice.text}
    </p>
  );
}

function ConnectionState({ c }: { c: SalesforceConnection }) {
  const { checkFields, disconnect } = useSalesforceMutations();
  const [confirm, setConfirm] = useState(false);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section className="settings-card" aria-labelledby="salesforce-state">
      <h3 id="salesforce-state">Connection</h3>
      {!c.configured ? (
        <p data-testid="salesforce-state">Not connected. Enter your connected app below, save, then connect.</p>
      ) : !c.connected ? (
        <>
          <p data-testid="salesforce-state">
            Not connected yet. {c.simulated && <strong className="simulated-label">Salesforce (simulated)</strong>} Connect to sign in to Salesforce and allow Bookstream to write Events.
          </p>
          <div className="button-row">
            <a className="button button-primary" href={SALESFORCE_CONNECT_URL}>
              Connect to Salesforce
            </a>
          </div>
        </>
      ) : (
        <>
          <p data-testid="salesforce-state">
            <span className="badge tone-success">
              <span aria-hidden="true" className="badge-glyph">
                ●
              </span>
              Connected
            </span>{" "}
            {c.simulated ? <strong className="simulated-label">Salesforce (simulated)</strong> : <strong>Salesforce</strong>}
          </p>
          <dl className="facts">
            <div className="fact">
              <dt>Connected as</dt>
              <dd data-testid="salesforce-connected-as">
                {c.connectedAs?.username ?? "(unknown user)"} {c.connectedAs?.userId && <code className="muted">{c.connectedAs.userId}</code>}
              </dd>
            </div>
            <div className="fact">
              <dt>Login URL</dt>
              <dd>
                <code>{c.loginUrl}</code>
              </dd>
            </div>
            {c.connectedAt && (
              <div className="fact">
                <dt>Connected</dt>
                <dd>{formatDateTime(c.connectedAt, zone)}</dd>
              </div>
            )}
          </dl>
          <FieldStatus c={c} />
          <div className="button-row">
            <button type="button" className="button" onClick={() => checkFields.mutate()} disabled={checkFields.isPending}>
              {checkFields.isPending ? "Checking…" : "Check fields"}
            </button>
            <a className="button" href={SALESFORCE_CONNECT_URL}>
              Connect again
            </a>
            <button type="button" className="button button-danger-outline" onClick={() => setConfirm(true)}>
              Disconnect…
            </button>
          </div>
          {checkFields.error && (
            <p className="form-error" role="alert">
              Could not check the fields: {errorMessage(checkFields.error)}
            </p>
          )}
        </>
      )}
      {confirm && (
        <ConfirmChange
          title="Disconnect Salesforce?"
          confirmLabel="Disconnect"
          danger
          pending={disconnect.isPending}
          error={disconnect.error}
          onClose={() => setConfirm(false)}
          onConfirm={() => disconnect.mutate(undefined, { onSuccess: () => setConfirm(false) })}
        >
          <p>No more Events are written or updated. Events already in Salesforce stay as they are. The connected app's settings are removed too.</p>
        </ConfirmChange>
      )}
    </section>
  );
}

/** Which of the two custom fields Event lacks, and how to add them (Salesforce Setup). */
function FieldStatus({ c }: { c: SalesforceConnection }) {
  const missing = c.missingFields;
  return (
    <div role="status" data-testid="salesforce-fields">
      {missing === null || missing === undefined ? (
        <p className="muted">The custom fields have not been checked yet.</p>
      ) : missing.length === 0 ? (
        <p className="test-ok">
          Both custom fields are on Event: <code>{c.statusField}</code> and <code>{c.reasonField}</code>.
        </p>
      ) : (
        <div className="sf-missing notice-warning">
          <p>
            <strong>Missing on Event:</strong> {missing.map((f, i) => [i > 0 && ", ", <code key={f}>{f}</code>])}. Events are still written with subject, times, owner,
            location, description and relation; the status and reason wait for these fields.
          </p>
          <p>Add them in Salesforce: Setup → Object Manager → Activity → Fields &amp; Relationships → New, then put them on the Event page layout:</p>
          <ul>
            {missing.includes(c.statusField ?? "") && (
              <li>
                <strong>Event status</strong> (API name <code>{c.statusField}</code>): a picklist with Scheduled, Rescheduled, Completed, Canceled, No-show, Scheduled (Reassigned by
                User), Rescheduled (Reassigned by User).
              </li>
            )}
            {missing.includes(c.reasonField ?? "") && (
              <li>
                <strong>Cancel/reschedule reason</strong> (API name <code>{c.reasonField}</code>): a long text area.
              </li>
            )}
          </ul>
        </div>
      )}
    </div>
  );
}

const LOGIN_HINT = "https://login.salesforce.com; https://test.salesforce.com for a sandbox; or your org's My Domain (https://yourcompany.my.salesforce.com).";

function SettingsForm({ c }: { c: SalesforceConnection }) {
  const { save } = useSalesforceMutations();
  const [loginUrl, setLoginUrl] = useState(c.loginUrl ?? "https://login.salesforce.com");
  const [clientId, setClientId] = useState(c.clientId ?? "");
  const [secret, setSecret] = useState("");
  const [statusField, setStatusField] = useState(c.statusField ?? "Event_Status__c");
  const [reasonField, setReasonField] = useState(c.reasonField ?? "Cancel_Reschedule_Reason__c");
  const [noMatch, setNoMatch] = useState<NoMatch>(c.noMatch ?? "lead");
  const [saved, setSaved] = useState(false);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const errs = fieldErrors(save.error, ["loginUrl", "clientId", "clientSecret", "statusField", "reasonField", "noMatch"]);
  const touched = <T,>(f: (v: T) => void) => (v: T) => (setSaved(false), f(v));
  const submit = () => {
    const m: Record<string, string> = {};
    if (!loginUrl.trim()) m.loginUrl = "Enter the login URL.";
    if (!clientId.trim()) m.clientId = "Enter the connected app's consumer key.";
    if (!secret && !c.configured) m.clientSecret = "Enter the connected app's consumer secret.";
    setMissing(m);
    if (Object.keys(m).length) return;
    save.mutate(
      { loginUrl: loginUrl.trim(), clientId: clientId.trim(), ...(secret ? { clientSecret: secret } : {}), statusField: statusField.trim(), reasonField: reasonField.trim(), noMatch },
      { onSuccess: () => (setSaved(true), setSecret("")) },
    );
  };
  return (
    <SectionForm
      title={c.configured ? "Connected app and options" : "Connect Salesforce"}
      description="From Salesforce Setup → App Manager → your connected app (OAuth enabled, scopes api and refresh_token). A new login URL, consumer key or secret needs connecting again."
      onSubmit={submit}
      pending={save.isPending}
      saved={saved}
      error={errs.general}
      readOnly={false}
    >
      <p className="id-with-copy">
        <span>
          Callback URL for the connected app: <code data-testid="salesforce-callback-url">{c.callbackUrl}</code>
        </span>
        <CopyButton text={c.callbackUrl} label="Copy the callback URL" />
      </p>
      <TextField label="Login URL" value={loginUrl} onChange={touched(setLoginUrl)} error={missing.loginUrl ?? errs.of("loginUrl")} hint={LOGIN_HINT} inputMode="text" autoComplete="off" required />
      <TextField label="Consumer key (client ID)" value={clientId} onChange={touched(setClientId)} error={missing.clientId ?? errs.of("clientId")} autoComplete="off" required />
      <TextField
        label="Consumer secret"
        type="password"
        value={secret}
        onChange={touched(setSecret)}
        error={missing.clientSecret ?? errs.of("clientSecret")}
        autoComplete="new-password"
        hint={c.configured ? "A secret is stored; it is never shown. Leave empty to keep it, or enter a new one." : "Stored encrypted; never shown again."}
        required={!c.configured}
      />
      <div className="form-row">
        <TextField label="Event status field (API name)" value={statusField} onChange={touched(setStatusField)} error={errs.of("statusField")} autoComplete="off" hint="Default Event_Status__c" />
        <TextField
          label="Cancel/reschedule reason field (API name)"
          value={reasonField}
          onChange={touched(setReasonField)}
          error={errs.of("reasonField")}
          autoComplete="off"
          hint="Default Cancel_Reschedule_Reason__c"
        />
      </div>
      <SelectField
        label="When no Contact or Lead has the customer's e-mail"
        value={noMatch}
        onChange={touched(setNoMatch)}
        error={errs.of("noMatch")}
        options={[
          { value: "lead", label: "Create a Lead" },
          { value: "contact", label: "Create a Contact" },
          { value: "skip", label: "Skip (write no Event)" },
        ]}
      />
    </SectionForm>
  );
}

/** The URL admins put behind a "Schedule" button on Contacts, Leads and Cases. */
function ScheduleButton({ c }: { c: SalesforceConnection }) {
  return (
    <section className="settings-card" aria-labelledby="salesforce-button">
      <h3 id="salesforce-button">The "Schedule" button</h3>
      <p className="muted">
        In Salesforce Setup → Object Manager → Contact (and Lead, Case) → Buttons, Links, and Actions → New: a Detail Page Button that opens this URL in a new window, with{" "}
        <code>{"{!Id}"}</code> replaced by <code>{"{!Contact.Id}"}</code>, <code>{"{!Lead.Id}"}</code> or <code>{"{!Case.Id}"}</code>. It opens Find a time with the customer filled in,
        and the booking's Event lands on that record.
      </p>
      <p className="id-with-copy">
        <code data-testid="salesforce-button-url">{c.scheduleButtonUrl}</code>
        <CopyButton text={c.scheduleButtonUrl} label="Copy the Schedule button URL" />
      </p>
    </section>
  );
}
