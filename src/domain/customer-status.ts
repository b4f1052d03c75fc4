import type { DetailedStatus } from "./lifecycle.js";

/**
 * How a customer's own pages name a booking's state: plain words, not the back office's detailed
 * statuses ("Scheduled (By customer)" is "Confirmed"). One entry per detailed status, so a new
 * status without customer wording is a compile error. `tone` is the colour key (STATUS_TONE's).
 */
export const CUSTOMER_STATUS: Record<DetailedStatus, { label: string; tone: "info" | "success" | "warning" | "danger" | "neutral" }> = {
  "Requested (By customer)": { label: "Waiting for approval", tone: "warning" },
  "Requested (Initiated by user)": { label: "Waiting for approval", tone: "warning" },
  "Scheduled (By customer)": { label: "Confirmed", tone: "success" },
  "Scheduled (Approved by user)": { label: "Confirmed", tone: "success" },
  "Scheduled (Reassigned by user)": { label: "Confirmed", tone: "success" },
  "Rescheduled (By customer)": { label: "Confirmed", tone: "success" },
  "Rescheduled (Approved by user)": { label: "Confirmed", tone: "success" },
  "Rescheduled (Initiated by user)": { label: "Confirmed", tone: "success" },
  "Rescheduled (Reassigned by user)": { label: "Confirmed", tone: "success" },
  "Canceled (By customer)": { label: "Canceled", tone: "danger" },
  "Canceled (By user)": { label: "Canceled by the host", tone: "danger" },
  "Canceled (New times requested by user)": { label: "New times needed", tone: "warning" },
  "Canceled (Reschedule requested by user)": { label: "New time needed", tone: "warning" },
  "Canceled (Payment denied)": { label: "Canceled: the payment was declined", tone: "danger" },
  "Completed (Set by System)": { label: "Completed", tone: "neutral" },
  "No-show (Set by user)": { label: "Missed", tone: "danger" },
  "Expired (Set by System)": { label: "Not confirmed in time", tone: "neutral" },
};

/** The customer's words for a detailed status; a status this table does not know reads as its own status part. */
export function customerStatus(detailed: string): { label: string; tone: "info" | "success" | "warning" | "danger" | "neutral" } {
  return (CUSTOMER_STATUS as Record<string, (typeof CUSTOMER_STATUS)[DetailedStatus]>)[detailed] ?? { label: detailed.replace(/\s*\(.*\)$/, ""), tone: "neutral" };
}
