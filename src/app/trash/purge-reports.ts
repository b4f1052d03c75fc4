import { listPurgeReports } from "../../store/purge-repo.js";
import type { AppContext, Caller } from "../context.js";
import { iso } from "../present-activity.js";
import { assertAdmin } from "./admin-only.js";

/**
 * The purge reports: when data was removed, by which path, and how much of each kind. They answer
 * "when was this customer's data removed?" without keeping anything about the customer.
 */
export async function purgeReports(ctx: AppContext, caller: Caller, limit: number) {
  assertAdmin(caller, "read the purge reports");
  const rows = await listPurgeReports(ctx.db, caller.accountId, limit);
  return {
    items: rows.map((r) => ({
      id: r.id,
      trigger: r.trigger,
      actorId: r.actor_id,
      ranAt: iso(r.ran_at)!,
      counts: r.counts as unknown as Record<string, number>,
      vacuumedAt: iso(r.vacuumed_at),
    })),
  };
}
