import { paypalId, payerIdFor, type Capture, type Order, type Peer } from "./core.js";
import { badSyntax, badValue, invalidRequest, missing, PayPalError, resourceNotFound, unprocessable, type ErrorDetail } from "./errors.js";
import { isObject, jsonBody, wantsRepresentation, type Route } from "./http-kit.js";
import { formatMinor, parseAmount, percentOf } from "./money.js";
import { approvalUrl, captureJson, orderJson, orderMinimal } from "./resources.js";

/**
 * Orders v2 with intent CAPTURE: create, show, capture; and the buyer's approval (from the
 * approval page or the control API), which real PayPal does on its own site.
 */

/** Reads an optional string field, adding a 400 detail when it has the wrong type or length. */
function optionalString(obj: Record<string, unknown>, key: string, path: string, max: number, details: ErrorDetail[]): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") {
    details.push(badSyntax(`${path}/${key}`, v));
    return undefined;
  }
  if (v.length < 1 || v.length > max) {
    details.push({ field: `${path}/${key}`, value: v, location: "body", issue: "INVALID_STRING_LENGTH", description: "The value of a field is either too short or too long." });
    return undefined;
  }
  return v;
}

function optionalUrl(obj: Record<string, unknown>, key: string, path: string, details: ErrorDetail[]): string | undefined {
  const v = optionalString(obj, key, path, 4000, details);
  if (v === undefined) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
    return v;
  } catch {
    details.push(badSyntax(`${path}/${key}`, v));
    return undefined;
  }
}

interface Experience { returnUrl?: string; cancelUrl?: string; userAction?: string; brandName?: string }

function readExperience(ctx: Record<string, unknown>, path: string, details: ErrorDetail[]): Experience {
  const userAction = optionalString(ctx, "user_action", path, 20, details);
  if (userAction !== undefined && userAction !== "PAY_NOW" && userAction !== "CONTINUE") details.push(badValue(`${path}/user_action`, userAction));
  return {
    returnUrl: optionalUrl(ctx, "return_url", path, details),
    cancelUrl: optionalUrl(ctx, "cancel_url", path, details),
    userAction,
    brandName: optionalString(ctx, "brand_name", path, 127, details),
  };
}

