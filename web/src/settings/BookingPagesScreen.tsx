import { useDeferredValue, useMemo, useState, type FormEvent } from "react";
import { useBookingPages } from "../api/queries";
import { useAccountSettings, useCreatePage } from "../api/settings";
import type { Me } from "../api/types";
import { Link, navigate } from "../app/router";
import { CopyButton } from "../ui/CopyButton";
import { Dialog } from "../ui/Dialog";
import { FormFooter } from "../actions/FormFooter";
import { NumberField, SelectField, TextField, TimeZoneField, fieldErrors, slugify } from "./fields";

const ACCESS_LABEL = { manage: "Owner or admin", edit: "Editor", view: "Viewer" } as const;
/** Long lists render in steps: the first screenful at once, the rest on request. */
const STEP = 100;

/** The booking pages one may see, with a filter, their links and a way to make a new one. */
export function BookingPagesScreen({ me }: { me: Me }) {
  const pages = useBookingPages();
  const [q, setQ] = useState("");
  const query = useDeferredValue(q.trim().toLowerCase());
  const [shown, setShown] = useState(STEP);
  const [creating, setCreating] = useState(false);
  const filtered = useMemo(
    () => (pages.data ?? []).filter((p) => !query || p.name.toLowerCase().includes(query) || p.slug.toLowerCase().includes(query) || p.ownerName.toLowerCase().includes(query)),
    [pages.data, query],
  );
  return (
    <div className="settings-screen">
      <header className="settings-head settings-head-row">
        <div>
          <h2>Booking pages</h2>
          <p className="muted">Where customers book. Open one to change its settings, event types, questions and team.</p>
        </div>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          New booking page
        </button>
      </header>
      <div className="list-tools">
        <label className="sr-only" htmlFor="page-filter">
          Filter booking pages
        </label>
        <input id="page-filter" className="input" type="search" placeholder="Filter by name, address or owner" value={q} onChange={(e) => setQ(e.target.value)} />
        <span className="muted" role="status">
          {pages.data ? `${filtered.length} of ${pages.data.length}` : ""}
        </span>
      </div>
      {pages.isPending && <p>Loading…</p>}
      {pages.error && <p className="form-error" role="alert">{pages.error.message}</p>}
      {pages.data?.length === 0 && <p className="empty">No booking pages yet. Make the first one.</p>}
      <ul className="page-list">
        {filtered.slice(0, shown).map((p) => {
          return (
            <li key={p.id} className="page-card">
              <div className="page-card-info">
                <Link to={`/settings/booking-pages/${p.id}`} className="page-card-name">
                  {p.name}
                </Link>
                <span className="muted">
                  {p.mode === "approval" ? "Booking with approval" : "Automatic booking"} · {p.durationMinutes} min
                  {p.team ? " · team" : ` · ${p.ownerName}`}
                  {p.eventTypes.length > 0 && ` · ${p.eventTypes.length} event type${p.eventTypes.length === 1 ? "" : "s"}`}
                  {p.access !== "manage" && ` · ${ACCESS_LABEL[p.access]}`}
                </span>
                <code className="share-url">{p.publicUrl}</code>
              </div>
              <div className="page-card-actions">
                <CopyButton text={p.publicUrl} label={`Copy the link to ${p.name}`} className="button button-small" />
              </div>
            </li>
          );
        })}
      </ul>
      {filtered.length > shown && (
        <button type="button" className="button" onClick={() => setShown((n) => n + STEP)}>
          Show more ({filtered.length - shown} left)
        </button>
      )}
      {creating && <CreatePageDialog me={me} onClose={() => setCreating(false)} />}
    </div>
  );
}

function CreatePageDialog({ me, onClose }: { me: Me; onClose: () => void }) {
  const account = useAccountSettings();
  const create = useCreatePage();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugTouched, setSlugTouched] = useState(false);
  const [zone, setZone] = useState<string | null>(null);
  const [duration, setDuration] = useState<number | null>(30);
  const [mode, setMode] = useState<"automatic" | "approval">("automatic");
  const timeZone = zone ?? account.data?.defaultTimeZone ?? me.user.timeZone;
  const effectiveSlug = slugTouched ? slug : slugify(name);
  const errs = fieldErrors(create.error, ["name", "slug", "timeZone", "durationMinutes", "mode"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, slug: effectiveSlug, timeZone, durationMinutes: duration ?? 0, mode }, { onSuccess: (p) => navigate(`/settings/booking-pages/${p.id}`) });
  };
  const origin = window.location.origin;
  return (
    <Dialog open onClose={onClose} title="New booking page" wide>
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Name" value={name} onChange={setName} error={errs.of("name")} required hint="What customers see, e.g. “Initial consultation”." />
        <TextField
          label="Address"
          value={effectiveSlug}
          onChange={(v) => {
            setSlugTouched(true);
            setSlug(v);
          }}
          error={errs.of("slug")}
          hint={<>Public link: {origin}/book/{effectiveSlug || "…"}</>}
          required
        />
        <div className="form-row">
          <TimeZoneField value={timeZone} onChange={setZone} error={errs.of("timeZone")} />
          <NumberField label="Meeting length" value={duration} onChange={setDuration} min={1} max={1440} suffix="min" error={errs.of("durationMinutes")} />
        </div>
        <SelectField
          label="How customers book"
          value={mode}
          onChange={setMode}
          options={[
            { value: "automatic", label: "Automatic: a free time is booked at once" },
            { value: "approval", label: "With approval: customers propose times, you approve" },
          ]}
        />
        <FormFooter error={errs.general ? { message: errs.general } : null} onCancel={onClose} submitLabel="Create page" pending={create.isPending} />
      </form>
    </Dialog>
  );
}
