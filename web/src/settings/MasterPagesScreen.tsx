import { useState, type FormEvent } from "react";
import { useBookingPages, useUsers } from "../api/queries";
import { useMasterMutations, useMasterPages, usePageSettings, type MasterPage } from "../api/settings";
import type { Me } from "../api/types";
import { FormFooter } from "../actions/FormFooter";
import { CopyButton } from "../ui/CopyButton";
import { Dialog } from "../ui/Dialog";
import { ConfirmChange } from "./dialogs";
import { SelectField, TextField, fieldErrors, slugify } from "./fields";

type Target = { bookingPageId: string; userId: string | null };

/** Master pages: one public address that sends customers to one of several pages or team members. */
export function MasterPagesScreen({ me }: { me: Me }) {
  const admin = me.user.role === "admin";
  const masters = useMasterPages();
  const [editing, setEditing] = useState<MasterPage | "new" | null>(null);
  const [deleting, setDeleting] = useState<MasterPage | null>(null);
  const origin = window.location.origin;
  return (
    <div className="settings-screen">
      <header className="settings-head settings-head-row">
        <div>
          <h2>Master pages</h2>
          <p className="muted">One link for several booking pages or team members: customers choose, or go to whoever has the fewest upcoming bookings.</p>
        </div>
        {admin && (
          <button type="button" className="button button-primary" onClick={() => setEditing("new")}>
            New master page
          </button>
        )}
      </header>
      {masters.isPending && <p>Loading…</p>}
      {masters.error && <p className="form-error" role="alert">{masters.error.message}</p>}
      {masters.data?.length === 0 && <p className="empty">No master pages yet.</p>}
      <ul className="page-list">
        {masters.data?.map((m) => {
          const url = `${origin}/m/${m.slug}`;
          return (
            <li key={m.id} className="page-card">
              <div className="page-card-info">
                <strong className="page-card-name">{m.name}</strong>
                <span className="muted">
                  {m.routing === "round_robin" ? "Round robin" : "Customer's choice"} · {m.targets.map((t) => t.label).join(", ")}
                </span>
                <a className="share-url" href={url} target="_blank" rel="noreferrer">
                  {url}
                </a>
              </div>
              <div className="page-card-actions">
                <CopyButton text={url} label={`Copy the link to ${m.name}`} className="button button-small" />
                {admin && (
                  <>
                    <button type="button" className="button button-small" onClick={() => setEditing(m)}>
                      Edit<span className="sr-only"> {m.name}</span>
                    </button>
                    <button type="button" className="button button-small button-ghost" onClick={() => setDeleting(m)}>
                      Delete<span className="sr-only"> {m.name}</span>
                    </button>
                  </>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {editing && <MasterDialog master={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
      {deleting && <DeleteMaster master={deleting} onClose={() => setDeleting(null)} />}
    </div>
  );
}

function DeleteMaster({ master, onClose }: { master: MasterPage; onClose: () => void }) {
  const { remove } = useMasterMutations();
  return (
    <ConfirmChange title={`Delete ${master.name}?`} confirmLabel="Delete" danger pending={remove.isPending} error={remove.error} onClose={onClose} onConfirm={() => remove.mutate(master.id, { onSuccess: onClose })}>
      <p>Its link stops working. The booking pages it routes to stay as they are.</p>
    </ConfirmChange>
  );
}

function MasterDialog({ master, onClose }: { master: MasterPage | null; onClose: () => void }) {
  const { create, update } = useMasterMutations();
  const pages = useBookingPages();
  const [name, setName] = useState(master?.name ?? "");
  const [slug, setSlug] = useState(master?.slug ?? "");
  const [slugTouched, setSlugTouched] = useState(Boolean(master));
  const [routing, setRouting] = useState<MasterPage["routing"]>(master?.routing ?? "customer_choice");
  const [targets, setTargets] = useState<Target[]>(master?.targets.map((t) => ({ bookingPageId: t.bookingPageId, userId: t.userId })) ?? [{ bookingPageId: "", userId: null }]);
  const mutation = master ? update : create;
  const errs = fieldErrors(mutation.error, ["name", "slug", "routing", "targets"]);
  const effectiveSlug = slugTouched ? slug : slugify(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { name, slug: effectiveSlug, routing, targets: targets.filter((t) => t.bookingPageId).map((t) => ({ bookingPageId: t.bookingPageId, userId: t.userId })) };
    if (master) update.mutate({ id: master.id, ...body }, { onSuccess: onClose });
    else create.mutate(body, { onSuccess: onClose });
  };
  return (
    <Dialog open onClose={onClose} title={master ? `Edit ${master.name}` : "New master page"} wide>
      <form className="form" onSubmit={submit} noValidate>
        <TextField label="Name" value={name} onChange={setName} error={errs.of("name")} required />
        <TextField
          label="Address"
          value={effectiveSlug}
          onChange={(v) => {
            setSlugTouched(true);
            setSlug(v);
          }}
          error={errs.of("slug")}
          hint={`Public link: ${window.location.origin}/m/${effectiveSlug || "…"}`}
          required
        />
        <SelectField
          label="Routing"
          value={routing}
          onChange={setRouting}
          options={[
            { value: "customer_choice", label: "The customer chooses" },
            { value: "round_robin", label: "Round robin: fewest upcoming bookings first" },
          ]}
        />
        <fieldset className="choice-list">
          <legend>Where it sends customers</legend>
          {targets.map((t, i) => (
            <TargetRow
              key={i}
              index={i}
              target={t}
              pages={(pages.data ?? []).map((p) => ({ id: p.id, name: p.name }))}
              error={errs.of(`targets.${i}`)}
              onChange={(next) => setTargets(targets.map((x, j) => (j === i ? next : x)))}
              onRemove={targets.length > 1 ? () => setTargets(targets.filter((_, j) => j !== i)) : undefined}
            />
          ))}
          {errs.of("targets") && !targets.some((_, i) => errs.of(`targets.${i}`)) && <p className="field-error" role="alert">{errs.of("targets")}</p>}
          <button type="button" className="button button-small" onClick={() => setTargets([...targets, { bookingPageId: "", userId: null }])}>
            Add a destination
          </button>
        </fieldset>
        <FormFooter error={errs.general ? { message: errs.general } : null} onCancel={onClose} submitLabel={master ? "Save" : "Create master page"} pending={mutation.isPending} />
      </form>
    </Dialog>
  );
}

/** One destination: a booking page, optionally one of its hosts in person. */
function TargetRow(props: { index: number; target: Target; pages: { id: string; name: string }[]; error?: string; onChange: (t: Target) => void; onRemove?: () => void }) {
  const { index, target, pages, error, onChange, onRemove } = props;
  const users = useUsers();
  const page = usePageSettingsMaybe(target.bookingPageId);
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const hosts = page?.hostIds ?? [];
  return (
    <div className="target-row" role="group" aria-label={`Destination ${index + 1}`}>
      <label className="field">
        <span>Booking page</span>
        <select className={`input${error ? " is-invalid" : ""}`} value={target.bookingPageId} onChange={(e) => onChange({ bookingPageId: e.target.value, userId: null })}>
          <option value="">Choose a page…</option>
          {pages.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Host</span>
        <select className="input" value={target.userId ?? ""} disabled={!target.bookingPageId || hosts.length < 2} onChange={(e) => onChange({ ...target, userId: e.target.value || null })}>
          <option value="">{hosts.length < 2 ? "Its host" : "Any of its hosts"}</option>
          {hosts.length > 1 &&
            hosts.map((id) => (
              <option key={id} value={id}>
                {names.get(id) ?? "A deactivated user"}
              </option>
            ))}
        </select>
      </label>
      {onRemove && (
        <button type="button" className="icon-button target-remove" aria-label={`Remove destination ${index + 1}`} onClick={onRemove}>
          <span aria-hidden="true">×</span>
        </button>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function usePageSettingsMaybe(id: string) {
  const q = usePageSettings(id, Boolean(id));
  return id ? q.data : undefined;
}
