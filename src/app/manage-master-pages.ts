import { randomUUID } from "node:crypto";
import { DomainError, forbidden, invalid, notFound } from "../domain/errors.js";
import type { Db, Tx } from "../store/database.js";
import { deleteMasterPage, findMasterPage, insertMasterPage, listMasterPages, listMasterTargets, masterSlugTaken, replaceMasterTargets, updateMasterPage } from "../store/page-settings-repo.js";
import { findActivePage } from "../store/pages-repo.js";
import type { MasterPagesTable } from "../store/schema.js";
import { inTransaction } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";
import { hostsOf } from "./host-schedules.js";
import { canSee, visibilityOf, type Visibility } from "./permissions.js";

/**
 * Master pages (admins): a public address that routes the customer to one of several booking
 * pages or team members, round robin (fewest upcoming bookings) or by the customer's choice.
 */
export interface MasterTargetInput {
  bookingPageId: string;
  /** A team member who hosts that page: route to them in person. */
  userId?: string | null;
}

export interface MasterPageInput {
  slug: string;
  name: string;
  routing: MasterPagesTable["routing"];
  targets: MasterTargetInput[];
}

export async function createMasterPage(ctx: AppContext, caller: Caller, input: MasterPageInput) {
  assertAdmin(caller);
  const id = randomUUID();
  await inTransaction(ctx, async (tx) => {
    if (await masterSlugTaken(tx, input.slug)) throw new DomainError("conflict", `slug: the master page address "${input.slug}" is taken; choose another.`, { field: "slug" });
    await insertMasterPage(tx, { id, account_id: caller.accountId, slug: input.slug, name: input.name, routing: input.routing });
    await writeTargets(tx, caller.accountId, id, input.targets);
  });
  return getMasterPage(ctx, caller, id);
}

export async function updateMaster(ctx: AppContext, caller: Caller, id: string, patch: Partial<MasterPageInput>) {
  assertAdmin(caller);
  await inTransaction(ctx, async (tx) => {
    const m = await findMasterPage(tx, caller.accountId, id);
    if (!m) throw notFound("Master page", id);
    if (patch.slug && (await masterSlugTaken(tx, patch.slug, id))) throw new DomainError("conflict", `slug: the master page address "${patch.slug}" is taken; choose another.`, { field: "slug" });
    await updateMasterPage(tx, caller.accountId, id, { slug: patch.slug, name: patch.name, routing: patch.routing, updated_at: ctx.clock.now() });
    if (patch.targets) await writeTargets(tx, caller.accountId, id, patch.targets);
  });
  return getMasterPage(ctx, caller, id);
}

/** A member sees a master page through the targets they may see; one with none is not theirs to see. */
export async function getMasterPage(ctx: AppContext, caller: Caller, id: string) {
  const m = await findMasterPage(ctx.db, caller.accountId, id);
  const shown = m && (await presentMaster(ctx.db, m, ctx.publicUrl, await visibilityOf(ctx.db, caller)));
  if (!shown) throw notFound("Master page", id);
  return shown;
}

export async function listMasters(ctx: AppContext, caller: Caller) {
  const vis = await visibilityOf(ctx.db, caller);
  const pages = await listMasterPages(ctx.db, caller.accountId);
  return { items: (await Promise.all(pages.map((m) => presentMaster(ctx.db, m, ctx.publicUrl, vis)))).filter((m) => m !== undefined) };
}

async function presentMaster(conn: Db, m: { id: string; account_id: string; slug: string; name: string; routing: MasterPagesTable["routing"] }, publicUrl: string, vis: Visibility) {
  const targets = (await listMasterTargets(conn, m.account_id, m.id)).filter((t) => canSee(vis, { booking_page_id: t.booking_page_id, owner_id: null }));
  if (!vis.all && targets.length === 0) return undefined;
  return {
    id: m.id, slug: m.slug, name: m.name, routing: m.routing,
    publicUrl: `${publicUrl.replace(/\/$/, "")}/meet/${m.slug}`,
    targets: targets.map((t) => ({ id: t.id, bookingPageId: t.booking_page_id, bookingPageSlug: t.page_slug, userId: t.user_id, label: t.user_name ?? t.page_name })),
  };
}

async function writeTargets(tx: Tx, accountId: string, masterId: string, targets: MasterTargetInput[]) {
  for (const [i, t] of targets.entries()) {
    const page = await findActivePage(tx, accountId, t.bookingPageId);
    if (!page) throw invalid(`targets.${i}.bookingPageId`, `no booking page ${t.bookingPageId} in this account`);
    if (t.userId && !(await hostsOf(tx, page)).includes(t.userId)) throw invalid(`targets.${i}.userId`, `${t.userId} does not host booking page ${page.slug}`);
  }
  const keys = targets.map((t) => `${t.bookingPageId}/${t.userId ?? ""}`);
  if (new Set(keys).size !== keys.length) throw invalid("targets", "the same target is listed twice");
  await replaceMasterTargets(tx, accountId, masterId, targets.map((t) => ({ id: randomUUID(), bookingPageId: t.bookingPageId, userId: t.userId ?? null })));
}

/** Deletes a master page (admins); its public address stops working and is free again. */
export async function deleteMaster(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  assertAdmin(caller);
  await inTransaction(ctx, async (tx) => {
    if (!(await deleteMasterPage(tx, caller.accountId, id))) throw notFound("Master page", id);
  });
}

function assertAdmin(caller: Caller) {
  if (caller.role !== "admin") throw forbidden("Only an admin may create or change master pages.", {});
}
