import { useId, useMemo, useState, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { zoneList, zoneOffset, zoneTitle } from "../public/time";

/**
 * Form pieces of the settings screens. A server error that names a field (details.field, e.g.
 * "body.minNoticeMinutes", "body.openHours.mon.0" or "slug") is shown next to that field; any other
 * error above the form's buttons.
 */
export interface FieldErrors {
  /** The message for this field (or anything inside it), if the server named it. */
  of(name: string): string | undefined;
  /** The message when no field shown on this form was named. */
  general: string | undefined;
}

export function fieldErrors(error: unknown, shown: string[]): FieldErrors {
  if (!error) return { of: () => undefined, general: undefined };
  const message = error instanceof Error ? error.message : String(error);
  const field = error instanceof ApiError ? String(error.details.field ?? "").replace(/^(body|params|querystring)\./, "") : "";
  const matches = (name: string) => field === name || field.startsWith(`${name}.`);
  // "body.slug: letters, digits and dashes" → "Letters, digits and dashes"
  const text = message.replace(/^[\w.]+: /, "");
  const clean = text.charAt(0).toUpperCase() + text.slice(1);
  const hit = field !== "" && shown.some(matches);
  return { of: (name) => (hit && matches(name) ? clean : undefined), general: hit ? undefined : message };
}

/** A labelled control with its hint and error, wired for assistive technology. */
export function Field(props: { label: string; hint?: ReactNode; error?: string; children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode; className?: string }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  const describedBy = [props.hint ? hintId : "", props.error ? errId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field ${props.className ?? ""}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.hint && (
        <span id={hintId} className="hint">
          {props.hint}
        </span>
      )}
      {props.error && (
        <span id={errId} className="field-error" role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}

export function TextField(props: { label: string; value: string; onChange: (v: string) => void; error?: string; hint?: ReactNode; type?: string; autoComplete?: string; required?: boolean; placeholder?: string; name?: string; inputMode?: "numeric" | "text" | "email" }) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          name={props.name}
          className={`input${invalid ? " is-invalid" : ""}`}
          type={props.type ?? "text"}
          value={props.value}
          required={props.required}
          placeholder={props.placeholder}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A whole number of minutes (or days); empty stays empty (the caller decides what that means). */
export function NumberField(props: { label: string; value: number | null; onChange: (v: number | null) => void; error?: string; hint?: ReactNode; min?: number; max?: number; suffix?: string }) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <span className="input-with-suffix">
          <input
            id={id}
            className={`input${invalid ? " is-invalid" : ""}`}
            type="number"
            inputMode="numeric"
            min={props.min}
            max={props.max}
            value={props.value ?? ""}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            onChange={(e) => props.onChange(e.target.value === "" ? null : Number(e.target.value))}
          />
          {props.suffix && <span className="suffix" aria-hidden="true">{props.suffix}</span>}
        </span>
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: { label: string; value: T; onChange: (v: T) => void; options: { value: T; label: string }[]; error?: string; hint?: ReactNode }) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} className={`input${invalid ? " is-invalid" : ""}`} value={props.value} aria-invalid={invalid || undefined} aria-describedby={describedBy} onChange={(e) => props.onChange(e.target.value as T)}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Every IANA time zone with its offset now; the full list is built once, on first render. */
export function TimeZoneField(props: { label?: string; value: string; onChange: (v: string) => void; error?: string; hint?: ReactNode }) {
  const zones = useMemo(() => zoneList([props.value]), [props.value]);
  return (
    <SelectField
      label={props.label ?? "Time zone"}
      value={props.value}
      onChange={props.onChange}
      error={props.error}
      hint={props.hint}
      options={zones.map((z) => ({ value: z, label: `${zoneTitle(z)} (${zoneOffset(z) || "GMT"})` }))}
    />
  );
}

export function CheckField(props: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="check-field">
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} aria-describedby={props.hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <span id={`${id}-hint`} className="hint">
          {props.hint}
        </span>
      )}
    </div>
  );
}

/** The end of a settings form: the general error, a saved note, and the save button. */
export function SaveBar(props: { pending: boolean; error?: string; saved?: boolean; label?: string; disabled?: boolean }) {
  return (
    <div className="save-bar">
      {props.error && (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      )}
      <span className="save-status" role="status">
        {props.saved && !props.pending ? "Saved" : ""}
      </span>
      <button type="submit" className="button button-primary" disabled={props.pending || props.disabled}>
        {props.pending ? "Saving…" : (props.label ?? "Save changes")}
      </button>
    </div>
  );
}

/** "Saved" after a successful save, until the next edit. */
export function useSavedFlag(): [boolean, (v: boolean) => void] {
  return useState(false);
}

export const slugify = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
