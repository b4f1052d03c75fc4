import { DomainError, invalid, notFound, unprocessable } from "../domain/errors.js";
import { findPageForBooking, type PageForBooking } from "../store/pages-repo.js";
import { assertFree, packagePrice } from "./payments/prices.js";
import { createBooking, inTransaction, manageLink, type ActorInfo } from "./activity-writes.js";
import { chooseHost } from "./assign-host.js";
import { addMinutes, assertAnswers, assertCustomerMayBook, bookingFields, meetingLengthOn, saveCustomer, type CustomerInput, type PageRow } from "./booking-rules.js";
import type { Tx } from "../store/database.js";
import type { AppContext } from "./context.js";
import { announcePackage, insertPackage } from "./package-writes.js";

export interface PackageInput {
  starts: Date[];
  customer: CustomerInput;
  answers?: Record<string, string>;
  eventTypeId?: string;
  hostId?: string;
}

/**
 * A customer schedules a session package: 1–20 sessions of one event type (or the page's meeting)
 * at once, entering their details once. One host takes every session (the customer's pick on a
 * team page, else the free member with the fewest upcoming bookings). Writes the package
 * (PKG-, "Created") and each session (BKNG-, "Scheduled (By customer)", its own manage link),
 * related package → session, all in one transaction: every session is booked, or none.
 */
export async function bookPackage(ctx: AppContext, slug: string, input: PackageInput) {
  return inTransaction(ctx, async (tx) => {
    const page = await findPageForBooking(tx, slug, { lockHostId: input.hostId });
    if (!page) throw notFound("Booking page", slug);
    const { times, eventType } = planPackage(page, input);
    assertFree(page, packagePrice(page, eventType, times.length), "packages", `POST /api/v1/public/pages/${slug}/checkouts with starts`);
    const now = ctx.clock.now();
    const hostId = await chooseHost(tx, page, page.hosts.map((h) => h.id), times, now, input.hostId);
    for (const t of times) await assertCustomerMayBook(tx, page, hostId, t.start, t.end, now, { hostLocked: page.locked_host_id === hostId });
    const host = page.hosts.find((h) => h.id === hostId)!;
    const { pkg, sessions } = await writePackage(tx, ctx, { page, host, customer: input.customer, eventType, times, answers: input.answers ?? null });
    return { packageId: pkg.id, accountId: page.account_id, sessions };
  });
}

/** A package's sessions, checked against the page: offered, automatic, how many, answered, not overlapping. */
export function planPackage(page: PageForBooking, input: { starts: Date[]; answers?: Record<string, string>; eventTypeId?: string }) {
  if (!page.packages_enabled) throw unprocessable(`Booking page ${page.slug} does not offer session packages.`, { field: "starts" });
  if (page.mode !== "automatic") {
    throw unprocessable(`Booking page ${page.slug} takes booking requests; session packages are booked on automatic pages.`, { mode: page.mode });
  }
  if (input.starts.length === 0) throw invalid("starts", "choose at least one session");
  if (input.starts.length > page.max_package_sessions) {
    throw invalid("starts", `booking page ${page.slug} allows up to ${page.max_package_sessions} sessions in a package; ${input.starts.length} given`);
  }
  assertAnswers(page, input.answers);
  const { minutes, eventType } = meetingLengthOn(page, input.eventTypeId);
  const times = [...input.starts].sort((a, b) => a.getTime() - b.getTime()).map((start) => ({ start, end: addMinutes(start, minutes) }));
  const gap = (page.buffer_before_minutes + page.buffer_after_minutes) * 60_000;
  for (let i = 1; i < times.length; i++) {
    if (times[i].start.getTime() < times[i - 1].end.getTime() + gap) {
      throw new DomainError("validation_failed", `starts: the sessions at ${times[i - 1].start.toISOString()} and ${times[i].start.toISOString()} overlap`, { field: "starts" });
    }
  }
  return { times, eventType, minutes };
}

/**
 * Writes a package and its sessions for a customer whose times were checked (bookPackage) or held
 * (a paid checkout): the package "Created", each session "Scheduled (By customer)" with its manage
 * link, related package → session, and the package.created event.
 */
export async function writePackage(
  tx: Tx,
  ctx: AppContext,
  p: { page: PageRow; host: { id: string; name: string }; customer: CustomerInput; eventType: { id: string; name: string } | null; times: { start: Date; end: Date }[]; answers: Record<string, string> | null },
) {
  const customerId = await saveCustomer(tx, p.page.account_id, p.customer);
  const actor: ActorInfo = { type: "customer", id: null, name: p.customer.name };
  const common = bookingFields(p.page, p.host, customerId, p.customer, p.eventType);
  const empty = { proposed_times: null, latest_proposed_at: null, reschedules_id: null, reschedule_request: null, reason: null, answers: p.answers };
  const pkg = await insertPackage(tx, ctx, p.page.account_id, actor, { ...common, ...empty, start_at: null, end_at: null }, p.times.length);
  const sessions = [];
  for (const t of p.times) {
    const { activity, manageToken } = await createBooking(tx, ctx, {
      accountId: p.page.account_id,
      origin: "customer-books",
      actor,
      relatedFrom: { id: pkg.id, kind: "package_session" },
      fields: { ...common, ...empty, start_at: t.start, end_at: t.end },
    });
    sessions.push({ activityId: activity.id, start: t.start.toISOString(), end: t.end.toISOString(), manageToken, manageLink: manageLink(ctx, manageToken) });
  }
  await announcePackage(tx, ctx, pkg, sessions.map((s) => s.activityId), actor);
  return { pkg, sessions };
}
