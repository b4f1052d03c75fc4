import { randomUUID } from "node:crypto";
import { DomainError, unprocessable } from "../domain/errors.js";
import { checkTime, type SlotRules, type Unavailability } from "../domain/availability.js";
import type { ActivityRow } from "../store/activities-repo.js";
import type { Db, Tx } from "../store/database.js";
import { findEventType, upsertCustomer, type NewCustomer } from "../store/pages-repo.js";
import { lockHost } from "../store/scheduling-repo.js";
import { latestBookable, loadHostSchedules, rulesFor } from "./host-schedules.js";
import type { Selectable } from "kysely";
import type { BookingPagesTable } from "../store/schema.js";

export type PageRow = Selectable<BookingPagesTable>;

export interface CustomerInput {
  name: string;
  email: string;
  phone?: string | null;
  timeZone?: string | null;
}

/** The meeting length: the chosen event type's, else the page's. */
export async function meetingLength(tx: Db | Tx, page: PageRow, eventTypeId: string | null | undefined) {
  if (!eventTypeId) return { minutes: page.duration_minutes, eventType: null };
  const et = await findEventType(tx, page.account_id, eventTypeId);
  return lengthOfEventType(page, eventTypeId, et?.booking_page_id === page.id ? et : undefined);
}

/** meetingLength on a page whose event types were read with it (findPageForBooking): no query. */
export function meetingLengthOn(page: PageRow & { event_types: PageEventType[] }, eventTypeId: string | null | undefined) {
  if (!eventTypeId) return { minutes: page.duration_minutes, eventType: null };
  const id = eventTypeId.toLowerCase();
  return lengthOfEventType(page, eventTypeId, page.event_types.find((e) => e.id === id));
}

type PageEventType = { id: string; name: string; duration_minutes: number; price_minor?: number | null };

function lengthOfEventType<E extends PageEventType>(page: PageRow, eventTypeId: string, et: E | undefined) {
  if (!et) {
    throw new DomainError("validation_failed", `eventTypeId: ${eventTypeId} is not an event type of booking page ${page.slug}`, { field: "eventTypeId" });
  }
  return { minutes: et.duration_minutes, eventType: et };
}

/**
 * A customer may only book a free slot of the host: a future time, with the page's notice and
 * within its days ahead, inside the host's hours (weekly hours and date overrides; the page's open
 * hours when the host set none), and clear of the host's bookings and held requests, buffers
 * included. Holds the host (advisory lock) for the rest of the transaction, so the check stays
 * true until the booking is written (`hostLocked`: the caller already holds it). Users are not
 * bound by this.
 */
export async function assertCustomerMayBook(
  tx: Tx,
  page: PageRow,
  hostId: string,
  start: Date,
  end: Date,
  now: Date,
  opts: { ignoreActivityId?: string; hostLocked?: boolean } = {},
): Promise<void> {
  if (start.getTime() <= now.getTime()) throw unavailable(page, rulesFor(page, 0, now), "past", start, end);
  if (!opts.hostLocked) await lockHost(tx, hostId);
  const rules = rulesFor(page, (end.getTime() - start.getTime()) / 60_000, now);
  const [schedule] = await loadHostSchedules(tx, page, [hostId], addMinutes(start, -1440), addMinutes(end, 1440), { holds: true, ignoreActivityId: opts.ignoreActivityId });
  // Unknown, or deactivated (loadHostSchedules leaves deactivated users out: they host no new meetings).
  if (!schedule) throw new DomainError("validation_failed", `hostId: ${hostId} is not an active user of this account`, { field: "hostId" });
  const problem = checkTime(schedule, rules, start, end);
  if (problem) throw unavailable(page, rules, problem, start, end);
}

