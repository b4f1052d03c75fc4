import { SalesforceError } from "./errors.js";
import { FaultPlan, type FaultKind, type FaultRule } from "./faults.js";
import { json, type Answer } from "./http.js";
import type { SObjectType } from "./ids.js";
import type { OAuthService } from "./oauth.js";
import { sobjectTypeNamed } from "./schema.js";
import type { Org, SfRecord } from "./store.js";

/**
 * What tests (in-process) and the demo (HTTP, under /__peer/) use to look inside and steer the
 * peer: call counts per endpoint, the org's records, records changed "in Salesforce", faults,
 * token expiry, the API usage limit and whether Event has the package's custom fields.
 */
export interface PeerStats {
  /** Every call except /__peer/ ones. */
  total: number;
  /** Calls to the REST data API (/services/data/vNN.0/…): what Salesforce counts against the daily limit. */
  dataApi: number;
  /** Calls answered with a scripted fault. */
  faults: number;
  /** Per endpoint: "POST /sobjects/Event", "PATCH /sobjects/Event/{id}", "GET /query", "POST /services/oauth2/token" … */
  byEndpoint: Record<string, number>;
}

export interface LoggedCall {
  method: string;
  path: string;
  endpoint: string;
  /** The HTTP status answered, or "held" for a hung call. */
  status: number | "held";
  fault?: FaultKind;
}

export interface SalesforcePeerControl {
  stats(): PeerStats;
  resetStats(): void;
  /** The calls received, oldest first (the last 5,000). */
  calls(): LoggedCall[];
  /** Copies of every record of a type (deleted ones too with includeDeleted). */
  records(type: SObjectType, opts?: { includeDeleted?: boolean }): SfRecord[];
  record(id: string): SfRecord | undefined;
  users(): SfRecord[];
  /** Creates a record as an admin would in Salesforce (same validation as the API). */
  createRecord(type: SObjectType, values: Record<string, unknown>, opts?: { asUserId?: string }): SfRecord;
  /** Changes a record "in Salesforce" (e.g. someone edits the Event, or deactivates a user). */
  updateRecord(type: SObjectType, id: string, values: Record<string, unknown>): SfRecord;
  /** Deletes a record "in Salesforce": the API then answers ENTITY_IS_DELETED for it. */
  deleteRecord(type: SObjectType, id: string): void;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  faults(): FaultRule[];
  /** Every access token issued so far stops working (refresh tokens still work). */
  expireAccessTokens(): void;
  /** Every access and refresh token stops working (the user must authorize again). */
  revokeAllTokens(): void;
  tokens(): { accessTokens: number; refreshTokens: number };
  setAccessTokenTtl(ms: number): void;
  /** Whether Event has Event_Status__c and Cancel_Reschedule_Reason__c. */
  setEventCustomFields(present: boolean): void;
  /** API calls used today and the daily limit; past it every data call answers REQUEST_LIMIT_EXCEEDED. */
  setApiUsage(used: number, limit?: number): void;
  apiUsage(): { used: number; limit: number };
}

export class CallStats {
  total = 0;
  dataApi = 0;
  faults = 0;
  byEndpoint = new Map<string, number>();
  log: LoggedCall[] = [];

  count(endpoint: string, dataApi: boolean) {
    this.total++;
    if (dataApi) this.dataApi++;
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
  }

  record(call: LoggedCall) {
    this.log.push(call);
    if (this.log.length > 5000) this.log.shift();
  }
}

export interface PeerInternals {
  org: Org;
  oauth: OAuthService;
  faults: FaultPlan;
  stats: CallStats;
  usage: { used: number; limit: number };
}

