import { DomainError, forbidden } from "../../domain/errors.js";
import { isNoteworthy } from "../../domain/delivery-sentences.js";
import { findActivity } from "../../store/activities-repo.js";
import { listDeliveryLog, type DeliveryState } from "../../store/deliveries-repo.js";
import type { AppContext, Caller } from "../context.js";
import { canSee, visibilityOf } from "../permissions.js";
import { presentDelivery } from "./present-delivery.js";

export interface DeliveryQuery {
  consumer?: string;
  endpointId?: string;
  activityId?: string;
  state?: DeliveryState;
  cursor?: string;
  limit?: number;
}

/** Cursor: the last row's event id and key, so paging is stable while new events arrive. */
function parseCursor(cursor: string | undefined) {
  if (!cursor) return undefined;
  const m = /^(\d{1,18})\.(.{1,80})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new DomainError("validation_failed", "cursor: not a cursor from this list", { field: "cursor" });
  return { eventId: m[1]!, key: m[2]! };
}

/** The account's delivery log, newest first, for admins (every consumer, webhooks per endpoint). */
export async function listDeliveries(ctx: AppContext, caller: Caller, q: DeliveryQuery) {
  if (caller.role !== "admin") throw forbidden("Only an admin may see the delivery log.");
  const limit = q.limit ?? 50;
  const rows = await listDeliveryLog(ctx.db, {
    accountId: caller.accountId, consumer: q.consumer, endpointId: q.endpointId, activityId: q.activityId, state: q.state, after: parseCursor(q.cursor), limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const now = ctx.clock.now();
  return {
    items: page.map((r) => presentDelivery(r, { zone: caller.timeZone, now, withErrors: true })),
    nextCursor: rows.length > limit && last ? Buffer.from(`${last.event_id}.${last.key}`).toString("base64url") : null,
  };
}

/**
 * One activity's deliveries, oldest first, as sentences: for anyone who may see the activity.
 * The peers' raw errors are for admins; others get the short form in the sentence.
 */
export async function listActivityDeliveries(ctx: AppContext, caller: Caller, id: string) {
  const a = await findActivity(ctx.db, caller.accountId, id);
  const vis = await visibilityOf(ctx.db, caller);
  if (!a || !canSee(vis, a)) throw new DomainError("not_found", `Activity ${id} was not found`, { id });
  const rows = await listDeliveryLog(ctx.db, { accountId: caller.accountId, activityId: a.id, limit: 500, order: "oldest" });
  const now = ctx.clock.now();
  const admin = caller.role === "admin";
  return {
    items: rows.filter((r) => isNoteworthy(r.consumer, r.type)).map((r) => {
      const d = presentDelivery(r, { zone: caller.timeZone, now, withErrors: admin });
      return admin ? d : { ...d, endpointId: null, key: d.consumer };
    }),
  };
}
