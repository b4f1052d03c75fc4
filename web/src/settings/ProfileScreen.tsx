import { useState, type FormEvent } from "react";
import { useProfileMutations } from "../api/settings";
import type { Me } from "../api/types";
import { Link } from "../app/router";
import { CalendarSection } from "./CalendarSection";
import { SaveBar, TextField, TimeZoneField, fieldErrors } from "./fields";

/** One's own name, e-mail, time zone and password. */
export function ProfileScreen({ me }: { me: Me }) {
  return (
    <div className="settings-screen">
      <header className="settings-head">
        <h2>Your profile</h2>
        <p className="muted">
          {me.user.role === "admin" ? "Admin" : "Member"} of {me.account.name}
        </p>
      </header>
      <ProfileForm me={me} />
      <PasswordForm />
      <CalendarSection zone={me.user.timeZone} />
      <section className="settings-card" aria-labelledby="tokens-title">
        <h3 id="tokens-title">API tokens</h3>
        <p className="muted">Scripts and other programs sign in with an API token of yours.</p>
        <p>
          <Link to="/settings/tokens">Manage your API tokens</Link>
        </p>
      </section>
    </div>
  );
}

function ProfileForm({ me }: { me: Me }) {
  const { update } = useProfileMutations();
  const [name, setName] = useState(me.user.name);
  const [email, setEmail] = useState(me.user.email);
  const [timeZone, setTimeZone] = useState(me.user.timeZone);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(update.error, ["name", "email", "timeZone"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    update.mutate({ name, email, timeZone }, { onSuccess: () => setSaved(true) });
  };
  return (
    <form className="settings-card form" onSubmit={submit} aria-labelledby="profile-title" noValidate>
      <h3 id="profile-title">Name, e-mail and time zone</h3>
      <TextField label="Name" value={name} onChange={setName} error={errs.of("name")} autoComplete="name" required />
      <TextField label="E-mail" type="email" value={email} onChange={setEmail} error={errs.of("email")} autoComplete="email" hint="You sign in with it." required />
      <TimeZoneField value={timeZone} onChange={setTimeZone} error={errs.of("timeZone")} hint="Times in the back office are shown in it; your weekly hours are in it." />
      <SaveBar pending={update.isPending} error={errs.general} saved={saved} />
    </form>
  );
}

function PasswordForm() {
  const { password } = useProfileMutations();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(password.error, ["currentPassword", "newPassword"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    password.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setSaved(true);
          setCurrent("");
          setNext("");
        },
      },
    );
  };
  return (
    <form className="settings-card form" onSubmit={submit} aria-labelledby="password-title" noValidate>
      <h3 id="password-title">Password</h3>
      <TextField label="Current password" type="password" value={current} onChange={setCurrent} error={errs.of("currentPassword")} autoComplete="current-password" required />
      <TextField
        label="New password"
        type="password"
        value={next}
        onChange={setNext}
        error={errs.of("newPassword")}
        autoComplete="new-password"
        hint="At least 8 characters. Your other sessions are signed out."
        required
      />
      <SaveBar pending={password.isPending} error={errs.general} saved={saved} label="Change password" disabled={!current || !next} />
    </form>
  );
}
