import { DEFAULT_CONNECTED_APP, startSalesforcePeer, type SalesforcePeer } from "../../peers/salesforce/server.js";
import { callerFromApiToken } from "../app/auth.js";
import type { AppContext } from "../app/context.js";
import { configureSalesforce, isSalesforceHost } from "../app/salesforce/connection.js";
import { findReadyDemo } from "../store/demo-repo.js";
import { findSalesforceConnection, forgetOrgRecords } from "../store/salesforce-repo.js";

/**
 * The demo's Salesforce: the local Salesforce (peers/salesforce, "Salesforce (simulated)") started
 * beside the server. The demo account's connected app is set to it through the same use case an
 * admin's form calls, so Settings → Salesforce → "Connect to Salesforce" goes through its consent
 * page. Its org lives in memory (fixed record IDs: seed 1), so on each start the account's session
 * and what it remembered of the last run's org are dropped; a real Salesforce set by an admin is
 * left alone. Only the demo knows this Salesforce is local: the product sees a login URL.
 */
export const DEMO_SALESFORCE_SEED = 1;

export async function startDemoSalesforce(ctx: AppContext, log: (line: string) => void): Promise<SalesforcePeer | undefined> {
  const demo = await findReadyDemo(ctx.db);
  if (!demo?.api_token || !ctx.secrets?.canSeal) return undefined;
  const admin = await callerFromApiToken(ctx.db, demo.api_token);
  if (!admin) return undefined;
  const existing = await findSalesforceConnection(ctx.db, demo.account_id);
  if (existing && isSalesforceHost(existing.login_url)) return undefined;
  const peer = await startSalesforcePeer({ seed: DEMO_SALESFORCE_SEED });
  await forgetOrgRecords(ctx.db, demo.account_id);
  await configureSalesforce(ctx, admin, {
    loginUrl: peer.loginUrl, clientId: DEFAULT_CONNECTED_APP.clientId, clientSecret: DEFAULT_CONNECTED_APP.clientSecret,
  });
  log(`Salesforce (simulated) at ${peer.loginUrl}: connect it in ${ctx.publicUrl.replace(/\/$/, "")}/settings/salesforce`);
  return peer;
}
