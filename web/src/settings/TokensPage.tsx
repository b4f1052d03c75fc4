import { DateTime } from "luxon";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "../api/client";
import { useMyTokens, useTokenMutations, type ApiTokenItem } from "../api/tokens";
import type { Me } from "../api/types";
import { CopyButton } from "../ui/CopyButton";
import { Dialog } from "../ui/Dialog";
import { formatDateTime, zoneName } from "../ui/format";
import { useToast } from "../ui/Toasts";

/**
 * /settings/tokens: the signed-in user's API tokens. Listed with when they were made, last used
 * and expire; created with a name and an optional last day (the token is shown once, to copy);
 * revoked after a confirmation. Only the user's own tokens: an admin does not see others' here.
 */
export function TokensPage({ me }: { me: Me }) {
  const zone = me.user.timeZone;
  const tokens = useMyTokens();
  const [created, setCreated] = useState<{ token: string; item: ApiTokenItem } | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenItem | null>(null);
  const listId = useId();
  return (
    <div className="page tokens-page">
      <h1 className="page-title">API tokens</h1>
      <p className="muted">
        A token lets a script or an integration use the API as you ({me.user.name}, {me.user.role === "admin" ? "admin" : "member"}): send it as{" "}
        <code>Authorization: Bearer …</code>. See the <a href="/api/docs">API reference</a>.
      </p>
      {created && <NewToken token={created.token} item={created.item} onDone={() => setCreated(null)} />}
      <CreateToken zone={zone} onCreated={setCreated} />
      <section className="settings-card" aria-labelledby={listId}>
        <h2 id={listId}>Your tokens</h2>
        {tokens.isPending && <p className="muted">Loading…</p>}
        {tokens.isError && (
          <p className="form-error" role="alert">
            Could not load your tokens: {errorMessage(tokens.error)}{" "}
            <button type="button" className="button button-small" onClick={() => tokens.refetch()}>
              Try again
            </button>
          </p>
        )}
        {tokens.data?.length === 0 && <p className="muted">You have no API tokens.</p>}
        {tokens.data && tokens.data.length > 0 && (
          <table className="tokens-table">
            <caption className="sr-only">Your API tokens, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <TokenRow key={t.id} token={t} zone={zone} isNew={t.id === created?.item.id} onRevoke={() => setRevoking(t)} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      {revoking && <RevokeDialog token={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}

function TokenRow({ token: t, zone, isNew, onRevoke }: { token: ApiTokenItem; zone: string; isNew: boolean; onRevoke: () => void }) {
  const expired = t.expiresAt !== null && Date.parse(t.expiresAt) <= Date.now();
  return (
    <tr data-token-id={t.id} className={isNew ? "is-new" : undefined}>
      <th scope="row" className="token-name">
        {t.name}
        {isNew && <span className="tag tag-new">New</span>}
      </th>
      <td data-label="Created">{formatDateTime(t.createdAt, zone)}</td>
      <td data-label="Last used">{t.lastUsedAt ? formatDateTime(t.lastUsedAt, zone) : <span className="muted">Never</span>}</td>
      <td data-label="Expires">
        {t.expiresAt === null ? <span className="muted">Never</span> : expired ? <span className="tag tag-expired">Expired {expiryWords(t.expiresAt, zone)}</span> : expiryWords(t.expiresAt, zone)}
      </td>
      <td className="token-actions">
        <button type="button" className="button button-small" onClick={onRevoke} aria-label={`Revoke ${t.name}`}>
          Revoke
        </button>
      </td>
    </tr>
  );
}

/** A token made here expires at a midnight: "End of Fri, Jan 1, 2027" reads as the last day picked. */
function expiryWords(iso: string, zone: string): string {
  const local = DateTime.fromISO(iso, { zone });
  if (!local.equals(local.startOf("day"))) return formatDateTime(iso, zone);
  const lastDay = local.minus({ days: 1 });
  return `End of ${lastDay.toLocaleString({ weekday: "short", month: "short", day: "numeric", year: "numeric" })}`;
}

/** Name and an optional last day (in the user's zone: the token works until that day ends). */
function CreateToken({ zone, onCreated }: { zone: string; onCreated: (r: { token: string; item: ApiTokenItem }) => void }) {
  const { create } = useTokenMutations();
  const [name, setName] = useState("");
  const [until, setUntil] = useState("");
  const headingId = useId();
  const untilHint = useId();
  const tomorrow = DateTime.now().setZone(zone).plus({ days: 1 }).toISODate()!;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = until ? DateTime.fromISO(until, { zone }).plus({ days: 1 }).startOf("day").toUTC().toISO()! : undefined;
    create.mutate(
      { name: name.trim(), ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: (r) => {
          setName("");
          setUntil("");
          onCreated(r);
        },
      },
    );
  };
  return (
    <section className="settings-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Create a token</h2>
      <form className="token-form" onSubmit={submit} aria-labelledby={headingId}>
        <label className="field">
          <span>Name</span>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="What it is for, e.g. CRM sync" autoComplete="off" />
        </label>
        <div className="field">
          <label htmlFor={`${untilHint}-input`}>
            Expires after <span className="muted">(optional)</span>
          </label>
          <input id={`${untilHint}-input`} className="input" type="date" min={tomorrow} value={until} onChange={(e) => setUntil(e.target.value)} aria-describedby={untilHint} />
          <span id={untilHint} className="hint">
            {until ? `Works until the end of that day (${zoneName(zone)}).` : "Leave empty for a token that does not expire."}
          </span>
        </div>
        <div className="token-form-actions">
          <button type="submit" className="button button-primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? "Creating…" : "Create token"}
          </button>
        </div>
        {create.isError && (
          <p className="form-error token-form-error" role="alert">
            {errorMessage(create.error)}
          </p>
        )}
      </form>
    </section>
  );
}

/** The new token, once: copy it now, it is not shown again (only its hash is kept). */
function NewToken({ token, item, onDone }: { token: string; item: ApiTokenItem; onDone: () => void }) {
  const ref = useRef<HTMLElement>(null);
  const headingId = useId();
  useEffect(() => ref.current?.focus(), [token]);
  return (
    <section ref={ref} className="new-token" aria-labelledby={headingId} tabIndex={-1}>
      <h2 id={headingId}>Copy your new token “{item.name}” now</h2>
      <p>
        <strong>It will not be shown again.</strong> Keep it somewhere safe (a password manager, the integration's secret settings). If it is lost, revoke it and
        create another.
      </p>
      <div className="token-value">
        <input className="input token-input" readOnly value={token} aria-label={`The token ${item.name}`} onFocus={(e) => e.target.select()} spellCheck={false} data-testid="new-token" />
        <CopyButton text={token} label="Copy the token" className="button button-primary" showLabel />
      </div>
      <div>
        <button type="button" className="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}

function RevokeDialog({ token, onClose }: { token: ApiTokenItem; onClose: () => void }) {
  const { revoke } = useTokenMutations();
  const toast = useToast();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    revoke.mutate(token.id, {
      onSuccess: () => {
        toast({ message: `Revoked the token “${token.name}”.`, tone: "success" });
        onClose();
      },
      onError: (err) => {
        if (err instanceof ApiError && err.status === 404) {
          toast({ message: `The token “${token.name}” was already revoked.`, tone: "info" });
          onClose();
        }
      },
    });
  };
  return (
    <Dialog open onClose={onClose} title={`Revoke “${token.name}”?`}>
      <form className="form" onSubmit={submit}>
        <p>Anything that uses this token stops working at once. This cannot be undone.</p>
        {revoke.isError && !(revoke.error instanceof ApiError && revoke.error.status === 404) && (
          <p className="form-error" role="alert">
            {errorMessage(revoke.error)}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Keep it
          </button>
          <button type="submit" className="button button-danger" disabled={revoke.isPending}>
            {revoke.isPending ? "Revoking…" : "Revoke token"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
