import { invalid, notFound } from "../domain/errors.js";
import { countUpcomingByPage, findMasterPageBySlug, listMasterTargets } from "../store/page-settings-repo.js";
import { countLiveBookings } from "../store/scheduling-repo.js";
import { publicBusiness } from "./account-settings.js";
import type { AppContext } from "./context.js";

/** The customer's view of a master page: its name, how it routes, and what they may choose. */
export async function publicMasterPage(ctx: AppContext, slug: string) {
  const m = await findMasterPageBySlug(ctx.db, slug);
  if (!m) throw notFound("Master page", slug);
  const targets = activeTargets(await listMasterTargets(ctx.db, m.account_id, m.id));
  return {
    business: await publicBusiness(ctx, m.account_id),
    slug: m.slug, name: m.name, routing: m.routing,
    targets: targets.map((t) => ({ id: t.id, label: t.user_name ?? t.page_name, bookingPageSlug: t.page_slug })),
  };
}

/**
 * Routes a customer: by their choice (targetId), or round robin — the target with the fewest
 * upcoming bookings (a team member's own, or a booking page's), ties in the page's order. The
 * customer then books on the returned page, with hostId when a team member was chosen.
 */
export async function routeMasterPage(ctx: AppContext, slug: string, input: { targetId?: string }) {
  const m = await findMasterPageBySlug(ctx.db, slug);
  if (!m) throw notFound("Master page", slug);
  const targets = activeTargets(await listMasterTargets(ctx.db, m.account_id, m.id));
  if (targets.length === 0) throw notFound("Master page", slug);
  let chosen = targets[0];
  if (m.routing === "customer_choice") {
    if (!input.targetId) throw invalid("targetId", `master page ${m.slug} lets the customer choose: send one of its target IDs`);
    const picked = targets.find((t) => t.id === input.targetId);
    if (!picked) throw invalid("targetId", `${input.targetId} is not a target of master page ${m.slug}`);
    chosen = picked;
  } else {
    const now = ctx.clock.now();
    const users = targets.flatMap((t) => (t.user_id ? [t.user_id] : []));
    const pages = targets.filter((t) => !t.user_id).map((t) => t.booking_page_id);
    const [byUser, byPage] = await Promise.all([countLiveBookings(ctx.db, m.account_id, users, now, null), countUpcomingByPage(ctx.db, m.account_id, pages, now)]);
    const load = (t: (typeof targets)[number]) => (t.user_id ? byUser.get(t.user_id) : byPage.get(t.booking_page_id)) ?? 0;
    chosen = [...targets].sort((a, b) => load(a) - load(b) || a.position - b.position)[0];
  }
  return {
    targetId: chosen.id,
    label: chosen.user_name ?? chosen.page_name,
    bookingPage: { slug: chosen.page_slug, name: chosen.page_name },
    hostId: chosen.user_id,
  };
}

/** Targets pinned to a deactivated team member are left out: they host no new meetings. */
function activeTargets<T extends { user_deactivated_at: Date | null }>(targets: T[]): T[] {
  return targets.filter((t) => t.user_deactivated_at === null);
}