/** The error a customer sees for a time they cannot book, naming the rule. */
export function unavailable(page: PageRow, rules: SlotRules, problem: Unavailability, start: Date, end: Date): DomainError {
  const at = { field: "start", start: start.toISOString(), reason: problem };
  switch (problem) {
    case "past":
      return unprocessable(`The time ${start.toISOString()} has already passed; pick a future time.`, at);
    case "notice":
      return unprocessable(`Booking page ${page.slug} needs ${rules.minNoticeMinutes} minutes' notice; ${start.toISOString()} is too soon.`, {
        ...at,
        minNoticeMinutes: rules.minNoticeMinutes,
      });
    case "too_far":
      return unprocessable(`Booking page ${page.slug} takes bookings up to ${rules.maxDaysAhead} days ahead (until ${latestBookable(rules)}); ${start.toISOString()} is too far.`, {
        ...at,
        maxDaysAhead: rules.maxDaysAhead,
      });
    case "outside_hours":
      return unprocessable(`${start.toISOString()} is outside the open hours of booking page ${page.slug} (${page.time_zone}) for its host.`, at);
    case "busy":
      return new DomainError("slot_unavailable", `That time is no longer available: the host is already booked between ${start.toISOString()} and ${end.toISOString()}; choose another time.`, {
        start: start.toISOString(),
        end: end.toISOString(),
      });
  }
}

/** Required questions of the page must be answered. */
export function assertAnswers(page: PageRow, answers: Record<string, string> | undefined): void {
  for (const q of page.questions ?? []) {
    if (q.required && !answers?.[q.id]?.trim()) {
      throw new DomainError("validation_failed", `answers.${q.id}: "${q.label}" must be answered`, { field: `answers.${q.id}` });
    }
  }
}

export async function saveCustomer(tx: Tx, accountId: string, c: CustomerInput): Promise<string> {
  return upsertCustomer(tx, customerRecord(accountId, c));
}

/** The customer row to find or create by e-mail (a new id is used only when they are new). */
export function customerRecord(accountId: string, c: CustomerInput): NewCustomer {
  return { id: randomUUID(), account_id: accountId, name: c.name, email: c.email, phone: c.phone ?? null, time_zone: c.timeZone ?? null };
}

export function addMinutes(d: Date, minutes: number): Date {
  return new Date(d.getTime() + minutes * 60_000);
}

/** The denormalised columns a new booking on `page` carries. */
export function bookingFields(
  page: PageRow,
  owner: { id: string; name: string },
  customerId: string | null,
  c: CustomerInput,
  eventType: { id: string; name: string } | null,
) {
  return {
    type: "booking" as const,
    booking_page_id: page.id,
    page_name: page.name,
    event_type_id: eventType?.id ?? null,
    event_type_name: eventType?.name ?? null,
    owner_id: owner.id,
    owner_name: owner.name,
    customer_id: customerId,
    customer_name: c.name,
    customer_email: c.email,
    customer_phone: c.phone ?? null,
    customer_time_zone: c.timeZone ?? null,
  };
}

/** The time columns of a booking made for a fixed time. */
export function atTime(start: Date, end: Date, answers: Record<string, string> | null | undefined, reason: string | null = null) {
  return {
    start_at: start,
    end_at: end,
    proposed_times: null,
    latest_proposed_at: null,
    reschedules_id: null,
    reschedule_request: null,
    reason,
    answers: answers ?? null,
  };
}

/** The time columns of a booking request: sorted proposed times, and the booking it would move. */
export function proposing(times: Date[], answers: Record<string, string> | null | undefined, reschedulesId: string | null = null) {
  return {
    start_at: null,
    end_at: null,
    proposed_times: times.map((t) => t.toISOString()),
    latest_proposed_at: times[times.length - 1],
    reschedules_id: reschedulesId,
    reschedule_request: null,
    reason: null,
    answers: answers ?? null,
  };
}

/** A booking's answers to the page's questions, as stored. */
export function answersOf(a: { answers: unknown }): Record<string, string> | null {
  return (a.answers as Record<string, string> | null) ?? null;
}

/** The page, event type, host and customer columns of an existing booking, for the booking that replaces it. */
export function sameBookingAs(a: ActivityRow) {
  return {
    type: "booking" as const,
    booking_page_id: a.booking_page_id,
    page_name: a.page_name,
    event_type_id: a.event_type_id,
    event_type_name: a.event_type_name,
    owner_id: a.owner_id,
    owner_name: a.owner_name,
    customer_id: a.customer_id,
    customer_name: a.customer_name,
    customer_email: a.customer_email,
    customer_phone: a.customer_phone,
    customer_time_zone: a.customer_time_zone,
  };
}
