import { useState } from "react";
import { useUsers } from "../../api/queries";
import { usePageMutations } from "../../api/settings";
import type { TeamMember } from "../../api/types";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { fieldErrors } from "../fields";

/**
 * Who hosts the page's meetings (a team, round robin by fewest upcoming bookings; none: the owner)
 * and who else may edit or view it. Only the owner or an admin changes these.
 */
export function TeamSection({ page, access }: SectionProps) {
  const users = useUsers();
  const names = new Map((users.data ?? []).map((u) => [u.id, u.name]));
  const readOnly = access !== "manage";
  return (
    <>
      {readOnly && <p className="muted">Only the page's owner or an admin changes its team and sharing.</p>}
      <HostsForm page={page} users={users.data ?? []} names={names} readOnly={readOnly} />
      <SharingForm page={page} users={users.data ?? []} names={names} readOnly={readOnly} />
    </>
  );
}

function HostsForm({ page, users, names, readOnly }: { page: SectionProps["page"]; users: TeamMember[]; names: Map<string, string>; readOnly: boolean }) {
  const { hosts } = usePageMutations(page.id);
  const [team, setTeam] = useState<string[]>(page.team ? page.hostIds : []);
  const [pick, setPick] = useState("");
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(hosts.error, ["userIds"]);
  const change = (next: string[]) => {
    setSaved(false);
    setTeam(next);
  };
  const candidates = users.filter((u) => !team.includes(u.id));
  return (
    <SectionForm
      title="Hosts"
      description="With a team, each booking goes to the host with the fewest upcoming bookings who is free (or the one the customer picks). Without one, the owner hosts."
      onSubmit={() => hosts.mutate(team, { onSuccess: () => setSaved(true) })}
      pending={hosts.isPending}
      saved={saved}
      error={errs.general ?? errs.of("userIds")}
      readOnly={readOnly}
    >
      {team.length === 0 && <p>No team: {names.get(page.ownerId) ?? "the owner"} hosts every meeting.</p>}
      <ol className="item-list">
        {team.map((id, i) => (
          <li key={id} className="item-row chip-row">
            <span>{names.get(id) ?? "A deactivated user"}</span>
            <span className="item-actions">
              <button type="button" className="icon-button" aria-label={`Move ${names.get(id) ?? "host"} up`} disabled={i === 0} onClick={() => change(swap(team, i, i - 1))}>
                <span aria-hidden="true">↑</span>
              </button>
              <button type="button" className="icon-button" aria-label={`Remove ${names.get(id) ?? "host"} from the hosts`} onClick={() => change(team.filter((x) => x !== id))}>
                <span aria-hidden="true">×</span>
              </button>
            </span>
          </li>
        ))}
      </ol>
      <div className="add-row">
        <label className="sr-only" htmlFor={`host-pick-${page.id}`}>
          Add a host
        </label>
        <select id={`host-pick-${page.id}`} className="input" value={pick} onChange={(e) => setPick(e.target.value)}>
          <option value="">Add a host…</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <button type="button" className="button button-small" disabled={!pick} onClick={() => (change([...team, pick]), setPick(""))}>
          Add
        </button>
      </div>
    </SectionForm>
  );
}

function SharingForm({ page, users, names, readOnly }: { page: SectionProps["page"]; users: TeamMember[]; names: Map<string, string>; readOnly: boolean }) {
  const { members } = usePageMutations(page.id);
  const [list, setList] = useState(page.members);
  const [pick, setPick] = useState("");
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(members.error, ["members"]);
  const change = (next: typeof list) => {
    setSaved(false);
    setList(next);
  };
  const candidates = users.filter((u) => u.id !== page.ownerId && !list.some((m) => m.userId === u.id));
  return (
    <SectionForm
      title="Editors and viewers"
      description="Editors change this page's settings; viewers see its bookings. Admins and the owner always may."
      onSubmit={() => members.mutate(list, { onSuccess: () => setSaved(true) })}
      pending={members.isPending}
      saved={saved}
      error={errs.general ?? errs.of("members")}
      readOnly={readOnly}
    >
      {list.length === 0 && <p className="muted">Nobody else.</p>}
      <ul className="item-list">
        {list.map((m) => (
          <li key={m.userId} className="item-row chip-row">
            <span>{names.get(m.userId) ?? "A deactivated user"}</span>
            <span className="item-actions">
              <label className="sr-only" htmlFor={`share-${m.userId}`}>
                Role of {names.get(m.userId)} on this page
              </label>
              <select id={`share-${m.userId}`} className="input input-compact" value={m.role} onChange={(e) => change(list.map((x) => (x.userId === m.userId ? { ...x, role: e.target.value as "editor" | "viewer" } : x)))}>
                <option value="editor">Editor</option>
                <option value="viewer">Viewer</option>
              </select>
              <button type="button" className="icon-button" aria-label={`Remove ${names.get(m.userId) ?? "them"}`} onClick={() => change(list.filter((x) => x.userId !== m.userId))}>
                <span aria-hidden="true">×</span>
              </button>
            </span>
          </li>
        ))}
      </ul>
      <div className="add-row">
        <label className="sr-only" htmlFor={`share-pick-${page.id}`}>
          Share with
        </label>
        <select id={`share-pick-${page.id}`} className="input" value={pick} onChange={(e) => setPick(e.target.value)}>
          <option value="">Share with…</option>
          {candidates.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <button type="button" className="button button-small" disabled={!pick} onClick={() => (change([...list, { userId: pick, role: "viewer" }]), setPick(""))}>
          Add
        </button>
      </div>
    </SectionForm>
  );
}

function swap<T>(xs: T[], i: number, j: number): T[] {
  const next = [...xs];
  [next[i], next[j]] = [next[j], next[i]];
  return next;
}
