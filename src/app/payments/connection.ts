import { randomBytes } from "node:crypto";
import { DomainError, forbidden, invalid, notFound, unprocessable } from "../../domain/errors.js";
import { deleteConnection, findConnection, setConnectionWebhookId, upsertConnection } from "../../store/payments-repo.js";
import { inTransaction } from "../activity-writes.js";
import type { AppContext, Caller } from "../context.js";
import { PaymentProviderError } from "./gateway.js";

/**
 * The account's PayPal connection, for admins: the REST app's client id and secret (the secret
 * sealed at rest, never returned), sandbox or live, the base URL (PayPal's own by default; the
 * local PayPal's in tests and the demo), and the webhook PayPal signs its messages for. Connecting
 * checks the credentials first and subscribes Bookstream's webhook URL unless a webhook id is given.
 */
export interface PayPalSettingsInput {
  mode: "sandbox" | "live";
  baseUrl?: string;
  clientId: string;
  clientSecret: string;
  webhookId?: string;
}

export const PAYPAL_BASE_URLS = { sandbox: "https://api-m.sandbox.paypal.com", live: "https://api-m.paypal.com" } as const;

function assertAdmin(caller: Caller) {
  if (caller.role !== "admin") throw forbidden("Only an admin may see or change the account's PayPal connection.");
}

export function webhookUrl(ctx: AppContext, key: string): string {
  return `${ctx.publicUrl.replace(/\/$/, "")}/api/v1/webhooks/paypal/${key}`;
}

export async function getPayPalConnection(ctx: AppContext, caller: Caller) {
  assertAdmin(caller);
  const c = await findConnection(ctx.db, caller.accountId);
  if (!c) return { connected: false as const };
  return {
    connected: true as const,
    mode: c.mode,
    baseUrl: c.base_url,
    clientId: c.client_id,
    webhookId: c.webhook_id,
    webhookUrl: webhookUrl(ctx, c.webhook_key),
    /** A base URL that is not PayPal's own: the local PayPal of tests and the demo. */
    simulated: !Object.values(PAYPAL_BASE_URLS).includes(c.base_url as never),
    connectedAt: c.connected_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

export async function connectPayPal(ctx: AppContext, caller: Caller, input: PayPalSettingsInput) {
  assertAdmin(caller);
  if (!ctx.payments) throw unprocessable("This server takes no payments.", { reason: "payments_unavailable" });
  if (!ctx.secrets?.canSeal) throw unprocessable("This server cannot store credentials: set BOOKSTREAM_SECRET_KEY first.", { reason: "secret_key_missing" });
  const baseUrl = (input.baseUrl ?? PAYPAL_BASE_URLS[input.mode]).replace(/\/+$/, "");
  if (input.mode === "live" && !baseUrl.startsWith("https://")) throw invalid("baseUrl", "a live connection must use https");
  const probe = ctx.payments.forCredentials({ baseUrl, clientId: input.clientId, clientSecret: input.clientSecret, webhookId: input.webhookId, mode: input.mode });
  try {
    await probe.checkCredentials();
  } catch (err) {
    if (!(err instanceof PaymentProviderError)) throw err;
    if (err.retryable) throw new DomainError("provider_unavailable", `PayPal at ${baseUrl} did not answer; try again.`, { field: "baseUrl" });
    throw unprocessable(`PayPal refused these credentials (${err.message}).`, { field: "clientSecret", reason: "credentials_refused" });
  }
  const existing = await findConnection(ctx.db, caller.accountId);
  const key = existing?.webhook_key ?? randomBytes(18).toString("base64url");
  let webhookId = input.webhookId ?? null;
  let webhookProblem: string | null = null;
  if (!webhookId) {
    try {
      webhookId = await probe.subscribeWebhook(webhookUrl(ctx, key));
    } catch (err) {
      if (!(err instanceof PaymentProviderError)) throw err;
      webhookProblem = `PayPal did not subscribe ${webhookUrl(ctx, key)} (${err.message}); subscribe it in PayPal's dashboard and enter its webhook id.`;
    }
  }
  const now = ctx.clock.now();
  await inTransaction(ctx, (tx) =>
    upsertConnection(tx, {
      account_id: caller.accountId,
      mode: input.mode,
      base_url: baseUrl,
      client_id: input.clientId,
      client_secret_sealed: ctx.secrets!.sealSecret(input.clientSecret, { accountId: caller.accountId, purpose: "paypal.client_secret" }),
      webhook_id: webhookId,
      webhook_key: key,
      connected_by: caller.userId,
      at: now,
    }),
  );
  ctx.payments?.forget(caller.accountId);
  return { ...(await getPayPalConnection(ctx, caller)), webhookProblem };
}

/** Sets the webhook id by hand (a webhook subscribed in PayPal's dashboard). */
export async function setPayPalWebhookId(ctx: AppContext, caller: Caller, webhookId: string) {
  assertAdmin(caller);
  if (!(await findConnection(ctx.db, caller.accountId))) throw notFound("PayPal connection", caller.accountId);
  await setConnectionWebhookId(ctx.db, caller.accountId, webhookId, ctx.clock.now());
  ctx.payments?.forget(caller.accountId);
  return getPayPalConnection(ctx, caller);
}

/** "Test the connection": the stored credentials still get a token from PayPal. */
export async function testPayPalConnection(ctx: AppContext, caller: Caller) {
  assertAdmin(caller);
  const gateway = await ctx.payments?.forAccount(caller.accountId);
  if (!gateway) throw notFound("PayPal connection", caller.accountId);
  try {
    await gateway.checkCredentials();
    return { ok: true, message: "PayPal accepted the stored credentials." };
  } catch (err) {
    if (!(err instanceof PaymentProviderError)) throw err;
    return { ok: false, message: err.retryable ? "PayPal did not answer; try again in a moment." : `PayPal refused the stored credentials (${err.message}).` };
  }
}

export async function disconnectPayPal(ctx: AppContext, caller: Caller): Promise<void> {
  assertAdmin(caller);
  if (!(await deleteConnection(ctx.db, caller.accountId))) throw notFound("PayPal connection", caller.accountId);
  ctx.payments?.forget(caller.accountId);
}
