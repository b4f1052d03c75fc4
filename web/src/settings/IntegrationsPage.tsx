import { useId, useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { useDeliveries, useEndpoints, useEventTypes, useIntegrationMutations, type Delivery, type DeliveryFilter, type DeliveryState, type WebhookEndpoint } from "../api/integrations";
import type { Me } from "../api/types";
import { CopyButton } from "../ui/CopyButton";
import { formatDateTime } from "../ui/format";
import { useToast } from "../ui/Toasts";
import { SalesforceSummary } from "./SalesforceSummary";

/**
 * /settings/integrations (admins): the account's webhook endpoints (create — the signing secret
 * shown once, to copy —, event types, enable/disable, rotate, test, delete) and the delivery log
 * of every integration, with filters and replay.
 */
export function IntegrationsPage({ me }: { me: Me }) {
  if (me.user.role !== "admin") {
    return (
      <div className="page">
        <h1 className="page-title">Integrations</h1>
        <p className="muted">Only an admin can see the account's integrations.</p>
      </div>
    );
  }
  return (
    <div className="page integrations-page">
      <h1 className="page-title">Integrations</h1>
      <Webhooks />
      <SalesforceSummary />
      <DeliveryLog zone={me.user.timeZone} />
    </div>
  );
}

function Webhooks() {
  const endpoints = useEndpoints();
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const headingId = useId();
  return (
    <section className="settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Webhooks</h2>
      <p className="muted">
        Bookstream POSTs each chosen event to your URL, signed the Standard Webhooks way (headers <code>webhook-id</code>, <code>webhook-timestamp</code>,{" "}
        <code>webhook-signature</code>); failures are retried for 3 days. Payloads: <a href="/api/docs">API reference</a>, tag Webhooks.
      </p>
      {secret && (
        <div className="new-secret" role="status">
          <p>
            The signing secret for <strong>{secret.url}</strong>. It is shown only now: copy it into your receiver.
          </p>
          <code className="secret-value" data-testid="webhook-secret">{secret.secret}</code> <CopyButton text={secret.secret} label="Copy the signing secret" showLabel />{" "}
          <button type="button" className="button button-small" onClick={() => setSecret(null)}>Done</button>
        </div>
      )}
      <CreateEndpoint onCreated={(url, s) => setSecret({ url, secret: s })} />
      {endpoints.isError && <p className="form-error" role="alert">Could not load the endpoints: {errorMessage(endpoints.error)}</p>}
      {endpoints.data?.length === 0 && <p className="muted">No webhook endpoints yet.</p>}
      <ul className="endpoint-list">
        {endpoints.data?.map((e) => <EndpointItem key={e.id} e={e} onSecret={(s) => setSecret({ url: e.url, secret: s })} />)}
      </ul>
    </section>
  );
}

function EventTypeChecklist({ value, onChange, legend }: { value: string[]; onChange: (v: string[]) => void; legend: string }) {
  const types = useEventTypes();
  return (
    <fieldset className="event-types">
      <legend>{legend}</legend>
      {types.data?.map((t) => (
        <label key={t.type} className="checkbox" title={t.description}>
          <input type="checkbox" checked={value.includes(t.type)} onChange={(ev) => onChange(ev.target.checked ? [...value, t.type] : value.filter((x) => x !== t.type))} />{" "}
          <code>{t.type}</code> <span className="muted">{t.description}</span>
        </label>
      ))}
    </fieldset>
  );
}

function CreateEndpoint({ onCreated }: { onCreated: (url: string, secret: string) => void }) {
  const { create } = useIntegrationMutations();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [types, setTypes] = useState<string[]>(["activity.created", "activity.updated"]);
  const urlId = useId();
  const descId = useId();
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    create.mutate({ url: url.trim(), description: description.trim() || undefined, eventTypes: types }, {
      onSuccess: (r) => {
        onCreated(r.item.url, r.secret);
        setUrl("");
        setDescription("");
      },
    });
  };
  return (
    <form className="endpoint-form" onSubmit={submit} aria-label="Add a webhook endpoint">
      <div className="field">
        <label htmlFor={urlId}>Endpoint URL</label>
        <input id={urlId} type="url" required placeholder="https://example.com/bookstream-hook" value={url} onChange={(e) => setUrl(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={descId}>Description (optional)</label>
        <input id={descId} maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <EventTypeChecklist value={types} onChange={setTypes} legend="Events to send" />
      {create.isError && <p className="form-error" role="alert">{errorMessage(create.error)}</p>}
      <button type="submit" className="button button-primary" disabled={create.isPending || types.length === 0 || !url.trim()}>Add endpoint</button>
    </form>
  );
}

function EndpointItem({ e, onSecret }: { e: WebhookEndpoint; onSecret: (secret: string) => void }) {
  const m = useIntegrationMutations();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [types, setTypes] = useState(e.eventTypes);
  return (
    <li className="endpoint" data-endpoint-id={e.id}>
      <p className="endpoint-url">
        <strong>{e.url}</strong> {e.description && <span className="muted">· {e.description}</span>}{" "}
        <span className={`tag ${e.enabled ? "tag-ok" : "tag-off"}`}>{e.enabled ? "Enabled" : "Disabled"}</span>
      </p>
      <p className="muted">
        {e.eventTypes.join(", ")}
        {e.failureStreak > 0 && ` · ${e.failureStreak} failed attempts in a row`}
        {!e.enabled && e.disabledReason && ` · ${e.disabledReason}`}
      </p>
      {editing && (
        <form onSubmit={(ev) => { ev.preventDefault(); m.update.mutate({ id: e.id, eventTypes: types }, { onSuccess: () => setEditing(false) }); }}>
          <EventTypeChecklist value={types} onChange={setTypes} legend={`Events to send to ${e.url}`} />
          <button type="submit" className="button button-small" disabled={types.length === 0}>Save events</button>{" "}
          <button type="button" className="button button-small" onClick={() => setEditing(false)}>Cancel</button>
        </form>
      )}
      <div className="endpoint-actions">
        <button type="button" className="button button-small" onClick={() => m.update.mutate({ id: e.id, enabled: !e.enabled })}>{e.enabled ? "Disable" : "Enable"}</button>
        <button type="button" className="button button-small" onClick={() => setEditing(!editing)} aria-expanded={editing}>Event types</button>
        <button type="button" className="button button-small" onClick={() => m.test.mutate(e.id, {
          onSuccess: (r) => toast(r.ok ? { message: `Test sent: the receiver answered ${r.status}`, tone: "success" } : { message: `Test failed: ${r.error ?? "no answer"}`, tone: "error" }),
        })}>Send test</button>
        <button type="button" className="button button-small" onClick={() => {
          if (window.confirm(`Replace the signing secret of ${e.url}? The old one stops working at once.`)) m.rotate.mutate(e.id, { onSuccess: (r) => onSecret(r.secret) });
        }}>Rotate secret</button>
        <button type="button" className="button button-small button-danger" onClick={() => {
          if (window.confirm(`Delete the webhook endpoint ${e.url} and its delivery log?`)) m.remove.mutate(e.id);
        }}>Delete</button>
      </div>
    </li>
  );
}

const STATES: DeliveryState[] = ["pending", "retrying", "delivered", "failed"];

function DeliveryLog({ zone }: { zone: string }) {
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const log = useDeliveries(filter);
  const endpoints = useEndpoints();
  const m = useIntegrationMutations();
  const toast = useToast();
  const headingId = useId();
  const consumerId = useId();
  const stateId = useId();
  const endpointName = (id: string | null) => endpoints.data?.find((e) => e.id === id)?.url ?? "deleted endpoint";
  const consumers = ["payments", "email", "calendar", "salesforce", "webhooks"];
  return (
    <section className="settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Delivery log</h2>
      <div className="log-filters">
        <label htmlFor={consumerId}>Integration</label>
        <select id={consumerId} value={filter.endpointId ? `webhooks:${filter.endpointId}` : filter.consumer ?? ""} onChange={(e) => {
          const [consumer, endpointId] = e.target.value.split(":");
          setFilter({ ...filter, consumer: consumer || undefined, endpointId: endpointId || undefined });
        }}>
          <option value="">All</option>
          {consumers.map((c) => <option key={c} value={c}>{c}</option>)}
          {endpoints.data?.map((e) => <option key={e.id} value={`webhooks:${e.id}`}>webhook {e.url}</option>)}
        </select>
        <label htmlFor={stateId}>State</label>
        <select id={stateId} value={filter.state ?? ""} onChange={(e) => setFilter({ ...filter, state: (e.target.value || undefined) as DeliveryState | undefined })}>
          <option value="">Any</option>
          {STATES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <button type="button" className="button button-small" onClick={() => m.replayFailed.mutate(filter.endpointId ? `webhooks:${filter.endpointId}` : filter.consumer, {
          onSuccess: (r) => toast({ message: `${r.replayed} failed ${r.replayed === 1 ? "delivery" : "deliveries"} put back to pending`, tone: "success" }),
          onError: (err) => toast({ message: errorMessage(err), tone: "error" }),
        })}>Replay all failed</button>
      </div>
      {log.isError && <p className="form-error" role="alert">Could not load the log: {errorMessage(log.error)}</p>}
      {log.data?.items.length === 0 && <p className="muted">No deliveries.</p>}
      {log.data && log.data.items.length > 0 && (
        <table className="tokens-table deliveries-table">
          <caption className="sr-only">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Change</th>
              <th scope="col">Integration</th>
              <th scope="col">Event</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {log.data.items.map((d) => <DeliveryRow key={`${d.key}/${d.eventId}`} d={d} zone={zone} endpointName={endpointName} onReplay={() => m.replay.mutate(d, { onError: (err) => toast({ message: errorMessage(err), tone: "error" }) })} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DeliveryRow({ d, zone, endpointName, onReplay }: { d: Delivery; zone: string; endpointName: (id: string | null) => string; onReplay: () => void }) {
  return (
    <tr data-state={d.state}>
      <td data-label="Change"><time dateTime={d.eventAt}>{formatDateTime(d.eventAt, zone)}</time> {d.activityId && <code>{d.activityId}</code>}</td>
      <td data-label="Integration">{d.consumer === "webhooks" ? `webhook ${endpointName(d.endpointId)}` : d.consumer}</td>
      <td data-label="Event"><code>{d.eventType}</code></td>
      <td data-label="State">
        <span className={`tag tag-${d.state}`}>{d.sending ? "sending" : d.state}</span>
        {d.state === "retrying" && d.nextAttemptAt && <span className="muted"> next {formatDateTime(d.nextAttemptAt, zone)}</span>}
        {d.state === "delivered" && d.deliveredAt && <span className="muted"> {formatDateTime(d.deliveredAt, zone)}</span>}
        {(d.state === "retrying" || d.state === "failed") && d.lastError && <div className="delivery-error">{d.lastError}</div>}
      </td>
      <td data-label="Attempts">{d.attempts}</td>
      <td>
        <button type="button" className="button button-small" onClick={onReplay} aria-label={`Replay ${d.eventType} to ${d.consumer}${d.activityId ? ` for ${d.activityId}` : ""}`}>Replay</button>
      </td>
    </tr>
  );
}
