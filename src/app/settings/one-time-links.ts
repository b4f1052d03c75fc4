import { randomBytes, randomUUID } from "node:crypto";
import argon2 from "argon2";
import { DomainError, invalid, notFound, unprocessable } from "../../domain/errors.js";
import type { Db, Tx } from "../../store/database.js";
import { insertSession } from "../../store/accounts-repo.js";
import { findUserLinkByToken, insertUserLink, revokeOpenLinks, type NewUserLink } from "../../store/team-repo.js";
import { hashToken } from "../activity-writes.js";
import { SESSION_DAYS } from "../auth.js";
import type { AppContext } from "../context.js";

/**
 * One-time links (invitations and admin password resets): 256 random bits handed out once in the
 * link, stored only as their hash, with an expiry, used once. Until mail exists (issue 12) the
 * admin copies the link from the answer; it is never shown again.
 */
export const LINK_LIFETIME_DAYS = { invitation: 7, password_reset: 2 } as const;
export type LinkKind = keyof typeof LINK_LIFETIME_DAYS;

const PATH: Record<LinkKind, string> = { invitation: "invite", password_reset: "reset-password" };

export function linkUrl(ctx: AppContext, kind: LinkKind, token: string): string {
  return `${ctx.publicUrl.replace(/\/$/, "")}/${PATH[kind]}/${token}`;
}

/** Issues a new link, revoking the open one for the same invitee or user: only the newest works. */
export async function issueLink(
  ctx: AppContext,
  tx: Tx,
  link: Omit<NewUserLink, "id" | "token_hash" | "created_at" | "expires_at">,
): Promise<{ id: string; url: string; expiresAt: Date }> {
  const now = ctx.clock.now();
  await revokeOpenLinks(tx, link.account_id, link.kind === "invitation" ? { kind: "invitation", email: link.email } : { kind: "password_reset", userId: link.user_id! }, now);
  const token = randomBytes(32).toString("base64url");
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_DAYS[link.kind] * 86_400_000);
  await insertUserLink(tx, { ...link, id, token_hash: hashToken(token), created_at: now, expires_at: expiresAt });
  return { id, url: linkUrl(ctx, link.kind, token), expiresAt };
}

/** The open link behind a token: 404 when unknown, used or replaced; 422 once expired. */
export async function openLink(ctx: AppContext, conn: Db | Tx, kind: LinkKind, token: string) {
  const link = await findUserLinkByToken(conn, hashToken(token));
  const what = kind === "invitation" ? "invitation" : "password reset";
  if (!link || link.kind !== kind || link.used_at || link.revoked_at) {
    throw new DomainError("not_found", `This ${what} link does not work any more: it was used or replaced by a newer one. Ask an admin for a new link.`, {});
  }
  if (link.expires_at.getTime() <= ctx.clock.now().getTime()) {
    throw unprocessable(`This ${what} link expired on ${link.expires_at.toISOString().slice(0, 16).replace("T", " ")} UTC. Ask an admin for a new link.`, { reason: "expired", expiredAt: link.expires_at.toISOString() });
  }
  return link;
}

export const MIN_PASSWORD = 8;

export async function hashNewPassword(password: string, field = "password"): Promise<string> {
  if (password.length < MIN_PASSWORD) throw invalid(field, `use at least ${MIN_PASSWORD} characters`);
  return argon2.hash(password);
}

/** A new session for a user who just proved who they are (accepted an invitation, reset a password). */
export async function openSession(tx: Tx, user: { id: string; account_id: string }): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await insertSession(tx, { token_hash: hashToken(token), account_id: user.account_id, user_id: user.id, expires_at: new Date(Date.now() + SESSION_DAYS * 86_400_000) });
  return token;
}

export const userNotFound = (id: string) => notFound("User", id);
