import type { HoursRange } from "../domain/availability.js";
import { forbidden, notFound } from "../domain/errors.js";
import { sortRanges } from "../domain/hours-validation.js";
import { findUser } from "../store/accounts-repo.js";
import type { Db, Tx } from "../store/database.js";
import { deleteOverride, deleteWeeklyHours, listOverrides, loadUserAvailability, setUserTimeZone, upsertOverride, upsertWeeklyHours } from "../store/scheduling-repo.js";
import type { OpenHours } from "../store/schema.js";
import { inTransaction } from "./activity-writes.js";
import type { AppContext, Caller } from "./context.js";

/**
 * A user's availability: time zone, weekly hours (in that zone) and date overrides. Each user
 * manages their own; admins manage everyone's. Without weekly hours a user is available in each
 * booking page's open hours. Input is validated at the HTTP edge.
 */
export async function getAvailability(ctx: AppContext, caller: Caller, userId: string) {
  await userFor(ctx.db, caller, userId, "see");
  const [u] = await loadUserAvailability(ctx.db, caller.accountId, [userId]);
  const overrides = await listOverrides(ctx.db, caller.accountId, [userId]);
  return {
    userId,
    timeZone: u.timeZone,
    weeklyHours: u.weekly as Record<string, HoursRange[]> | null,
    overrides: overrides.map((o) => ({ date: o.day, ranges: o.ranges })),
  };
}

/** Sets the time zone and/or weekly hours (null: clear them, back to the pages' open hours). */
export async function setAvailability(ctx: AppContext, caller: Caller, userId: string, input: { timeZone?: string; weeklyHours?: OpenHours | null }) {
  await inTransaction(ctx, async (tx) => {
    await userFor(tx, caller, userId, "change");
    if (input.timeZone) await setUserTimeZone(tx, caller.accountId, userId, input.timeZone);
    if (input.weeklyHours === null) await deleteWeeklyHours(tx, caller.accountId, userId);
    else if (input.weeklyHours) {
      const sorted = Object.fromEntries(Object.entries(input.weeklyHours).map(([d, r]) => [d, sortRanges(r ?? [])])) as OpenHours;
      await upsertWeeklyHours(tx, caller.accountId, userId, sorted, ctx.clock.now());
    }
  });
  return getAvailability(ctx, caller, userId);
}

/** One local date's hours instead of the weekly ones: [] is a day off, ranges are extra or other hours. */
export async function putOverride(ctx: AppContext, caller: Caller, userId: string, date: string, ranges: HoursRange[]) {
  await inTransaction(ctx, async (tx) => {
    await userFor(tx, caller, userId, "change");
    await upsertOverride(tx, caller.accountId, userId, date, sortRanges(ranges));
  });
  return getAvailability(ctx, caller, userId);
}

export async function removeOverride(ctx: AppContext, caller: Caller, userId: string, date: string) {
  await inTransaction(ctx, async (tx) => {
    await userFor(tx, caller, userId, "change");
    if (!(await deleteOverride(tx, caller.accountId, userId, date))) throw notFound("Date override", date);
  });
  return getAvailability(ctx, caller, userId);
}

async function userFor(conn: Db | Tx, caller: Caller, userId: string, need: "see" | "change") {
  const user = await findUser(conn, caller.accountId, userId);
  if (!user) throw notFound("User", userId);
  if (need === "change" && caller.role !== "admin" && caller.userId !== userId) {
    throw forbidden(`Only ${user.name} or an admin may change their availability.`, { userId });
  }
  return user;
}
