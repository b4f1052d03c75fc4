import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { usePageMutations, usePageSettings, type PageSettings } from "../api/settings";
import type { Me } from "../api/types";
import { Link, navigate } from "../app/router";
import { FormFooter } from "../actions/FormFooter";
import { CopyButton } from "../ui/CopyButton";
import { Dialog } from "../ui/Dialog";
import { ConfirmChange } from "./dialogs";
import { TextField, fieldErrors } from "./fields";
import { EventTypesSection } from "./page-sections/EventTypesSection";
import { GeneralSection } from "./page-sections/GeneralSection";
import { PackagesSection } from "./page-sections/PackagesSection";
import { NotificationsSection } from "./page-sections/NotificationsSection";
import { PaymentsSection } from "./page-sections/PaymentsSection";
import { QuestionsSection } from "./page-sections/QuestionsSection";
import { SalesforceSection } from "./page-sections/SalesforceSection";
import { SchedulingSection } from "./page-sections/SchedulingSection";
import { TeamSection } from "./page-sections/TeamSection";

export type PageAccess = "manage" | "edit" | "view";

export interface SectionProps {
  page: PageSettings;
  access: PageAccess;
  me: Me;
}

/**
 * A booking page's settings, one section per screen. Later features add their section here
 * (payments, notifications, calendar, Salesforce): an entry with its path, label and component.
 */
export const PAGE_SECTIONS: { path: string; label: string; render: (p: SectionProps) => ReactNode }[] = [
  { path: "general", label: "General", render: (p) => <GeneralSection {...p} /> },
  { path: "scheduling", label: "Scheduling", render: (p) => <SchedulingSection {...p} /> },
  { path: "event-types", label: "Event types", render: (p) => <EventTypesSection {...p} /> },
  { path: "questions", label: "Questions", render: (p) => <QuestionsSection {...p} /> },
  { path: "packages", label: "Packages", render: (p) => <PackagesSection {...p} /> },
  { path: "payments", label: "Payments", render: (p) => <PaymentsSection {...p} /> },
  { path: "team", label: "Team and sharing", render: (p) => <TeamSection {...p} /> },
  { path: "notifications", label: "E-mail", render: (p) => <NotificationsSection {...p} /> },
  { path: "salesforce", label: "Salesforce", render: (p) => <SalesforceSection {...p} /> },
];

export function accessOf(page: PageSettings, me: Me): PageAccess {
  if (me.user.role === "admin" || page.ownerId === me.user.id) return "manage";
  return page.members.find((m) => m.userId === me.user.id)?.role === "editor" ? "edit" : "view";
}

