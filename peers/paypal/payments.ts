import { paypalId, type Capture, type Peer, type Refund, type RefundOrigin } from "./core.js";
import { badSyntax, invalidRequest, missing, resourceNotFound, unprocessable, type ErrorDetail } from "./errors.js";
import { isObject, jsonBody, wantsRepresentation, type Route } from "./http-kit.js";
import { formatMinor, parseAmount } from "./money.js";
import { captureFee } from "./orders.js";
import { captureJson, refundFee, refundJson, refundMinimal } from "./resources.js";
import type { RefundOutcome } from "./outcomes.js";

/**
 * Payments v2: show a capture, refund it (in full or in part), show a refund; and the things that
 * happen to a capture later, on PayPal's side: a pending capture settles, a refund made on
 * PayPal's site, a reversal.
 */

export function findCapture(peer: Peer, clientId: string | undefined, id: string): Capture {
  const c = peer.core.captures.get(id);
  if (!c || (clientId !== undefined && c.clientId !== clientId)) throw resourceNotFound("payments", "capture_id", id);
  return c;
}

export function findRefund(peer: Peer, clientId: string | undefined, id: string): Refund {
  const r = peer.core.refunds.get(id);
  if (!r || (clientId !== undefined && r.clientId !== clientId)) throw resourceNotFound("payments", "refund_id", id);
  return r;
}

/** What may still be refunded: pending refunds hold their amount too. */
export function refundableMinor(peer: Peer, c: Capture): number {
  let taken = 0;
  for (const id of c.refundIds) {
    const r = peer.core.refunds.get(id)!;
    if (r.status === "COMPLETED" || r.status === "PENDING") taken += r.amountMinor;
  }
  return c.amountMinor - taken;
}

function completedRefundsMinor(peer: Peer, c: Capture): number {
  return c.refundIds.map((id) => peer.core.refunds.get(id)!).filter((r) => r.status === "COMPLETED").reduce((s, r) => s + r.amountMinor, 0);
}

function updateCaptureAfterRefund(peer: Peer, c: Capture): void {
  const refunded = completedRefundsMinor(peer, c);
  if (refunded === 0) return;
  c.status = refunded >= c.amountMinor ? "REFUNDED" : "PARTIALLY_REFUNDED";
  c.updateTime = peer.core.timestamp();
}

export interface RefundRequest { amountMinor?: number; invoiceId?: string; noteToPayer?: string }

function emitRefundEvent(peer: Peer, r: Refund): void {
  const reversed = r.origin === "reversal";
  peer.hub.emit(
    r.clientId,
    reversed ? "PAYMENT.CAPTURE.REVERSED" : "PAYMENT.CAPTURE.REFUNDED",
    "refund",
    refundJson(peer.core, r),
    `A ${formatMinor(r.amountMinor, r.currency)} ${r.currency} capture payment was ${reversed ? "reversed" : "refunded"}`,
  );
}

/** Refunds a capture; `outcome` forces the result (site refunds, reversals), else the scripts decide. */
export function refundCapture(peer: Peer, c: Capture, req: RefundRequest, origin: RefundOrigin, outcome?: RefundOutcome): Refund {
  if (c.status === "PENDING") throw unprocessable("payments", "PENDING_CAPTURE", "Cannot initiate a refund as the capture is pending.");
  if (c.status === "DECLINED") throw unprocessable("payments", "REFUND_NOT_ALLOWED", "Capture cannot be refunded.");
  const available = refundableMinor(peer, c);
  if (c.status === "REFUNDED" || available <= 0) throw unprocessable("payments", "CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded");
  const amountMinor = req.amountMinor ?? available;
  if (amountMinor > available) {
    throw unprocessable("payments", "REFUND_AMOUNT_EXCEEDED", "The refund amount must be less than or equal to the capture amount that has not yet been refunded. Verify the refund amount and try the request again.", "/amount/value", formatMinor(amountMinor, c.currency));
  }
  const status = outcome ?? peer.scripts.takeRefund(c.id);
  const now = peer.core.timestamp();
  const refund: Refund = {
    id: paypalId(17), captureId: c.id, clientId: c.clientId, status, reason: status === "PENDING" ? "ECHECK" : undefined,
    currency: c.currency, amountMinor, feeMinor: status === "COMPLETED" ? refundFee(peer.core, amountMinor) : 0,
    invoiceId: req.invoiceId ?? c.invoiceId, customId: c.customId, noteToPayer: req.noteToPayer, origin, createTime: now, updateTime: now,
  };
  peer.core.refunds.set(refund.id, refund);
  c.refundIds.push(refund.id);
  if (status === "COMPLETED") {
    updateCaptureAfterRefund(peer, c);
    emitRefundEvent(peer, refund);
  }
  return refund;
}

