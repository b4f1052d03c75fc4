import { useCallback, useMemo, useState } from "react";
import { MoveManyDialog, TrashManyDialog } from "../trash/TrashDialogs";
import { BULK_LIMIT, deleteManyTitle, moveManyTitle, restoreManyTitle } from "../trash/trash-words";
import { useToast } from "../ui/Toasts";

export interface BulkSelection {
  on: boolean;
  ids: ReadonlySet<string>;
  start: () => void;
  stop: () => void;
  toggle: (id: string) => void;
  clear: () => void;
}

/** The stream's select mode (admins): up to 50 activities checked for "Move N activities to Trash" (in the Trash: restore or delete them). */
export function useBulkSelection(): BulkSelection {
  const [on, setOn] = useState(false);
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const toast = useToast();
  const toggle = useCallback(
    (id: string) =>
      setIds((prev) => {
        const next = new Set(prev);
        if (next.has(id)) next.delete(id);
        else if (next.size >= BULK_LIMIT) {
          toast({ tone: "error", message: `You can select up to ${BULK_LIMIT} activities at one time.` });
          return prev;
        } else next.add(id);
        return next;
      }),
    [toast],
  );
  const clear = useCallback(() => setIds(new Set()), []);
  const start = useCallback(() => setOn(true), []);
  const stop = useCallback(() => {
    setOn(false);
    setIds(new Set());
  }, []);
  return useMemo(() => ({ on, ids, start, stop, toggle, clear }), [on, ids, start, stop, toggle, clear]);
}

/** Above the list in select mode: how many are checked, and what can be done with them (in the Trash: restore or delete permanently). */
export function BulkBar({ selection, zone, inTrash }: { selection: BulkSelection; zone: string; inTrash: boolean }) {
  const [confirming, setConfirming] = useState<"move" | "restore" | "delete-permanently" | null>(null);
  const n = selection.ids.size;
  const ids = [...selection.ids];
  const close = () => setConfirming(null);
  return (
    <div className="bulk-bar" role="region" aria-label="Selected activities">
      <p aria-live="polite">
        <strong data-testid="selected-count">{n}</strong> selected <span className="muted">(up to {BULK_LIMIT}; click rows to select)</span>
      </p>
      <div className="bulk-actions">
        {n > 0 && (
          <button type="button" className="button" onClick={selection.clear}>
            Clear
          </button>
        )}
        {inTrash ? (
          <>
            <button type="button" className="button" disabled={n === 0} onClick={() => setConfirming("restore")}>
              {n === 0 ? "Restore" : restoreManyTitle(n)}
            </button>
            <button type="button" className="button button-danger" disabled={n === 0} onClick={() => setConfirming("delete-permanently")}>
              {n === 0 ? "Delete permanently" : deleteManyTitle(n)}
            </button>
          </>
        ) : (
          <button type="button" className="button button-danger" disabled={n === 0} onClick={() => setConfirming("move")}>
            {n === 0 ? "Move to Trash" : moveManyTitle(n)}
          </button>
        )}
      </div>
      {confirming === "move" && <MoveManyDialog ids={ids} zone={zone} onClose={close} onDone={selection.stop} />}
      {(confirming === "restore" || confirming === "delete-permanently") && <TrashManyDialog ids={ids} action={confirming} onClose={close} onDone={selection.stop} />}
    </div>
  );
}
