import { useCallback, useMemo, useState } from "react";
import { MoveManyDialog } from "../trash/TrashDialogs";
import { BULK_LIMIT, moveManyTitle } from "../trash/trash-words";
import { useToast } from "../ui/Toasts";

export interface BulkSelection {
  on: boolean;
  ids: ReadonlySet<string>;
  start: () => void;
  stop: () => void;
  toggle: (id: string) => void;
  clear: () => void;
}

/** The stream's select mode (admins): up to 50 activities checked for "Move N activities to Trash". */
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
          toast({ tone: "error", message: `You can move up to ${BULK_LIMIT} activities to the Trash at one time.` });
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

/** Above the list in select mode: how many are checked, and the move. */
export function BulkBar({ selection, zone }: { selection: BulkSelection; zone: string }) {
  const [confirming, setConfirming] = useState(false);
  const n = selection.ids.size;
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
        <button type="button" className="button button-danger" disabled={n === 0} onClick={() => setConfirming(true)}>
          {n === 0 ? "Move to Trash" : moveManyTitle(n)}
        </button>
      </div>
      {confirming && <MoveManyDialog ids={[...selection.ids]} zone={zone} onClose={() => setConfirming(false)} onDone={selection.stop} />}
    </div>
  );
}
