import { useId, useState, type FormEvent } from "react";
import { Dialog } from "../ui/Dialog";
import { formatMoney, parseAmount } from "../ui/money";
import type { ActionDialogProps } from "./ActionMenu";
import { FormFooter } from "./FormFooter";
import { useRunAction } from "./use-run-action";

/**
 * "Process a refund": all that is left to refund, or part of it, with a reason that is kept in the
 * refund's history. The amount is typed in the currency's units and read digit by digit into minor
 * units (no float); the server re-checks it against what is left under the payment's lock.
 */
export function RefundDialog({ activity, onClose, onConflict }: ActionDialogProps) {
  const id = useId();
  const refundable = activity.payment?.refundable ?? null;
  const currency = refundable?.currency ?? activity.amount?.currency ?? "USD";
  const [mode, setMode] = useState<"full" | "partial">("full");
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [checked, setChecked] = useState(false);
  const { run, pending, error } = useRunAction(activity, "Refund", onConflict, onClose);

  const parsed = mode === "partial" ? parseAmount(amount, currency) : null;
  const amountError =
    parsed && "error" in parsed
      ? parsed.error
      : parsed && parsed.minor <= 0
        ? "Refund more than nothing."
        : parsed && refundable && parsed.minor > refundable.minor
          ? `That is more than the ${formatMoney(refundable)} left to refund.`
          : null;
  const serverAmountError = error?.details.field === "amount" ? error.message.replace(/^amount: /, "") : null;
  const reasonError = reason.trim() === "" ? "Give a reason (it is kept with the refund)." : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (amountError || reasonError || !refundable) return;
    const body = { reason: reason.trim(), ...(parsed && "value" in parsed ? { amount: parsed.value } : { amount: refundable.value }) };
    void run("refund", body);
  };
  const showAmountError = checked || amount !== "" ? (amountError ?? serverAmountError) : serverAmountError;
  return (
    <Dialog open onClose={onClose} title="Process a refund">
      <form className="form" onSubmit={submit} noValidate>
        <p>
          Refund the customer of {activity.id} through PayPal. Left to refund:{" "}
          <strong data-testid="refundable">{refundable ? formatMoney(refundable) : "unknown"}</strong>
          {activity.amount && <span className="muted"> (of {formatMoney(activity.amount)} paid)</span>}
        </p>
        <fieldset className="plain-fieldset radio-group">
          <legend>How much</legend>
          <label className="check">
            <input type="radio" name={`${id}-mode`} checked={mode === "full"} onChange={() => setMode("full")} />
            <span>Everything left ({refundable ? formatMoney(refundable) : "—"})</span>
          </label>
          <label className="check">
            <input type="radio" name={`${id}-mode`} checked={mode === "partial"} onChange={() => setMode("partial")} />
            <span>Part of it</span>
          </label>
        </fieldset>
        {mode === "partial" && (
          <div className="field">
            <label htmlFor={`${id}-amount`}>Amount to refund ({currency})</label>
            <input
              id={`${id}-amount`}
              className={`input${showAmountError ? " is-invalid" : ""}`}
              inputMode="decimal"
              autoComplete="off"
              value={amount}
              placeholder={refundable?.value}
              aria-invalid={Boolean(showAmountError) || undefined}
              aria-describedby={showAmountError ? `${id}-amount-error` : `${id}-amount-hint`}
              onChange={(e) => setAmount(e.target.value)}
            />
            <span id={`${id}-amount-hint`} className="hint">
              In {currency}, such as {refundable?.value ?? "10.00"}.
            </span>
            {showAmountError && (
              <span id={`${id}-amount-error`} className="field-error" role="alert">
                {showAmountError}
              </span>
            )}
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <textarea
            id={`${id}-reason`}
            className={`input${checked && reasonError ? " is-invalid" : ""}`}
            rows={3}
            maxLength={2000}
            value={reason}
            required
            aria-invalid={(checked && Boolean(reasonError)) || undefined}
            aria-describedby={checked && reasonError ? `${id}-reason-error` : undefined}
            onChange={(e) => setReason(e.target.value)}
          />
          {checked && reasonError && (
            <span id={`${id}-reason-error`} className="field-error" role="alert">
              {reasonError}
            </span>
          )}
        </div>
        <FormFooter error={error && !serverAmountError ? error : null} onCancel={onClose} submitLabel="Refund" pendingLabel="Refunding…" pending={pending} tone="danger" />
      </form>
    </Dialog>
  );
}
