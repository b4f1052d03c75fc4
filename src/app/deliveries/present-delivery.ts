import { deliverySentence, type DeliveryState } from "../../domain/delivery-sentences.js";
import type { DeliveryLogRow } from "../../store/deliveries-repo.js";

export function stateOf(r: Pick<DeliveryLogRow, "status" | "attempts">): DeliveryState {
  if (r.status === "pending") return r.attempts > 0 ? "retrying" : "pending";
  return r.status;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** One line of the delivery log; the peer's error is for admins only (`withErrors`). */
export function presentDelivery(r: DeliveryLogRow, opts: { zone: string; now: Date; withErrors: boolean }) {
  const state = stateOf(r);
  const waiting = r.status === "pending";
  return {
    consumer: r.consumer,
    endpointId: r.endpoint_id,
    key: r.key,
    eventId: r.event_id,
    activityId: r.activity_id,
    eventType: r.type,
    state,
    /** A worker is sending it right now. */
    sending: waiting && r.leased && new Date(r.next_attempt_at) > opts.now,
    attempts: r.attempts,
    nextAttemptAt: waiting ? iso(r.next_attempt_at) : null,
    lastAttemptAt: iso(r.last_attempt_at),
    deliveredAt: iso(r.delivered_at),
    lastStatus: r.last_status,
    lastError: opts.withErrors ? r.last_error : null,
    eventAt: iso(r.event_at)!,
    sentence: deliverySentence({
      consumer: r.consumer, eventType: r.type, action: r.action, state,
      deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
      nextAttemptAt: waiting ? new Date(r.next_attempt_at) : null,
      lastError: opts.withErrors ? r.last_error : null,
      lastStatus: r.last_status,
    }, opts.zone, opts.now),
  };
}
