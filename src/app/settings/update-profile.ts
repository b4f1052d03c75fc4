import argon2 from "argon2";
import { DomainError } from "../../domain/errors.js";
import { findUser } from "../../store/accounts-repo.js";
import { deleteSessionsOf, emailTaken, setPasswordHash, updateUserProfile } from "../../store/team-repo.js";
import { hashToken, inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { hashNewPassword, userNotFound } from "./one-time-links.js";

/** Everyone edits their own name, e-mail (unique across the installation) and time zone. */
export async function updateProfile(ctx: AppContext, caller: Caller, input: { name?: string; email?: string; timeZone?: string }) {
  await inTransaction(ctx, async (tx) => {
    if (input.email && (await emailTaken(tx, input.email, caller.userId))) {
      throw new DomainError("conflict", `email: ${input.email} is used by another user.`, { field: "email" });
    }
    await updateUserProfile(tx, caller.accountId, caller.userId, { name: input.name, email: input.email, time_zone: input.timeZone });
  });
  const u = await findUser(ctx.db, caller.accountId, caller.userId);
  if (!u) throw userNotFound(caller.userId);
  return { user: { id: u.id, name: u.name, email: u.email, role: u.role, timeZone: u.time_zone }, account: { id: caller.accountId, name: caller.accountName } };
}

/**
 * Changes one's own password; the current one is required. Other sessions end (a stolen session
 * should not outlive the change); the session making the change, if any, stays.
 */
export async function changePassword(ctx: AppContext, caller: Caller, input: { currentPassword: string; newPassword: string }, sessionToken?: string): Promise<void> {
  const user = await findUser(ctx.db, caller.accountId, caller.userId);
  if (!user) throw userNotFound(caller.userId);
  if (!user.password_hash || !(await argon2.verify(user.password_hash, input.currentPassword))) {
    throw new DomainError("unprocessable", "currentPassword: the current password is not correct.", { field: "currentPassword" });
  }
  const hash = await hashNewPassword(input.newPassword, "newPassword");
  await inTransaction(ctx, async (tx) => {
    await setPasswordHash(tx, caller.accountId, caller.userId, hash);
    await deleteSessionsOf(tx, caller.accountId, caller.userId, sessionToken ? hashToken(sessionToken) : undefined);
  });
}
