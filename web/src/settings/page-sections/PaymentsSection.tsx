import { useState } from "react";
import { PAYPAL_CURRENCIES } from "../../../../src/domain/money";
import { usePagePayments, useSavePagePayments, type PagePayments } from "../../api/payments";
import { Link } from "../../app/router";
import { parseAmount } from "../../ui/money";
import type { SectionProps } from "../BookingPageEditor";
import { SectionForm } from "../BookingPageEditor";
import { SelectField, TextField, fieldErrors } from "../fields";

const CURRENCIES = Object.keys(PAYPAL_CURRENCIES).sort();

/**
 * What booking this page costs: currency, price, each event type's own price, a package's price per
 * session, a fee to reschedule, and whether a customer's cancellation (within the page's policy) is
 * refunded automatically. Empty is free. Amounts are checked here as typed (each field its own
 * message) and again by the server, whose refusal lands next to the field it names.
 */
export function PaymentsSection({ page, access }: SectionProps) {
  const payments = usePagePayments(page.id);
  if (payments.isPending) return <p>Loading…</p>;
  if (payments.error)
    return (
      <p className="form-error" role="alert">
        {payments.error.message}
      </p>
    );
  return <PaymentsForm key={page.id} page={page} access={access} current={payments.data} />;
}

function PaymentsForm({ page, access, current }: Pick<SectionProps, "page" | "access"> & { current: PagePayments }) {
  const save = useSavePagePayments(page.id);
  const [currency, setCurrency] = useState(current.currency ?? "USD");
  const [price, setPrice] = useState(current.price ?? "");
  const [packagePrice, setPackagePrice] = useState(current.packageSessionPrice ?? "");
  const [fee, setFee] = useState(current.rescheduleFee ?? "");
  const [policy, setPolicy] = useState(current.refundPolicy);
  const [typePrices, setTypePrices] = useState<Record<string, string>>(() => Object.fromEntries(page.eventTypes.map((e) => [e.id, current.eventTypePrices[e.id] ?? ""])));
  const [saved, setSaved] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const shown = ["currency", "price", "packageSessionPrice", "rescheduleFee", "refundPolicy", "eventTypePrices"];
  const errs = fieldErrors(save.error, shown);
  const errorOf = (field: string) => local[field] ?? errs.of(field);
  const touched = <T,>(f: (v: T) => void) => (v: T) => (setSaved(false), f(v));

  const submit = () => {
    const problems: Record<string, string> = {};
    const amount = (text: string, field: string): string | null => {
      if (text.trim() === "") return null;
      const r = parseAmount(text, currency);
      if ("error" in r) {
        problems[field] = r.error;
        return null;
      }
      return r.minor === 0 ? null : r.value;
    };
    const body = {
      currency,
      price: amount(price, "price"),
      packageSessionPrice: amount(packagePrice, "packageSessionPrice"),
      rescheduleFee: amount(fee, "rescheduleFee"),
      refundPolicy: policy,
      eventTypePrices: Object.fromEntries(page.eventTypes.map((e) => [e.id, amount(typePrices[e.id] ?? "", `eventTypePrices.${e.id}`)])),
    };
    setLocal(problems);
    if (Object.keys(problems).length) return;
    save.mutate(body, { onSuccess: () => setSaved(true) });
  };

  const hint = (what: string) => `In ${currency}; empty is ${what}.`;
  return (
    <SectionForm
      title="Payments"
      description="Customers pay with PayPal when they book; empty prices are free."
      onSubmit={submit}
      pending={save.isPending}
      saved={saved}
      error={errs.general}
      readOnly={access === "view"}
    >
      {!current.paypalConnected && (
        <p className="notice notice-warning">
          The account's PayPal is not connected: an admin connects it in <Link to="/settings/paypal">Settings → PayPal</Link> before prices can be set.
        </p>
      )}
      {page.mode !== "automatic" && <p className="notice notice-warning">This page takes booking requests for approval; only pages that book at once take payments.</p>}
      <SelectField label="Currency" value={currency} onChange={touched(setCurrency)} options={CURRENCIES.map((c) => ({ value: c, label: c }))} error={errorOf("currency")} />
      <div className="price-grid">
        <TextField label="Price of a meeting" value={price} onChange={touched(setPrice)} error={errorOf("price")} hint={hint("free")} inputMode="text" placeholder="0.00" />
        <TextField label="Price per session of a package" value={packagePrice} onChange={touched(setPackagePrice)} error={errorOf("packageSessionPrice")} hint={hint("the meeting's price")} placeholder="0.00" />
        <TextField label="Reschedule fee" value={fee} onChange={touched(setFee)} error={errorOf("rescheduleFee")} hint={hint("no fee")} placeholder="0.00" />
      </div>
      {page.eventTypes.length > 0 && (
        <fieldset className="plain-fieldset">
          <legend>Event types' own prices</legend>
          <div className="price-grid">
            {page.eventTypes.map((e) => (
              <TextField
                key={e.id}
                label={`Price of ${e.name}`}
                value={typePrices[e.id] ?? ""}
                onChange={touched((v: string) => setTypePrices((t) => ({ ...t, [e.id]: v })))}
                error={errorOf(`eventTypePrices.${e.id}`)}
                hint={hint("the meeting's price")}
                placeholder={price || "0.00"}
              />
            ))}
          </div>
        </fieldset>
      )}
      <SelectField
        label="Refund when a customer cancels"
        value={policy}
        onChange={touched(setPolicy)}
        options={[
          { value: "automatic", label: "Refund in full, automatically, within the page's cancellation policy" },
          { value: "none", label: "No automatic refund" },
        ]}
        error={errorOf("refundPolicy")}
      />
    </SectionForm>
  );
}
