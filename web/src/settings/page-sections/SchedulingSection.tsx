import { useState } from "react";
import { usePageMutations, type WeeklyHours } from "../../api/settings";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { CheckField, NumberField, SelectField, fieldErrors } from "../fields";
import { WeeklyHoursEditor, compactHours } from "../WeeklyHoursEditor";

const FIELDS = ["openHours", "minNoticeMinutes", "maxDaysAhead", "bufferBeforeMinutes", "bufferAfterMinutes", "slotIntervalMinutes", "proposalsRequired", "holdsRequestedSlots", "policyMinutes"];

/** The customer's cancel/reschedule policy: anytime, or up to some time before (15 min – 14 days). */
const POLICIES: [string, string][] = [
  ["", "Anytime"], ["15", "Up to 15 minutes before"], ["60", "Up to 1 hour before"], ["120", "Up to 2 hours before"], ["240", "Up to 4 hours before"],
  ["720", "Up to 12 hours before"], ["1440", "Up to 24 hours before"], ["2880", "Up to 2 days before"], ["10080", "Up to 7 days before"], ["20160", "Up to 14 days before"],
];

/** Open hours, notice, how far ahead, buffers, slot steps, approval rules and the customer's policy. */
export function SchedulingSection({ page, access }: SectionProps) {
  const { patch } = usePageMutations(page.id);
  const [d, setD] = useState({
    openHours: page.openHours as WeeklyHours, minNoticeMinutes: page.minNoticeMinutes as number | null, maxDaysAhead: page.maxDaysAhead,
    bufferBeforeMinutes: page.bufferBeforeMinutes as number | null, bufferAfterMinutes: page.bufferAfterMinutes as number | null,
    slotIntervalMinutes: page.slotIntervalMinutes, proposalsRequired: page.proposalsRequired as number | null, holdsRequestedSlots: page.holdsRequestedSlots,
    policyMinutes: page.policyMinutes,
  });
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof typeof d>(k: K) => (v: (typeof d)[K]) => {
    setSaved(false);
    setD((x) => ({ ...x, [k]: v }));
  };
  const errs = fieldErrors(patch.error, FIELDS);
  const policies = POLICIES.some(([v]) => v === String(d.policyMinutes ?? "")) ? POLICIES : [...POLICIES, [String(d.policyMinutes), `Up to ${d.policyMinutes} minutes before`] as [string, string]];
  const save = () =>
    patch.mutate(
      {
        openHours: compactHours(d.openHours), minNoticeMinutes: d.minNoticeMinutes ?? 0, maxDaysAhead: d.maxDaysAhead, bufferBeforeMinutes: d.bufferBeforeMinutes ?? 0,
        bufferAfterMinutes: d.bufferAfterMinutes ?? 0, slotIntervalMinutes: d.slotIntervalMinutes, proposalsRequired: d.proposalsRequired ?? 1,
        holdsRequestedSlots: d.holdsRequestedSlots, policyMinutes: d.policyMinutes,
      },
      { onSuccess: () => setSaved(true) },
    );
  return (
    <SectionForm title="Scheduling" onSubmit={save} pending={patch.isPending} saved={saved} error={errs.general} readOnly={access === "view"}>
      <WeeklyHoursEditor
        legend={`Open hours (${page.timeZone.replace(/_/g, " ")}), for hosts who set no weekly hours of their own`}
        value={d.openHours}
        onChange={set("openHours")}
        errorOf={(day) => errs.of(`openHours.${day}`)}
      />
      <div className="form-row">
        <NumberField label="Minimum notice" value={d.minNoticeMinutes} onChange={set("minNoticeMinutes")} min={0} suffix="min" error={errs.of("minNoticeMinutes")} hint="How long before a meeting customers may still book it." />
        <NumberField label="Book at most" value={d.maxDaysAhead} onChange={set("maxDaysAhead")} min={1} max={730} suffix="days ahead" error={errs.of("maxDaysAhead")} hint="Empty: no limit." />
      </div>
      <div className="form-row">
        <NumberField label="Free time before each meeting" value={d.bufferBeforeMinutes} onChange={set("bufferBeforeMinutes")} min={0} max={720} suffix="min" error={errs.of("bufferBeforeMinutes")} />
        <NumberField label="Free time after each meeting" value={d.bufferAfterMinutes} onChange={set("bufferAfterMinutes")} min={0} max={720} suffix="min" error={errs.of("bufferAfterMinutes")} />
      </div>
      <NumberField label="Slots start every" value={d.slotIntervalMinutes} onChange={set("slotIntervalMinutes")} min={5} max={720} suffix="min" error={errs.of("slotIntervalMinutes")} hint="Empty: every meeting length." />
      {page.mode === "approval" && (
        <div className="form-row">
          <NumberField label="Times a customer proposes" value={d.proposalsRequired} onChange={set("proposalsRequired")} min={1} max={10} error={errs.of("proposalsRequired")} />
          <CheckField label="Keep proposed times from other customers until approved" checked={d.holdsRequestedSlots} onChange={set("holdsRequestedSlots")} />
        </div>
      )}
      <SelectField
        label="Customers may cancel or reschedule"
        value={d.policyMinutes === null ? "" : String(d.policyMinutes)}
        onChange={(v) => set("policyMinutes")(v === "" ? null : Number(v))}
        error={errs.of("policyMinutes")}
        hint="Your team is never bound by it."
        options={policies.map(([value, label]) => ({ value, label }))}
      />
    </SectionForm>
  );
}
