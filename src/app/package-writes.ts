import { newActivityId } from "../domain/activity-id.js";
import type { Transition } from "../domain/lifecycle.js";
import { nextPackageStatus, type PackageStatus } from "../domain/package-status.js";
import { insertActivity, insertHistory, insertRelation, updateActivityGuarded, type ActivityRow, type NewActivity } from "../store/activities-repo.js";
import type { Tx } from "../store/database.js";
import { findPackageIdOf, findPackageIdsOf, listPackageSessions, lockPackage, refreshSessionSummary } from "../store/packages-repo.js";
import { emit, snapshot, type ActorInfo } from "./activity-writes.js";
import type { AppContext } from "./context.js";

/**
 * Session package writes, in the caller's transaction, with history and outbox events like every
 * other activity write. The package's status follows its sessions (domain/package-status.ts):
 * applyTransition calls `onSessionTransition` after each session change. The package's row also
 * carries its sessions' count and dates (for the stream), re-summed whenever a session changes.
 */

const SYSTEM: ActorInfo = { type: "system", id: null, name: "Bookstream" };

export type PackageFields = Omit<NewActivity, "id" | "type" | "status" | "detailed_status" | "created_at" | "updated_at" | "account_id">;

/** Writes a new package "Created" (PKG- ID) with its history row; sessions are related after. */
export async function insertPackage(tx: Tx, ctx: AppContext, accountId: string, actor: ActorInfo, fields: PackageFields, sessions: number): Promise<ActivityRow> {
  const now = ctx.clock.now();
  const row: NewActivity = {
    ...fields,
    id: newActivityId("package"),
    account_id: accountId,
    type: "package",
    status: "Created",
    detailed_status: "Created",
    created_at: now,
    updated_at: now,
  };
  await insertActivity(tx, row, actor.type);
  await insertHistory(tx, {
    accountId,
    activityId: row.id,
    at: now,
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.name,
    action: "package-created",
    from: null,
    to: { status: row.status, detailedStatus: row.detailed_status },
    data: { sessions },
  });
  return { ...row, version: 1, page_owner_id: null, page_slug: null, page_location: null } as ActivityRow;
}

/** The package.created event, once its sessions exist (and their dates on the package's row). */
export async function announcePackage(tx: Tx, ctx: AppContext, pkg: ActivityRow, sessionIds: string[], actor: ActorInfo): Promise<void> {
  await refreshSessionSummary(tx, pkg.account_id, pkg.id);
  await emit(tx, pkg.account_id, [{ type: "package.created", activity: snapshot(pkg), sessionIds, actor: actor.type }], ctx.clock.now());
}

/** A booking made to replace a package session (a reschedule to a new booking) joins the package. */
export async function linkReplacementToPackage(tx: Tx, accountId: string, replacedId: string, newId: string, at: Date): Promise<void> {
  const packageId = await findPackageIdOf(tx, accountId, replacedId);
  if (!packageId) return;
  await insertRelation(tx, accountId, packageId, newId, "package_session", at);
  // Locked first, so the sum is read after any concurrent session change has committed.
  if (await lockPackage(tx, accountId, packageId)) await refreshSessionSummary(tx, accountId, packageId);
}

/**
 * After sessions moved into or out of the Trash: their packages' counts and dates follow (a
 * session in the Trash is not counted). Each package is locked first, in ID order, so the sum
 * sees any concurrent session change, and two bulk moves lock in the same order.
 */
export async function resumPackagesOf(tx: Tx, accountId: string, activityIds: string[]): Promise<void> {
  for (const packageId of await findPackageIdsOf(tx, accountId, activityIds)) {
    if (await lockPackage(tx, accountId, packageId)) await refreshSessionSummary(tx, accountId, packageId);
  }
}

/** After a session's transition: the package becomes Updated or Completed when its rule says so. */
export async function onSessionTransition(tx: Tx, ctx: AppContext, session: ActivityRow, transition: Transition["kind"], actor: ActorInfo): Promise<void> {
  if (session.type !== "booking") return;
  const packageId = await findPackageIdOf(tx, session.account_id, session.id);
  if (!packageId) return;
  const pkg = await lockPackage(tx, session.account_id, packageId);
  if (!pkg) return;
  // The session's time or status may have changed: its dates on the package's row follow.
  await refreshSessionSummary(tx, pkg.account_id, pkg.id);
  const sessions = await listPackageSessions(tx, session.account_id, packageId);
  const next = nextPackageStatus(pkg.status as PackageStatus, transition, sessions.map((s) => s.status));
  if (!next) return;
  const now = ctx.clock.now();
  const changes = { status: next, detailed_status: next, updated_at: now };
  // The package is locked: the guard cannot lose, but it keeps the one-write rule of activities.
  if (!(await updateActivityGuarded(tx, pkg.account_id, pkg.id, { detailedStatus: pkg.detailed_status, version: pkg.version }, changes))) return;
  const who = next === "Completed" ? SYSTEM : actor;
  const action = next === "Completed" ? "package-complete" : "package-update";
  const from = { status: pkg.status, detailedStatus: pkg.detailed_status };
  await insertHistory(tx, {
    accountId: pkg.account_id,
    activityId: pkg.id,
    at: now,
    actorType: who.type,
    actorId: who.id,
    actorName: who.name,
    action,
    from,
    to: { status: next, detailedStatus: next },
    data: { sessionId: session.id, sessionStatus: session.status, sessionDetailedStatus: session.detailed_status },
  });
  const after = { ...pkg, ...changes, version: pkg.version + 1 } as ActivityRow;
  await emit(tx, pkg.account_id, [{
    type: "activity.updated",
    activity: snapshot(after),
    action,
    actor: who.type,
    from,
    previous: { start: null, end: null, ownerId: pkg.owner_id },
    reason: null,
  }], now);
}
