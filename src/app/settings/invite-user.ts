import { DomainError, forbidden, notFound } from "../../domain/errors.js";
import { findUserByEmail } from "../../store/accounts-repo.js";
import { findUserLink, listOpenInvitations, revokeLink } from "../../store/team-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { issueLink } from "./one-time-links.js";

/** Admins invite people by e-mail; the answer carries the link to send (shown once). */
export async function inviteUser(ctx: AppContext, caller: Caller, input: { email: string; role: "admin" | "member" }) {
  assertAdmin(caller, "invite people");
  const email = input.email.trim();
  return inTransaction(ctx, async (tx) => {
    const existing = await findUserByEmail(tx, email);
    if (existing) {
      const message = existing.account_id !== caller.accountId
        ? `${email} already has a Bookstream user; use another e-mail address.`
        : existing.deactivated_at
          ? `${email} belongs to ${existing.name}, who is deactivated: reactivate them instead.`
          : `${email} is already on the team (${existing.name}).`;
      throw new DomainError("conflict", `email: ${message}`, { field: "email" });
    }
    const link = await issueLink(ctx, tx, { account_id: caller.accountId, kind: "invitation", email, role: input.role, user_id: null, created_by: caller.userId });
    return { invitation: { id: link.id, email, role: input.role, expiresAt: link.expiresAt.toISOString(), invitedBy: caller.name, createdAt: ctx.clock.now().toISOString() }, link: link.url };
  });
}

/** A fresh link for an open invitation (the old one stops working). */
export async function renewInvitation(ctx: AppContext, caller: Caller, id: string) {
  assertAdmin(caller, "renew invitations");
  const old = await findUserLink(ctx.db, caller.accountId, id);
  if (!old || old.kind !== "invitation" || old.used_at || old.revoked_at) throw notFound("Invitation", id);
  return inviteUser(ctx, caller, { email: old.email, role: old.role! });
}

export async function revokeInvitation(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  assertAdmin(caller, "revoke invitations");
  await inTransaction(ctx, async (tx) => {
    const link = await findUserLink(tx, caller.accountId, id);
    if (!link || link.kind !== "invitation" || !(await revokeLink(tx, caller.accountId, id, ctx.clock.now()))) throw notFound("Invitation", id);
  });
}

export async function listInvitations(ctx: AppContext, caller: Caller) {
  assertAdmin(caller, "see invitations");
  const now = ctx.clock.now().getTime();
  const rows = await listOpenInvitations(ctx.db, caller.accountId);
  return {
    items: rows.map((r) => ({
      id: r.id, email: r.email, role: r.role!, createdAt: r.created_at.toISOString(), expiresAt: r.expires_at.toISOString(),
      expired: r.expires_at.getTime() <= now, invitedBy: r.invited_by,
    })),
  };
}

export function assertAdmin(caller: Caller, what: string): void {
  if (caller.role !== "admin") throw forbidden(`Only an admin may ${what}.`, {});
}