function readRefundRequest(c: Capture, body: Record<string, unknown>): RefundRequest {
  const details: ErrorDetail[] = [];
  const req: RefundRequest = {};
  for (const [key, max] of [["invoice_id", 127], ["note_to_payer", 255]] as const) {
    const v = body[key];
    if (v === undefined) continue;
    if (typeof v !== "string" || v.length < 1 || v.length > max) details.push(badSyntax(`/${key}`, v));
    else if (key === "invoice_id") req.invoiceId = v;
    else req.noteToPayer = v;
  }
  if (body.amount !== undefined) {
    const a = body.amount;
    if (!isObject(a)) details.push(badSyntax("/amount", a));
    else if (a.currency_code === undefined) details.push(missing("/amount/currency_code"));
    else if (a.value === undefined) details.push(missing("/amount/value"));
    else {
      const parsed = parseAmount(a.currency_code, a.value);
      if (!parsed.ok) {
        const value = String(parsed.field === "value" ? a.value : a.currency_code);
        if (parsed.status === 400) details.push({ field: `/amount/${parsed.field}`, value, location: "body", issue: parsed.issue, description: parsed.description });
        else throw unprocessable("payments", parsed.issue, parsed.description, `/amount/${parsed.field}`, value);
      } else if (a.currency_code !== c.currency) {
        throw unprocessable("payments", "REFUND_CAPTURE_CURRENCY_MISMATCH", "Refund must be in the same currency as the capture.", "/amount/currency_code", String(a.currency_code));
      } else req.amountMinor = parsed.minor;
    }
  }
  if (details.length > 0) throw invalidRequest("payments", ...details);
  return req;
}

/** A PENDING capture settles: COMPLETED (PAYMENT.CAPTURE.COMPLETED) or DECLINED (PAYMENT.CAPTURE.DENIED). */
export function settleCapture(peer: Peer, captureId: string, outcome: "COMPLETED" | "DECLINED"): Capture {
  const c = findCapture(peer, undefined, captureId);
  if (c.status !== "PENDING") throw new Error(`capture ${c.id} is ${c.status}, not PENDING`);
  c.status = outcome;
  c.reason = undefined;
  c.updateTime = peer.core.timestamp();
  if (outcome === "COMPLETED") c.feeMinor = captureFee(peer, c.amountMinor, c.currency);
  const amount = `${formatMinor(c.amountMinor, c.currency)} ${c.currency}`;
  if (outcome === "COMPLETED") peer.hub.emit(c.clientId, "PAYMENT.CAPTURE.COMPLETED", "capture", captureJson(peer.core, c), `Payment completed for ${amount}`);
  else peer.hub.emit(c.clientId, "PAYMENT.CAPTURE.DENIED", "capture", captureJson(peer.core, c), `Payment denied for ${amount}`);
  return c;
}

/** A PENDING refund settles: COMPLETED sends PAYMENT.CAPTURE.REFUNDED; FAILED frees the amount again. */
export function settleRefund(peer: Peer, refundId: string, outcome: "COMPLETED" | "FAILED"): Refund {
  const r = findRefund(peer, undefined, refundId);
  if (r.status !== "PENDING") throw new Error(`refund ${r.id} is ${r.status}, not PENDING`);
  r.status = outcome;
  r.reason = undefined;
  r.updateTime = peer.core.timestamp();
  if (outcome === "COMPLETED") {
    r.feeMinor = refundFee(peer.core, r.amountMinor);
    updateCaptureAfterRefund(peer, findCapture(peer, undefined, r.captureId));
    emitRefundEvent(peer, r);
  }
  return r;
}

/** The merchant refunds on PayPal's site: the product learns of it only from the webhook. */
export function refundInPayPal(peer: Peer, captureId: string, opts: { value?: string; noteToPayer?: string } = {}): Refund {
  const c = findCapture(peer, undefined, captureId);
  let amountMinor: number | undefined;
  if (opts.value !== undefined) {
    const parsed = parseAmount(c.currency, opts.value);
    if (!parsed.ok) throw new Error(`refund value ${opts.value}: ${parsed.issue}`);
    amountMinor = parsed.minor;
  }
  return refundCapture(peer, c, { amountMinor, noteToPayer: opts.noteToPayer }, "paypal-site", "COMPLETED");
}

/** PayPal takes back what is left of a capture (a chargeback or a risk decision). */
export function reverseCapture(peer: Peer, captureId: string): Refund {
  const c = findCapture(peer, undefined, captureId);
  return refundCapture(peer, c, {}, "reversal", "COMPLETED");
}

export const paymentRoutes: Route[] = [
  {
    method: "GET", pattern: /^\/v2\/payments\/captures\/([^/]+)$/, op: "captures.get", auth: "bearer", family: "payments",
    handle: (ctx) => ({ status: 200, json: captureJson(ctx.peer.core, findCapture(ctx.peer, ctx.clientId, ctx.params[0]!)) }),
  },
  {
    method: "POST", pattern: /^\/v2\/payments\/captures\/([^/]+)\/refund$/, op: "captures.refund", auth: "bearer", family: "payments", idempotent: true,
    handle(ctx) {
      const body = jsonBody(ctx, "payments");
      const capture = findCapture(ctx.peer, ctx.clientId, ctx.params[0]!);
      const refund = refundCapture(ctx.peer, capture, readRefundRequest(capture, body), "api");
      return { status: 201, json: wantsRepresentation(ctx) ? refundJson(ctx.peer.core, refund) : refundMinimal(ctx.peer.core, refund) };
    },
  },
  {
    method: "GET", pattern: /^\/v2\/payments\/refunds\/([^/]+)$/, op: "refunds.get", auth: "bearer", family: "payments",
    handle: (ctx) => ({ status: 200, json: refundJson(ctx.peer.core, findRefund(ctx.peer, ctx.clientId, ctx.params[0]!)) }),
  },
];
