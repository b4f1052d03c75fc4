import { listPagesOverview } from "../store/page-settings-repo.js";
import type { AppContext, Caller } from "./context.js";

export type PageAccess = "manage" | "edit" | "view";

/**
 * The booking pages the caller may see, with their public links, event types and what the caller
 * may do on each: manage (owner, admin: settings, team, sharing, delete), edit (editors: settings)
 * or view (viewers). One statement, however many pages.
 */
export async function listBookingPages(ctx: AppContext, caller: Caller) {
  const rows = await listPagesOverview(ctx.db, caller.accountId, caller.role === "admin" ? undefined : caller.userId);
  const base = ctx.publicUrl.replace(/\/$/, "");
  return {
    items: rows.map((p) => {
      const access: PageAccess = caller.role === "admin" || p.owner_id === caller.userId ? "manage" : p.member_role === "editor" ? "edit" : "view";
      return {
        id: p.id, slug: p.slug, name: p.name, ownerId: p.owner_id, ownerName: p.owner_name, timeZone: p.time_zone, mode: p.mode,
        durationMinutes: p.duration_minutes, publicUrl: `${base}/book/${p.slug}`, team: Number(p.team_size) > 0, access,
        eventTypes: p.event_types.map((e) => ({ id: e.id, name: e.name, durationMinutes: e.duration_minutes })),
      };
    }),
  };
}
