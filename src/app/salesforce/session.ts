import type { AppContext } from "../context.js";
import { findSalesforceConnection, updateSalesforceConnection, type SalesforceConnectionRow } from "../../store/salesforce-repo.js";
import { SalesforceApi, type ConnectedApp, type SalesforceApiOptions } from "../../integrations/salesforce/client.js";

/** Where Salesforce sends the admin back after consent (must be the connected app's callback URL). */
export function callbackUrl(ctx: AppContext): string {
  return `${ctx.publicUrl.replace(/\/$/, "")}/api/v1/salesforce/callback`;
}

const purpose = (what: "client_secret" | "access_token" | "refresh_token") => `salesforce.${what}`;

export function seal(ctx: AppContext, accountId: string, what: "client_secret" | "access_token" | "refresh_token", plain: string): string {
  return ctx.secrets!.sealSecret(plain, { accountId, purpose: purpose(what) });
}

function open(ctx: AppContext, accountId: string, what: "client_secret" | "access_token" | "refresh_token", sealed: string): string {
  return ctx.secrets!.openSecret(sealed, { accountId, purpose: purpose(what) });
}

export function connectedApp(ctx: AppContext, c: SalesforceConnectionRow): ConnectedApp {
  return { loginUrl: c.login_url, clientId: c.client_id, clientSecret: open(ctx, c.account_id, "client_secret", c.client_secret_sealed), redirectUri: callbackUrl(ctx) };
}

export function isConnected(c: SalesforceConnectionRow | undefined): c is SalesforceConnectionRow & { instance_url: string; access_token_sealed: string; refresh_token_sealed: string } {
  return Boolean(c?.instance_url && c.access_token_sealed && c.refresh_token_sealed);
}

/**
 * The account's Salesforce data API, from its stored (sealed) session; undefined when not connected.
 * A refreshed access token is sealed and stored, so the next delivery starts with it.
 */
export async function salesforceFor(ctx: AppContext, accountId: string, opts: SalesforceApiOptions = {}) {
  const c = await findSalesforceConnection(ctx.db, accountId);
  if (!isConnected(c) || !ctx.secrets) return undefined;
  const api = new SalesforceApi(connectedApp(ctx, c), {
    instanceUrl: c.instance_url,
    accessToken: open(ctx, accountId, "access_token", c.access_token_sealed),
    refreshToken: open(ctx, accountId, "refresh_token", c.refresh_token_sealed),
    apiVersion: c.api_version,
  }, {
    // Every delivery's client of this org shares one batcher: concurrent calls go as one Composite call.
    batchKey: `${c.instance_url}|${accountId}`,
    ...opts,
    onRefresh: async (token) => {
      await updateSalesforceConnection(ctx.db, accountId, { access_token_sealed: seal(ctx, accountId, "access_token", token), updated_at: ctx.clock.now() });
      await opts.onRefresh?.(token);
    },
  });
  return { api, connection: c };
}
