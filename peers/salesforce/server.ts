import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CallStats, controlHttp, createControl, type SalesforcePeerControl } from "./control.js";
import { jsonParserError, notFound, requestLimitExceeded, SalesforceError } from "./errors.js";
import { faultAnswer, FaultPlan, type CallInfo, type FaultRule } from "./faults.js";
import { json, readBody, send, type Answer } from "./http.js";
import { IdMinter } from "./ids.js";
import { DEFAULT_CONNECTED_APP, OAuthService, type ConnectedApp } from "./oauth.js";
import { QueryEngine } from "./query.js";
import { DataApi } from "./rest.js";
import { seedOrg } from "./seed.js";
import { Org } from "./store.js";

/**
 * A faithful local Salesforce: the OAuth login host and the org's instance host, each on its own
 * port (as login.salesforce.com and MyDomain.my.salesforce.com are different hosts), so a client
 * that sends data calls to the login URL instead of the `instance_url` it was given gets a 404,
 * as it would against Salesforce.
 */
export interface SalesforcePeerOptions {
  /** Port of the login host (OAuth); 0 or absent: any free port. */
  port?: number;
  /** Port of the instance host (REST data API, and OAuth too, as My Domain serves both); 0 or absent: any free port. */
  instancePort?: number;
  host?: string;
  /** The newest API version the org speaks, e.g. "v62.0" (default); every version from v31.0 up to it answers. */
  apiVersion?: string;
  /** Lifetime of access tokens (default 2 hours, Salesforce's default session timeout). */
  accessTokenTtlMs?: number;
  /** The connected apps that may log in (default: one, DEFAULT_CONNECTED_APP, any redirect_uri). */
  connectedApps?: ConnectedApp[];
  /** Seeds the fault PRNG and the record IDs (default: faults seeded with 1, IDs random per start). */
  seed?: number;
  /** Start with only the administrator user: no other users, accounts, contacts, leads or cases. */
  empty?: boolean;
  /** Whether Event has the package's custom fields Event_Status__c and Cancel_Reschedule_Reason__c (default true). */
  eventCustomFields?: boolean;
  /** Daily API request limit reported in Sforce-Limit-Info and enforced (default 15,000). */
  apiRequestLimit?: number;
  /** Faults active from the start. */
  faults?: FaultRule[];
  /** The peer's clock in epoch ms (token expiry, CreatedDate …); default Date.now. */
  now?: () => number;
}

export interface SalesforcePeer {
  /** The login URL: give it to jsforce as `loginUrl` (OAuth2 authorize/token/revoke live here). */
  url: string;
  loginUrl: string;
  /** The instance URL the token answer's `instance_url` names (REST data API). */
  instanceUrl: string;
  /** The newest API version, without the "v": "62.0" (jsforce's `version`). */
  apiVersion: string;
  organizationId: string;
  /** The first connected app: its clientId/clientSecret for jsforce's OAuth2. */
  connectedApp: ConnectedApp;
  control: SalesforcePeerControl;
  close(): Promise<void>;
}

const OLDEST_VERSION = 31;
const SEASONS = ["Winter", "Spring", "Summer"];

