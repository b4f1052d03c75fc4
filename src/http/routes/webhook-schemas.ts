import { z } from "zod";
import { WEBHOOK_EVENT_TYPE_LIST, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../../domain/webhooks.js";

/**
 * What a webhook receiver gets: `{ type, timestamp, data }`, with `data` the event's payload.
 * These schemas document src/domain/events.ts for subscribers (GET /api/v1/webhook-event-types).
 */
const Actor = z.enum(["customer", "user", "system"]).describe("Who made the change");
const Snapshot = z.object({
  id: z.string().describe("Activity ID: BKNG-…, PKG-… or TXN-…"),
  type: z.enum(["booking", "package", "transaction"]),
  status: z.string(),
  detailedStatus: z.string(),
  bookingPageId: z.string().nullable(),
  eventTypeId: z.string().nullable(),
  ownerId: z.string().nullable().describe("The host (bookings) or owner"),
  customer: z.object({ name: z.string().nullable(), email: z.string().nullable(), timeZone: z.string().nullable() }),
  start: z.string().nullable(),
  end: z.string().nullable(),
  reason: z.string().nullable(),
  amount: z.object({ minor: z.number().int().describe("Minor units (cents)"), currency: z.string() }).nullable().optional().describe("Transactions only"),
}).describe("The activity as it is after the change");
const StatusPair = z.object({ status: z.string(), detailedStatus: z.string() });

export const WEBHOOK_DATA: Record<WebhookEventType, z.ZodType> = {
  "activity.created": z.object({ activity: Snapshot, origin: z.string().describe("How it came to be, e.g. customer, user, reschedule"), actor: Actor, relatedTo: z.string().nullable() }),
  "activity.updated": z.object({
    activity: Snapshot, action: z.string().describe("The lifecycle action, e.g. approve, cancel, reschedule, complete"), actor: Actor,
    from: StatusPair, previous: z.object({ start: z.string().nullable(), end: z.string().nullable(), ownerId: z.string().nullable() }), reason: z.string().nullable(),
  }),
  "package.created": z.object({ activity: Snapshot, sessionIds: z.array(z.string()), actor: Actor }),
  "transaction.created": z.object({
    activity: Snapshot, kind: z.enum(["payment", "refund"]), purpose: z.string(), forActivityId: z.string().nullable(), paymentActivityId: z.string().nullable(), actor: Actor,
  }),
  "transaction.updated": z.object({ activity: Snapshot, action: z.string(), actor: Actor, from: StatusPair }),
};

export function webhookMessageSchema(type: WebhookEventType) {
  return z.object({
    type: z.literal(type),
    timestamp: z.string().describe("When the change happened (ISO 8601)"),
    data: WEBHOOK_DATA[type],
  });
}

/** The catalogue: each event type, what it means, and its message's JSON Schema. */
export const WEBHOOK_CATALOGUE = WEBHOOK_EVENT_TYPE_LIST.map((type) => ({
  type,
  description: WEBHOOK_EVENT_TYPES[type],
  schema: z.toJSONSchema(webhookMessageSchema(type), { unrepresentable: "any" }) as Record<string, unknown>,
}));

export const EventTypeName = z.enum(WEBHOOK_EVENT_TYPE_LIST).describe(`One of: ${WEBHOOK_EVENT_TYPE_LIST.join(", ")}`);

export const Endpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(EventTypeName),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe("Why it was disabled (by a person, or after a run of failures)"),
  failureStreak: z.number().int().describe("Failed attempts in a row (0 when the last one was delivered)"),
  failingSince: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const EndpointWithSecret = z.object({
  secret: z.string().describe("The signing secret (whsec_…): shown this once, store it now"),
  item: Endpoint,
});
