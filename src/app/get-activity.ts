import { DomainError } from "../domain/errors.js";
import { findActivitiesByIds, findActivity, listHistory, listRelations } from "../store/activities-repo.js";
import type { RescheduleRequest } from "../store/schema.js";
import type { AppContext, Caller } from "./context.js";
import { canSee, visibilityOf } from "./permissions.js";
import { iso, presentActivity, relationLabel } from "./present-activity.js";
import { findPaymentRecord } from "../store/payments-repo.js";
import { userNames } from "../store/trash-repo.js";
import { presentPaymentRecord } from "./payments/present-payment.js";

/** Everything the Details pane shows: the activity, its history, and its related activities. */
export async function getActivityDetails(ctx: AppContext, caller: Caller, id: string) {
  const a = await findActivity(ctx.db, caller.accountId, id);
  const vis = await visibilityOf(ctx.db, caller);
  if (!a || !canSee(vis, a)) throw new DomainError("not_found", `Activity ${id} was not found`, { id });
  const [history, relations, payment] = await Promise.all([
    listHistory(ctx.db, caller.accountId, a.id),
    listRelations(ctx.db, caller.accountId, a.id),
    a.type === "transaction" ? findPaymentRecord(ctx.db, caller.accountId, a.id) : undefined,
  ]);
  const otherIds = relations.map((r) => (r.from_id === a.id ? r.to_id : r.from_id));
  const [relatedRows, movers] = await Promise.all([
    findActivitiesByIds(ctx.db, caller.accountId, otherIds),
    userNames(ctx.db, caller.accountId, a.trashed_by ? [a.trashed_by] : []),
  ]);
  const others = new Map(relatedRows.map((o) => [o.id, o]));
  return {
    ...presentActivity(a, caller, movers),
    location: a.page_location,
    answers: (a.answers as unknown as Record<string, string> | null) ?? {},
    rescheduleRequest: (a.reschedule_request as unknown as RescheduleRequest | null) ?? null,
    version: a.version,
    payment: payment ? presentPaymentRecord(payment) : null,
    related: relations.flatMap((r) => {
      const other = others.get(r.from_id === a.id ? r.to_id : r.from_id);
      if (!other) return [];
      return [
        {
          relation: relationLabel(r.kind, r.from_id === a.id),
          id: other.id,
          type: other.type,
          status: other.status,
          detailedStatus: other.detailed_status,
          start: iso(other.start_at),
          visible: canSee(vis, other),
        },
      ];
    }),
    history: history.map((h) => ({
      at: iso(h.at)!,
      actor: { type: h.actor_type, id: h.actor_id, name: h.actor_name },
      action: h.action,
      from: h.from_status ? { status: h.from_status, detailedStatus: h.from_detailed_status! } : null,
      to: { status: h.to_status, detailedStatus: h.to_detailed_status },
      reason: h.reason,
      data: h.data,
    })),
  };
}
export type ActivityDetails = Awaited<ReturnType<typeof getActivityDetails>>;
