import { formatDecimal, money } from "../../domain/money.js";
import { bucketLabel, type Interval, type RevenueDimension } from "../../domain/reports.js";
import { namesOf, type RevenueCell } from "../../store/reports-repo.js";
import type { AppContext, Caller } from "../context.js";
import { readerOf } from "../context.js";
import { resolveReport, type ReportInput } from "./report-scope.js";
import { revenueCellsFor } from "./revenue-cells.js";

export interface RevenueInput extends ReportInput {
  by?: RevenueDimension;
  interval?: Interval;
  currency?: string[];
}

export interface CountAmount { count: number; amount: string }
export interface RevenueFigures { currency: string; payments: CountAmount; refunds: CountAmount; net: string; purged: CountAmount }
export interface RevenueGroup extends RevenueFigures { key: string | null; label: string }

/**
 * The revenue report: settled payments, refunds and net by period, page, owner or event type, one
 * line per currency (amounts in different currencies are never added up). Payments deleted
 * permanently still count, from the ledger that keeps them without personal data.
 */
export async function revenueReport(ctx: AppContext, caller: Caller, input: RevenueInput, useCounts = true) {
  const r = await resolveReport(ctx, caller, input);
  const q = { by: input.by ?? "time", interval: input.interval ?? "month", zone: r.zone, currency: input.currency } as const;
  const cells = await revenueCellsFor(ctx, r, q, useCounts);
  const ids = [...new Set(cells.map((c) => c.key).filter((k): k is string => k !== null))];
  const names = await namesOf(readerOf(ctx), caller.accountId, {
    pages: q.by === "bookingPage" ? ids : [], users: q.by === "owner" ? ids : [], eventTypes: q.by === "eventType" ? ids : [],
  });
  const label = (key: string | null) =>
    key === null ? (q.by === "time" ? "(no date)" : "(none)")
    : q.by === "time" ? bucketLabel(key, q.interval)
    : (q.by === "bookingPage" ? names.pages : q.by === "owner" ? names.users : names.eventTypes).get(key) ?? "(deleted)";
  const groups: RevenueGroup[] = cells
    .map((c) => ({ key: c.key, label: label(c.key), ...figures(c) }))
    .sort((a, b) => (a.key === b.key ? 0 : a.key === null ? 1 : b.key === null ? -1 : q.by === "time" ? (a.key < b.key ? -1 : 1) : a.label.localeCompare(b.label))
      || a.currency.localeCompare(b.currency));
  const byCurrency = new Map<string, RevenueCell>();
  for (const c of cells) {
    const t = byCurrency.get(c.currency) ?? { ...c, key: null, payments: 0, paidMinor: 0, refunds: 0, refundedMinor: 0, purgedPayments: 0, purgedPaidMinor: 0, purgedRefunds: 0, purgedRefundedMinor: 0 };
    t.payments += c.payments; t.paidMinor += c.paidMinor; t.refunds += c.refunds; t.refundedMinor += c.refundedMinor;
    t.purgedPayments += c.purgedPayments; t.purgedPaidMinor += c.purgedPaidMinor; t.purgedRefunds += c.purgedRefunds; t.purgedRefundedMinor += c.purgedRefundedMinor;
    byCurrency.set(c.currency, t);
  }
  const totals = [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)).map(figures);
  return { by: q.by, interval: q.interval, zone: q.zone, groups, totals };
}

function figures(c: RevenueCell): RevenueFigures {
  const amount = (minor: number) => decimal(minor, c.currency);
  return {
    currency: c.currency,
    payments: { count: c.payments, amount: amount(c.paidMinor) },
    refunds: { count: c.refunds, amount: amount(c.refundedMinor) },
    net: amount(c.paidMinor - c.refundedMinor),
    purged: { count: c.purgedPayments + c.purgedRefunds, amount: amount(c.purgedPaidMinor - c.purgedRefundedMinor) },
  };
}

/** Minor units as a decimal in the currency's digits ("-12.50" for a net loss). */
export function decimal(minor: number, currency: string): string {
  const sign = minor < 0 ? "-" : "";
  try {
    return sign + formatDecimal(money(Math.abs(minor), currency));
  } catch {
    return sign + (Math.abs(minor) / 100).toFixed(2);
  }
}
