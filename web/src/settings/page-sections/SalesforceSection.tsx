import { useState } from "react";
import { usePageSalesforce, useSavePageSalesforce, type PageSalesforce } from "../../api/salesforce";
import { Link } from "../../app/router";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { CheckField, fieldErrors } from "../fields";

/**
 * The page's "Create Salesforce Activity Events" switch (on by default). Off suits an account
 * whose calendar already reaches Salesforce through another tool (e.g. Cirrus Insight), which
 * would otherwise make a second entry per booking.
 */
export function SalesforceSection({ page, access, me }: SectionProps) {
  const current = usePageSalesforce(page.id);
  if (current.isPending) return <p>Loading…</p>;
  if (current.error)
    return (
      <p className="form-error" role="alert">
        {current.error.message}
      </p>
    );
  return <SalesforceForm key={page.id} pageId={page.id} readOnly={access === "view"} current={current.data} admin={me.user.role === "admin"} />;
}

function SalesforceForm({ pageId, readOnly, current, admin }: { pageId: string; readOnly: boolean; current: PageSalesforce; admin: boolean }) {
  const save = useSavePageSalesforce(pageId);
  const [on, setOn] = useState(current.createEvents);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(save.error, ["createEvents"]);
  return (
    <SectionForm
      title="Salesforce"
      description="Each booking on this page gets a Salesforce Event on the customer's Contact, Lead or Case, updated as the booking is rescheduled, completed, canceled or marked No-show."
      onSubmit={() => save.mutate(on, { onSuccess: () => setSaved(true) })}
      pending={save.isPending}
      saved={saved}
      error={errs.general}
      readOnly={readOnly}
    >
      {!current.salesforceConnected && (
        <p className="notice notice-warning" data-testid="page-salesforce-not-connected">
          <span>
            Salesforce is not connected, so nothing is written yet.{" "}
            {admin ? <Link to="/settings/salesforce">Connect Salesforce</Link> : "An admin connects it in Settings → Salesforce."}
          </span>
        </p>
      )}
      <CheckField
        label="Create Salesforce Activity Events"
        checked={on}
        onChange={(v) => (setSaved(false), setOn(v))}
        hint="Turn off when another tool (such as Cirrus Insight) already syncs your calendar to Salesforce, to avoid duplicate entries. Turning it off stops all updates: Events already created stay in Salesforce as they were, and new bookings get none."
      />
    </SectionForm>
  );
}
