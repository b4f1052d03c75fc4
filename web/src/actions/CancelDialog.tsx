import { useRef, useState, type FormEvent } from "react";
import { useBookingPages } from "../api/queries";
import type { ActionBody } from "../api/types";
import { Dialog } from "../ui/Dialog";
import type { ActionDialogProps } from "./ActionMenu";
import { HostTimePicker, needsOverride, RefusalNotice, StartMark } from "./HostTimePicker";
import { useHostTime } from "./use-host-time";
import { useRunAction } from "./use-run-action";
import { FormFooter } from "./FormFooter";

const CHOICES: Record<string, { label: (request: boolean) => string; hint: string; reasonRequired: boolean }> = {
  cancel: { label: (r) => (r ? "Cancel the booking request" : "Cancel the booking"), hint: "The customer is told; the time is freed.", reasonRequired: false },
  "request-new-times": { label: () => "Cancel and request new times", hint: "The customer gets a link to propose other times.", reasonRequired: false },
  "request-reschedule": { label: () => "Cancel and ask the customer to reschedule", hint: "The customer gets a link to pick a new time.", reasonRequired: true },
  reschedule: { label: () => "Reschedule on the customer's behalf", hint: "You pick the new time; the customer is told.", reasonRequired: true },
};

/**
 * Cancel, request new times, request a reschedule, or reschedule on the customer's behalf: the
 * choices offered are exactly the actions the server allowed (`choices`).
 */
export function CancelDialog(props: ActionDialogProps & { choices: string[]; initial: string; title: string }) {
  const { activity, me, onClose, onConflict, choices, initial, title } = props;
  const [choice, setChoice] = useState(initial);
  const [reason, setReason] = useState("");
  const [eventType, setEventType] = useState<"same" | "any">("same");
  const [start, setStart] = useState("");
  const [eventTypeId, setEventTypeId] = useState("");
  const pages = useBookingPages();
  const page = pages.data?.find((p) => p.id === activity.bookingPage?.id);
  const spec = CHOICES[choice];
  const label = spec?.label(activity.status === "Requested") ?? choice;
  const { run, pending, error, refusal, reset } = useRunAction(activity, label, onConflict, onClose);
  const isRequest = activity.status === "Requested";
  // Rescheduling: the host's free times, and a mark on a time outside their hours or not free.
  const ht = useHostTime(activity.id, eventTypeId || undefined, start, me.user.timeZone, activity.start ?? undefined, choice === "reschedule");
  const form = useRef<HTMLFormElement>(null);
  const override = choice === "reschedule" && needsOverride(ht.check);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: ActionBody = reason.trim() ? { reason: reason.trim() } : {};
    if (choice === "request-reschedule") body.eventType = eventType;
    if (choice === "reschedule") {
      body.start = start;
      if (eventTypeId) body.eventTypeId = eventTypeId;
      if (override) body.override = true;
    }
    void run(choice, body);
  };
  const bookAnyway = () => {
    if (!form.current?.reportValidity()) return; // the reason is still required
    const body: ActionBody = { start, override: true, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(eventTypeId ? { eventTypeId } : {}) };
    void run("reschedule", body);
  };

  return (
    <Dialog open onClose={onClose} title={title} wide>
      <form className="form" onSubmit={submit} ref={form}>
        {choices.length > 1 ? (
          <fieldset className="choice-list">
            <legend>What would you like to do?</legend>
            {choices.map((c) => (
              <label key={c} className="choice">
                <input type="radio" name="choice" value={c} checked={choice === c} onChange={() => (reset(), setChoice(c))} />
                <span>
                  {CHOICES[c]?.label(isRequest) ?? c}
                  <span className="muted choice-sub">{CHOICES[c]?.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ) : (
          <p>{spec?.hint}</p>
        )}
        {choice === "request-reschedule" && (
          <fieldset className="choice-list">
            <legend>The customer may pick</legend>
            <label className="choice">
              <input type="radio" name="eventType" checked={eventType === "same"} onChange={() => setEventType("same")} />
              <span>The same event type</span>
            </label>
            <label className="choice">
              <input type="radio" name="eventType" checked={eventType === "any"} onChange={() => setEventType("any")} />
              <span>Any event type</span>
            </label>
          </fieldset>
        )}
        {choice === "reschedule" && (
          <>
            {page && page.eventTypes.length > 0 && (
              <label className="field">
                <span>Event type</span>
                <select className="input" value={eventTypeId} onChange={(e) => (reset(), setEventTypeId(e.target.value))}>
                  <option value="">Same as now{activity.eventType ? ` (${activity.eventType.name})` : ""}</option>
                  {page.eventTypes
                    .filter((t) => t.id !== activity.eventType?.id)
                    .map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name} ({t.durationMinutes} min)
                      </option>
                    ))}
                </select>
              </label>
            )}
            <HostTimePicker ht={ht} value={start} onChange={(iso) => (reset(), setStart(iso))} userZone={me.user.timeZone} customerZone={activity.customer.timeZone} />
            {refusal ? (
              <RefusalNotice refusal={refusal} hostName={ht.host?.name ?? activity.owner?.name ?? "The host"} pending={pending} onBookAnyway={bookAnyway} />
            ) : (
              <StartMark ht={ht} start={start} />
            )}
          </>
        )}
        <label className="field">
          <span>
            Reason {spec?.reasonRequired ? <span className="muted">(required, shown to the customer)</span> : <span className="muted">(optional, shown to the customer)</span>}
          </span>
          <textarea className="input" rows={3} maxLength={2000} required={spec?.reasonRequired} value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
        <FormFooter
          error={error}
          onCancel={onClose}
          cancelLabel="Keep it"
          submitLabel={override ? "Reschedule anyway" : label}
          pending={pending}
          disabled={choice === "reschedule" && (!start || ht.check === "past" || refusal?.kind === "taken")}
          tone={choice === "reschedule" ? "primary" : "danger"}
        />
      </form>
    </Dialog>
  );
}
