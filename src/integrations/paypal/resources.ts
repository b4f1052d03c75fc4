import { z } from "zod";
import { fromPayPalAmount, type Money } from "../../domain/money.js";
import { invalidResponse } from "./errors.js";

/**
 * PayPal's JSON (Orders v2, Payments v2, Webhooks v1) read into our types: amounts as Money, ids
 * and statuses typed, links resolved. Unknown fields are dropped; a missing required field or an
 * unknown status is an INVALID_RESPONSE error rather than a guess.
 */

export const ORDER_STATUSES = ["CREATED", "SAVED", "APPROVED", "VOIDED", "COMPLETED", "PAYER_ACTION_REQUIRED"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const CAPTURE_STATUSES = ["COMPLETED", "DECLINED", "PARTIALLY_REFUNDED", "PENDING", "REFUNDED", "FAILED"] as const;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];
export const REFUND_STATUSES = ["CANCELLED", "FAILED", "PENDING", "COMPLETED"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export interface PayPalPayer {
  payerId?: string;
  email?: string;
  givenName?: string;
  surname?: string;
}

export interface PayPalCapture {
  id: string;
  status: CaptureStatus;
  /** Why PENDING (PENDING_REVIEW, ECHECK, …) or DECLINED, when PayPal says. */
  statusReason?: string;
  amount: Money;
  /** PayPal's fee and what the merchant receives; absent while pending or when declined. */
  paypalFee?: Money;
  netAmount?: Money;
  orderId?: string;
  invoiceId?: string;
  customId?: string;
  createTime?: string;
  updateTime?: string;
}

export interface PayPalOrder {
  id: string;
  status: OrderStatus;
  amount?: Money;
  referenceId?: string;
  customId?: string;
  invoiceId?: string;
  description?: string;
  /** Where the buyer approves (link rel "payer-action", or "approve" for older orders); absent once approved. */
  approveUrl?: string;
  payer?: PayPalPayer;
  captures: PayPalCapture[];
  createTime?: string;
  updateTime?: string;
}

export interface PayPalRefund {
  id: string;
  status: RefundStatus;
  statusReason?: string;
  amount: Money;
  /** The refunded capture (link rel "up"). */
  captureId?: string;
  invoiceId?: string;
  customId?: string;
  noteToPayer?: string;
  paypalFee?: Money;
  netAmount?: Money;
  totalRefunded?: Money;
  createTime?: string;
  updateTime?: string;
}

export interface PayPalWebhookEvent {
  id: string;
  eventType: string;
  resourceType: string;
  createTime?: string;
  summary?: string;
  /** The capture, refund or order as PayPal sent it: read it with captureFromEvent / refundFromEvent. */
  resource: unknown;
}

export interface WebhookSubscription {
  id: string;
  url: string;
  eventTypes: string[];
}

const Amount = z.object({ currency_code: z.string(), value: z.string() });
const Link = z.object({ href: z.string(), rel: z.string(), method: z.string().optional() });
const Name = z.object({ given_name: z.string().optional(), surname: z.string().optional() }).optional();

const CaptureJson = z.object({
  id: z.string().min(1),
  status: z.enum(CAPTURE_STATUSES),
  status_details: z.object({ reason: z.string().optional() }).optional(),
  amount: Amount,
  seller_receivable_breakdown: z.object({ paypal_fee: Amount.optional(), net_amount: Amount.optional() }).optional(),
  invoice_id: z.string().optional(),
  custom_id: z.string().optional(),
  supplementary_data: z.object({ related_ids: z.object({ order_id: z.string().optional() }).optional() }).optional(),
  create_time: z.string().optional(),
  update_time: z.string().optional(),
  links: z.array(Link).optional(),
});

const OrderJson = z.object({
  id: z.string().min(1),
  status: z.enum(ORDER_STATUSES),
  purchase_units: z.array(z.object({
    reference_id: z.string().optional(),
    amount: Amount.optional(),
    custom_id: z.string().optional(),
    invoice_id: z.string().optional(),
    description: z.string().optional(),
    payments: z.object({ captures: z.array(z.unknown()).optional() }).optional(),
  })).optional(),
  payer: z.object({ payer_id: z.string().optional(), email_address: z.string().optional(), name: Name }).optional(),
  payment_source: z.object({
    paypal: z.object({ account_id: z.string().optional(), email_address: z.string().optional(), name: Name }).optional(),
  }).optional(),
  create_time: z.string().optional(),
  update_time: z.string().optional(),
  links: z.array(Link).optional(),
});

const RefundJson = z.object({
  id: z.string().min(1),
  status: z.enum(REFUND_STATUSES),
  status_details: z.object({ reason: z.string().optional() }).optional(),
  amount: Amount,
  invoice_id: z.string().optional(),
  custom_id: z.string().optional(),
  note_to_payer: z.string().optional(),
  seller_payable_breakdown: z.object({ paypal_fee: Amount.optional(), net_amount: Amount.optional(), total_refunded_amount: Amount.optional() }).optional(),
  create_time: z.string().optional(),
  update_time: z.string().optional(),
  links: z.array(Link).optional(),
});

const EventJson = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  resource_type: z.string(),
  create_time: z.string().optional(),
  summary: z.string().optional(),
  resource: z.unknown(),
});

const WebhookJson = z.object({ id: z.string().min(1), url: z.string(), event_types: z.array(z.object({ name: z.string() })) });

