/**
 * A delivery as a sentence for the Details pane ("Confirmation e-mailed 10:02", "Calendar event
 * updated", "Webhook failed: 503, retrying 10:07"), from the consumer, the event and the state.
 * Pure: times are formatted in the reader's zone, relative to `now` (a date only when not today).
 */
export type DeliveryState = "pending" | "retrying" | "delivered" | "failed";

export interface DeliveryFacts {
  consumer: string;
  eventType: string;
  /** The lifecycle action of an activity.updated / transaction.updated event. */
  action: string | null;
  state: DeliveryState;
  deliveredAt: Date | null;
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** The peer's HTTP status (webhooks), when it answered. */
  lastStatus: number | null;
}

/**
 * Consumers see every event and act on some; a pair the consumer does nothing with is not worth
 * a line in the Details pane. Unknown consumers' deliveries are always shown.
 */
export function isNoteworthy(consumer: string, eventType: string): boolean {
  if (consumer === "payments") return eventType === "refund.requested";
  return true;
}

function clock(d: Date, zone: string, now: Date): string {
  const time = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
  const day = (x: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "short", year: "numeric" }).format(x);
  return day(d) === day(now) ? time : `${new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "short" }).format(d)} ${time}`;
}

/** What the e-mail is, by the change it reports. */
function mailName(type: string, action: string | null): string {
  if (type === "activity.created" || type === "package.created") return "Confirmation";
  if (type === "transaction.created" || type === "transaction.updated") return action === "refund" ? "Refund notice" : "Receipt";
  if (type === "customer.link_issued") return "Link to the customer";
  if (type === "webhook_endpoint.disabled") return "Webhook notice";
  switch (action) {
    case "cancel": case "customer-cancel": return "Cancellation";
    case "approve": return "Approval";
    case "reschedule": case "customer-reschedule": return "Reschedule notice";
    case "reassign": return "Reassignment notice";
    case "request-new-times": return "New-times request";
    case "request-reschedule": return "Reschedule request";
    default: return "Notification";
  }
}

function calendarChange(type: string, action: string | null): string {
  if (type === "activity.created" || type === "package.created") return "created";
  if (action === "cancel" || action === "customer-cancel" || action === "request-reschedule" || action === "request-new-times") return "canceled";
  if (action === "reassign") return "moved";
  return "updated";
}

/** The peer's error in a few words: its status when it answered, else what failed. */
function shortError(f: DeliveryFacts): string {
  if (f.lastStatus !== null) return String(f.lastStatus);
  const e = (f.lastError ?? "no answer").split("\n")[0]!;
  return e.length > 80 ? `${e.slice(0, 79)}…` : e;
}

export function deliverySentence(f: DeliveryFacts, zone: string, now: Date): string {
  const at = (d: Date | null) => (d ? ` ${clock(d, zone, now)}` : "");
  const tail = f.state === "retrying" ? `: ${shortError(f)}, retrying${at(f.nextAttemptAt)}` : f.state === "failed" ? `: ${shortError(f)}` : "";
  switch (f.consumer) {
    case "email": {
      const name = mailName(f.eventType, f.action);
      if (f.state === "delivered") return `${name} e-mailed${at(f.deliveredAt)}`;
      if (f.state === "pending") return `${name} e-mail waiting to be sent`;
      return `${name} e-mail failed${tail}`;
    }
    case "calendar": {
      const change = calendarChange(f.eventType, f.action);
      if (f.state === "delivered") return `Calendar event ${change}`;
      if (f.state === "pending") return `Calendar event to be ${change}`;
      return `Calendar update failed${tail}`;
    }
    case "webhooks":
      if (f.state === "delivered") return `Webhook ${f.eventType} sent${at(f.deliveredAt)}`;
      if (f.state === "pending") return `Webhook ${f.eventType} waiting to be sent`;
      return `Webhook failed${tail}`;
    case "payments":
      if (f.state === "delivered") return `Refund sent to PayPal${at(f.deliveredAt)}`;
      if (f.state === "pending") return "Refund waiting to be sent to PayPal";
      return `Refund to PayPal failed${tail}`;
    default: {
      const name = f.consumer.charAt(0).toUpperCase() + f.consumer.slice(1);
      if (f.state === "delivered") return `${name}: ${f.eventType} delivered${at(f.deliveredAt)}`;
      if (f.state === "pending") return `${name}: ${f.eventType} waiting`;
      return `${name}: ${f.eventType} failed${tail}`;
    }
  }
}
