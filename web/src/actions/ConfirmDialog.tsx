import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { Dialog } from "../ui/Dialog";
import { formatDateTime } from "../ui/format";
import type { ActionDialogProps } from "./ActionMenu";
import { useRunAction } from "./use-run-action";
import { FormFooter } from "./FormFooter";

/** A yes/no confirmation for an action (No-show, and any action this app has no dialog for). */
export function ConfirmDialog(
  props: ActionDialogProps & { action: string; title: string; label: string; confirmLabel: string; message: string; danger?: boolean; withReason?: boolean },
) {
  const { activity, me, onClose, onConflict, action, title, label, confirmLabel, message, danger, withReason } = props;
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
        <FormFooter error={plainWords(error, me.user.timeZone)} onCancel={onClose} cancelLabel={danger ? "No" : "Cancel"} submitLabel={confirmLabel} pending={pending} tone={danger ? "danger" : "primary"} />
      </form>
    </Dialog>
  );
}

/** The server's refusal of a no-show before the meeting (422 not_started), in the user's zone. */
function plainWords(error: ApiError | null, zone: string): { message: string } | null {
  if (error?.status === 422 && error.details.reason === "not_started" && typeof error.details.start === "string") {
    return { message: `The meeting has not started yet (it starts ${formatDateTime(error.details.start, zone)}). A no-show can be set once it has begun.` };
  }
  return error;
}
