import type { DetailedStatus } from "./lifecycle.js";

/**
 * The seed "The Salesforce Activity Event": the words the Event status field shows for each
 * booking's detailed status. Pure data; adding a detailed status without its row breaks the build.
 * `null`: the activity is not a booking made (yet): requests and expired requests get no Event.
 */
export const SALESFORCE_EVENT_STATUSES = [
  "Scheduled", "Rescheduled", "Completed", "Canceled", "No-show",
  "Scheduled (Reassigned by User)", "Rescheduled (Reassigned by User)",
] as const;
export type SalesforceEventStatus = (typeof SALESFORCE_EVENT_STATUSES)[number];

export const SALESFORCE_STATUS: Record<DetailedStatus, SalesforceEventStatus | null> = {
  "Requested (By customer)": null,
  "Requested (Initiated by user)": null,
  "Scheduled (By customer)": "Scheduled",
  "Scheduled (Approved by user)": "Scheduled",
  "Scheduled (Reassigned by user)": "Scheduled (Reassigned by User)",
  "Rescheduled (By customer)": "Rescheduled",
  "Rescheduled (Approved by user)": "Rescheduled",
  "Rescheduled (Initiated by user)": "Rescheduled",
  "Rescheduled (Reassigned by user)": "Rescheduled (Reassigned by User)",
  "Canceled (By customer)": "Canceled",
  "Canceled (By user)": "Canceled",
  "Canceled (New times requested by user)": "Canceled",
  "Canceled (Reschedule requested by user)": "Canceled",
  "Canceled (Payment denied)": "Canceled",
  "Completed (Set by System)": "Completed",
  "No-show (Set by user)": "No-show",
  "Expired (Set by System)": null,
};

/** The seed: the reason field adds to the Canceled and Rescheduled phases only. */
export function carriesReason(s: SalesforceEventStatus): boolean {
  return s === "Canceled" || s.startsWith("Rescheduled");
}

/** A canceled booking that never had an Event gets none (a request declined, say): only live ones create. */
export function createsEvent(s: SalesforceEventStatus): boolean {
  return s !== "Canceled";
}
