import { DomainError, invalid } from "../domain/errors.js";
import { deleteApiToken, listApiTokens } from "../store/accounts-repo.js";
import { mintApiToken } from "./auth.js";
import type { AppContext, Caller } from "./context.js";

/**
 * A user's own API tokens: named, with when they were created and last used and an optional
 * expiry. A token is shown once, when it is made; only its hash is kept.
 */
export function presentToken(t: { id: string; name: string; created_at: Date; last_used_at: Date | null; expires_at: Date | null }) {
  return {
    id: t.id,
    name: t.name,
    createdAt: t.created_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    expiresAt: t.expires_at?.toISOString() ?? null,
  };
}

export async function listMyTokens(ctx: AppContext, caller: Caller) {
  return { items: (await listApiTokens(ctx.db, caller.accountId, caller.userId)).map(presentToken) };
}

export async function createMyToken(ctx: AppContext, caller: Caller, input: { name: string; expiresAt?: Date | null }) {
  const now = ctx.clock.now();
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) throw invalid("expiresAt", "must be in the future");
  const { id, token } = await mintApiToken(ctx.db, { accountId: caller.accountId, userId: caller.userId, name: input.name, expiresAt: input.expiresAt ?? null });
  const item = (await listApiTokens(ctx.db, caller.accountId, caller.userId)).find((t) => t.id === id)!;
  return { token, item: presentToken(item) };
}

export async function revokeMyToken(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  if (!(await deleteApiToken(ctx.db, caller.accountId, caller.userId, id))) throw new DomainError("not_found", `API token ${id} was not found`, { id });
}
