import { useState, type FormEvent } from "react";
import { Dialog } from "../ui/Dialog";
import { formatDateTime } from "../ui/format";
import type { ActionDialogProps } from "./ActionMenu";
import { HostTimePicker, needsOverride, RefusalNotice, StartMark } from "./HostTimePicker";
import { useHostTime } from "./use-host-time";
import { useRunAction } from "./use-run-action";
import { FormFooter } from "./FormFooter";

/**
 * "Find a time": the customer's proposed times first, or another time from the host's free times
 * (or typed); approving schedules it. A time outside the host's hours or over their busy time is
 * marked before the user confirms, and confirming it books it anyway (override).
 */
export function ApproveDialog({ activity, me, onClose, onConflict }: ActionDialogProps) {
  const zone = me.user.timeZone;
  const customerZone = activity.customer.timeZone;
  const now = Date.now();
  const proposed = activity.proposedTimes ?? [];
  const firstAhead = proposed.find((t) => Date.parse(t) > now);
  const [choice, setChoice] = useState<string>(firstAhead ?? (proposed.length ? proposed[0] : "other"));
  const [other, setOther] = useState("");
  const { run, pending, error, refusal, reset } = useRunAction(activity, "Approve", onConflict, onClose);
  const start = choice === "other" ? other : choice;
  const ht = useHostTime(activity.id, undefined, start, zone, firstAhead);
  const hostZone = ht.host?.timeZone;
  const override = needsOverride(ht.check);
  const pick = (next: () => void) => {
    reset();
    next();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (start) void run("approve", { start, ...(override ? { override: true } : {}) });
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
                <input type="radio" name="start" value={t} checked={choice === t} onChange={() => pick(() => setChoice(t))} />
                <span>
                  {formatDateTime(t, zone)}
                  {past && <span className="tag">in the past</span>}
                  {hostZone && hostZone !== zone && <span className="muted choice-sub">{ht.host!.name}: {formatDateTime(t, hostZone)}</span>}
                  {customerZone && customerZone !== zone && <span className="muted choice-sub">Customer: {formatDateTime(t, customerZone)}</span>}
                </span>
              </label>
            );
          })}
          <label className="choice">
            <input type="radio" name="start" value="other" checked={choice === "other"} onChange={() => pick(() => setChoice("other"))} />
            <span>Another time</span>
          </label>
        </fieldset>
        {choice === "other" && <HostTimePicker ht={ht} value={other} onChange={(iso) => pick(() => setOther(iso))} userZone={zone} customerZone={customerZone} />}
        {refusal ? (
          <RefusalNotice refusal={refusal} hostName={ht.host?.name ?? activity.owner?.name ?? "The host"} pending={pending} onBookAnyway={() => void run("approve", { start, override: true })} />
        ) : (
          <StartMark ht={ht} start={start} />
        )}
        <FormFooter
          error={error}
          onCancel={onClose}
          submitLabel={override ? "Approve and schedule anyway" : "Approve and schedule"}
          pending={pending}
          pendingLabel="Scheduling…"
          disabled={!start || ht.check === "past" || refusal?.kind === "taken"}
        />
      </form>
    </Dialog>
  );
}
