import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { usePageMutations } from "../../api/settings";
import { Link } from "../../app/router";
import type { SectionProps } from "../BookingPageEditor";
import { NumberField, TextField, fieldErrors } from "../fields";

/** Event types the customer picks from, each with its own length. Without any: one fixed meeting. */
export function EventTypesSection({ page, access }: SectionProps) {
  const readOnly = access === "view";
  return (
    <div className="settings-card">
      <h3>Event types</h3>
      <p className="muted">
        {page.eventTypes.length === 0 ? `None: customers book one ${page.durationMinutes}-minute meeting.` : "Customers pick one of these; each has its own length."}
      </p>
      <ul className="item-list">
        {page.eventTypes.map((et) => (
          <EventTypeRow key={et.id} pageId={page.id} et={et} readOnly={readOnly} />
        ))}
      </ul>
      {!readOnly && <AddEventType pageId={page.id} defaultMinutes={page.durationMinutes} />}
    </div>
  );
}

function EventTypeRow({ pageId, et, readOnly }: { pageId: string; et: { id: string; name: string; durationMinutes: number }; readOnly: boolean }) {
  const { changeEventType, deleteEventType } = usePageMutations(pageId);
  const [name, setName] = useState(et.name);
  const [minutes, setMinutes] = useState<number | null>(et.durationMinutes);
  const errs = fieldErrors(changeEventType.error, ["name", "durationMinutes"]);
  const live = deleteEventType.error instanceof ApiError ? deleteEventType.error.details.liveBookings : undefined;
  const dirty = name !== et.name || minutes !== et.durationMinutes;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    changeEventType.mutate({ eventTypeId: et.id, name, durationMinutes: minutes ?? 0 });
  };
  return (
    <li className="item-row">
      <form className="item-form" onSubmit={submit} noValidate aria-label={`Event type ${et.name}`}>
        <fieldset className="plain-fieldset form-row" disabled={readOnly}>
          <TextField label="Name" value={name} onChange={setName} error={errs.of("name")} />
          <NumberField label="Length" value={minutes} onChange={setMinutes} min={1} max={1440} suffix="min" error={errs.of("durationMinutes")} />
        </fieldset>
        {!readOnly && (
          <div className="item-actions">
            <button type="submit" className="button button-small" disabled={!dirty || changeEventType.isPending}>
              Save<span className="sr-only"> {et.name}</span>
            </button>
            <button type="button" className="button button-small button-ghost" onClick={() => deleteEventType.mutate(et.id)} disabled={deleteEventType.isPending}>
              Delete<span className="sr-only"> {et.name}</span>
            </button>
          </div>
        )}
      </form>
      {errs.general && <p className="form-error" role="alert">{errs.general}</p>}
      {deleteEventType.error && (
        <p className="form-error" role="alert">
          {deleteEventType.error.message}
          {live !== undefined && (
            <>
              {" "}
              <Link to={`/activities?eventTypeId=${et.id}&view=upcoming`}>See them</Link>
            </>
          )}
        </p>
      )}
    </li>
  );
}

function AddEventType({ pageId, defaultMinutes }: { pageId: string; defaultMinutes: number }) {
  const { addEventType } = usePageMutations(pageId);
  const [name, setName] = useState("");
  const [minutes, setMinutes] = useState<number | null>(defaultMinutes);
  const errs = fieldErrors(addEventType.error, ["name", "durationMinutes"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    addEventType.mutate({ name, durationMinutes: minutes ?? 0 }, { onSuccess: () => setName("") });
  };
  return (
    <form className="item-form add-form" onSubmit={submit} noValidate aria-label="Add an event type">
      <div className="form-row">
        <TextField label="New event type" value={name} onChange={setName} error={errs.of("name")} placeholder="e.g. Follow-up" />
        <NumberField label="Length" value={minutes} onChange={setMinutes} min={1} max={1440} suffix="min" error={errs.of("durationMinutes")} />
      </div>
      {errs.general && <p className="form-error" role="alert">{errs.general}</p>}
      <div className="item-actions">
        <button type="submit" className="button button-primary button-small" disabled={!name.trim() || addEventType.isPending}>
          Add event type
        </button>
      </div>
    </form>
  );
}
