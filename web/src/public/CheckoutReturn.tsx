import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { abandonCheckout, checkoutStatus, completeCheckout, newKey, recallCheckout, rememberCheckout, type CheckoutCompleted, type CheckoutView } from "../api/checkout";
import { ApiError } from "../api/client";
import { manageViewQuery, publicKeys, tokenOf, type Created } from "../api/public";
import { Link } from "../app/router";
import { CopyButton } from "../ui/CopyButton";
import { formatMoney } from "../ui/money";
import { Confirmation, type BookingResult } from "./Confirmation";
import { customerProblem } from "./customer-words";
import { PublicShell, PublicStatus } from "./PublicShell";
import { detectZone } from "./time";

/**
 * Where PayPal sends the customer back: /checkout/{id}/return?token=<order> after approving
 * (the payment is captured and the booking made — or the reschedule, or the package — then the
 * confirmation with the Booking ID and the Transaction ID), /checkout/{id}/cancel after giving up
 * (the held time is released at once). Completing carries an Idempotency-Key kept for this tab,
 * so a reload shows the same confirmation instead of an error.
 */
type State =
  | { kind: "working" }
  | { kind: "done"; done: CheckoutCompleted; checkout: CheckoutView | null; result: BookingResult | null; manageToken?: string }
  | { kind: "canceled"; checkout: CheckoutView | null; manageToken?: string }
  | { kind: "failed"; error: unknown; checkout: CheckoutView | null; manageToken?: string };

export function CheckoutReturnPage({ id, outcome }: { id: string; outcome: "return" | "cancel" }) {
  const [state, setState] = useState<State>({ kind: "working" });
  const started = useRef(false);
  const qc = useQueryClient();
  useEffect(() => {
    if (started.current) return; // once, even in React's development double effects
    started.current = true;
    const remembered = recallCheckout(id);
    const orderId = new URLSearchParams(window.location.search).get("token") ?? undefined;
    const checkout = checkoutStatus(id).catch(() => null);
    void (async () => {
      if (outcome === "cancel") {
        try {
          await abandonCheckout(id);
          setState({ kind: "canceled", checkout: await checkout, manageToken: remembered.manageToken });
        } catch (error) {
          setState({ kind: "failed", error, checkout: await checkout, manageToken: remembered.manageToken });
        }
        return;
      }
      const key = remembered.completeKey ?? newKey();
      rememberCheckout(id, { completeKey: key });
      try {
        const done = await completeCheckout(id, orderId && /^[A-Za-z0-9-]{1,64}$/.test(orderId) ? orderId : undefined, key);
        const result = await resultOf(done, qc);
        setState({ kind: "done", done, checkout: await checkout, result, manageToken: remembered.manageToken });
      } catch (error) {
        setState({ kind: "failed", error, checkout: await checkout, manageToken: remembered.manageToken });
      }
    })();
  }, [id, outcome, qc]);

  if (state.kind === "working") {
    return (
      <PublicShell title={outcome === "cancel" ? "Canceling your payment" : "Confirming your payment"}>
        <div className="public-card" role="status">
          <p>{outcome === "cancel" ? "Releasing your time…" : "Confirming your payment with PayPal…"}</p>
          <PublicStatus />
        </div>
      </PublicShell>
    );
  }
  const pageName = state.checkout?.bookingPage.name ?? "Your booking";
  const back = state.manageToken ? { to: `/manage/${state.manageToken}`, label: "Back to your booking" } : state.checkout ? { to: `/book/${state.checkout.bookingPage.slug}`, label: "Choose a time again" } : null;
  if (state.kind === "canceled" || state.kind === "failed") {
    return (
      <PublicShell title={pageName}>
        <div className="public-card" role="alert">
          <h1>{state.kind === "canceled" ? "Payment canceled" : "Your payment did not go through"}</h1>
          <p>{state.kind === "canceled" ? "You were not charged, and the time you chose is free again." : problemText(state.error)}</p>
          {back && (
            <Link to={back.to} className="button button-primary">
              {back.label}
            </Link>
          )}
        </div>
      </PublicShell>
    );
  }
  const { done, result, checkout } = state;
  const zone = result?.sessions[0]?.activity.customer.timeZone ?? detectZone();
  return (
    <PublicShell title={pageName}>
      <div className="public-card">
        {result ? (
          <Confirmation result={result} zone={zone} />
        ) : (
          <section className="confirm" aria-labelledby="confirm-title">
            <div className="confirm-mark" aria-hidden="true">
              ✓
            </div>
            <h1 id="confirm-title" tabIndex={-1}>
              {checkout?.purpose === "reschedule" ? "You're rescheduled" : "You're booked"}
            </h1>
            {done.bookingId && <IdLine label="Booking ID" id={done.bookingId} testId="booking-id" />}
            {done.packageId && <IdLine label="Package ID" id={done.packageId} testId="package-id" />}
            {state.manageToken && (
              <p>
                <Link to={`/manage/${state.manageToken}`}>View, reschedule or cancel</Link>
              </p>
            )}
          </section>
        )}
        <PaymentReceipt done={done} checkout={checkout} />
      </div>
    </PublicShell>
  );
}

