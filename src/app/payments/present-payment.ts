import { formatDecimal, money } from "../../domain/money.js";
import type { PaymentRecord } from "../../store/payments-repo.js";

const view = (minor: number, currency: string) => ({ value: formatDecimal(money(minor, currency)), currency, minor });

/** A transaction's payment details as the Details pane shows them. */
export function presentPaymentRecord(p: PaymentRecord) {
  const payment = p.kind === "payment";
  return {
    kind: p.kind,
    purpose: p.purpose,
    state: p.state,
    amount: view(p.amount_minor, p.currency),
    refunded: payment ? view(p.refunded_minor, p.currency) : null,
    refundable: payment ? view(p.state === "completed" ? p.amount_minor - p.refunded_minor : 0, p.currency) : null,
    payer: (p.payer as unknown as { email: string | null; name: string | null; payerId: string | null } | null) ?? null,
    paypal: { orderId: p.paypal_order_id, captureId: p.paypal_capture_id, refundId: p.paypal_refund_id },
    paidFor: p.for_activity_id,
    refundOf: p.payment_activity_id,
    reason: p.reason,
  };
}
