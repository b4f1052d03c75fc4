import type { AppContext } from "../context.js";
import { unprocessable } from "../../domain/errors.js";

/**
 * Endpoint signing secrets are sealed with ctx.secrets, bound to their account and endpoint (a
 * sealed secret copied to another endpoint's row does not open). Opened secrets are cached by
 * their sealed form, so the sender does not decrypt once per delivery.
 */
const opened = new Map<string, string>();

export function binding(accountId: string, endpointId: string) {
  return { accountId, purpose: `webhook.secret:${endpointId}` };
}

export function sealEndpointSecret(ctx: AppContext, accountId: string, endpointId: string, secret: string): string {
  if (!ctx.secrets?.canSeal) throw unprocessable("This server cannot store webhook secrets: set BOOKSTREAM_SECRET_KEY first.", { reason: "secret_key_missing" });
  return ctx.secrets.sealSecret(secret, binding(accountId, endpointId));
}

export function openEndpointSecret(ctx: AppContext, accountId: string, endpointId: string, sealed: string): string {
  const key = `${endpointId}\0${sealed}`;
  const hit = opened.get(key);
  if (hit) return hit;
  if (!ctx.secrets) throw new Error("no secret box to open the webhook secret with");
  const plain = ctx.secrets.openSecret(sealed, binding(accountId, endpointId));
  if (opened.size > 10_000) opened.clear();
  opened.set(key, plain);
  return plain;
}