/** The payment under the confirmation: Transaction ID, amount, and the invoice when the server offers one. */
function PaymentReceipt({ done, checkout }: { done: CheckoutCompleted; checkout: CheckoutView | null }) {
  const invoice = done.invoiceUrl ?? done.invoiceLink ?? null;
  return (
    <section className="confirm-payment" aria-labelledby="payment-title">
      <h2 id="payment-title">Payment</h2>
      <dl className="facts">
        {done.transactionId && (
          <div className="fact">
            <dt>Transaction ID</dt>
            <dd className="confirm-booking-id">
              <strong data-testid="transaction-id">{done.transactionId}</strong>
              <CopyButton text={done.transactionId} label={`Copy transaction ID ${done.transactionId}`} />
            </dd>
          </div>
        )}
        {checkout && (
          <div className="fact">
            <dt>Paid</dt>
            <dd data-testid="paid-amount">{formatMoney(checkout.amount)} with PayPal</dd>
          </div>
        )}
        {done.transactionType && (
          <div className="fact">
            <dt>Status</dt>
            <dd>{done.transactionType.includes("PENDING") ? "Pending at PayPal: you will be told when it completes" : "Paid"}</dd>
          </div>
        )}
        {invoice && (
          <div className="fact">
            <dt>Invoice</dt>
            <dd>
              <a href={invoice} data-testid="invoice-link" download>
                Download the invoice (PDF)
              </a>
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function IdLine({ label, id, testId }: { label: string; id: string; testId: string }) {
  return (
    <p className="confirm-id">
      {label}: <strong data-testid={testId}>{id}</strong>
      <CopyButton text={id} label={`Copy ${label.toLowerCase()} ${id}`} />
    </p>
  );
}

/** The confirmation of a new booking or package, from the first answer (a repeat has only the IDs). */
async function resultOf(done: CheckoutCompleted, qc: ReturnType<typeof useQueryClient>): Promise<BookingResult | null> {
  if (done.activity && done.manageLink) {
    qc.setQueryData(publicKeys.manage(tokenOf(done.manageLink)), done.activity);
    return { kind: "booking", sessions: [{ activity: done.activity, manageLink: done.manageLink }] };
  }
  if (done.sessions?.length) {
    const sessions: Created[] = await Promise.all(
      done.sessions.map(async (s) => ({ activity: await qc.fetchQuery(manageViewQuery(s.manageToken)), manageLink: s.manageLink })),
    );
    return { kind: "package", packageId: done.packageId ?? undefined, sessions };
  }
  return null;
}

function problemText(err: unknown): string {
  if (err instanceof ApiError && err.code === "slot_unavailable") return err.message;
  if (err instanceof ApiError && err.status === 404) return "This payment was not found. If you were charged, contact the business with the details PayPal sent you.";
  return customerProblem(err);
}
