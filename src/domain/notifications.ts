import type { CreationOrigin, DetailedStatus } from "./lifecycle.js";
import type { TransactionStatus } from "./transactions.js";

/**
 * E-mail notifications, as data: which lifecycle change sends which template to whom. Pure: no
 * I/O. The tables below are exhaustive Records over the lifecycle's creation origins, detailed
 * statuses and transaction statuses, so a new status that is not given its e-mails (or an
 * explicit "none") stops the build, like the lifecycle table itself.
 */

export const TEMPLATE_KINDS = [
  "booking-confirmed",
  "request-received",
  "request-approved",
  "new-times-requested",
  "reschedule-requested",
  "rescheduled",
  "canceled",
  "reassigned",
  "payment-receipt",
  "refund-notice",
  "reminder",
  "follow-up",
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

export const AUDIENCES = ["customer", "host"] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Who receives a message: the customer, the booking's host, or (on a reassign) the host it was taken from. */
export type Recipient = "customer" | "host" | "previous-host";

export interface Notification {
  kind: TemplateKind;
  to: readonly Recipient[];
}

const BOTH = ["customer", "host"] as const;
const send = (kind: TemplateKind, to: readonly Recipient[] = BOTH): Notification[] => [{ kind, to }];
const NONE: Notification[] = [];

/** A new booking or request, by how it came to be. */
export const ON_CREATED: Record<CreationOrigin, Notification[]> = {
  "customer-books": send("booking-confirmed"),
  "user-books-on-behalf": send("booking-confirmed"),
  "customer-requests": send("request-received"),
  "customer-resubmits-own-request": send("request-received"),
  "customer-resubmits-after-user-request": send("request-received"),
  "customer-rebooks-same-event-type": send("rescheduled"),
  "customer-rebooks-any-event-type": send("booking-confirmed"),
  "user-reschedules-on-behalf": send("rescheduled"),
  "customer-reschedules-other-page": send("rescheduled"),
};

/**
 * A change, by the detailed status it leads to. Changes whose news is told by another event send
 * nothing here: a reschedule or new-times request sends its link (customer.link_issued), and a
 * reschedule that makes a new booking is told by that booking's creation.
 */
export const ON_UPDATED: Record<DetailedStatus, Notification[] | ((action: string) => Notification[])> = {
  "Requested (By customer)": NONE,
  "Requested (Initiated by user)": NONE,
  "Scheduled (By customer)": NONE,
  "Scheduled (Approved by user)": send("request-approved"),
  "Scheduled (Reassigned by user)": send("reassigned", ["customer", "host", "previous-host"]),
  "Rescheduled (By customer)": send("rescheduled"),
  "Rescheduled (Approved by user)": send("request-approved"),
  "Rescheduled (Initiated by user)": NONE,
  "Rescheduled (Reassigned by user)": send("reassigned", ["customer", "host", "previous-host"]),
  // The customer canceling says so; moving to another page or replacing a request is told by the new activity.
  "Canceled (By customer)": (action) => (action === "customer-cancel" || action === "cancel" ? send("canceled") : NONE),
  "Canceled (By user)": send("canceled"),
  "Canceled (New times requested by user)": NONE,
  "Canceled (Reschedule requested by user)": NONE,
  "Canceled (Payment denied)": send("canceled"),
  "Completed (Set by System)": NONE,
  "No-show (Set by user)": NONE,
  "Expired (Set by System)": NONE,
};

export const ON_LINK_ISSUED: Record<"reschedule" | "new-times", Notification[]> = {
  reschedule: send("reschedule-requested"),
  "new-times": send("new-times-requested"),
};

/** Payments and refunds, by the status a transaction reaches: the customer gets the receipt. */
export const ON_TRANSACTION: Record<TransactionStatus, Notification[]> = {
  Paid: send("payment-receipt", ["customer"]),
  Pending: NONE,
  Refunded: send("refund-notice", ["customer"]),
  "Refund pending": NONE,
  Denied: NONE,
  "Refund failed": NONE,
};

/** The timed notifications, due relative to the meeting. */
export const TIMED: Record<"reminder" | "follow-up", Notification> = {
  reminder: { kind: "reminder", to: BOTH },
  "follow-up": { kind: "follow-up", to: ["customer"] },
};

/** The booking statuses on which a follow-up is not sent when it falls due, and the history's word for why. */
export function followUpSuppressedBy(status: string): string | null {
  if (status === "No-show") return "No-show";
  if (status === "Canceled") return "Canceled";
  return null;
}

/** Statuses whose meeting is still to happen (a reminder is sent for these only). */
export const REMINDED_STATUSES = ["Scheduled", "Rescheduled"] as const;

/**
 * The dynamic fields a template may use, `{{booking.id}}` and so on. A template naming any other
 * field is refused with the field named.
 */
export const TEMPLATE_FIELDS = {
  "booking.id": "The Booking ID (BKNG-…)",
  "package.id": "The Session package ID (PKG-…), when the booking is part of a package",
  "transaction.id": "The Transaction ID (TXN-…) of a payment or refund",
  "transaction.amount": "The amount of a payment or refund, with its currency",
  "transaction.type": "The transaction type (PAYMENT (SCHEDULE), AUTOMATIC REFUND (CANCELLATION) …)",
  "customer.name": "The customer's name",
  "customer.email": "The customer's e-mail address",
  "host.name": "The host's name",
  "previousHost.name": "On a reassign: the host the booking was taken from",
  "page.name": "The booking page's name",
  "event.name": "The event type's name, if any",
  "account.name": "The business's name",
  "time.start": "The meeting's start, in the recipient's time zone",
  "time.end": "The meeting's end, in the recipient's time zone",
  "time.previousStart": "On a reschedule: the earlier start, in the recipient's time zone",
  "time.zone": "The recipient's time zone",
  "time.sessions": "A package's session times, one a line",
  "location": "The booking page's location",
  "videoLink": "The booking page's video link",
  "reason": "The reason given (cancel, reschedule, new times)",
  "status": "The booking's detailed status",
  "link.manage": "The customer's manage link (reschedule, cancel, propose times)",
  "link.activity": "The activity in the Activity stream (for the host)",
  "link.invoice": "The invoice of the transaction",
} as const;
export type TemplateField = keyof typeof TEMPLATE_FIELDS;
export const TEMPLATE_FIELD_LIST = Object.keys(TEMPLATE_FIELDS) as TemplateField[];

const FIELD_PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The fields a template names that are not dynamic fields (in order, once each). */
export function unknownFields(template: string): string[] {
  const bad = new Set<string>();
  for (const m of template.matchAll(FIELD_PATTERN)) if (!(m[1] in TEMPLATE_FIELDS)) bad.add(m[1]);
  return [...bad];
}

/** Fills `{{field}}` with `values` (missing values become ""); `escape` is applied to each value (HTML). */
export function fillTemplate(template: string, values: Partial<Record<TemplateField, string>>, escape: (s: string) => string = (s) => s): string {
  return template.replace(FIELD_PATTERN, (_m, name: string) => escape(values[name as TemplateField] ?? ""));
}