export function createControl(p: PeerInternals): SalesforcePeerControl {
  const adminId = () => String(p.org.list("User")[0].Id);
  return {
    stats: () => ({ total: p.stats.total, dataApi: p.stats.dataApi, faults: p.stats.faults, byEndpoint: Object.fromEntries(p.stats.byEndpoint) }),
    resetStats: () => {
      Object.assign(p.stats, { total: 0, dataApi: 0, faults: 0, log: [] });
      p.stats.byEndpoint.clear();
    },
    calls: () => p.stats.log.map((c) => ({ ...c })),
    records: (type, opts) => p.org.list(type, opts?.includeDeleted).map((r) => ({ ...r })),
    record: (id) => {
      const r = p.org.find(id);
      return r && { ...r };
    },
    users: () => p.org.list("User").map((r) => ({ ...r })),
    createRecord: (type, values, opts) => ({ ...p.org.create(type, values, opts?.asUserId ?? adminId()) }),
    updateRecord: (type, id, values) => ({ ...p.org.update(type, id, values, adminId()) }),
    deleteRecord: (type, id) => p.org.delete(type, id, adminId()),
    setFaults: (rules) => p.faults.set(rules),
    addFault: (rule) => p.faults.add(rule),
    clearFaults: () => p.faults.set([]),
    faults: () => p.faults.list(),
    expireAccessTokens: () => p.oauth.expireAccessTokens(),
    revokeAllTokens: () => p.oauth.revokeAll(),
    tokens: () => p.oauth.counts(),
    setAccessTokenTtl: (ms) => { p.oauth.accessTokenTtlMs = ms; },
    setEventCustomFields: (present) => { p.org.shape = { ...p.org.shape, eventCustomFields: present }; },
    setApiUsage: (used, limit) => { p.usage.used = used; if (limit !== undefined) p.usage.limit = limit; },
    apiUsage: () => ({ ...p.usage }),
  };
}

/** The same control over HTTP, for the demo and for tests in another process. */
export function controlHttp(control: SalesforcePeerControl, method: string, url: URL, body: Buffer): Answer {
  const parts = url.pathname.split("/").filter(Boolean).slice(1); // after "__peer"
  const input = body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
  const type = () => {
    const t = sobjectTypeNamed(parts[1] ?? "");
    if (!t) throw new SalesforceError(404, "NOT_FOUND", `unknown sobject type ${parts[1]}`);
    return t;
  };
  const route = `${method} ${parts[0] ?? ""}${parts.length > 2 ? "/:id" : parts.length > 1 ? "/:type" : ""}`;
  switch (route) {
    case "GET stats": return json(200, control.stats());
    case "DELETE stats": control.resetStats(); return { status: 204 };
    case "GET calls": return json(200, control.calls());
    case "GET users": return json(200, control.users());
    case "GET records/:type": return json(200, control.records(type(), { includeDeleted: url.searchParams.get("includeDeleted") === "true" }));
    case "POST records/:type": return json(201, control.createRecord(type(), input));
    case "PATCH records/:id": return json(200, control.updateRecord(type(), parts[2], input));
    case "DELETE records/:id": control.deleteRecord(type(), parts[2]); return { status: 204 };
    case "GET faults": return json(200, control.faults());
    case "PUT faults": control.setFaults((input as { rules?: FaultRule[] }).rules ?? []); return json(200, control.faults());
    case "POST faults": control.addFault(input as unknown as FaultRule); return json(200, control.faults());
    case "DELETE faults": control.clearFaults(); return { status: 204 };
    case "POST expire-access-tokens": control.expireAccessTokens(); return json(200, control.tokens());
    case "POST revoke-all-tokens": control.revokeAllTokens(); return json(200, control.tokens());
    case "GET tokens": return json(200, control.tokens());
    case "GET org": return json(200, { apiUsage: control.apiUsage(), tokens: control.tokens() });
    case "PATCH org": {
      const o = input as { eventCustomFields?: boolean; apiUsage?: number; apiRequestLimit?: number; accessTokenTtlMs?: number };
      if (o.eventCustomFields !== undefined) control.setEventCustomFields(o.eventCustomFields);
      if (o.apiUsage !== undefined || o.apiRequestLimit !== undefined) control.setApiUsage(o.apiUsage ?? control.apiUsage().used, o.apiRequestLimit);
      if (o.accessTokenTtlMs !== undefined) control.setAccessTokenTtl(o.accessTokenTtlMs);
      return json(200, { apiUsage: control.apiUsage(), tokens: control.tokens() });
    }
    default: return json(404, { error: `no control route ${method} ${url.pathname}` });
  }
}
