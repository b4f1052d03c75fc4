import type { HistoryEntry } from "../api/types";
import { formatShort, labelFromName } from "../ui/format";

/**
 * An activity's history as sentences ("Approved by Ada Admin", "Canceled by the customer:
 * Something came up"): one entry per history action the server writes (its use cases' `action`
 * and creation `origin` names, src/app/*.ts). An action this app has no words for yet still reads
 * as "<Action> by <who>" (test/history-sentences.test.ts checks every action the server writes
 * has its own sentence).
 */
type Sentence = (h: HistoryEntry, ctx: { zone: string; by: string }) => string;

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export const HISTORY_SENTENCES = {
  // How an activity comes to be (CREATION_STATUS in src/domain/lifecycle.ts).
  "customer-books": (_h, c) => `Booked ${c.by}`,
  "user-books-on-behalf": (_h, c) => `Booked ${c.by} for the customer`,
  "customer-requests": (h, c) => (text(h.data.reschedules) ? `New time requested ${c.by} for ${h.data.reschedules}` : `Requested ${c.by}`),
  "customer-resubmits-own-request": (_h, c) => `Request replaced ${c.by} with new times`,
  "customer-resubmits-after-user-request": (_h, c) => `New times proposed ${c.by}, as asked`,
  "customer-rebooks-same-event-type": (_h, c) => `Rebooked ${c.by}, as asked`,
  "customer-rebooks-any-event-type": (_h, c) => `Rebooked ${c.by}, as asked`,
  "user-reschedules-on-behalf": (h, c) => `Booked ${c.by} on the customer's behalf${text(h.data.relatedFrom) ? `, replacing ${h.data.relatedFrom}` : ""}`,
  "customer-reschedules-other-page": (h, c) => `Booked ${c.by}${text(h.data.relatedFrom) ? `, moved from ${h.data.relatedFrom}` : ""}`,
  // Changes (the user actions, the customer's manage link, the system job).
  approve: (h, c) => `Approved ${c.by}${text(h.data.start) ? ` for ${formatShort(h.data.start as string, c.zone)}` : ""}${h.data.proposed === false ? " (not a proposed time)" : ""}`,
  cancel: (_h, c) => `Canceled ${c.by}`,
  "customer-cancel": (_h, c) => `Canceled ${c.by}`,
  "request-new-times": (_h, c) => `New times requested ${c.by}`,
  "request-reschedule": (h, c) => `Reschedule requested ${c.by}${h.data.eventType === "any" ? " (any event type)" : ""}`,
  reschedule: (h, c) => `Rescheduled ${c.by}${text(h.data.newStart) ? ` to ${formatShort(h.data.newStart as string, c.zone)}` : ""}`,
  reassign: (h, c) => `Reassigned ${c.by}${text(h.data.fromOwnerName) ? ` from ${h.data.fromOwnerName}` : ""}${text(h.data.toOwnerName) ? ` to ${h.data.toOwnerName}` : ""}`,
  "set-no-show": (_h, c) => `Set to No-show ${c.by}`,
  "customer-reschedule": (h, c) => {
    if (text(h.data.approvedRequest)) return `Rescheduled: ${text(h.data.approvedBy) ?? "a user"} approved the customer's request ${h.data.approvedRequest}`;
    if (text(h.data.toPage)) return `Moved ${c.by} to booking page ${h.data.toPage}`;
    return `Rescheduled ${c.by}${text(h.data.start) ? ` to ${formatShort(h.data.start as string, c.zone)}` : ""}`;
  },
  "customer-resubmit": (_h, c) => `Request replaced ${c.by} with new times`,
  complete: () => "Completed automatically",
  expire: () => "Expired automatically: no proposed time was confirmed before it passed",
  // Session packages (src/app/package-writes.ts).
  "package-created": (h, c) => `Package booked ${c.by}${typeof h.data.sessions === "number" ? `: ${h.data.sessions} ${h.data.sessions === 1 ? "session" : "sessions"}` : ""}`,
  "package-update": (h, c) =>
    text(h.data.sessionId) && text(h.data.sessionDetailedStatus)
      ? `Updated ${c.by}: session ${h.data.sessionId} is now ${h.data.sessionDetailedStatus}`
      : `Updated ${c.by}: a session was canceled or rescheduled`,
  "package-complete": () => "Completed automatically: every session has taken place",
  // E-mail (src/app/notifications/run-timed-notifications.ts): the follow-up decided when due.
  "follow-up-not-sent": (h) => `Follow-up not sent: ${text(h.data.because) ?? "the booking was not completed"}`,
} satisfies Record<string, Sentence>;

/** "by Ada Admin", "by the customer", "automatically". */
function byWhom(h: HistoryEntry): string {
  if (h.actor.type === "system") return "automatically";
  if (h.actor.type === "customer") return "by the customer";
  return `by ${h.actor.name ?? "a user"}`;
}

/** One history entry as a sentence, with the reason given, if any: "Canceled by the customer: Something came up". */
export function historySentence(h: HistoryEntry, zone: string): string {
  const by = byWhom(h);
  const sentence = (HISTORY_SENTENCES as Record<string, Sentence>)[h.action];
  const main = sentence ? sentence(h, { zone, by }) : `${labelFromName(h.action)} ${by}`;
  return h.reason ? `${main}: ${h.reason}` : main;
}
