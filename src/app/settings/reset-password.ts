import { DomainError } from "../../domain/errors.js";
import { findUser } from "../../store/accounts-repo.js";
import { deleteSessionsOf, markLinkUsed, setPasswordHash } from "../../store/team-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { assertAdmin } from "./invite-user.js";
import { hashNewPassword, issueLink, openLink, openSession, userNotFound } from "./one-time-links.js";

/** An admin makes a password-reset link for a user (the same one-time links as invitations). */
export async function createPasswordReset(ctx: AppContext, caller: Caller, userId: string) {
  assertAdmin(caller, "reset other people's passwords");
  return inTransaction(ctx, async (tx) => {
    const user = await findUser(tx, caller.accountId, userId);
    if (!user) throw userNotFound(userId);
    if (user.deactivated_at) throw new DomainError("conflict", `${user.name} is deactivated: reactivate them first.`, {});
    const link = await issueLink(ctx, tx, { account_id: caller.accountId, kind: "password_reset", email: user.email, role: null, user_id: user.id, created_by: caller.userId });
    return { link: link.url, expiresAt: link.expiresAt.toISOString() };
  });
}

export async function lookUpPasswordReset(ctx: AppContext, token: string) {
  const link = await openLink(ctx, ctx.db, "password_reset", token);
  return { email: link.email, name: link.user_name ?? "", accountName: link.account_name, expiresAt: link.expires_at.toISOString() };
}

/** Sets the new password, ends every other session of the user and signs them in here. */
export async function resetPassword(ctx: AppContext, token: string, password: string) {
  const hash = await hashNewPassword(password);
  return inTransaction(ctx, async (tx) => {
    const link = await openLink(ctx, tx, "password_reset", token);
    const user = await findUser(tx, link.account_id, link.user_id!);
    if (!user || user.deactivated_at) throw new DomainError("not_found", "This password reset link does not work any more: the user was deactivated.", {});
    if (!(await markLinkUsed(tx, link.id, ctx.clock.now(), user.id))) throw new DomainError("conflict", "This link was just used or replaced.", {});
    await setPasswordHash(tx, user.account_id, user.id, hash);
    await deleteSessionsOf(tx, user.account_id, user.id);
    return { userId: user.id, sessionToken: await openSession(tx, user) };
  });
}
