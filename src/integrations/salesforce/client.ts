import { Connection, OAuth2 } from "@jsforce/jsforce-node";
import { batcherFor, type CompositeCall, type CompositeTransport, type SubrequestAnswer } from "./composite-batcher.js";

/**
 * The one place Bookstream talks to Salesforce: jsforce over Salesforce's REST API. Everything the
 * connector needs is here — the OAuth 2.0 web-server flow, create/update/query/describe — behind a
 * small interface, with Salesforce's errors turned into a `SalesforceError` that says whether to retry.
 *
 * jsforce's own retries are off (the outbox retries, with back-off and a visible delivery state),
 * each call has a timeout, and a token refresh on INVALID_SESSION_ID is capped: jsforce would
 * otherwise refresh and retry for ever against an org that keeps refusing the session.
 */
export interface ConnectedApp {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface SalesforceSession {
  instanceUrl: string;
  accessToken: string;
  refreshToken: string;
  apiVersion: string;
}

export type SalesforceErrorKind = "session" | "limit" | "deleted" | "invalid_field" | "transient" | "refused";

export class SalesforceError extends Error {
  constructor(readonly kind: SalesforceErrorKind, readonly code: string, message: string, readonly fields: string[] = []) {
    super(`${code}: ${message}`);
    this.name = "SalesforceError";
  }
  get retryable(): boolean {
    return this.kind === "session" || this.kind === "limit" || this.kind === "transient";
  }
}

const TRANSIENT_CODES = new Set(["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "ERROR_HTTP_500", "ERROR_HTTP_502", "ERROR_HTTP_503", "ERROR_HTTP_504"]);

/** Salesforce's error (a jsforce error with errorCode, a network failure, a timeout) as a SalesforceError. */
export function classify(err: unknown): SalesforceError {
  if (err instanceof SalesforceError) return err;
  const e = err as { errorCode?: string; name?: string; message?: string; code?: string; data?: unknown };
  const code = e?.errorCode ?? (e?.name === "AbortError" ? "TIMEOUT" : e?.code ?? "UNKNOWN");
  const message = String(e?.message ?? err).slice(0, 500);
  const fields = Array.isArray(e?.data) ? ((e.data as { fields?: string[] }[])[0]?.fields ?? []) : [];
  if (code === "INVALID_SESSION_ID" || /Unable to refresh session/.test(message)) return new SalesforceError("session", code, message);
  if (code === "REQUEST_LIMIT_EXCEEDED") return new SalesforceError("limit", code, message);
  if (code === "ENTITY_IS_DELETED" || code === "NOT_FOUND") return new SalesforceError("deleted", code, message);
  if (code === "INVALID_FIELD" || code === "INVALID_FIELD_FOR_INSERT_UPDATE") return new SalesforceError("invalid_field", code, message, fields);
  if (TRANSIENT_CODES.has(code) || code === "TIMEOUT" || /^E[A-Z]+$/.test(code) || code === "UNKNOWN") return new SalesforceError("transient", code, message);
  return new SalesforceError("refused", code, message, fields);
}

export function oauthClient(app: ConnectedApp): OAuth2 {
  return new OAuth2({ loginUrl: app.loginUrl, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: app.redirectUri });
}

export function authorizationUrl(app: ConnectedApp, state: string): string {
  return oauthClient(app).getAuthorizationUrl({ state, scope: "api refresh_token" });
}

/** Exchanges the callback's code: the session plus who it belongs to (the identity URL's ids). */
export async function exchangeCode(app: ConnectedApp, code: string, apiVersion: string, timeoutMs = 20_000) {
  const oauth2 = oauthClient(app);
  const res = await withTimeout(oauth2.requestToken(code), timeoutMs).catch((err) => {
    throw new SalesforceError("refused", "invalid_grant", String((err as Error)?.message ?? err));
  });
  const [, orgId, userId] = /\/id\/([^/]+)\/([^/]+)$/.exec(res.id ?? "") ?? [];
  return {
    session: { instanceUrl: res.instance_url, accessToken: res.access_token, refreshToken: res.refresh_token ?? "", apiVersion },
    orgId: orgId ?? null,
    userId: userId ?? null,
  };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error("timed out"), { name: "AbortError" })), ms); });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SalesforceApiOptions {
  timeoutMs?: number;
  /** Called with a new access token after a refresh (the caller seals and stores it). */
  onRefresh?: (accessToken: string) => Promise<void> | void;
  /** Refreshes allowed per client before giving up (default 2). */
  maxRefreshes?: number;
  /**
   * Calls of every client with this key (one org session) made within `batchWindowMs` of each
   * other go as one Composite call (composite-batcher.ts). Unset: each call on its own.
   */
  batchKey?: string;
  /**
   * Default 10 ms. Measured at 50 changes a second on PostgreSQL (bench/salesforce.ts): 5 ms gave
   * 0.82 calls per change, 10 ms 0.7 with the sync lag's p95 at ~0.5 s, 20 ms 0.52 with the p95 near 1 s.
   */
  batchWindowMs?: number;
}

