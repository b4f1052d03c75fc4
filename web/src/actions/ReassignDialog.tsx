import { useState, type FormEvent } from "react";
import { useUsers } from "../api/queries";
import { Dialog } from "../ui/Dialog";
import type { ActionDialogProps } from "./ActionMenu";
import { useRunAction } from "./use-run-action";
import { FormFooter } from "./FormFooter";

/** Give the booking to another team member. */
export function ReassignDialog({ activity, onClose, onConflict }: ActionDialogProps) {
  const users = useUsers();
  const others = (users.data ?? []).filter((u) => u.id !== activity.owner?.id);
  const [ownerId, setOwnerId] = useState("");
  const [reason, setReason] = useState("");
  const { run, pending, error } = useRunAction(activity, "Reassign", onConflict, onClose);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ownerId) void run("reassign", { ownerId, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };
  return (
    <Dialog open onClose={onClose} title="Reassign booking" description={`Now hosted by ${activity.owner?.name ?? "nobody"}. The new host must be free at that time.`}>
      <form className="form" onSubmit={submit}>
        <fieldset className="choice-list">
          <legend>New owner</legend>
          {users.isPending && <p>Loading the team…</p>}
          {others.map((u) => (
            <label key={u.id} className="choice">
              <input type="radio" name="owner" value={u.id} checked={ownerId === u.id} onChange={() => setOwnerId(u.id)} required />
              <span>
                {u.name} <span className="muted">· {u.email}</span>
              </span>
            </label>
          ))}
          {users.data && others.length === 0 && <p className="hint">There is nobody else in the team.</p>}
        </fieldset>
        <label className="field">
          <span>
            Note <span className="muted">(optional)</span>
          </span>
          <textarea className="input" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <FormFooter error={error} onCancel={onClose} submitLabel="Reassign" pending={pending} pendingLabel="Reassigning…" disabled={!ownerId} />
      </form>
    </Dialog>
  );
}
