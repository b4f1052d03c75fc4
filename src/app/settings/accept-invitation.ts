import { randomUUID } from "node:crypto";
import { DomainError } from "../../domain/errors.js";
import { findAccountSettings } from "../../store/account-settings-repo.js";
import { insertUser } from "../../store/accounts-repo.js";
import { emailTaken, markLinkUsed } from "../../store/team-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext } from "../context.js";
import { hashNewPassword, openLink, openSession } from "./one-time-links.js";

/** What the invitation page shows before the invitee joins. */
export async function lookUpInvitation(ctx: AppContext, token: string) {
  const link = await openLink(ctx, ctx.db, "invitation", token);
  const account = await findAccountSettings(ctx.db, link.account_id);
  return { email: link.email, role: link.role!, accountName: link.account_name, expiresAt: link.expires_at.toISOString(), defaultTimeZone: account?.default_time_zone ?? "UTC" };
}

/**
 * The invitee joins: a user with the invited e-mail and role, the name and password they chose,
 * signed in at once. The link works once, whatever the number of concurrent clicks.
 */
export async function acceptInvitation(ctx: AppContext, token: string, input: { name: string; password: string; timeZone?: string }) {
  const passwordHash = await hashNewPassword(input.password);
  return inTransaction(ctx, async (tx) => {
    const link = await openLink(ctx, tx, "invitation", token);
    if (await emailTaken(tx, link.email)) throw new DomainError("conflict", `${link.email} already has a Bookstream user; sign in instead.`, { field: "email" });
    const account = await findAccountSettings(tx, link.account_id);
    const id = randomUUID();
    await insertUser(tx, {
      id, account_id: link.account_id, email: link.email, name: input.name, role: link.role!, password_hash: passwordHash,
      time_zone: input.timeZone ?? account?.default_time_zone ?? "UTC",
    });
    if (!(await markLinkUsed(tx, link.id, ctx.clock.now(), id))) throw new DomainError("conflict", "This invitation was just used or replaced.", {});
    return { userId: id, sessionToken: await openSession(tx, { id, account_id: link.account_id }) };
  });
}
