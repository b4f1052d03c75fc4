import type { ActivityDetails } from "../api/types";
import { CopyButton } from "../ui/CopyButton";
import { formatMoney } from "../ui/money";
import { Fact, Section } from "../ui/Section";

const PURPOSE: Record<string, string> = {
  schedule: "Booking",
  reschedule: "Reschedule fee",
  cancellation: "Refund on the customer's cancellation",
  bookstream: "Refund made in Bookstream",
  paypal: "Refund made in PayPal",
};

const STATE: Record<string, string> = { submitting: "Being sent to PayPal", pending: "Pending at PayPal", completed: "Completed", denied: "Denied by PayPal", failed: "Failed" };

/** A transaction's money: amount, refunds, payer, and PayPal's own IDs (each copyable, for PayPal's dashboard). */
export function PaymentFacts({ a, onOpen }: { a: ActivityDetails; onOpen: (id: string) => void }) {
  const p = a.payment;
  if (!p) return null;
  const paypalIds: [string, string | null][] = [
    ["PayPal order ID", p.paypal.orderId],
    ["PayPal capture ID", p.paypal.captureId],
    ["PayPal refund ID", p.paypal.refundId],
  ];
  const link = (id: string | null, label: string) =>
    id && (
      <button type="button" className="link-button" onClick={() => onOpen(id)} aria-label={`Open ${label} ${id}`}>
        {id}
      </button>
    );
  return (
    <Section title={p.kind === "refund" ? "Refund" : "Payment"}>
      <dl className="facts" data-testid="payment-facts">
        <Fact label="Transaction type" value={a.detailedStatus} />
        <Fact label="For" value={PURPOSE[p.purpose] ?? p.purpose} />
        <Fact label="Amount" value={<strong data-testid="payment-amount">{formatMoney(p.amount)}</strong>} />
        {p.refunded && <Fact label="Refunded so far" value={formatMoney(p.refunded)} />}
        {p.refundable && <Fact label="Left to refund" value={<span data-testid="payment-refundable">{formatMoney(p.refundable)}</span>} />}
        <Fact label="At PayPal" value={STATE[p.state] ?? p.state} />
        <Fact label="Payer" value={p.payer && [p.payer.name, p.payer.email].filter(Boolean).join(" · ")} />
        {p.paidFor && <Fact label="Paid for" value={link(p.paidFor, "what it paid for")} />}
        {p.refundOf && <Fact label="Refund of" value={link(p.refundOf, "the payment")} />}
        {p.reason && <Fact label="Reason" value={p.reason} />}
        {paypalIds.map(([label, id]) => (
          <Fact
            key={label}
            label={label}
            value={
              id && (
                <span className="id-with-copy">
                  <code>{id}</code>
                  <CopyButton text={id} label={`Copy the ${label} ${id}`} />
                </span>
              )
            }
          />
        ))}
      </dl>
    </Section>
  );
}
