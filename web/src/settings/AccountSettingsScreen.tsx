import { useState, type ChangeEvent } from "react";
import { useAccountMutations, useAccountSettings, type AccountSettings } from "../api/settings";
import type { Me } from "../api/types";
import { SectionForm } from "./BookingPageEditor";
import { Field, TextField, TimeZoneField, fieldErrors } from "./fields";

const MAX_LOGO = 100 * 1024;

/** The business: its name, logo and colour on the customer pages, and the default time zone. */
export function AccountSettingsScreen({ me }: { me: Me }) {
  const account = useAccountSettings();
  const admin = me.user.role === "admin";
  return (
    <div className="settings-screen">
      <header className="settings-head">
        <h2>Account</h2>
        <p className="muted">{admin ? "How your business appears to customers on its booking pages." : "Only an admin changes these."}</p>
      </header>
      {account.isPending && <p>Loading…</p>}
      {account.error && <p className="form-error" role="alert">{account.error.message}</p>}
      {account.data && (
        <>
          <BusinessForm account={account.data} readOnly={!admin} />
          <LogoForm account={account.data} readOnly={!admin} />
          <EmbedForm account={account.data} readOnly={!admin} />
          <SenderForm account={account.data} readOnly={!admin} />
        </>
      )}
    </div>
  );
}

function BusinessForm({ account, readOnly }: { account: AccountSettings; readOnly: boolean }) {
  const { update } = useAccountMutations();
  const [name, setName] = useState(account.name);
  const [color, setColor] = useState(account.brandColor ?? "");
  const [zone, setZone] = useState(account.defaultTimeZone);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(update.error, ["name", "brandColor", "defaultTimeZone"]);
  const touched = <T,>(f: (v: T) => void) => (v: T) => {
    setSaved(false);
    f(v);
  };
  return (
    <SectionForm
      title="Business"
      onSubmit={() => update.mutate({ name, brandColor: color || null, defaultTimeZone: zone }, { onSuccess: () => setSaved(true) })}
      pending={update.isPending}
      saved={saved}
      error={errs.general}
      readOnly={readOnly}
    >
      <TextField label="Business name" value={name} onChange={touched(setName)} error={errs.of("name")} hint="Shown on the customer pages and in the header." required />
      <Field label="Colour of the customer pages" error={errs.of("brandColor")} hint={color ? `${color} — buttons and the page's top band use it.` : "Bookstream's blue."}>
        {({ id, describedBy, invalid }) => (
          <span className="color-field">
            <input id={id} type="color" className="color-swatch" value={color || "#1d4ed8"} aria-invalid={invalid || undefined} aria-describedby={describedBy} onChange={(e) => touched(setColor)(e.target.value)} />
            {color && (
              <button type="button" className="button button-small button-ghost" onClick={() => touched(setColor)("")}>
                Use Bookstream's colour
              </button>
            )}
          </span>
        )}
      </Field>
      <TimeZoneField label="Default time zone" value={zone} onChange={touched(setZone)} error={errs.of("defaultTimeZone")} hint="New team members and booking pages start with it." />
    </SectionForm>
  );
}

function LogoForm({ account, readOnly }: { account: AccountSettings; readOnly: boolean }) {
  const { logo } = useAccountMutations();
  const [problem, setProblem] = useState<string | null>(null);
  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = "";
    setProblem(null);
    if (!file) return;
    if (file.size > MAX_LOGO) return setProblem(`That image is ${Math.ceil(file.size / 1024)} KB; use one of at most 100 KB.`);
    const reader = new FileReader();
    reader.onload = () => logo.mutate(String(reader.result));
    reader.onerror = () => setProblem("Could not read that file.");
    reader.readAsDataURL(file);
  };
  const error = problem ?? logo.error?.message;
  return (
    <section className="settings-card form" aria-labelledby="logo-title">
      <h3 id="logo-title">Logo</h3>
      <div className="logo-row">
        {account.logoUrl ? <img className="logo-preview" src={account.logoUrl} alt={`${account.name} logo`} /> : <span className="logo-preview logo-empty">No logo</span>}
        {!readOnly && (
          <div className="logo-actions">
            <label className="button">
              {account.logoUrl ? "Replace logo…" : "Upload a logo…"}
              <input type="file" className="sr-only" accept="image/png,image/jpeg,image/webp,image/gif" onChange={choose} disabled={logo.isPending} />
            </label>
            {account.logoUrl && (
              <button type="button" className="button button-ghost" onClick={() => logo.mutate(null)} disabled={logo.isPending}>
                Remove logo
              </button>
            )}
            <span className="hint">PNG, JPEG, WebP or GIF, up to 100 KB. Shown at the top of the customer pages.</span>
          </div>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** Sites that may show the booking pages inside their own pages (an <iframe>); one origin a line. */
function EmbedForm({ account, readOnly }: { account: AccountSettings; readOnly: boolean }) {
  const { update } = useAccountMutations();
  const [text, setText] = useState(account.embedOrigins.join("\n"));
  const [saved, setSaved] = useState(false);
  const lines = text.split(/\s+/).map((l) => l.trim()).filter(Boolean);
  const errs = fieldErrors(update.error, ["embedOrigins"]);
  const at = /embedOrigins\.(\d+)/.exec(String((update.error as { details?: { field?: string } } | null)?.details?.field ?? ""));
  const error = errs.of("embedOrigins") && (at ? `${lines[Number(at[1])] ?? "A line"}: ${errs.of("embedOrigins")}` : errs.of("embedOrigins"));
  return (
    <SectionForm
      title="Embedding"
      description="Websites that may show your booking pages inside their own pages. Anywhere else, the pages refuse to be framed."
      onSubmit={() => update.mutate({ embedOrigins: lines }, { onSuccess: (a) => (setText(a.embedOrigins.join("\n")), setSaved(true)) })}
      pending={update.isPending}
      saved={saved}
      error={errs.general}
      readOnly={readOnly}
    >
      <Field label="Allowed websites" error={error} hint="One per line, e.g. https://www.example.com (http:// only for localhost).">
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            className={`input${invalid ? " is-invalid" : ""}`}
            rows={4}
            value={text}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            onChange={(e) => (setSaved(false), setText(e.target.value))}
          />
        )}
      </Field>
    </SectionForm>
  );
}

/** Who the notification e-mails come from; empty: the business name and the installation's no-reply address. */
function SenderForm({ account, readOnly }: { account: AccountSettings; readOnly: boolean }) {
  const { update } = useAccountMutations();
  const [name, setName] = useState(account.emailSenderName ?? "");
  const [address, setAddress] = useState(account.emailSenderAddress ?? "");
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(update.error, ["emailSenderName", "emailSenderAddress"]);
  return (
    <SectionForm
      title="E-mail sender"
      description="The name and address notification e-mails come from. Admins see every message under Settings → Sent mail."
      onSubmit={() => update.mutate({ emailSenderName: name.trim() || null, emailSenderAddress: address.trim() || null }, { onSuccess: () => setSaved(true) })}
      pending={update.isPending}
      saved={saved}
      error={errs.general}
      readOnly={readOnly}
    >
      <TextField label="Sender name" value={name} onChange={(v) => (setSaved(false), setName(v))} error={errs.of("emailSenderName")} hint={`Empty: ${account.name}`} />
      <TextField label="Sender address" type="email" value={address} onChange={(v) => (setSaved(false), setAddress(v))} error={errs.of("emailSenderAddress")} hint="Empty: the no-reply address. Your SMTP server must allow this address." />
    </SectionForm>
  );
}