/** Parses or throws INVALID_RESPONSE naming the first bad field (never the values). */
function read<T>(schema: z.ZodType<T>, json: unknown, what: string, status: number): T {
  const r = schema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw invalidResponse(what, status, `${first?.path.join(".") || "body"}: ${first?.code ?? "invalid"}`);
  }
  return r.data;
}

function amountOf(a: z.infer<typeof Amount>, what: string, status: number): Money {
  try {
    return fromPayPalAmount(a);
  } catch {
    throw invalidResponse(what, status, `amount ${a.currency_code} is not a PayPal amount`);
  }
}

const optionalAmount = (a: z.infer<typeof Amount> | undefined, what: string, status: number) => (a ? amountOf(a, what, status) : undefined);

function linkTo(links: z.infer<typeof Link>[] | undefined, rel: string): string | undefined {
  return links?.find((l) => l.rel === rel)?.href;
}

/** The last path segment of a link such as …/v2/payments/captures/{id}. */
function idFromLink(href: string | undefined, collection: string): string | undefined {
  if (!href) return undefined;
  try {
    const parts = new URL(href).pathname.split("/");
    const i = parts.lastIndexOf(collection);
    return i >= 0 && parts[i + 1] ? decodeURIComponent(parts[i + 1]!) : undefined;
  } catch {
    return undefined;
  }
}

/** Drops undefined fields so results compare and print cleanly. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function readCapture(json: unknown, what: string, status = 200): PayPalCapture {
  const c = read(CaptureJson, json, what, status);
  return compact({
    id: c.id,
    status: c.status,
    statusReason: c.status_details?.reason,
    amount: amountOf(c.amount, what, status),
    paypalFee: optionalAmount(c.seller_receivable_breakdown?.paypal_fee, what, status),
    netAmount: optionalAmount(c.seller_receivable_breakdown?.net_amount, what, status),
    orderId: c.supplementary_data?.related_ids?.order_id ?? idFromLink(linkTo(c.links, "up"), "orders"),
    invoiceId: c.invoice_id,
    customId: c.custom_id,
    createTime: c.create_time,
    updateTime: c.update_time,
  });
}

export function readOrder(json: unknown, what: string, status = 200): PayPalOrder {
  const o = read(OrderJson, json, what, status);
  const unit = o.purchase_units?.[0];
  const wallet = o.payment_source?.paypal;
  const payer = compact<PayPalPayer>({
    payerId: o.payer?.payer_id ?? wallet?.account_id,
    email: o.payer?.email_address ?? wallet?.email_address,
    givenName: o.payer?.name?.given_name ?? wallet?.name?.given_name,
    surname: o.payer?.name?.surname ?? wallet?.name?.surname,
  });
  return compact({
    id: o.id,
    status: o.status,
    amount: optionalAmount(unit?.amount, what, status),
    referenceId: unit?.reference_id,
    customId: unit?.custom_id,
    invoiceId: unit?.invoice_id,
    description: unit?.description,
    approveUrl: linkTo(o.links, "payer-action") ?? linkTo(o.links, "approve"),
    payer: Object.keys(payer).length > 0 ? payer : undefined,
    captures: (unit?.payments?.captures ?? []).map((c) => readCapture(c, what, status)),
    createTime: o.create_time,
    updateTime: o.update_time,
  });
}

export function readRefund(json: unknown, what: string, status = 200): PayPalRefund {
  const r = read(RefundJson, json, what, status);
  const b = r.seller_payable_breakdown;
  return compact({
    id: r.id,
    status: r.status,
    statusReason: r.status_details?.reason,
    amount: amountOf(r.amount, what, status),
    captureId: idFromLink(linkTo(r.links, "up"), "captures"),
    invoiceId: r.invoice_id,
    customId: r.custom_id,
    noteToPayer: r.note_to_payer,
    paypalFee: optionalAmount(b?.paypal_fee, what, status),
    netAmount: optionalAmount(b?.net_amount, what, status),
    totalRefunded: optionalAmount(b?.total_refunded_amount, what, status),
    createTime: r.create_time,
    updateTime: r.update_time,
  });
}

export function readWebhookEvent(json: unknown, what = "read a webhook event"): PayPalWebhookEvent {
  const e = read(EventJson, json, what, 200);
  return compact({ id: e.id, eventType: e.event_type, resourceType: e.resource_type, createTime: e.create_time, summary: e.summary, resource: e.resource });
}

export function readWebhookSubscription(json: unknown, what: string, status = 200): WebhookSubscription {
  const w = read(WebhookJson, json, what, status);
  return { id: w.id, url: w.url, eventTypes: w.event_types.map((t) => t.name) };
}

export function readWebhookList(json: unknown, what: string): WebhookSubscription[] {
  const list = read(z.object({ webhooks: z.array(z.unknown()) }), json, what, 200);
  return list.webhooks.map((w) => readWebhookSubscription(w, what));
}

/** The capture in a PAYMENT.CAPTURE.COMPLETED / PENDING / DECLINED / DENIED event. */
export function captureFromEvent(event: PayPalWebhookEvent): PayPalCapture {
  return readCapture(event.resource, `read the capture in ${event.eventType} ${event.id}`);
}

/** The refund in a PAYMENT.CAPTURE.REFUNDED / REVERSED event (its captureId from the "up" link). */
export function refundFromEvent(event: PayPalWebhookEvent): PayPalRefund {
  return readRefund(event.resource, `read the refund in ${event.eventType} ${event.id}`);
}