export function BookingPageEditor({ me, pageId, section }: { me: Me; pageId: string; section: string }) {
  const page = usePageSettings(pageId);
  const [dialog, setDialog] = useState<"duplicate" | "delete" | null>(null);
  const loaded = Boolean(page.data);
  useEffect(() => {
    // Phones: the section tabs scroll sideways; keep the current one in view.
    if (loaded) document.querySelector(".section-tabs [aria-current=page]")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [section, loaded]);
  if (page.isPending) return <p className="settings-screen">Loading…</p>;
  if (page.error)
    return (
      <div className="settings-screen empty" role="alert">
        <h2>{page.error instanceof ApiError && page.error.status === 404 ? "This booking page does not exist" : "Could not load the page"}</h2>
        <p>{page.error.message}</p>
        <Link to="/settings/booking-pages">All booking pages</Link>
      </div>
    );
  const p = page.data;
  const access = accessOf(p, me);
  const current = PAGE_SECTIONS.find((s) => s.path === section) ?? PAGE_SECTIONS[0];
  return (
    <div className="settings-screen">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/settings/booking-pages">Booking pages</Link> <span aria-hidden="true">›</span> <span>{p.name}</span>
      </nav>
      <header className="settings-head settings-head-row">
        <div className="page-head-info">
          <h2>{p.name}</h2>
          <span className="page-link">
            <a href={p.publicUrl} target="_blank" rel="noreferrer">
              {p.publicUrl}
              <span className="sr-only"> (opens in a new tab)</span>
            </a>
            <CopyButton text={p.publicUrl} label={`Copy the link to ${p.name}`} />
          </span>
        </div>
        <div className="page-head-actions">
          {access !== "view" && (
            <button type="button" className="button" onClick={() => setDialog("duplicate")}>
              Duplicate
            </button>
          )}
          {access === "manage" && (
            <button type="button" className="button button-danger-outline" onClick={() => setDialog("delete")}>
              Delete
            </button>
          )}
        </div>
      </header>
      {access === "view" && <p className="notice notice-warning">You can view this page's settings; its owner, an editor or an admin changes them.</p>}
      <nav className="section-tabs" aria-label="Booking page settings">
        {PAGE_SECTIONS.map((s) => (
          <Link key={s.path} to={`/settings/booking-pages/${p.id}/${s.path}`} className="section-tab" aria-current={s.path === current.path ? "page" : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      <div className="section-body">{current.render({ page: p, access, me })}</div>
      {dialog === "duplicate" && <DuplicateDialog page={p} onClose={() => setDialog(null)} />}
      {dialog === "delete" && <DeleteDialog page={p} onClose={() => setDialog(null)} />}
    </div>
  );
}

function DuplicateDialog({ page, onClose }: { page: PageSettings; onClose: () => void }) {
  const { duplicate } = usePageMutations(page.id);
  const [name, setName] = useState(`${page.name} (copy)`);
  const [slug, setSlug] = useState(`${page.slug}-copy`);
  const errs = fieldErrors(duplicate.error, ["name", "slug"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    duplicate.mutate({ name, slug }, { onSuccess: (copy) => navigate(`/settings/booking-pages/${copy.id}`) });
  };
  return (
    <Dialog open onClose={onClose} title={`Duplicate ${page.name}`}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">The copy has every setting, event type and question of this page.</p>
        <TextField label="Name" value={name} onChange={setName} error={errs.of("name")} required />
        <TextField label="Address" value={slug} onChange={setSlug} error={errs.of("slug")} hint={`${window.location.origin}/book/${slug}`} required />
        <FormFooter error={errs.general ? { message: errs.general } : null} onCancel={onClose} submitLabel="Duplicate" pending={duplicate.isPending} />
      </form>
    </Dialog>
  );
}

function DeleteDialog({ page, onClose }: { page: PageSettings; onClose: () => void }) {
  const { remove } = usePageMutations(page.id);
  const live = remove.error instanceof ApiError ? (remove.error.details.liveBookings as number | undefined) : undefined;
  return (
    <ConfirmChange title={`Delete ${page.name}?`} confirmLabel="Delete page" danger pending={remove.isPending} error={remove.error} onClose={onClose} onConfirm={() => remove.mutate(undefined, { onSuccess: () => navigate("/settings/booking-pages") })}>
      <p>Its link stops working at once. Past bookings stay in the Activity stream under its name.</p>
      {live !== undefined && (
        <p>
          <Link to={`/activities?bookingPageId=${page.id}&view=upcoming`}>See its live bookings in the Activity stream</Link>
        </p>
      )}
    </ConfirmChange>
  );
}

/** The save button and messages every section form ends with; disabled for those who may only look. */
export function SectionForm(props: { title: string; onSubmit: () => void; children: ReactNode; pending: boolean; saved: boolean; error?: string; readOnly: boolean; description?: string }) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form className="settings-card form" onSubmit={submit} noValidate aria-label={props.title}>
      <h3>{props.title}</h3>
      {props.description && <p className="muted">{props.description}</p>}
      <fieldset className="plain-fieldset" disabled={props.readOnly}>
        {props.children}
      </fieldset>
      {!props.readOnly && (
        <div className="save-bar">
          {props.error && (
            <p className="form-error" role="alert">
              {props.error}
            </p>
          )}
          <span className="save-status" role="status">
            {props.saved && !props.pending ? "Saved" : ""}
          </span>
          <button type="submit" className="button button-primary" disabled={props.pending}>
            {props.pending ? "Saving…" : "Save changes"}
          </button>
        </div>
      )}
    </form>
  );
}
