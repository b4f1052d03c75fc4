import { useState, type FormEvent } from "react";
import { useInvitations, useTeam, useTeamMutations, type Invitation, type LeftBehind, type TeamUser } from "../api/settings";
import type { Me } from "../api/types";
import { Link } from "../app/router";
import { Dialog } from "../ui/Dialog";
import { formatDateTime, formatShort, zoneName } from "../ui/format";
import { ConfirmChange, OneTimeLink } from "./dialogs";
import { SelectField, TextField, fieldErrors } from "./fields";

type LinkShown = { title: string; link: string; whom: string; expiresAt: string };

/** The team: members see who is on it; admins invite, change roles, reset passwords, deactivate. */
export function TeamScreen({ me }: { me: Me }) {
  const admin = me.user.role === "admin";
  const team = useTeam(admin ? "all" : "active");
  const [link, setLink] = useState<LinkShown | null>(null);
  // Here, not in the row: the row leaves the list once its user is deactivated, the answer stays.
  const [deactivating, setDeactivating] = useState<TeamUser | null>(null);
  const active = team.data?.filter((u) => u.active) ?? [];
  const gone = team.data?.filter((u) => !u.active) ?? [];
  return (
    <div className="settings-screen">
      <header className="settings-head">
        <h2>Team</h2>
        <p className="muted">{admin ? "Invite colleagues, set their roles, reset passwords and deactivate people who left." : "The people on your team. An admin adds and removes them."}</p>
      </header>
      {admin && <InviteForm onLink={setLink} />}
      {admin && <Invitations onLink={setLink} me={me} />}
      <section className="settings-card" aria-labelledby="members-title">
        <h3 id="members-title">
          Members <span className="muted">({active.length})</span>
        </h3>
        {team.isPending && <p>Loading…</p>}
        {team.error && <p className="form-error" role="alert">{team.error.message}</p>}
        <ul className="team-list">
          {active.map((u) => (
            <MemberRow key={u.id} user={u} me={me} onLink={setLink} onDeactivate={setDeactivating} />
          ))}
        </ul>
      </section>
      {admin && gone.length > 0 && (
        <section className="settings-card" aria-labelledby="gone-title">
          <h3 id="gone-title">Deactivated</h3>
          <p className="muted">They cannot sign in. Their bookings and history stay.</p>
          <ul className="team-list">
            {gone.map((u) => (
              <DeactivatedRow key={u.id} user={u} me={me} />
            ))}
          </ul>
        </section>
      )}
      {link && <OneTimeLink {...link} zone={me.user.timeZone} onClose={() => setLink(null)} />}
      {deactivating && <DeactivateDialog user={deactivating} me={me} onClose={() => setDeactivating(null)} />}
    </div>
  );
}

function InviteForm({ onLink }: { onLink: (l: LinkShown) => void }) {
  const { invite } = useTeamMutations();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<"member" | "admin">("member");
  const errs = fieldErrors(invite.error, ["email", "role"]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (r) => {
          setEmail("");
          onLink({ title: "Invitation created", link: r.link, whom: r.invitation.email, expiresAt: r.invitation.expiresAt });
        },
      },
    );
  };
  return (
    <form className="settings-card form invite-form" onSubmit={submit} aria-labelledby="invite-title" noValidate>
      <h3 id="invite-title">Invite someone</h3>
      <div className="form-row">
        <TextField label="E-mail" type="email" value={email} onChange={setEmail} error={errs.of("email")} autoComplete="off" required />
        <SelectField
          label="Role"
          value={role}
          onChange={setRole}
          options={[
            { value: "member", label: "Member: their own pages and bookings" },
            { value: "admin", label: "Admin: everything" },
          ]}
        />
      </div>
      {errs.general && <p className="form-error" role="alert">{errs.general}</p>}
      <div className="save-bar">
        <button type="submit" className="button button-primary" disabled={invite.isPending || !email.trim()}>
          {invite.isPending ? "Creating…" : "Create invitation link"}
        </button>
      </div>
    </form>
  );
}