export const COMPOSITE_WINDOW_MS = 10;

type Rec = Record<string, unknown>;

/** A session's data API. Counts its calls (the bench's "API calls per change"). */
export class SalesforceApi {
  calls = 0;
  private refreshes = 0;
  private readonly conn: Connection;
  private readonly timeoutMs: number;
  private readonly version: string;

  constructor(app: ConnectedApp, session: SalesforceSession, private readonly opts: SalesforceApiOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    this.version = session.apiVersion.replace(/^v/, "");
    const oauth2 = oauthClient(app);
    this.conn = new Connection({
      oauth2, instanceUrl: session.instanceUrl, accessToken: session.accessToken, refreshToken: session.refreshToken, version: session.apiVersion,
      refreshFn: (conn, callback) => {
        if (++this.refreshes > (opts.maxRefreshes ?? 2)) return void callback(new SalesforceError("session", "INVALID_SESSION_ID", "the session was refused again after refreshing it"));
        withTimeout(oauth2.refreshToken(session.refreshToken), this.timeoutMs).then(async (res) => {
          conn.accessToken = res.access_token;
          if (res.instance_url) conn.instanceUrl = res.instance_url;
          await opts.onRefresh?.(res.access_token);
          callback(undefined, res.access_token, res as never);
        }, (err) => callback(err as Error));
      },
    });
  }

  private async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    if (!this.opts.batchKey) return this.send<T>(method, url, body);
    return batcherFor(this.opts.batchKey, this.opts.batchWindowMs ?? COMPOSITE_WINDOW_MS).request(this.transport, { method, url, body }) as Promise<T>;
  }

  /** How the batcher sends: a plain call, or the Composite resource with each call as a subrequest. */
  private readonly transport: CompositeTransport = {
    single: (c: CompositeCall) => this.send(c.method, c.url, c.body),
    composite: async (calls: CompositeCall[]) => {
      const r = await this.send<{ compositeResponse: (SubrequestAnswer & { referenceId: string })[] }>("POST", "/composite", {
        allOrNone: false,
        compositeRequest: calls.map((c, i) => ({ method: c.method, url: `/services/data/v${this.version}${c.url}`, referenceId: `call${i}`, ...(c.body !== undefined ? { body: c.body } : {}) })),
      });
      const byRef = new Map(r.compositeResponse.map((a) => [a.referenceId, a]));
      return calls.map((_, i) => byRef.get(`call${i}`)!);
    },
    errorOf: (a: SubrequestAnswer) => {
      const first = Array.isArray(a.body) ? (a.body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
      return classify({ errorCode: first?.errorCode ?? `ERROR_HTTP_${a.httpStatusCode}`, message: first?.message ?? `HTTP ${a.httpStatusCode}`, data: a.body });
    },
  };

  private async send<T>(method: string, url: string, body?: unknown): Promise<T> {
    this.calls++;
    try {
      return (await this.conn.request<T>(
        { method: method as "GET", url, ...(body !== undefined ? { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } } : {}) },
        { timeout: this.timeoutMs, retry: { maxRetries: 0 } } as never,
      )) as T;
    } catch (err) {
      throw classify(err);
    }
  }

  async create(type: string, fields: Rec): Promise<string> {
    const r = await this.call<{ id: string; success: boolean; errors: unknown[] }>("POST", `/sobjects/${type}`, fields);
    return r.id;
  }

  async update(type: string, id: string, fields: Rec): Promise<void> {
    await this.call("PATCH", `/sobjects/${type}/${encodeURIComponent(id)}`, fields);
  }

  async retrieve(type: string, id: string, fields: string[]): Promise<Rec> {
    return this.call<Rec>("GET", `/sobjects/${type}/${encodeURIComponent(id)}?fields=${fields.join(",")}`);
  }

  async query<T = Rec>(soql: string): Promise<T[]> {
    const r = await this.call<{ records: T[] }>("GET", `/query?q=${encodeURIComponent(soql)}`);
    return r.records;
  }

  /** The API names of an object's fields. */
  async fieldNames(type: string): Promise<string[]> {
    const r = await this.call<{ fields: { name: string }[] }>("GET", `/sobjects/${type}/describe`);
    return r.fields.map((f) => f.name);
  }

  async identity(userId: string): Promise<{ Username?: string; Name?: string; Email?: string }> {
    return this.retrieve("User", userId, ["Username", "Name", "Email"]);
  }
}

/** A SOQL string literal. */
export function soqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Salesforce IDs are 15 or 18 alphanumerics; anything else never reaches a query. */
export function isSalesforceId(s: string): boolean {
  return /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(s);
}
