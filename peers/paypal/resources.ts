import type { Capture, Order, PeerCore, Refund } from "./core.js";
import { money, percentOf } from "./money.js";

/**
 * The JSON PayPal answers for orders, captures and refunds (and puts in webhook events), built
 * from the peer's records. Field order follows PayPal's samples.
 */

type Link = { href: string; rel: string; method: string };

const link = (href: string, rel: string, method = "GET"): Link => ({ href, rel, method });

export function approvalUrl(core: PeerCore, orderId: string): string {
  return core.url(`/checkoutnow?token=${encodeURIComponent(orderId)}`);
}

export function orderLinks(core: PeerCore, o: Order): Link[] {
  const self = core.url(`/v2/checkout/orders/${o.id}`);
  switch (o.status) {
    case "CREATED":
      return [link(self, "self"), link(approvalUrl(core, o.id), "approve"), link(self, "update", "PATCH"), link(`${self}/capture`, "capture", "POST")];
    case "PAYER_ACTION_REQUIRED":
      return [link(self, "self"), link(approvalUrl(core, o.id), "payer-action")];
    case "APPROVED":
      return [link(self, "self"), link(self, "update", "PATCH"), link(`${self}/capture`, "capture", "POST")];
    case "COMPLETED":
      return [link(self, "self")];
  }
}

function payee(core: PeerCore) {
  return { email_address: core.settings.merchant.email, merchant_id: core.settings.merchant.merchantId };
}

/** `{id, status, links}` (+ payment_source): what create answers without `Prefer: return=representation`. */
export function orderMinimal(core: PeerCore, o: Order): Record<string, unknown> {
  return {
    id: o.id,
    status: o.status,
    ...(o.withPaymentSource ? { payment_source: { paypal: {} } } : {}),
    links: orderLinks(core, o),
  };
}

export function orderJson(core: PeerCore, o: Order): Record<string, unknown> {
  const capture = o.captureId ? core.captures.get(o.captureId) : undefined;
  const p = o.payer;
  const paymentSource = p
    ? { paypal: { email_address: p.email, account_id: p.payerId, account_status: "VERIFIED", name: { given_name: p.givenName, surname: p.surname }, address: { country_code: "US" } } }
    : o.withPaymentSource ? { paypal: {} } : undefined;
  return {
    id: o.id,
    intent: "CAPTURE",
    status: o.status,
    ...(paymentSource ? { payment_source: paymentSource } : {}),
    purchase_units: [{
      reference_id: o.referenceId,
      amount: money(o.amountMinor, o.currency),
      payee: payee(core),
      ...(o.description !== undefined ? { description: o.description } : {}),
      ...(o.customId !== undefined ? { custom_id: o.customId } : {}),
      ...(o.invoiceId !== undefined ? { invoice_id: o.invoiceId } : {}),
      ...(capture ? { payments: { captures: [captureJson(core, capture)] } } : {}),
    }],
    ...(p ? { payer: { name: { given_name: p.givenName, surname: p.surname }, email_address: p.email, payer_id: p.payerId, address: { country_code: "US" } } } : {}),
    create_time: o.createTime,
    update_time: o.updateTime,
    links: orderLinks(core, o),
  };
}

/** Captures that can still take a refund carry the `refund` link, as at PayPal. */
export function isRefundable(c: Capture): boolean {
  return c.status === "COMPLETED" || c.status === "PARTIALLY_REFUNDED";
}

export function captureJson(core: PeerCore, c: Capture): Record<string, unknown> {
  const self = core.url(`/v2/payments/captures/${c.id}`);
  // PayPal gives no seller_receivable_breakdown while a capture is pending (or for a decline).
  const settled = c.status !== "PENDING" && c.status !== "DECLINED";
  return {
    id: c.id,
    status: c.status,
    ...(c.reason ? { status_details: { reason: c.reason } } : {}),
    amount: money(c.amountMinor, c.currency),
    final_capture: true,
    disbursement_mode: "INSTANT",
    seller_protection: { status: "ELIGIBLE", dispute_categories: ["ITEM_NOT_RECEIVED", "UNAUTHORIZED_TRANSACTION"] },
    ...(settled ? {
      seller_receivable_breakdown: {
        gross_amount: money(c.amountMinor, c.currency),
        paypal_fee: money(c.feeMinor, c.currency),
        net_amount: money(c.amountMinor - c.feeMinor, c.currency),
      },
    } : {}),
    ...(c.invoiceId !== undefined ? { invoice_id: c.invoiceId } : {}),
    ...(c.customId !== undefined ? { custom_id: c.customId } : {}),
    supplementary_data: { related_ids: { order_id: c.orderId } },
    payee: payee(core),
    create_time: c.createTime,
    update_time: c.updateTime,
    links: [
      link(self, "self"),
      ...(isRefundable(c) ? [link(`${self}/refund`, "refund", "POST")] : []),
      link(core.url(`/v2/checkout/orders/${c.orderId}`), "up"),
    ],
  };
}

/** The refunded share of PayPal's percentage fee (the fixed part is not returned). */
export function refundFee(core: PeerCore, amountMinor: number): number {
  return percentOf(amountMinor, core.settings.fees.basisPoints);
}

/** Completed refunds of the capture up to and including this one. */
function refundedSoFar(core: PeerCore, r: Refund): number {
  const capture = core.captures.get(r.captureId);
  let total = 0;
  for (const id of capture?.refundIds ?? []) {
    const other = core.refunds.get(id);
    if (other?.status === "COMPLETED") total += other.amountMinor;
    if (id === r.id) break;
  }
  return total;
}

export function refundMinimal(core: PeerCore, r: Refund): Record<string, unknown> {
  return { id: r.id, status: r.status, ...(r.reason ? { status_details: { reason: r.reason } } : {}), links: refundLinks(core, r) };
}

function refundLinks(core: PeerCore, r: Refund): Link[] {
  return [link(core.url(`/v2/payments/refunds/${r.id}`), "self"), link(core.url(`/v2/payments/captures/${r.captureId}`), "up")];
}

export function refundJson(core: PeerCore, r: Refund): Record<string, unknown> {
  return {
    id: r.id,
    amount: money(r.amountMinor, r.currency),
    ...(r.invoiceId !== undefined ? { invoice_id: r.invoiceId } : {}),
    ...(r.customId !== undefined ? { custom_id: r.customId } : {}),
    ...(r.noteToPayer !== undefined ? { note_to_payer: r.noteToPayer } : {}),
    seller_payable_breakdown: {
      gross_amount: money(r.amountMinor, r.currency),
      paypal_fee: money(r.feeMinor, r.currency),
      net_amount: money(r.amountMinor - r.feeMinor, r.currency),
      total_refunded_amount: money(refundedSoFar(core, r), r.currency),
    },
    status: r.status,
    ...(r.reason ? { status_details: { reason: r.reason } } : {}),
    create_time: r.createTime,
    update_time: r.updateTime,
    links: refundLinks(core, r),
  };
}