export function createOrder(peer: Peer, clientId: string, body: Record<string, unknown>): Order {
  const details: ErrorDetail[] = [];
  if (body.intent === undefined) details.push(missing("/intent"));
  else if (body.intent !== "CAPTURE") {
    details.push(badValue("/intent", body.intent, body.intent === "AUTHORIZE" ? "This PayPal peer simulates intent CAPTURE only." : "The value of a field is invalid."));
  }
  const units = body.purchase_units;
  if (units === undefined) details.push(missing("/purchase_units"));
  else if (!Array.isArray(units)) details.push(badSyntax("/purchase_units", units));
  else if (units.length === 0) details.push({ field: "/purchase_units", location: "body", issue: "INVALID_ARRAY_MIN_ITEMS", description: "The number of items in an array parameter is too small." });
  else if (units.length > 1) details.push({ field: "/purchase_units", location: "body", issue: "INVALID_ARRAY_MAX_ITEMS", description: "This PayPal peer supports one purchase unit per order." });
  const unit = Array.isArray(units) && isObject(units[0]) ? units[0] : undefined;
  if (Array.isArray(units) && units.length === 1 && !unit) details.push(badSyntax("/purchase_units/0", units[0]));

  let experience: Experience = {};
  let withPaymentSource = false;
  if (body.payment_source !== undefined) {
    const source = body.payment_source;
    if (!isObject(source) || !isObject(source.paypal)) {
      details.push(badValue("/payment_source", source, "This PayPal peer simulates the PayPal wallet only (payment_source.paypal)."));
    } else {
      withPaymentSource = true;
      const ec = source.paypal.experience_context;
      if (ec !== undefined && !isObject(ec)) details.push(badSyntax("/payment_source/paypal/experience_context", ec));
      else if (ec) experience = readExperience(ec, "/payment_source/paypal/experience_context", details);
    }
  }
  if (body.application_context !== undefined) {
    const ac = body.application_context;
    if (!isObject(ac)) details.push(badSyntax("/application_context", ac));
    else {
      // The older place for the same settings; experience_context wins when both are given.
      const older = readExperience(ac, "/application_context", details);
      experience = { returnUrl: experience.returnUrl ?? older.returnUrl, cancelUrl: experience.cancelUrl ?? older.cancelUrl, userAction: experience.userAction ?? older.userAction, brandName: experience.brandName ?? older.brandName };
    }
  }

  let referenceId: string | undefined, customId: string | undefined, invoiceId: string | undefined, description: string | undefined;
  let currency = "", amountMinor = 0;
  if (unit) {
    const path = "/purchase_units/0";
    referenceId = optionalString(unit, "reference_id", path, 256, details);
    customId = optionalString(unit, "custom_id", path, 127, details);
    invoiceId = optionalString(unit, "invoice_id", path, 127, details);
    description = optionalString(unit, "description", path, 127, details);
    const amount = unit.amount;
    if (amount === undefined) details.push(missing(`${path}/amount`));
    else if (!isObject(amount)) details.push(badSyntax(`${path}/amount`, amount));
    else if (amount.currency_code === undefined) details.push(missing(`${path}/amount/currency_code`));
    else if (amount.value === undefined) details.push(missing(`${path}/amount/value`));
    else if (details.length === 0) {
      const parsed = parseAmount(amount.currency_code, amount.value);
      if (!parsed.ok) {
        const field = `${path}/amount/${parsed.field}`;
        const value = String(parsed.field === "value" ? amount.value : amount.currency_code);
        if (parsed.status === 400) details.push({ field, value, location: "body", issue: parsed.issue, description: parsed.description });
        else throw unprocessable("orders", parsed.issue, parsed.description, field, value);
      } else {
        currency = amount.currency_code as string;
        amountMinor = parsed.minor;
      }
    }
  }
  if (details.length > 0) throw invalidRequest("orders", ...details);

  const now = peer.core.timestamp();
  const order: Order = {
    id: paypalId(17), clientId, status: withPaymentSource ? "PAYER_ACTION_REQUIRED" : "CREATED", withPaymentSource,
    referenceId: referenceId ?? "default", customId, invoiceId, description, currency, amountMinor,
    ...experience, createTime: now, updateTime: now,
  };
  peer.core.orders.set(order.id, order);
  return order;
}

/** Orders (and captures, refunds) belong to the app that created them, as at PayPal. */
export function findOrder(peer: Peer, clientId: string | undefined, id: string): Order {
  const order = peer.core.orders.get(id);
  if (!order || (clientId !== undefined && order.clientId !== clientId)) throw resourceNotFound("orders", "order_id", id);
  return order;
}

export interface Buyer { email?: string; givenName?: string; surname?: string }

export const DEFAULT_BUYER = { email: "sb-buyer@personal.example.com", givenName: "Sandbox", surname: "Buyer" };

/** The buyer approves: APPROVED, the payer recorded, CHECKOUT.ORDER.APPROVED sent. Approving twice changes nothing. */
export function approveOrder(peer: Peer, orderId: string, buyer: Buyer = {}): Order {
  const order = findOrder(peer, undefined, orderId);
  if (order.status === "APPROVED") return order;
  if (order.status === "COMPLETED") throw unprocessable("orders", "ORDER_ALREADY_CAPTURED", "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.");
  const email = buyer.email?.trim() || DEFAULT_BUYER.email;
  order.payer = { email, payerId: payerIdFor(email), givenName: buyer.givenName ?? DEFAULT_BUYER.givenName, surname: buyer.surname ?? DEFAULT_BUYER.surname };
  order.status = "APPROVED";
  order.updateTime = peer.core.timestamp();
  peer.hub.emit(order.clientId, "CHECKOUT.ORDER.APPROVED", "checkout-order", orderJson(peer.core, order), "An order has been approved by buyer");
  return order;
}

const CAPTURE_EVENTS = {
  COMPLETED: ["PAYMENT.CAPTURE.COMPLETED", "Payment completed for"],
  PENDING: ["PAYMENT.CAPTURE.PENDING", "Payment pending for"],
  DECLINED: ["PAYMENT.CAPTURE.DECLINED", "Payment declined for"],
} as const;

