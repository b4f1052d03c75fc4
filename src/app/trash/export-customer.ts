import { DomainError, notFound } from "../../domain/errors.js";
import { formatDecimal } from "../../domain/money.js";
import { allowedTransactionActions } from "../../domain/transactions.js";
import { zip, type ZipEntry } from "../../integrations/zip/zip-writer.js";
import { activitiesOfCustomer, findCustomerRecord, historyOf, messagesOf, paymentsOf } from "../../store/privacy-repo.js";
import type { AppContext, Caller } from "../context.js";
import { redactSecretLinks } from "../../domain/secret-links.js";
import { downloadInvoice } from "../payments/invoices.js";
import { iso } from "../present-activity.js";
import { assertAdmin } from "./admin-only.js";

/**
 * A customer's data, for their access request: the customer record, every activity (the Trash's
 * included, until deleted) with its answers and history, every message sent about them, and every
 * payment and refund. As JSON, or as a ZIP holding that JSON and the invoices and credit notes.
 */
export async function exportCustomer(ctx: AppContext, caller: Caller, customerId: string) {
  assertAdmin(caller, "export a customer's data");
  const c = await findCustomerRecord(ctx.db, caller.accountId, customerId);
  if (!c) throw notFound("Customer", customerId);
  const activities = await activitiesOfCustomer(ctx.db, caller.accountId, c.id);
  const ids = activities.map((a) => a.id);
  const [history, messages, payments] = await Promise.all([historyOf(ctx.db, caller.accountId, ids), messagesOf(ctx.db, caller.accountId, ids), paymentsOf(ctx.db, caller.accountId, ids)]);
  return {
    exportedAt: ctx.clock.now().toISOString(),
    customer: { id: c.id, name: c.name, email: c.email, phone: c.phone, timeZone: c.time_zone, createdAt: iso(c.created_at)! },
    activities: activities.map((a) => ({
      id: a.id,
      type: a.type,
      status: a.status,
      detailedStatus: a.detailed_status,
      bookingPage: a.page_name,
      eventType: a.event_type_name,
      host: a.owner_name,
      start: iso(a.start_at),
      end: iso(a.end_at),
      proposedTimes: (a.proposed_times as unknown as string[] | null) ?? null,
      answers: (a.answers as unknown as Record<string, string> | null) ?? {},
      reason: a.reason,
      createdAt: iso(a.created_at)!,
      inTrash: Boolean(a.trashed_at),
      history: history.filter((h) => h.activity_id === a.id).map((h) => ({
        at: iso(h.at)!, action: h.action, actor: h.actor_type, to: h.to_detailed_status, reason: h.reason,
      })),
    })),
    messages: messages.map((m) => ({
      activityId: m.activity_id, kind: m.kind, audience: m.audience, from: m.sender, to: m.recipient, subject: m.subject, body: redactSecretLinks(m.body_text), sentAt: iso(m.sent_at)!,
    })),
    payments: payments.map((p) => ({
      activityId: p.activity_id,
      kind: p.kind,
      purpose: p.purpose,
      state: p.state,
      amount: { value: formatDecimal({ minor: Number(p.amount_minor), currency: p.currency }), currency: p.currency },
      payer: (p.payer as unknown as { email: string | null; name: string | null } | null) ?? null,
      paypal: { orderId: p.paypal_order_id, captureId: p.paypal_capture_id, refundId: p.paypal_refund_id },
      createdAt: iso(p.created_at)!,
    })),
  };
}
export type CustomerExport = Awaited<ReturnType<typeof exportCustomer>>;

/** The export as a ZIP: data.json and each transaction's invoice or credit note (PDF). */
export async function exportCustomerZip(ctx: AppContext, caller: Caller, customerId: string): Promise<{ filename: string; zip: Buffer }> {
  const data = await exportCustomer(ctx, caller, customerId);
  const entries: ZipEntry[] = [{ name: "data.json", data: Buffer.from(JSON.stringify(data, null, 2), "utf8") }];
  for (const a of data.activities) {
    if (a.type !== "transaction" || !allowedTransactionActions(a.detailedStatus, 0).includes("download-invoice")) continue;
    try {
      const file = await downloadInvoice(ctx, caller, a.id);
      entries.push({ name: `invoices/${file.filename}`, data: file.pdf });
    } catch (err) {
      // A transaction without a document (the table offers none) is simply not in the archive.
      if (!(err instanceof DomainError)) throw err;
    }
  }
  return { filename: `customer-${data.customer.id}.zip`, zip: zip(entries, ctx.clock.now()) };
}
