import { type FormEvent } from "react";
import { ApiError } from "../api/client";
import { useEmptyTrash, useMoveManyToTrash, useTrashAction, useTrashMany, type TrashAction } from "../api/trash";
import { FormFooter } from "../actions/FormFooter";
import { Dialog } from "../ui/Dialog";
import { formatDateTime, plural } from "../ui/format";
import { useToast } from "../ui/Toasts";
import { DELETE_FOREVER, deleteManyTitle, moveManyMessage, moveManyTitle, moveOneMessage, NOT_CANCELING, restoreManyTitle, RETENTION_DAYS } from "./trash-words";

const TITLES: Record<TrashAction, string> = { "move-to-trash": "Move to Trash", restore: "Restore activity", "delete-permanently": "Delete permanently" };

/** The confirmation of one activity's Trash action (from the action menu or a Trash row). */
export function TrashActionDialog({ id, action, zone, onClose, onDone }: { id: string; action: TrashAction; zone: string; onClose: () => void; onDone?: () => void }) {
  const m = useTrashAction();
  const toast = useToast();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate({ id, action }, {
      onSuccess: (r: any) => {
        const deletesAt = r?.activity?.trash?.deletesAt;
        toast({
          tone: "success",
          message:
            action === "move-to-trash"
              ? `${id} is in the Trash${deletesAt ? `; it will be deleted permanently on ${formatDateTime(deletesAt, zone)}` : ""}.`
              : action === "restore"
                ? `${id} is restored to the Activity stream.`
                : `${id} was deleted permanently.`,
        });
        onClose();
        onDone?.();
      },
    });
  };
  const message = action === "move-to-trash" ? moveOneMessage(id, RETENTION_DAYS) : action === "restore" ? `Restore ${id}? It returns to the Activity stream as it was and will not be deleted.` : `Delete ${id} permanently?`;
  return (
    <Dialog open onClose={onClose} title={TITLES[action]}>
      <form className="form" onSubmit={submit}>
        <p>{message}</p>
        {action === "move-to-trash" && <p className="notice-warning notice">{NOT_CANCELING}</p>}
        {action === "delete-permanently" && <p className="notice-warning notice">{DELETE_FOREVER}</p>}
        <FormFooter error={m.error instanceof ApiError ? m.error : m.error ? { message: String(m.error) } : null} onCancel={onClose} submitLabel={TITLES[action]} pending={m.isPending} tone={action === "restore" ? "primary" : "danger"} />
      </form>
    </Dialog>
  );
}

/** "Move N activities to Trash": the stream's selection, all or none. */
export function MoveManyDialog({ ids, zone, onClose, onDone }: { ids: string[]; zone: string; onClose: () => void; onDone: () => void }) {
  const m = useMoveManyToTrash();
  const toast = useToast();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate(ids, {
      onSuccess: (r) => {
        toast({ tone: "success", message: `Moved ${r.moved.length} ${r.moved.length === 1 ? "activity" : "activities"} to the Trash; deleted permanently on ${formatDateTime(r.deletesAt, zone)} unless restored.` });
        onClose();
        onDone();
      },
    });
  };
  return (
    <Dialog open onClose={onClose} title={moveManyTitle(ids.length)}>
      <form className="form" onSubmit={submit}>
        <p>{moveManyMessage(ids.length, RETENTION_DAYS)}</p>
        <p className="notice-warning notice">{NOT_CANCELING}</p>
        <FormFooter error={m.error instanceof ApiError ? m.error : null} onCancel={onClose} submitLabel={moveManyTitle(ids.length)} pending={m.isPending} tone="danger" />
      </form>
    </Dialog>
  );
}

/** The Trash's Select mode: restore the selection, or delete it permanently (all or none). */
export function TrashManyDialog({ ids, action, onClose, onDone }: { ids: string[]; action: "restore" | "delete-permanently"; onClose: () => void; onDone: () => void }) {
  const m = useTrashMany(action);
  const toast = useToast();
  const n = ids.length;
  const what = `${n} ${plural(n, "activity", "activities")}`;
  const title = action === "restore" ? restoreManyTitle(n) : deleteManyTitle(n);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate(ids, {
      onSuccess: () => {
        toast({ tone: "success", message: action === "restore" ? `Restored ${what} to the Activity stream.` : `Deleted ${what} permanently.` });
        onClose();
        onDone();
      },
    });
  };
  return (
    <Dialog open onClose={onClose} title={title}>
      <form className="form" onSubmit={submit}>
        <p>{action === "restore" ? `Restore ${what}? They return to the Activity stream as they were and will not be deleted.` : `Delete ${what} permanently?`}</p>
        {action === "delete-permanently" && <p className="notice-warning notice">{DELETE_FOREVER}</p>}
        <FormFooter error={m.error instanceof ApiError ? m.error : null} onCancel={onClose} submitLabel={title} pending={m.isPending} tone={action === "restore" ? "primary" : "danger"} />
      </form>
    </Dialog>
  );
}

/** "Empty trash now": everything in the Trash, deleted permanently. */
export function EmptyTrashDialog({ count, onClose }: { count: number; onClose: () => void }) {
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