function Invitations({ onLink, me }: { onLink: (l: LinkShown) => void; me: Me }) {
  const list = useInvitations(true);
  const { renew, revoke } = useTeamMutations();
  if (!list.data?.length) return null;
  const renewed = (i: Invitation) =>
    renew.mutate(i.id, { onSuccess: (r) => onLink({ title: "New invitation link", link: r.link, whom: r.invitation.email, expiresAt: r.invitation.expiresAt }) });
  return (
    <section className="settings-card" aria-labelledby="invitations-title">
      <h3 id="invitations-title">Open invitations</h3>
      <ul className="team-list">
        {list.data.map((i) => (
          <li key={i.id} className="team-row">
            <div className="team-who">
              <strong>{i.email}</strong>
              <span className="muted">
                {i.role === "admin" ? "Admin" : "Member"} · {i.expired ? <span className="tag">Expired</span> : `expires ${formatShort(i.expiresAt, me.user.timeZone)}`}
              </span>
            </div>
            <div className="team-actions">
              <button type="button" className="button button-small" onClick={() => renewed(i)} disabled={renew.isPending}>
                New link<span className="sr-only"> for {i.email}</span>
              </button>
              <button type="button" className="button button-small button-ghost" onClick={() => revoke.mutate(i.id)} disabled={revoke.isPending}>
                Revoke<span className="sr-only"> the invitation of {i.email}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      {(renew.error || revoke.error) && <p className="form-error" role="alert">{(renew.error ?? revoke.error)!.message}</p>}
    </section>
  );
}

function MemberRow({ user, me, onLink, onDeactivate }: { user: TeamUser; me: Me; onLink: (l: LinkShown) => void; onDeactivate: (u: TeamUser) => void }) {
  const admin = me.user.role === "admin";
  const { role, resetPassword } = useTeamMutations();
  const isMe = user.id === me.user.id;
  // A disclosure, not a menu widget per row: two hundred of those cost half a second to mount.
  const [open, setOpen] = useState(false);
  return (
    <li className="team-row" data-testid={`member-${user.email}`}>
      <div className="team-who">
        <strong>
          {user.name}
          {isMe && <span className="muted"> (you)</span>}
        </strong>
        <span className="muted">
          {user.email} · {zoneName(user.timeZone)}
        </span>
      </div>
      {admin ? (
        <div className="team-actions">
          <label className="sr-only" htmlFor={`role-${user.id}`}>
            Role of {user.name}
          </label>
          <select id={`role-${user.id}`} className="input input-compact" value={user.role} disabled={role.isPending} onChange={(e) => role.mutate({ id: user.id, role: e.target.value as "admin" | "member" })}>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
          <button type="button" className="button button-small" aria-expanded={open} aria-controls={`actions-${user.id}`} onClick={() => setOpen(!open)}>
            More<span className="sr-only"> for {user.name}</span>
            <span aria-hidden="true"> {open ? "▴" : "▾"}</span>
          </button>
        </div>
      ) : (
        <span className="muted">{user.role === "admin" ? "Admin" : "Member"}</span>
      )}
      {admin && open && (
        <div id={`actions-${user.id}`} className="row-actions" role="group" aria-label={`Actions for ${user.name}`}>
          <Link to={`/settings/availability/${user.id}`} className="button button-small">
            Edit availability
          </Link>
          <button
            type="button"
            className="button button-small"
            disabled={resetPassword.isPending}
            onClick={() => resetPassword.mutate(user.id, { onSuccess: (r) => onLink({ title: `Password reset for ${user.name}`, link: r.link, whom: user.name, expiresAt: r.expiresAt }) })}
          >
            Make a password reset link
          </button>
          {!isMe && (
            <button type="button" className="button button-small button-danger-outline" onClick={() => onDeactivate(user)}>
              Deactivate…
            </button>
          )}
        </div>
      )}
      {(role.error || resetPassword.error) && (
        <p className="form-error team-error" role="alert">
          {(role.error ?? resetPassword.error)!.message}
        </p>
      )}
    </li>
  );
}

function DeactivateDialog({ user, me, onClose }: { user: TeamUser; me: Me; onClose: () => void }) {
  const { deactivate } = useTeamMutations();
  const [result, setResult] = useState<LeftBehind | null>(null);
  if (result) return <LeftBehindDialog user={user} me={me} result={result} onClose={onClose} />;
  return (
    <ConfirmChange title={`Deactivate ${user.name}?`} confirmLabel="Deactivate" danger pending={deactivate.isPending} error={deactivate.error} onClose={onClose} onConfirm={() => deactivate.mutate(user.id, { onSuccess: setResult })}>
      <p>
        {user.name} is signed out everywhere at once and can no longer sign in; their API tokens stop working. Their bookings and history stay, and you can reactivate them later.
      </p>
    </ConfirmChange>
  );
}

/** After a deactivation: what still needs someone else (upcoming bookings, pages they host). */
function LeftBehindDialog({ user, me, result, onClose }: { user: TeamUser; me: Me; result: LeftBehind; onClose: () => void }) {
  const { count, items } = result.upcomingBookings;
  return (
    <Dialog open onClose={onClose} title={`${user.name} is deactivated`} wide>
      <div className="form">
        {count === 0 ? (
          <p>They have no upcoming bookings.</p>
        ) : (
          <>
            <p>
              {count} upcoming booking{count === 1 ? "" : "s"} to reassign:
            </p>
            <ul className="plain-list">
              {items.map((a) => (
                <li key={a.id}>
                  <Link to={`/activities?ownerId=${user.id}&open=${a.id}`}>{a.id}</Link> · {a.customerName ?? "—"} · {a.start ? formatDateTime(a.start, me.user.timeZone) : "request"}
                </li>
              ))}
            </ul>
            <p>
              <Link to={`/activities?ownerId=${user.id}&view=upcoming`}>Open them in the Activity stream</Link>
            </p>
          </>
        )}
        {result.hostedPages.length > 0 && (
          <p>
            They host {result.hostedPages.map((p, i) => (
              <span key={p.id}>
                {i > 0 && ", "}
                <Link to={`/settings/booking-pages/${p.id}/team`}>{p.name}</Link>
              </span>
            ))}
            , which offer no times with them any more: choose another owner or team.
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button button-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}

function DeactivatedRow({ user, me }: { user: TeamUser; me: Me }) {
  const { reactivate } = useTeamMutations();
  const upcoming = user.upcomingBookings ?? 0;
  return (
    <li className="team-row" data-testid={`deactivated-${user.email}`}>
      <div className="team-who">
        <strong>{user.name}</strong>
        <span className="muted">
          {user.email} · deactivated {user.deactivatedAt ? formatShort(user.deactivatedAt, me.user.timeZone) : ""}
        </span>
        {upcoming > 0 && (
          <Link to={`/activities?ownerId=${user.id}&view=upcoming`}>
            {upcoming} upcoming booking{upcoming === 1 ? "" : "s"} to reassign
          </Link>
        )}
      </div>
      <div className="team-actions">
        <button type="button" className="button button-small" onClick={() => reactivate.mutate(user.id)} disabled={reactivate.isPending}>
          Reactivate<span className="sr-only"> {user.name}</span>
        </button>
      </div>
      {reactivate.error && <p className="form-error team-error" role="alert">{reactivate.error.message}</p>}
    </li>
  );
}
