import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { useEmptyTrash, useTrash, type TrashAction, type TrashItem } from "../api/trash";
import type { Me } from "../api/types";
import { FormFooter } from "../actions/FormFooter";
import { Link } from "../app/router";
import { Dialog } from "../ui/Dialog";
import { formatDateTime, formatShort, plural } from "../ui/format";
import { useToast } from "../ui/Toasts";
import { TrashActionDialog } from "./TrashDialogs";
import { DELETE_FOREVER } from "./trash-words";

const TYPE_LABEL: Record<string, string> = { booking: "Booking", package: "Session package", transaction: "Transaction" };

/** The Trash (admins): what was moved there in the last 30 days, when each is deleted, restore and delete. */
export function TrashPage({ me }: { me: Me }) {
  const admin = me.user.role === "admin";
  const trash = useTrash(admin);
  const zone = me.user.timeZone;
  const [dialog, setDialog] = useState<{ id: string; action: TrashAction } | null>(null);
  const [emptying, setEmptying] = useState(false);
  if (!admin) {
    return (
      <div className="empty">
        <h1>Trash</h1>
        <p>Only admins can see the Trash.</p>
      </div>
    );
  }
  const items = trash.data?.items ?? [];
  const total = trash.data?.total ?? 0;
  return (
    <section className="trash-page" aria-labelledby="trash-title">
      <div className="trash-head">
        <Link to="/activities" className="trash-back">← Activity stream</Link>
        <h1 id="trash-title" className="page-title">Trash</h1>
      </div>
      <div className="trash-banner" role="region" aria-label="About the Trash">
        <p>
          Activities in the Trash are deleted permanently {trash.data?.retentionDays ?? 30} days after they were moved here. Until then, you can restore them. Only admins see the Trash.
        </p>
        <button type="button" className="button button-danger" disabled={total === 0} onClick={() => setEmptying(true)}>
          Empty trash now
        </button>
      </div>
      {trash.isError && (
        <div className="notice notice-error" role="alert">
          <p>{trash.error.message}</p>
          <button type="button" className="button" onClick={() => trash.refetch()}>Try again</button>
        </div>
      )}
      {trash.isPending && <div className="empty">Loading…</div>}
      {!trash.isPending && !trash.isError && (
        <p className="stream-count" aria-live="polite">
          <strong data-testid="trash-total">{total}</strong> {plural(total, "activity", "activities")} in the Trash
        </p>
      )}
      {!trash.isPending && items.length === 0 && !trash.isError && <div className="empty">The Trash is empty.</div>}
      <ul className="trash-list" aria-label="Activities in the Trash">
        {items.map((a) => (
          <TrashRow key={a.id} a={a} zone={zone} onAction={(action) => setDialog({ id: a.id, action })} />
        ))}
      </ul>
      {dialog && <TrashActionDialog id={dialog.id} action={dialog.action} zone={zone} onClose={() => setDialog(null)} />}
      {emptying && <EmptyTrashDialog count={total} onClose={() => setEmptying(false)} />}
    </section>
  );
}

function TrashRow({ a, zone, onAction }: { a: TrashItem; zone: string; onAction: (action: TrashAction) => void }) {
  const when = a.start ? formatShort(a.start, zone) : a.amount ? `${a.amount.value} ${a.amount.currency}` : null;
  return (
    <li className="trash-item" data-id={a.id}>
      <div className="trash-info">
        <p className="trash-title">
          <strong>{a.customer.name ?? a.customer.email ?? "Unknown customer"}</strong> <span className="muted">· {TYPE_LABEL[a.type] ?? a.type}</span>
        </p>
        <p className="trash-meta">
          <span className="trash-id">{a.id}</span> · {a.status} <span className="muted">(In Trash)</span>
          {when && <> · {when}</>}
        </p>
        <p className="trash-dates">
          Moved {formatDateTime(a.trash.trashedAt, zone)}
          {a.trash.trashedBy ? ` by ${a.trash.trashedBy.name}` : ""} · <strong>Deleted permanently on {formatDateTime(a.trash.deletesAt, zone)}</strong>
        </p>
      </div>
      <div className="trash-actions">
        {a.trashActions.includes("restore") && (
          <button type="button" className="button" onClick={() => onAction("restore")} aria-label={`Restore ${a.id}`}>
            Restore
          </button>
        )}
        {a.trashActions.includes("delete-permanently") && (
          <button type="button" className="button button-danger" onClick={() => onAction("delete-permanently")} aria-label={`Delete ${a.id} permanently`}>
            Delete permanently…
          </button>
        )}
      </div>
    </li>
  );
}

function EmptyTrashDialog({ count, onClose }: { count: number; onClose: () => void }) {
  const m = useEmptyTrash();
  const toast = useToast();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate(undefined, {
      onSuccess: (r) => {
        const n = (r.counts.bookings ?? 0) + (r.counts.packages ?? 0) + (r.counts.transactions ?? 0);
        toast({ tone: "success", message: `The Trash is empty: ${n} ${plural(n, "activity", "activities")} deleted permanently.` });
        onClose();
      },
    });
  };
  return (
    <Dialog open onClose={onClose} title="Empty trash now">
      <form className="form" onSubmit={submit}>
        <p>
          Delete all {count} {plural(count, "activity", "activities")} in the Trash permanently?
        </p>
        <p className="notice-warning notice">{DELETE_FOREVER}</p>
        <FormFooter error={m.error instanceof ApiError ? m.error : null} onCancel={onClose} submitLabel="Empty trash now" pending={m.isPending} tone="danger" />
      </form>
    </Dialog>
  );
}
