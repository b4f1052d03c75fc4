import { useState, type FormEvent } from "react";
import { Dialog } from "../ui/Dialog";
import { formatDateTime } from "../ui/format";
import type { ActionDialogProps } from "./ActionMenu";
import { DateTimeField } from "./DateTimeField";
import { useRunAction } from "./use-run-action";
import { FormFooter } from "./FormFooter";

/** "Find a time": the customer's proposed times first, or any other time; approving schedules it. */
export function ApproveDialog({ activity, me, onClose, onConflict }: ActionDialogProps) {
  const zone = me.user.timeZone;
  const customerZone = activity.customer.timeZone;
  const now = Date.now();
  const proposed = activity.proposedTimes ?? [];
  const firstAhead = proposed.find((t) => Date.parse(t) > now);
  const [choice, setChoice] = useState<string>(firstAhead ?? (proposed.length ? proposed[0] : "other"));
  const [other, setOther] = useState("");
  const { run, pending, error } = useRunAction(activity, "Approve", onConflict, onClose);
  const start = choice === "other" ? other : choice;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (start) void run("approve", { start });
  };
  return (
    <Dialog open onClose={onClose} title="Find a time and schedule" wide description={`Approve ${activity.customer.name ?? "the customer"}'s request ${activity.id} at one of the proposed times, or pick another.`}>
      <form className="form" onSubmit={submit}>
        <fieldset className="choice-list">
          <legend>Proposed by the customer</legend>
          {proposed.length === 0 && <p className="hint">No proposed times.</p>}
          {proposed.map((t) => {
            const past = Date.parse(t) <= now;
            return (
              <label key={t} className="choice">
                <input type="radio" name="start" value={t} checked={choice === t} onChange={() => setChoice(t)} />
                <span>
                  {formatDateTime(t, zone)}
                  {past && <span className="tag">in the past</span>}
                  {customerZone && customerZone !== zone && <span className="muted choice-sub">Customer: {formatDateTime(t, customerZone)}</span>}
                </span>
              </label>
            );
          })}
          <label className="choice">
            <input type="radio" name="start" value="other" checked={choice === "other"} onChange={() => setChoice("other")} />
            <span>Another time</span>
          </label>
        </fieldset>
        {choice === "other" && <DateTimeField label="Start" value={other} onChange={setOther} zone={zone} otherZone={customerZone} required />}
        <FormFooter error={error} onCancel={onClose} submitLabel="Approve and schedule" pending={pending} pendingLabel="Scheduling…" disabled={!start} />
      </form>
    </Dialog>
  );
}
