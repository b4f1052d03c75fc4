import { randomUUID } from "node:crypto";
import { DomainError, unprocessable } from "../domain/errors.js";
import { isWithinOpenHours, type WeeklyHours } from "../domain/open-hours.js";
import { lockHostAndFindOverlap } from "../store/activities-repo.js";
import type { Tx } from "../store/database.js";
import { findEventType, upsertCustomer } from "../store/pages-repo.js";
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
export async function meetingLength(tx: Tx, page: PageRow, eventTypeId: string | null | undefined) {
  if (!eventTypeId) return { minutes: page.duration_minutes, eventType: null };
  const et = await findEventType(tx, page.account_id, eventTypeId);
  if (!et || et.booking_page_id !== page.id) {
    throw new DomainError("validation_failed", `eventTypeId: ${eventTypeId} is not an event type of booking page ${page.slug}`, { field: "eventTypeId" });
  }
  return { minutes: et.duration_minutes, eventType: et };
}

/** A customer may only book a future time inside the page's open hours. Users are not bound by open hours. */
export function assertCustomerMayBook(page: PageRow, start: Date, end: Date, now: Date): void {
  if (start.getTime() <= now.getTime()) {
    throw unprocessable(`The time ${start.toISOString()} has already passed; pick a future time.`, { field: "start", start: start.toISOString() });
  }
  if (!isWithinOpenHours(page.open_hours as WeeklyHours, page.time_zone, start, end)) {
    throw unprocessable(`${start.toISOString()} is outside the open hours of booking page ${page.slug} (${page.time_zone}).`, {
      field: "start",
      start: start.toISOString(),
    });
  }
}

/** Holds the host's calendar for this transaction and refuses a time that overlaps a live booking. */
export async function reserveHostTime(tx: Tx, accountId: string, ownerId: string, start: Date, end: Date, ignoreId?: string): Promise<void> {
  const clash = await lockHostAndFindOverlap(tx, accountId, ownerId, start, end, ignoreId);
  if (clash) {
    throw new DomainError("slot_unavailable", `The host is already booked between ${start.toISOString()} and ${end.toISOString()}; choose another time.`, {
      start: start.toISOString(),
      end: end.toISOString(),
    });
  }
}

export async function saveCustomer(tx: Tx, accountId: string, c: CustomerInput): Promise<string> {
  return upsertCustomer(tx, {
    id: randomUUID(),
    account_id: accountId,
    name: c.name,
    email: c.email,
    phone: c.phone ?? null,
    time_zone: c.timeZone ?? null,
  });
}

export function addMinutes(d: Date, minutes: number): Date {
  return new Date(d.getTime() + minutes * 60_000);
}

/** The denormalised columns a new booking on `page` carries. */
export function bookingFields(
  page: PageRow,
  owner: { id: string; name: string },
  customerId: string,
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
