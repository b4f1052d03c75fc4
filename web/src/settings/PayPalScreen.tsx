import { useState } from "react";
import { usePayPalConnection, usePayPalMutations, type PayPalConnection } from "../api/payments";
import type { Me } from "../api/types";
import { formatDateTime } from "../ui/format";
import { CopyButton } from "../ui/CopyButton";
import { SectionForm } from "./BookingPageEditor";
import { ConfirmChange } from "./dialogs";
import { SelectField, TextField, fieldErrors } from "./fields";

/**
 * The account's PayPal (admins): the REST app's client id and secret (write-only: the secret is
 * never shown back), sandbox or live, PayPal's API address when it is not the default, the
 * webhook, "Test the connection", and the connection's state. A base URL that is not PayPal's own
 * is labelled "PayPal sandbox (simulated)", as the API reports it.
 */
export function PayPalScreen({ me }: { me: Me }) {
  const admin = me.user.role === "admin";
  const connection = usePayPalConnection(admin);
  return (
    <div className="settings-screen">
      <header className="settings-head">
        <h2>PayPal</h2>
        <p className="muted">Customers pay for priced booking pages with PayPal; refunds go back through it.</p>
      </header>
      {!admin && <p className="notice notice-warning">Only an admin sees and changes the account's PayPal connection.</p>}
      {admin && connection.isPending && <p>Loading…</p>}
      {admin && connection.error && (
        <p className="form-error" role="alert">
          {connection.error.message}
        </p>
      )}
      {admin && connection.data && (
        <>
          <ConnectionState c={connection.data} />
          <ConnectForm c={connection.data} />
        </>
      )}
    </div>
  );
}

function ConnectionState({ c }: { c: PayPalConnection }) {
  const { test, disconnect } = usePayPalMutations();
  const [confirm, setConfirm] = useState(false);
  return (
    <section className="settings-card" aria-labelledby="paypal-state">
      <h3 id="paypal-state">Connection</h3>
      {!c.connected ? (
        <p data-testid="paypal-state">Not connected. Priced booking pages take no bookings until PayPal is connected.</p>
      ) : (
        <>
          <p data-testid="paypal-state">
            <span className="badge tone-success">
              <span aria-hidden="true" className="badge-glyph">
                ●
              </span>
              Connected
            </span>{" "}
            {c.simulated ? <strong className="simulated-label">PayPal sandbox (simulated)</strong> : <strong>{c.mode === "live" ? "PayPal (live)" : "PayPal sandbox"}</strong>}
          </p>
          <dl className="facts">
            <div className="fact">
              <dt>API address</dt>
              <dd>
                <code>{c.baseUrl}</code>
              </dd>
            </div>
            <div className="fact">
              <dt>Client ID</dt>
              <dd>
                <code>{c.clientId}</code>
              </dd>
            </div>
            <div className="fact">
              <dt>Secret</dt>
              <dd>Stored encrypted; never shown.</dd>
            </div>
            <div className="fact">
              <dt>Webhook ID</dt>
              <dd>{c.webhookId ? <code>{c.webhookId}</code> : <span className="muted">None yet</span>}</dd>
            </div>
            {c.webhookUrl && (
              <div className="fact">
                <dt>Webhook address</dt>
                <dd className="id-with-copy">
                  <code>{c.webhookUrl}</code>
                  <CopyButton text={c.webhookUrl} label="Copy the webhook address" />
                </dd>
              </div>
            )}
            {c.connectedAt && (
              <div className="fact">
                <dt>Connected</dt>
                <dd>{formatDateTime(c.connectedAt, Intl.DateTimeFormat().resolvedOptions().timeZone)}</dd>
              </div>
            )}
          </dl>
          {c.webhookProblem && (
            <p className="notice notice-warning" role="alert">
              {c.webhookProblem}
            </p>
          )}
          <div className="button-row">
            <button type="button" className="button" onClick={() => test.mutate()} disabled={test.isPending}>
              {test.isPending ? "Testing…" : "Test the connection"}
            </button>
            <button type="button" className="button button-danger-outline" onClick={() => setConfirm(true)}>
              Disconnect…
            </button>
          </div>
          <p role="status" className={test.data ? (test.data.ok ? "test-ok" : "form-error") : undefined} data-testid="paypal-test-result">
            {test.data ? `${test.data.ok ? "Working" : "Not working"}: ${test.data.message}` : ""}
            {test.error ? `Could not test: ${test.error.message}` : ""}
          </p>
        </>
      )}
      {confirm && (
        <ConfirmChange title="Disconnect PayPal?" confirmLabel="Disconnect" danger pending={disconnect.isPending} error={disconnect.error} onClose={() => setConfirm(false)} onConfirm={() => disconnect.mutate(undefined, { onSuccess: () => setConfirm(false) })}>
          <p>Priced booking pages stop taking bookings until PayPal is connected again. Payments and refunds made so far stay in the Activity stream.</p>
        </ConfirmChange>
      )}
    </section>
  );
}

const DEFAULT_URLS = { sandbox: "https://api-m.sandbox.paypal.com", live: "https://api-m.paypal.com" } as const;

function ConnectForm({ c }: { c: PayPalConnection }) {
  const { connect } = usePayPalMutations();
  const [mode, setMode] = useState<"sandbox" | "live">(c.mode ?? "sandbox");
  const [baseUrl, setBaseUrl] = useState(c.baseUrl && c.baseUrl !== DEFAULT_URLS[c.mode ?? "sandbox"] ? c.baseUrl : "");
  const [clientId, setClientId] = useState(c.clientId ?? "");
  const [secret, setSecret] = useState("");
  const [webhookId, setWebhookId] = useState(c.webhookId ?? "");
  const [saved, setSaved] = useState(false);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const errs = fieldErrors(connect.error, ["mode", "baseUrl", "clientId", "clientSecret", "webhookId"]);
  const touched = <T,>(f: (v: T) => void) => (v: T) => (setSaved(false), f(v));
  const submit = () => {
    const m: Record<string, string> = {};
    if (!clientId.trim()) m.clientId = "Enter the REST app's client ID.";
    if (!secret) m.clientSecret = c.connected ? "Enter the secret again to change the connection (it is never shown)." : "Enter the REST app's secret.";
    setMissing(m);
    if (Object.keys(m).length) return;
    connect.mutate(
      { mode, clientId: clientId.trim(), clientSecret: secret, ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}), ...(webhookId.trim() ? { webhookId: webhookId.trim() } : {}) },
      { onSuccess: () => (setSaved(true), setSecret("")) },
    );
  };
  return (
    <SectionForm
      title={c.connected ? "Change the connection" : "Connect PayPal"}
      description="From your PayPal developer dashboard: Apps & Credentials → your REST app. Bookstream checks the credentials before saving them."
      onSubmit={submit}
      pending={connect.isPending}
      saved={saved}
      error={errs.general}
      readOnly={false}
    >
      <SelectField
        label="Environment"
        value={mode}
        onChange={touched(setMode)}
        options={[
          { value: "sandbox", label: "Sandbox (test payments)" },
          { value: "live", label: "Live (real payments)" },
        ]}
        error={errs.of("mode")}
      />
      <TextField label="API address (optional)" value={baseUrl} onChange={touched(setBaseUrl)} error={errs.of("baseUrl")} hint={`Leave empty for PayPal's own: ${DEFAULT_URLS[mode]}`} placeholder={DEFAULT_URLS[mode]} inputMode="text" />
      <TextField label="Client ID" value={clientId} onChange={touched(setClientId)} error={missing.clientId ?? errs.of("clientId")} autoComplete="off" required />
      <TextField
        label="Secret"
        type="password"
        value={secret}
        onChange={touched(setSecret)}
        error={missing.clientSecret ?? errs.of("clientSecret")}
        autoComplete="new-password"
        hint={c.connected ? "A secret is stored; it is never shown. Enter it (or a new one) to save changes." : "Stored encrypted; never shown again."}
        required
      />
      <TextField label="Webhook ID (optional)" value={webhookId} onChange={touched(setWebhookId)} error={errs.of("webhookId")} hint="Leave empty and Bookstream subscribes its own webhook at PayPal." autoComplete="off" />
    </SectionForm>
  );
}
