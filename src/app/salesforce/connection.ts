import { createHash, randomBytes } from "node:crypto";
import { DomainError, forbidden, invalid, notFound, unprocessable } from "../../domain/errors.js";
import type { SalesforceNoMatch } from "../../store/schema.js";
import {
  deleteSalesforceConnection, findSalesforceConnection, insertOauthState, takeOauthState, updateSalesforceConnection, upsertSalesforceConnection,
} from "../../store/salesforce-repo.js";
import { authorizationUrl, exchangeCode, SalesforceApi, SalesforceError } from "../../integrations/salesforce/client.js";
import type { AppContext, Caller } from "../context.js";
import { callbackUrl, connectedApp, isConnected, salesforceFor, seal } from "./session.js";

/**
 * The account's Salesforce connection, for admins. Two steps: the connected app (login URL — the
 * org's My Domain or test.salesforce.com for sandboxes —, client id, client secret sealed at rest),
 * then the OAuth 2.0 web-server flow whose tokens are sealed too. Nothing secret is ever returned.
 */
export interface SalesforceSettingsInput {
  loginUrl: string;
  clientId: string;
  clientSecret?: string;
  statusField?: string;
  reasonField?: string;
  noMatch?: SalesforceNoMatch;
}

/** login/test.salesforce.com, My Domains (*.my.salesforce.com) and the older *.force.com hosts. */
export function isSalesforceHost(url: string): boolean {
  try {
    return /(^|\.)(salesforce|force)\.com$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

export const DEFAULT_LOGIN_URL = "https://login.salesforce.com";
const STATE_TTL_MS = 15 * 60_000;

function assertAdmin(caller: Caller) {
  if (caller.role !== "admin") throw forbidden("Only an admin may see or change the account's Salesforce connection.");
}

const hashState = (s: string) => createHash("sha256").update(s).digest("base64url");

export async function getSalesforceConnection(ctx: AppContext, caller: Caller) {
  assertAdmin(caller);
  const c = await findSalesforceConnection(ctx.db, caller.accountId);
  const base = ctx.publicUrl.replace(/\/$/, "");
  const common = { callbackUrl: callbackUrl(ctx), scheduleButtonUrl: `${base}/schedule?sf={!Id}` };
  if (!c) return { configured: false, connected: false, ...common };
  return {
    configured: true,
    connected: isConnected(c),
    loginUrl: c.login_url,
    simulated: !isSalesforceHost(c.login_url),
    clientId: c.client_id,
    connectedAs: isConnected(c) ? { userId: c.sf_user_id, username: c.sf_username } : null,
    statusField: c.status_field,
    reasonField: c.reason_field,
    missingFields: c.missing_fields,
    noMatch: c.no_match,
    connectedAt: c.connected_at?.toISOString() ?? null,
    ...common,
  };
}

/** Saves the connected app and the connector's options (changing the app needs connecting again). */
export async function configureSalesforce(ctx: AppContext, caller: Caller, input: SalesforceSettingsInput) {
  assertAdmin(caller);
  if (!ctx.secrets?.canSeal) throw unprocessable("This server cannot store credentials: set BOOKSTREAM_SECRET_KEY first.", { reason: "secret_key_missing" });
  const existing = await findSalesforceConnection(ctx.db, caller.accountId);
  if (!input.clientSecret && !existing) throw invalid("clientSecret", "the connected app's consumer secret is required");
  const loginUrl = input.loginUrl.replace(/\/+$/, "");
  const appChanged = !existing || existing.login_url !== loginUrl || existing.client_id !== input.clientId || Boolean(input.clientSecret);
  await upsertSalesforceConnection(ctx.db, {
    account_id: caller.accountId,
    login_url: loginUrl,
    client_id: input.clientId,
    client_secret_sealed: input.clientSecret ? seal(ctx, caller.accountId, "client_secret", input.clientSecret) : existing!.client_secret_sealed,
    status_field: input.statusField ?? existing?.status_field ?? "Event_Status__c",
    reason_field: input.reasonField ?? existing?.reason_field ?? "Cancel_Reschedule_Reason__c",
    no_match: input.noMatch ?? existing?.no_match ?? "lead",
    missing_fields: existing && !appChanged && input.statusField === undefined && input.reasonField === undefined ? existing.missing_fields : null,
    // Another org or app: the old session is dropped, the admin connects again.
    ...(appChanged
      ? { instance_url: null, access_token_sealed: null, refresh_token_sealed: null, sf_user_id: null, sf_username: null, sf_org_id: null, connected_at: null }
      : {}),
    updated_at: ctx.clock.now(),
  });
  const c = await findSalesforceConnection(ctx.db, caller.accountId);
  if (isConnected(c) && (input.statusField !== undefined || input.reasonField !== undefined)) await checkFields(ctx, caller.accountId).catch(() => undefined);
  return getSalesforceConnection(ctx, caller);
}

/** Step 1 of OAuth: the authorize URL on the login host, with a single-use state bound to this admin. */
export async function startSalesforceConnect(ctx: AppContext, caller: Caller): Promise<string> {
  assertAdmin(caller);
  const c = await findSalesforceConnection(ctx.db, caller.accountId);
  if (!c) throw unprocessable("Enter the connected app's login URL, consumer key and secret first.", { reason: "not_configured" });
  const state = randomBytes(24).toString("base64url");
  await insertOauthState(ctx.db, { state_hash: hashState(state), account_id: caller.accountId, user_id: caller.userId, expires_at: new Date(ctx.clock.now().getTime() + STATE_TTL_MS) });
  return authorizationUrl(connectedApp(ctx, c), state);
}

/** Step 2: the callback. The state must be one this admin started; the code becomes a sealed session. */
export async function completeSalesforceConnect(ctx: AppContext, caller: Caller, q: { code?: string; state?: string; error?: string; error_description?: string }) {
  assertAdmin(caller);
  if (!q.state) throw invalid("state", "missing");
  const st = await takeOauthState(ctx.db, hashState(q.state), ctx.clock.now());
  if (!st || st.account_id !== caller.accountId || st.user_id !== caller.userId) throw forbidden("This Salesforce answer does not belong to a connection you started (or it expired); connect again.", { reason: "bad_state" });
  if (q.error) throw unprocessable(`Salesforce did not connect: ${q.error_description ?? q.error}.`, { reason: q.error });
  if (!q.code) throw invalid("code", "missing");
  const c = await findSalesforceConnection(ctx.db, caller.accountId);
  if (!c) throw notFound("Salesforce connection", caller.accountId);
  const app = connectedApp(ctx, c);
  let got;
  try {
    got = await exchangeCode(app, q.code, c.api_version);
  } catch (err) {
    throw unprocessable(`Salesforce refused the authorization (${(err as Error).message}); connect again.`, { reason: "code_refused" });
  }
  let username: string | null = null;
  if (got.userId) {
    const who = await new SalesforceApi(app, got.session).identity(got.userId).catch(() => undefined);
    username = who?.Username ?? null;
  }
  const now = ctx.clock.now();
  await updateSalesforceConnection(ctx.db, caller.accountId, {
    instance_url: got.session.instanceUrl,
    access_token_sealed: seal(ctx, caller.accountId, "access_token", got.session.accessToken),
    refresh_token_sealed: seal(ctx, caller.accountId, "refresh_token", got.session.refreshToken),
    sf_user_id: got.userId, sf_username: username, sf_org_id: got.orgId,
    connected_by: caller.userId, connected_at: now, updated_at: now,
  });
  await checkFields(ctx, caller.accountId).catch(() => undefined);
  return getSalesforceConnection(ctx, caller);
}

/** Describes Event and records which of the two custom fields are missing. */
async function checkFields(ctx: AppContext, accountId: string): Promise<string[]> {
  const sf = await salesforceFor(ctx, accountId);
  if (!sf) throw unprocessable("Salesforce is not connected.", { reason: "not_connected" });
  let names: string[];
  try {
    names = await sf.api.fieldNames("Event");
  } catch (err) {
    const e = err as SalesforceError;
    throw new DomainError("provider_unavailable", `Salesforce did not describe Event (${e.message}); try again.`);
  }
  const missing = [sf.connection.status_field, sf.connection.reason_field].filter((f) => !names.includes(f));
  await updateSalesforceConnection(ctx.db, accountId, { missing_fields: missing, updated_at: ctx.clock.now() });
  return missing;
}

export async function checkSalesforceFields(ctx: AppContext, caller: Caller) {
  assertAdmin(caller);
  const c = await findSalesforceConnection(ctx.db, caller.accountId);
  if (!isConnected(c)) {
    return { missingFields: c?.missing_fields ?? [], message: "Connect Salesforce first: the check describes Event in the connected org.", statusField: c?.status_field ?? "Event_Status__c", reasonField: c?.reason_field ?? "Cancel_Reschedule_Reason__c" };
  }
  const missing = await checkFields(ctx, caller.accountId);
  return {
    missingFields: missing,
    message: missing.length === 0
      ? "Both custom fields are on Event: Events carry their status and reason."
      : `Add ${missing.join(" and ")} to Event (Setup → Object Manager → Event → Fields & Relationships) and to the Event page layout; until then Events get their standard fields only.`,
    statusField: c.status_field,
    reasonField: c.reason_field,
  };
}

export async function disconnectSalesforce(ctx: AppContext, caller: Caller): Promise<void> {
  assertAdmin(caller);
  if (!(await deleteSalesforceConnection(ctx.db, caller.accountId))) throw notFound("Salesforce connection", caller.accountId);
}
