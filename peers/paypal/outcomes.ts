import type { Order } from "./core.js";

/**
 * Scripted outcomes: what the next capture or refund does. Without a script a capture completes
 * and a refund completes; a script can make one PENDING (settled later through the control API),
 * DECLINED at once, or refused at capture time with INSTRUMENT_DECLINED.
 */

export type CaptureOutcome = "COMPLETED" | "PENDING" | "DECLINED" | "INSTRUMENT_DECLINED";
export type RefundOutcome = "COMPLETED" | "PENDING";

/** PayPal's `status_details.reason` values for a PENDING capture. */
export const CAPTURE_PENDING_REASONS = [
  "BUYER_COMPLAINT", "CHARGEBACK", "ECHECK", "INTERNATIONAL_WITHDRAWAL", "OTHER", "PENDING_REVIEW",
  "RECEIVING_PREFERENCE_MANDATES_MANUAL_ACTION", "REFUNDED", "TRANSACTION_APPROVED_AWAITING_FUNDING",
  "UNILATERAL", "VERIFICATION_REQUIRED",
] as const;

export interface CaptureScript {
  outcome: CaptureOutcome;
  /** For PENDING: the status_details.reason (default PENDING_REVIEW). */
  reason?: string;
  /** Only captures of this order / this purchase unit custom_id; neither = the next capture(s). */
  orderId?: string;
  customId?: string;
  /** How many captures this script decides (default 1). */
  times?: number;
}

export interface RefundScript {
  outcome: RefundOutcome;
  /** Only refunds of this capture; absent = the next refund(s). */
  captureId?: string;
  times?: number;
}

interface Active<T> { script: T; left: number }

function checkTimes(times: number | undefined): number {
  if (times === undefined) return 1;
  if (!Number.isInteger(times) || times < 1) throw new Error("times must be a positive integer");
  return times;
}

export class OutcomeScripts {
  private captures: Active<CaptureScript>[] = [];
  private refunds: Active<RefundScript>[] = [];

  addCapture(script: CaptureScript): void {
    if (!["COMPLETED", "PENDING", "DECLINED", "INSTRUMENT_DECLINED"].includes(script.outcome)) {
      throw new Error("capture outcome must be COMPLETED, PENDING, DECLINED or INSTRUMENT_DECLINED");
    }
    if (script.reason !== undefined && !(CAPTURE_PENDING_REASONS as readonly string[]).includes(script.reason)) {
      throw new Error(`reason must be one of ${CAPTURE_PENDING_REASONS.join(", ")}`);
    }
    this.captures.push({ script, left: checkTimes(script.times) });
  }

  addRefund(script: RefundScript): void {
    if (script.outcome !== "COMPLETED" && script.outcome !== "PENDING") throw new Error("refund outcome must be COMPLETED or PENDING");
    this.refunds.push({ script, left: checkTimes(script.times) });
  }

  /** Scripts naming this order (or its custom_id) win over "the next capture" scripts. */
  takeCapture(order: Order): { outcome: CaptureOutcome; reason?: string } {
    const specific = this.captures.find((a) => a.script.orderId === order.id || (a.script.customId !== undefined && a.script.customId === order.customId));
    const chosen = specific ?? this.captures.find((a) => a.script.orderId === undefined && a.script.customId === undefined);
    if (!chosen) return { outcome: "COMPLETED" };
    chosen.left -= 1;
    if (chosen.left <= 0) this.captures = this.captures.filter((a) => a !== chosen);
    return { outcome: chosen.script.outcome, reason: chosen.script.reason };
  }

  takeRefund(captureId: string): RefundOutcome {
    const chosen = this.refunds.find((a) => a.script.captureId === captureId) ?? this.refunds.find((a) => a.script.captureId === undefined);
    if (!chosen) return "COMPLETED";
    chosen.left -= 1;
    if (chosen.left <= 0) this.refunds = this.refunds.filter((a) => a !== chosen);
    return chosen.script.outcome;
  }

  clear(): void {
    this.captures = [];
    this.refunds = [];
  }
}
