import { forbidden, notFound } from "../domain/errors.js";
import { findAccount, updateEmbedOrigins } from "../store/accounts-repo.js";
import type { AppContext, Caller } from "./context.js";

export interface AccountSettings {
  id: string;
  name: string;
  /** Origins that may show the account's public booking pages in a frame. */
  embedOrigins: string[];
}

/** The caller's account settings (any signed-in user may read them). */
export async function getAccountSettings(ctx: AppContext, caller: Caller): Promise<AccountSettings> {
  const account = await findAccount(ctx.db, caller.accountId);
  if (!account) throw notFound("Account", caller.accountId);
  return { id: account.id, name: account.name, embedOrigins: account.embed_origins };
}

/** Replaces the origins allowed to frame the public booking pages (admins only; already validated and normalised). */
export async function setEmbedOrigins(ctx: AppContext, caller: Caller, origins: string[]): Promise<AccountSettings> {
  if (caller.role !== "admin") throw forbidden("Only an admin may change where the booking pages may be embedded.");
  await updateEmbedOrigins(ctx.db, caller.accountId, [...new Set(origins)]);
  return getAccountSettings(ctx, caller);
}
