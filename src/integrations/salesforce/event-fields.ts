import type { ActivitySnapshot } from "../../domain/events.js";
import { carriesReason, type SalesforceEventStatus } from "../../domain/salesforce-status.js";

/**
 * A booking as a Salesforce Event's fields (pure). The custom fields are written only when the
 * org has them; the standard ones always are.
 */
export interface BookingForEvent {
  snapshot: ActivitySnapshot;
  status: SalesforceEventStatus;
  pageName: string | null;
  eventTypeName: string | null;
  location: string | null;
  answers: Record<string, string> | null;
  /** Where a user opens the booking in Bookstream. */
  bookingUrl: string;
  ownerSfId: string | null;
  /** The reason to show (the booking's own, or the canceled original's for a reschedule's new booking). */
  reason: string | null;
}

export interface EventFieldNames {
  statusField: string | null;
  reasonField: string | null;
}

export const DESCRIPTION_MARK = "Booking ID: ";

export function subjectOf(b: BookingForEvent): string {
  const what = b.eventTypeName ?? b.pageName ?? "Meeting";
  const who = b.snapshot.customer.name ?? b.snapshot.customer.email;
  return (who ? `${what} with ${who}` : what).slice(0, 255);
}

export function descriptionOf(b: BookingForEvent): string {
  const lines = [`${DESCRIPTION_MARK}${b.snapshot.id}`];
  if (b.pageName) lines.push(`Booking page: ${b.pageName}`);
  if (b.eventTypeName) lines.push(`Event type: ${b.eventTypeName}`);
  const answers = Object.entries(b.answers ?? {});
  if (answers.length) lines.push("", "Answers:", ...answers.map(([q, a]) => `${q}: ${a}`));
  lines.push("", `Open in Bookstream: ${b.bookingUrl}`);
  return lines.join("\n").slice(0, 32_000);
}

/** The fields every write sends (create adds WhoId/WhatId and Description). */
export function eventFields(b: BookingForEvent, names: EventFieldNames): Record<string, unknown> {
  const f: Record<string, unknown> = {
    Subject: subjectOf(b),
    StartDateTime: b.snapshot.start,
    EndDateTime: b.snapshot.end,
    Location: b.location ? b.location.slice(0, 255) : null,
  };
  if (b.ownerSfId) f.OwnerId = b.ownerSfId;
  if (names.statusField) f[names.statusField] = b.status;
  if (names.reasonField) f[names.reasonField] = carriesReason(b.status) ? b.reason : null;
  return f;
}
