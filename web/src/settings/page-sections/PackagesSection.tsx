import { useState } from "react";
import { usePageMutations } from "../../api/settings";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { CheckField, NumberField, fieldErrors } from "../fields";

/** Session packages: several sessions booked at once (1–20), details entered once. */
export function PackagesSection({ page, access }: SectionProps) {
  const { patch } = usePageMutations(page.id);
  const [enabled, setEnabled] = useState(page.packagesEnabled);
  const [max, setMax] = useState<number | null>(page.maxPackageSessions);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(patch.error, ["packagesEnabled", "maxPackageSessions"]);
  return (
    <SectionForm
      title="Session packages"
      description="Customers book several sessions at once and enter their details once."
      onSubmit={() => patch.mutate({ packagesEnabled: enabled, maxPackageSessions: max ?? 0 }, { onSuccess: () => setSaved(true) })}
      pending={patch.isPending}
      saved={saved}
      error={errs.general}
      readOnly={access === "view"}
    >
      <CheckField label="Customers may book a package" checked={enabled} onChange={(v) => (setSaved(false), setEnabled(v))} />
      <NumberField label="Most sessions in one package" value={max} onChange={(v) => (setSaved(false), setMax(v))} min={1} max={20} error={errs.of("maxPackageSessions")} hint="1 to 20." />
    </SectionForm>
  );
}
