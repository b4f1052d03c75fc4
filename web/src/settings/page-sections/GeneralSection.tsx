import { useState } from "react";
import { useUsers } from "../../api/queries";
import { usePageMutations } from "../../api/settings";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { NumberField, SelectField, TextField, TimeZoneField, fieldErrors } from "../fields";

const FIELDS = ["name", "slug", "ownerId", "timeZone", "durationMinutes", "mode", "location", "videoLink"];

/** Name, address (with its public link), owner, time zone, length, booking mode, place. */
export function GeneralSection({ page, access }: SectionProps) {
  const { patch } = usePageMutations(page.id);
  const users = useUsers();
  const [d, setD] = useState({
    name: page.name, slug: page.slug, ownerId: page.ownerId, timeZone: page.timeZone, durationMinutes: page.durationMinutes as number | null,
    mode: page.mode, location: page.location ?? "", videoLink: page.videoLink ?? "",
  });
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof typeof d>(k: K) => (v: (typeof d)[K]) => {
    setSaved(false);
    setD((x) => ({ ...x, [k]: v }));
  };
  const errs = fieldErrors(patch.error, FIELDS);
  const save = () =>
    patch.mutate(
      {
        name: d.name, slug: d.slug, timeZone: d.timeZone, durationMinutes: d.durationMinutes ?? 0, mode: d.mode,
        location: d.location.trim() || null, videoLink: d.videoLink.trim() || null, ...(access === "manage" ? { ownerId: d.ownerId } : {}),
      },
      { onSuccess: () => setSaved(true) },
    );
  const owners = users.data ?? [];
  return (
    <SectionForm title="General" onSubmit={save} pending={patch.isPending} saved={saved} error={errs.general} readOnly={access === "view"}>
      <TextField label="Name" value={d.name} onChange={set("name")} error={errs.of("name")} required />
      <TextField label="Address" value={d.slug} onChange={set("slug")} error={errs.of("slug")} hint={`Public link: ${window.location.origin}/book/${d.slug}`} required />
      <div className="form-row">
        <SelectField
          label="Owner"
          value={d.ownerId}
          onChange={set("ownerId")}
          error={errs.of("ownerId")}
          hint={access === "manage" ? "Hosts its meetings unless the page has a team." : "Only the owner or an admin hands the page to someone else."}
          options={owners.some((u) => u.id === d.ownerId) ? owners.map((u) => ({ value: u.id, label: u.name })) : [{ value: d.ownerId, label: "Current owner" }, ...owners.map((u) => ({ value: u.id, label: u.name }))]}
        />
        <TimeZoneField value={d.timeZone} onChange={set("timeZone")} error={errs.of("timeZone")} hint="Slots are laid out on this zone's clock." />
      </div>
      <div className="form-row">
        <NumberField label="Meeting length" value={d.durationMinutes} onChange={set("durationMinutes")} min={1} max={1440} suffix="min" error={errs.of("durationMinutes")} hint="Event types can have their own." />
        <SelectField
          label="How customers book"
          value={d.mode}
          onChange={set("mode")}
          error={errs.of("mode")}
          options={[
            { value: "automatic", label: "Automatic booking" },
            { value: "approval", label: "Booking with approval" },
          ]}
        />
      </div>
      <TextField label="Location" value={d.location} onChange={set("location")} error={errs.of("location")} hint="An address or a room; leave empty for none." />
      <TextField label="Video link" type="url" value={d.videoLink} onChange={set("videoLink")} error={errs.of("videoLink")} placeholder="https://…" />
    </SectionForm>
  );
}