function versionsList(latest: number) {
  const list = [];
  for (let v = OLDEST_VERSION; v <= latest; v++) {
    const k = v - 59; // 59.0 was Winter '24
    list.push({ label: `${SEASONS[((k % 3) + 3) % 3]} '${24 + Math.floor(k / 3)}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return list;
}

function classify(method: string, path: string): CallInfo & { version?: string; segments?: string[] } {
  const data = /^\/services\/data\/v(\d+\.\d+)(?:\/(.*))?$/.exec(path);
  if (data) {
    const segments = (data[2] ?? "").split("/").filter(Boolean);
    const named = segments.map((s, i) =>
      /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(s) ? "{id}" : i === 1 && /^query(All)?$/.test(segments[0]) ? "{locator}" : s);
    return { method, path, endpoint: `${method} /${named.join("/")}`, dataApi: true, version: data[1], segments };
  }
  if (path.startsWith("/id/")) return { method, path, endpoint: `${method} /id/{orgId}/{userId}`, dataApi: false };
  return { method, path, endpoint: `${method} ${path.replace(/\/$/, "") || "/"}`, dataApi: false };
}

export async function startSalesforcePeer(opts: SalesforcePeerOptions = {}): Promise<SalesforcePeer> {
  const host = opts.host ?? "127.0.0.1";
  const latest = Number(/^v?(\d+)\.0$/.exec(opts.apiVersion ?? "v62.0")?.[1]);
  if (!(latest >= OLDEST_VERSION)) throw new Error(`apiVersion must look like "v62.0" (at least v${OLDEST_VERSION}.0)`);
  const now = opts.now ?? Date.now;
  const org = new Org(new IdMinter(opts.seed), now);
  org.shape = { eventCustomFields: opts.eventCustomFields ?? true };
  seedOrg(org, { empty: opts.empty ?? false });
  const urls = { login: "", instance: "" };
  const apps = opts.connectedApps?.length ? opts.connectedApps : [DEFAULT_CONNECTED_APP];
  const oauth = new OAuthService({ org, apps, now, loginUrl: () => urls.login, instanceUrl: () => urls.instance }, opts.accessTokenTtlMs ?? 2 * 3600_000);
  const faults = new FaultPlan(opts.seed ?? 1);
  faults.set(opts.faults ?? []);
  const stats = new CallStats();
  const usage = { used: 0, limit: opts.apiRequestLimit ?? 15_000 };
  const control = createControl({ org, oauth, faults, stats, usage });
  const data = new DataApi(org, new QueryEngine(org));

  function dataCall(role: "login" | "instance", req: IncomingMessage, call: ReturnType<typeof classify>, url: URL, body: Buffer): Answer {
    const version = Number(call.version);
    if (role === "login" || !Number.isInteger(version) || version < OLDEST_VERSION || version > latest || `${version}.0` !== call.version) throw notFound();
    const { userId } = oauth.session(req.headers.authorization);
    if (++usage.used > usage.limit) throw requestLimitExceeded();
    let parsed: unknown;
    if (body.length && req.method !== "GET" && req.method !== "DELETE") {
      const type = req.headers["content-type"] ?? "";
      if (!/^application\/json\b/i.test(type))
        throw new SalesforceError(415, "UNSUPPORTED_MEDIA_TYPE", `Content-Type header specified in HTTP request is not supported: ${type}`);
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (e) {
        throw jsonParserError(`${(e as Error).message} at [line:1, column:1]`);
      }
    }
    const batch = /batchSize=(\d+)/.exec(String(req.headers["sforce-query-options"] ?? ""))?.[1];
    return data.handle({
      method: call.method, segments: call.segments!, version: call.version!, url, body: parsed, userId,
      batchSize: Math.min(2000, Math.max(200, Number(batch ?? 2000))),
      identityUrl: `${urls.login}/id/${org.organizationId}/${userId}`, apiUsage: { ...usage },
    });
  }

  function answer(role: "login" | "instance", req: IncomingMessage, call: ReturnType<typeof classify>, url: URL, body: Buffer): Answer {
    try {
      if (call.dataApi) {
        const result = dataCall(role, req, call, url, body);
        return { ...result, headers: { ...result.headers, "Sforce-Limit-Info": `api-usage=${usage.used}/${usage.limit}` } };
      }
      if (call.endpoint === "GET /services/data") return json(200, versionsList(latest));
      return oauth.handle(call.method, url, body, req.headers["content-type"], req.headers.authorization) ?? json(404, [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]);
    } catch (e) {
      if (e instanceof SalesforceError) return json(e.status, e.body());
      console.error("salesforce peer: unexpected error", e);
      return json(500, [{ errorCode: "UNKNOWN_EXCEPTION", message: "An unexpected error occurred in the simulated org." }]);
    }
  }

  async function handle(role: "login" | "instance", req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://peer.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      return send(res, json(413, [{ errorCode: "REQUEST_ENTITY_TOO_LARGE", message: "Request body too large" }]));
    }
    if (url.pathname === "/__peer" || url.pathname.startsWith("/__peer/")) {
      try {
        return send(res, controlHttp(control, method, url, body));
      } catch (e) {
        return send(res, e instanceof SalesforceError ? json(e.status, e.body()) : json(400, { error: (e as Error).message }));
      }
    }
    const call = classify(method, url.pathname);
    stats.count(call.endpoint, call.dataApi);
    const rule = faults.pick(call);
    if (rule) stats.faults++;
    const log = (status: number | "held") => stats.record({ method, path: url.pathname, endpoint: call.endpoint, status, ...(rule ? { fault: rule.kind } : {}) });
    const token = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const before = !rule || (rule.phase ?? "before") === "before";
    let result: Answer | undefined = rule && before ? undefined : answer(role, req, call, url, body);
    if (rule?.kind === "hang") return log("held"); // the socket stays open until the client gives up or the peer closes
    if (rule?.kind === "slow") await new Promise((r) => setTimeout(r, rule.delayMs ?? 3000));
    if (rule && rule.kind !== "slow") {
      if (rule.kind === "invalid-session" && token) oauth.revokeAccessToken(token);
      const recordId = call.segments?.find((s) => /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(s)) ?? (result?.body as { id?: string } | undefined)?.id;
      const failure = faultAnswer(rule.kind, recordId, call.path.startsWith("/services/oauth2/"));
      result = json(failure.status, failure.body);
    }
    result ??= answer(role, req, call, url, body);
    if (res.destroyed) return log("held");
    send(res, result);
    log(result.status);
  }

  const listen = async (role: "login" | "instance", port: number) => {
    const server = http.createServer((req, res) => void handle(role, req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    return { server, url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}` };
  };
  const login = await listen("login", opts.port ?? 0);
  const instance = await listen("instance", opts.instancePort ?? 0).catch(async (e) => {
    await new Promise((r) => login.server.close(r));
    throw e;
  });
  urls.login = login.url;
  urls.instance = instance.url;

  return {
    url: login.url, loginUrl: login.url, instanceUrl: instance.url, apiVersion: `${latest}.0`,
    organizationId: org.organizationId, connectedApp: apps[0], control,
    close: async () => {
      await Promise.all([login.server, instance.server].map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections(); // held ("hang") calls and keep-alive sockets
      })));
    },
  };
}

export type { ConnectedApp, FaultRule, SalesforcePeerControl };
export { DEFAULT_CONNECTED_APP };
export type { SfRecord } from "./store.js";
export type { SObjectType } from "./ids.js";
export type { FaultKind } from "./faults.js";
export type { PeerStats, LoggedCall } from "./control.js";
