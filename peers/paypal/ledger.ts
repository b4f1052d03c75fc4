import type { CaptureStatus, PeerCore, RefundOrigin, RefundStatus } from "./core.js";
import { formatMinor } from "./money.js";

/**
 * The peer's books, for tests to compare with Bookstream's: every capture and refund, amounts in
 * minor units and as PayPal's decimal strings, and per-currency totals.
 */

export interface LedgerCapture {
  id: string;
  orderId: string;
  status: CaptureStatus;
  currency: string;
  amountMinor: number;
  amount: string;
  feeMinor: number;
  fee: string;
  /** Completed refunds and reversals of this capture. */
  refundedMinor: number;
  refunded: string;
  customId?: string;
  invoiceId?: string;
  createTime: string;
}

export interface LedgerRefund {
  id: string;
  captureId: string;
  status: RefundStatus;
  origin: RefundOrigin;
  currency: string;
  amountMinor: number;
  amount: string;
  customId?: string;
  invoiceId?: string;
  createTime: string;
}

export interface LedgerTotals {
  /** Captures that completed (including those refunded since). */
  capturedMinor: number;
  captured: string;
  /** Captures still PENDING. */
  pendingMinor: number;
  pending: string;
  /** COMPLETED refunds and reversals. */
  refundedMinor: number;
  refunded: string;
  /** captured − refunded. */
  netMinor: number;
  net: string;
}

export interface Ledger {
  captures: LedgerCapture[];
  refunds: LedgerRefund[];
  totals: Record<string, LedgerTotals>;
}

const SETTLED: CaptureStatus[] = ["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"];

export function buildLedger(core: PeerCore): Ledger {
  const sums = new Map<string, { captured: number; pending: number; refunded: number }>();
  const sum = (currency: string) => {
    let s = sums.get(currency);
    if (!s) sums.set(currency, (s = { captured: 0, pending: 0, refunded: 0 }));
    return s;
  };
  const refunds: LedgerRefund[] = [...core.refunds.values()].map((r) => {
    if (r.status === "COMPLETED") sum(r.currency).refunded += r.amountMinor;
    return {
      id: r.id, captureId: r.captureId, status: r.status, origin: r.origin, currency: r.currency,
      amountMinor: r.amountMinor, amount: formatMinor(r.amountMinor, r.currency),
      ...(r.customId !== undefined ? { customId: r.customId } : {}),
      ...(r.invoiceId !== undefined ? { invoiceId: r.invoiceId } : {}),
      createTime: r.createTime,
    };
  });
  const captures: LedgerCapture[] = [...core.captures.values()].map((c) => {
    if (SETTLED.includes(c.status)) sum(c.currency).captured += c.amountMinor;
    if (c.status === "PENDING") sum(c.currency).pending += c.amountMinor;
    const refundedMinor = refunds.filter((r) => r.captureId === c.id && r.status === "COMPLETED").reduce((s, r) => s + r.amountMinor, 0);
    return {
      id: c.id, orderId: c.orderId, status: c.status, currency: c.currency,
      amountMinor: c.amountMinor, amount: formatMinor(c.amountMinor, c.currency),
      feeMinor: c.feeMinor, fee: formatMinor(c.feeMinor, c.currency),
      refundedMinor, refunded: formatMinor(refundedMinor, c.currency),
      ...(c.customId !== undefined ? { customId: c.customId } : {}),
      ...(c.invoiceId !== undefined ? { invoiceId: c.invoiceId } : {}),
      createTime: c.createTime,
    };
  });
  const totals: Record<string, LedgerTotals> = {};
  for (const [currency, s] of sums) {
    const net = s.captured - s.refunded;
    totals[currency] = {
      capturedMinor: s.captured, captured: formatMinor(s.captured, currency),
      pendingMinor: s.pending, pending: formatMinor(s.pending, currency),
      refundedMinor: s.refunded, refunded: formatMinor(s.refunded, currency),
      netMinor: net, net: formatMinor(net, currency),
    };
  }
  return { captures, refunds, totals };
}