export function captureOrder(peer: Peer, order: Order): Capture {
  const { core } = peer;
  if (order.status === "COMPLETED") throw unprocessable("orders", "ORDER_ALREADY_CAPTURED", "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.");
  if (order.status !== "APPROVED") {
    throw unprocessable("orders", "ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.");
  }
  if (core.settings.blockDuplicateInvoiceId && order.invoiceId !== undefined) {
    for (const c of core.captures.values()) {
      if (c.clientId === order.clientId && c.invoiceId === order.invoiceId && c.status !== "DECLINED") {
        throw unprocessable("orders", "DUPLICATE_INVOICE_ID", "Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.", "/purchase_units/0/invoice_id", order.invoiceId);
      }
    }
  }
  const { outcome, reason } = peer.scripts.takeCapture(order);
  if (outcome === "INSTRUMENT_DECLINED") {
    // The buyer must pick another funding source: back to the approval step, as PayPal asks.
    order.status = order.withPaymentSource ? "PAYER_ACTION_REQUIRED" : "CREATED";
    order.payer = undefined;
    order.updateTime = core.timestamp();
    const err = unprocessable("orders", "INSTRUMENT_DECLINED", "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.");
    throw new PayPalError(err.status, err.errorName, err.details, "orders", [{ href: approvalUrl(core, order.id), rel: "redirect", method: "GET" }]);
  }
  const now = core.timestamp();
  const capture: Capture = {
    id: paypalId(17), orderId: order.id, clientId: order.clientId, status: outcome,
    reason: outcome === "PENDING" ? (reason ?? "PENDING_REVIEW") : undefined,
    currency: order.currency, amountMinor: order.amountMinor,
    feeMinor: outcome === "COMPLETED" ? captureFee(peer, order.amountMinor, order.currency) : 0,
    customId: order.customId, invoiceId: order.invoiceId, refundIds: [], createTime: now, updateTime: now,
  };
  core.captures.set(capture.id, capture);
  order.captureId = capture.id;
  order.status = "COMPLETED";
  order.updateTime = now;
  const [eventType, summary] = CAPTURE_EVENTS[outcome];
  peer.hub.emit(order.clientId, eventType, "capture", captureJson(core, capture), `${summary} ${formatMinor(capture.amountMinor, capture.currency)} ${capture.currency}`);
  return capture;
}

export function captureFee(peer: Peer, amountMinor: number, currency: string): number {
  const fee = percentOf(amountMinor, peer.core.settings.fees.basisPoints) + peer.core.fixedFee(currency);
  return Math.min(fee, amountMinor);
}

export const orderRoutes: Route[] = [
  {
    method: "POST", pattern: /^\/v2\/checkout\/orders$/, op: "orders.create", auth: "bearer", family: "orders", idempotent: true,
    handle(ctx) {
      const order = createOrder(ctx.peer, ctx.clientId, jsonBody(ctx, "orders"));
      return { status: 201, json: wantsRepresentation(ctx) ? orderJson(ctx.peer.core, order) : orderMinimal(ctx.peer.core, order) };
    },
  },
  {
    method: "GET", pattern: /^\/v2\/checkout\/orders\/([^/]+)$/, op: "orders.get", auth: "bearer", family: "orders",
    handle(ctx) {
      return { status: 200, json: orderJson(ctx.peer.core, findOrder(ctx.peer, ctx.clientId, ctx.params[0]!)) };
    },
  },
  {
    method: "POST", pattern: /^\/v2\/checkout\/orders\/([^/]+)\/capture$/, op: "orders.capture", auth: "bearer", family: "orders", idempotent: true,
    handle(ctx) {
      jsonBody(ctx, "orders"); // a body is optional, but when present it must be JSON
      const order = findOrder(ctx.peer, ctx.clientId, ctx.params[0]!);
      captureOrder(ctx.peer, order);
      // PayPal's capture answer carries the captures, payer and payment source even when minimal.
      return { status: 201, json: orderJson(ctx.peer.core, order) };
    },
  },
];
