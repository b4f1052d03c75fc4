import { findPage, listEventTypes, listPages } from "../store/pages-repo.js";
import type { RescheduleRequest } from "../store/schema.js";
import type { CustomerAction } from "../domain/lifecycle.js";
import type { ActivityRow } from "../store/activities-repo.js";
import type { PageRow } from "./booking-rules.js";
import type { AppContext } from "./context.js";
import { activityForToken, customerActionsFor } from "./manage-link.js";
import { iso } from "./present-activity.js";
import { invoiceLinksFor, type InvoiceLink } from "./payments/invoices.js";

/** What the customer sees behind their manage link (no internal IDs of other people). */
export async function getManageView(ctx: AppContext, token: string) {
  const a = await activityForToken(ctx.db, token);
  const page = (await findPage(ctx.db, a.account_id, a.booking_page_id!))!;
  const [actions, eventTypes, pages, invoices] = await Promise.all([
    customerActionsFor(ctx.db, a),
    listEventTypes(ctx.db, a.account_id, page.id),
    listPages(ctx.db, a.account_id),
    invoiceLinksFor(ctx.db, token, a),
  ]);
  const otherPages = pages.filter((p) => p.id !== page.id && p.mode === "automatic");
  return presentManageView(a, page, actions, eventTypes, otherPages, invoices);
}

export type ManageView = ReturnType<typeof presentManageView>;

/** The manage view from what the caller has already read (a new booking answers with it). */
export function presentManageView(
  a: Pick<ActivityRow, "id" | "status" | "detailed_status" | "event_type_id" | "event_type_name" | "owner_name" | "customer_name" | "customer_email" | "customer_time_zone" | "start_at" | "end_at" | "proposed_times" | "reason" | "reschedule_request">,
  page: Pick<PageRow, "name" | "slug" | "time_zone" | "mode" | "location">,
  actions: CustomerAction[],
  eventTypes: { id: string; name: string; duration_minutes: number }[],
  otherPages: { name: string; slug: string }[],
  invoices: InvoiceLink[] = [],
) {
  return {
    id: a.id,
    status: a.status,
    detailedStatus: a.detailed_status,
    bookingPage: { name: page.name, slug: page.slug, timeZone: page.time_zone, mode: page.mode, location: page.location },
    eventType: a.event_type_id ? { id: a.event_type_id, name: a.event_type_name ?? "" } : null,
    host: a.owner_name,
    customer: { name: a.customer_name, email: a.customer_email, timeZone: a.customer_time_zone },
    start: iso(a.start_at),
    end: iso(a.end_at),
    proposedTimes: (a.proposed_times as unknown as string[] | null) ?? null,
    reason: a.reason,
    rescheduleRequest: (a.reschedule_request as unknown as RescheduleRequest | null) ?? null,
    actions,
    eventTypes: eventTypes.map((e) => ({ id: e.id, name: e.name, durationMinutes: e.duration_minutes })),
    otherPages: otherPages.map((p) => ({ name: p.name, slug: p.slug })),
    invoices,
  };
}
