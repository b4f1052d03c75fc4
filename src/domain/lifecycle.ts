import { DomainError } from "./errors.js";

/**
 * The booking lifecycle, as data. Source: the Activity stream status table (shared/seeds).
 * Pure: no I/O. Every (status, detailed status) is listed once with the actions allowed now;
 * adding a detailed status without its row is a compile error (the Records below are exhaustive).
 */

export const BOOKING_STATUSES = ["Requested", "Scheduled", "Rescheduled", "Canceled", "Completed", "No-show", "Expired"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Each detailed status and the status it belongs to. */
export const DETAILED_STATUSES = {
  "Requested (By customer)": "Requested",
  "Requested (Initiated by user)": "Requested",
  "Scheduled (By customer)": "Scheduled",
  "Scheduled (Approved by user)": "Scheduled",
  "Scheduled (Reassigned by user)": "Scheduled",
  "Rescheduled (By customer)": "Rescheduled",
  "Rescheduled (Approved by user)": "Rescheduled",
  "Rescheduled (Initiated by user)": "Rescheduled",
  "Rescheduled (Reassigned by user)": "Rescheduled",
  "Canceled (By customer)": "Canceled",
  "Canceled (By user)": "Canceled",
  "Canceled (New times requested by user)": "Canceled",
  "Canceled (Reschedule requested by user)": "Canceled",
  // An addition to the seed's table: a pending payment PayPal later denied (set by the system).
  "Canceled (Payment denied)": "Canceled",
  "Completed (Set by System)": "Completed",
  "No-show (Set by user)": "No-show",
  "Expired (Set by System)": "Expired",
} as const satisfies Record<string, BookingStatus>;
export type DetailedStatus = keyof typeof DETAILED_STATUSES;
export const DETAILED_STATUS_LIST = Object.keys(DETAILED_STATUSES) as DetailedStatus[];

export function statusOf(detailed: DetailedStatus): BookingStatus {
  return DETAILED_STATUSES[detailed];
}

export function isDetailedStatus(s: string): s is DetailedStatus {
  return Object.prototype.hasOwnProperty.call(DETAILED_STATUSES, s);
}

/** The user actions on a booking (API names). Later issues add Trash and payment actions. */
export const USER_ACTIONS = ["approve", "cancel", "request-new-times", "request-reschedule", "reschedule", "reassign", "set-no-show"] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

/** The seed's menu items and the actions each stands for. */
export const MENU = {
  "Cancel/request reschedule": ["cancel", "request-reschedule", "reschedule"],
  "Schedule booking request": ["approve"],
  "Cancel/request new times": ["cancel", "request-new-times"],
  "Reassign booking": ["reassign"],
  "Set to No-show": ["set-no-show"],
} as const satisfies Record<string, readonly UserAction[]>;
type MenuItem = keyof typeof MENU;

const menu = (...items: MenuItem[]): readonly UserAction[] => items.flatMap((i) => MENU[i]);

const BOOKED = menu("Cancel/request reschedule", "Reassign booking", "Set to No-show");
const REQUESTED = menu("Schedule booking request", "Cancel/request new times");
const NONE: readonly UserAction[] = [];

/** The status table: the user actions allowed now for each detailed status. */
export const ALLOWED_USER_ACTIONS: Record<DetailedStatus, readonly UserAction[]> = {
  "Requested (By customer)": REQUESTED,
  "Requested (Initiated by user)": REQUESTED,
  "Scheduled (By customer)": BOOKED,
  "Scheduled (Approved by user)": BOOKED,
  "Scheduled (Reassigned by user)": BOOKED,
  "Rescheduled (By customer)": BOOKED,
  "Rescheduled (Approved by user)": BOOKED,
  "Rescheduled (Initiated by user)": BOOKED,
  "Rescheduled (Reassigned by user)": BOOKED,
  "Canceled (By customer)": NONE,
  "Canceled (By user)": NONE,
  "Canceled (New times requested by user)": NONE,
  "Canceled (Reschedule requested by user)": NONE,
  "Canceled (Payment denied)": NONE,
  // No-show can never go back to Completed, but the booking can still be canceled or rescheduled.
  "No-show (Set by user)": menu("Cancel/request reschedule"),
  "Completed (Set by System)": menu("Cancel/request reschedule", "Set to No-show"),
  "Expired (Set by System)": menu("Cancel/request new times"),
};

/** What the customer may do from the manage link. */
export const CUSTOMER_ACTIONS = ["cancel", "reschedule", "resubmit"] as const;
export type CustomerAction = (typeof CUSTOMER_ACTIONS)[number];

export const ALLOWED_CUSTOMER_ACTIONS: Record<DetailedStatus, readonly CustomerAction[]> = {
  "Requested (By customer)": ["cancel", "resubmit"],
  "Requested (Initiated by user)": ["cancel", "resubmit"],
  "Scheduled (By customer)": ["cancel", "reschedule"],
  "Scheduled (Approved by user)": ["cancel", "reschedule"],
  "Scheduled (Reassigned by user)": ["cancel", "reschedule"],
  "Rescheduled (By customer)": ["cancel", "reschedule"],
  "Rescheduled (Approved by user)": ["cancel", "reschedule"],
  "Rescheduled (Initiated by user)": ["cancel", "reschedule"],
  "Rescheduled (Reassigned by user)": ["cancel", "reschedule"],
  "Canceled (By customer)": [],
  "Canceled (By user)": [],
  // The user asked the customer to pick a new time / propose new times.
  "Canceled (New times requested by user)": ["resubmit"],
  "Canceled (Reschedule requested by user)": ["reschedule"],
  "Canceled (Payment denied)": [],
  "Completed (Set by System)": [],
  "No-show (Set by user)": [],
  "Expired (Set by System)": [],
};

/** Everything that moves an existing activity from one detailed status to another. */
export type Transition =
  | { kind: "approve"; reschedulesBooking: boolean }
  | { kind: "cancel"; by: "user" | "customer" }
  | { kind: "request-new-times" }
  | { kind: "request-reschedule" }
  | { kind: "reschedule" } // user reschedules on the customer's behalf: the original is canceled
  | { kind: "reassign" }
  | { kind: "set-no-show" }
  | { kind: "customer-reschedule-same-page" }
  | { kind: "customer-reschedule-other-page" } // the original is canceled
  | { kind: "customer-resubmit" } // the customer replaces their own request
  | { kind: "complete" }
  | { kind: "expire" }
  | { kind: "payment-denied" }; // PayPal denied the pending payment that held the booking

export type Actor = "customer" | "user" | "system";

/** Who may cause each transition, and from which detailed statuses. */
export const TRANSITION_RULES: Record<Transition["kind"], { actor: Actor; allowedFrom: (d: DetailedStatus) => boolean }> = {
  approve: { actor: "user", allowedFrom: (d) => ALLOWED_USER_ACTIONS[d].includes("approve") },
  cancel: { actor: "user", allowedFrom: (d) => ALLOWED_USER_ACTIONS[d].includes("cancel") },
  "request-new-times": { actor: "user", allowedFrom: (d) => ALLOWED_USER_ACTIONS[d].includes("request-new-times") },
  "request-reschedule": { actor: "user", allowedFrom: (d) => ALLOWED_USER_ACTIONS[d].includes("request-reschedule") },
  reschedule: { actor: "user", allowedFrom: (d) => ALLOWED_USER_ACTIONS[d].includes("reschedule") },
  reassign: { actor: "user", allowedFrom: (d) => ALLOWED_USER_ACTIONS[d].includes("reassign") },
  "set-no-show": { actor: "user", allowedFrom: (d) => ALLOWED_USER_ACTIONS[d].includes("set-no-show") },
  "customer-reschedule-same-page": {
    actor: "customer",
    allowedFrom: (d) => ALLOWED_CUSTOMER_ACTIONS[d].includes("reschedule") && statusOf(d) !== "Canceled",
  },
  "customer-reschedule-other-page": {
    actor: "customer",
    allowedFrom: (d) => ALLOWED_CUSTOMER_ACTIONS[d].includes("reschedule") && statusOf(d) !== "Canceled",
  },
  "customer-resubmit": { actor: "customer", allowedFrom: (d) => statusOf(d) === "Requested" },
  complete: { actor: "system", allowedFrom: (d) => statusOf(d) === "Scheduled" || statusOf(d) === "Rescheduled" },
  expire: { actor: "system", allowedFrom: (d) => statusOf(d) === "Requested" },
  "payment-denied": { actor: "system", allowedFrom: (d) => statusOf(d) !== "Canceled" && statusOf(d) !== "Requested" },
};

/** The detailed status an activity has after a transition. */
export function nextDetailedStatus(from: DetailedStatus, t: Transition): DetailedStatus {
  switch (t.kind) {
    case "approve":
      return t.reschedulesBooking ? "Rescheduled (Approved by user)" : "Scheduled (Approved by user)";
    case "cancel":
      return t.by === "user" ? "Canceled (By user)" : "Canceled (By customer)";
    case "request-new-times":
      return "Canceled (New times requested by user)";
    case "request-reschedule":
    case "reschedule":
      return "Canceled (Reschedule requested by user)";
    case "reassign":
      return statusOf(from) === "Rescheduled" ? "Rescheduled (Reassigned by user)" : "Scheduled (Reassigned by user)";
    case "set-no-show":
      return "No-show (Set by user)";
    case "customer-reschedule-same-page":
      return "Rescheduled (By customer)";
    case "customer-reschedule-other-page":
    case "customer-resubmit":
      return "Canceled (By customer)";
    case "complete":
      return "Completed (Set by System)";
    case "expire":
      return "Expired (Set by System)";
    case "payment-denied":
      return "Canceled (Payment denied)";
  }
}

/** How a new activity comes to be, and the detailed status it starts in. */
export const CREATION_STATUS = {
  "customer-books": "Scheduled (By customer)",
  // A user filling the booking on the customer's behalf: the same booking the customer would make.
  "user-books-on-behalf": "Scheduled (By customer)",
  "customer-requests": "Requested (By customer)",
  "customer-resubmits-own-request": "Requested (By customer)",
  "customer-resubmits-after-user-request": "Requested (Initiated by user)",
  "customer-rebooks-same-event-type": "Rescheduled (Initiated by user)",
  "customer-rebooks-any-event-type": "Scheduled (By customer)",
  "user-reschedules-on-behalf": "Rescheduled (Initiated by user)",
  "customer-reschedules-other-page": "Rescheduled (By customer)",
} as const satisfies Record<string, DetailedStatus>;
export type CreationOrigin = keyof typeof CREATION_STATUS;

/** Throws the 409 that names the current status when `t` is not allowed from `from`. */
export function assertTransitionAllowed(activityId: string, from: DetailedStatus, t: Transition, actionName: string = t.kind): DetailedStatus {
  if (!TRANSITION_RULES[t.kind].allowedFrom(from)) {
    throw new DomainError(
      "action_not_allowed",
      `Cannot ${actionName.replace(/-/g, " ")} ${activityId}: it is ${from}.`,
      { activityId, action: actionName, status: statusOf(from), detailedStatus: from },
    );
  }
  return nextDetailedStatus(from, t);
}

/** A display colour key per status; the web app maps these to its palette (never the only cue). */
export const STATUS_TONE: Record<BookingStatus, "info" | "success" | "warning" | "danger" | "neutral"> = {
  Requested: "warning",
  Scheduled: "success",
  Rescheduled: "info",
  Canceled: "danger",
  Completed: "neutral",
  "No-show": "danger",
  Expired: "neutral",
};
