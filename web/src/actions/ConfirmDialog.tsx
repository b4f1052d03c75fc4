import { useState, type FormEvent } from "react";
import { Dialog } from "../ui/Dialog";
import type { ActionDialogProps } from "./ActionMenu";
import { useRunAction } from "./use-run-action";

/** A yes/no confirmation for an action (No-show, and any action this app has no dialog for). */
export function ConfirmDialog(
  props: ActionDialogProps & { action: string; title: string; label: string; confirmLabel: string; message: string; danger?: boolean; withReason?: boolean },
) {
  const { activity, onClose, onConflict, action, title, label, confirmLabel, message, danger, withReason } = props;
  const [reason, setReason] = useState("");
  const { run, pending, error } = useRunAction(activity, label, onConflict, onClose);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(action, withReason && reason.trim() ? { reason: reason.trim() } : {});
  };
  return (
    <Dialog open onClose={onClose} title={title}>
      <form className="form" onSubmit={submit}>
        <p>{message}</p>
        {withReason && (
          <label className="field">
            <span>
              Reason <span className="muted">(optional)</span>
            </span>
            <textarea className="input" rows={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {danger ? "No" : "Cancel"}
          </button>
          <button type="submit" className={`button ${danger ? "button-danger" : "button-primary"}`} disabled={pending}>
            {pending ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
