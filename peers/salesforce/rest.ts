import { dmlError, notFound, SalesforceError } from "./errors.js";
import { json, type Answer } from "./http.js";
import { canonicalId, typeOfId, type SObjectType } from "./ids.js";
import type { QueryEngine } from "./query.js";
import { describeGlobal, describeSObject, findField, sobjectInfo, sobjectTypeNamed } from "./schema.js";
import type { Org } from "./store.js";

/**
 * The REST data API under /services/data/vNN.0/: sobject create/retrieve/update/delete and
 * describe, SOQL query/queryAll with paging, sObject Collections (composite/sobjects), the
 * Composite resource (composite: several subrequests in one call) and limits.
 */
export interface DataRequest {
  method: string;
  /** Path segments after /services/data/vNN.0/. */
  segments: string[];
  version: string;
  url: URL;
  body: unknown;
  userId: string;
  batchSize: number;
  identityUrl: string;
  apiUsage: { used: number; limit: number };
}

const MAX_COLLECTION = 200;
/** The Composite resource: 25 subrequests a call, at most 5 of them queries or sObject Collections. */
const MAX_SUBREQUESTS = 25;
const MAX_QUERY_SUBREQUESTS = 5;
const ROLLED_BACK = { statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", message: "Record rolled back because not all records were valid and the request was using AllOrNone header", fields: [] };

function methodNotAllowed(method: string, allowed: string[]): never {
  throw new SalesforceError(405, "METHOD_NOT_ALLOWED", `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(",")}`);
}

function sobjectType(name: string | undefined): SObjectType {
  const type = name ? sobjectTypeNamed(name) : undefined;
  if (!type) throw notFound();
  return type;
}

export class DataApi {
  constructor(private readonly org: Org, private readonly queries: QueryEngine) {}

  handle(r: DataRequest): Answer {
    const [head, ...rest] = r.segments;
    const base = `/services/data/v${r.version}`;
    if (head === undefined) {
      if (r.method !== "GET") methodNotAllowed(r.method, ["GET", "HEAD"]);
      return json(200, {
        tooling: `${base}/tooling`, metadata: `${base}/metadata`, eclair: `${base}/eclair`, folders: `${base}/folders`,
        prechatForms: `${base}/prechatForms`, analytics: `${base}/analytics`, identity: r.identityUrl, composite: `${base}/composite`,
        limits: `${base}/limits`, query: `${base}/query`, queryAll: `${base}/queryAll`, search: `${base}/search`,
        recent: `${base}/recent`, sobjects: `${base}/sobjects`,
      });
    }
    if (head === "sobjects") return this.sobjects(r, rest);
    if (head === "query" || head === "queryAll") {
      if (r.method !== "GET") methodNotAllowed(r.method, ["GET", "HEAD"]);
      if (rest.length === 1) return json(200, this.queries.more(rest[0], r.version, r.batchSize));
      if (rest.length) throw notFound();
      const q = r.url.searchParams.get("q");
      if (!q) throw new SalesforceError(400, "MALFORMED_QUERY", "A query string has to be specified");
      return json(200, this.queries.run(q, { includeDeleted: head === "queryAll", version: r.version, batchSize: r.batchSize }));
    }
    if (head === "composite" && rest[0] === "sobjects") return this.collections(r, rest.slice(1));
    if (head === "composite" && !rest.length) return this.composite(r);
    if (head === "limits" && !rest.length) {
      return json(200, { DailyApiRequests: { Max: r.apiUsage.limit, Remaining: Math.max(0, r.apiUsage.limit - r.apiUsage.used) } });
    }
    throw notFound();
  }

  private sobjects(r: DataRequest, rest: string[]): Answer {
    if (!rest.length) {
      if (r.method !== "GET") methodNotAllowed(r.method, ["GET", "HEAD"]);
      return json(200, describeGlobal(this.org.shape, r.version));
    }
    const type = sobjectType(rest[0]);
    if (rest.length === 1) {
      if (r.method === "GET") return json(200, sobjectInfo(this.org.def(type), r.version));
      if (r.method !== "POST") methodNotAllowed(r.method, ["GET", "HEAD", "POST"]);
      const record = this.org.create(type, r.body, r.userId);
      return json(201, { id: record.Id, success: true, errors: [] });
    }
    if (rest.length !== 2) throw notFound();
    if (rest[1] === "describe") {
      if (r.method !== "GET") methodNotAllowed(r.method, ["GET", "HEAD"]);
      return json(200, describeSObject(this.org.def(type), r.version));
    }
    const id = rest[1];
    switch (r.method) {
      case "GET": {
        const record = this.org.get(type, id);
        return json(200, this.org.view(type, record, r.version, this.fieldList(type, r.url.searchParams.get("fields"))));
      }
      case "PATCH":
        this.org.update(type, id, r.body, r.userId);
        return { status: 204 };
      case "DELETE":
        this.org.delete(type, id, r.userId);
        return { status: 204 };
      default:
        return methodNotAllowed(r.method, ["GET", "PATCH", "HEAD", "DELETE"]);
    }
  }

  private fieldList(type: SObjectType, fields: string | null): string[] | undefined {
    if (!fields) return undefined;
    const def = this.org.def(type);
    return fields.split(",").map((name) => {
      const f = findField(def, name.trim());
      if (!f) throw new SalesforceError(400, "INVALID_FIELD", `No such column '${name.trim()}' on entity '${type}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
      return f.name;
    });
  }

  /**
   * The Composite resource: subrequests run in order, each answered with its own status, headers
   * and body (an error array when it fails). With allOrNone a failure rolls back the ones before it
   * and the rest are not run; a later subrequest may use an earlier one's result as
   * `@{referenceId.field}` in its URL or body.
   */
  private composite(r: DataRequest): Answer {
    if (r.method !== "POST") methodNotAllowed(r.method, ["POST"]);
    const body = r.body as { allOrNone?: unknown; compositeRequest?: unknown };
    if (!Array.isArray(body?.compositeRequest) || !body.compositeRequest.length)
      throw new SalesforceError(400, "JSON_PARSER_ERROR", "compositeRequest must be a non-empty array of subrequests");
    const subs = body.compositeRequest as Array<{ method?: unknown; url?: unknown; referenceId?: unknown; body?: unknown }>;
    if (subs.length > MAX_SUBREQUESTS)
      throw new SalesforceError(400, "INVALID_SUBREQUEST", `Composite requests can contain up to ${MAX_SUBREQUESTS} subrequests.`);
    const refs = new Set<string>();
    let queries = 0;
    for (const sub of subs) {
      if (typeof sub?.method !== "string" || typeof sub.url !== "string" || typeof sub.referenceId !== "string")
        throw new SalesforceError(400, "INVALID_SUBREQUEST", "Each subrequest needs method, url and referenceId");
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(sub.referenceId) || refs.has(sub.referenceId))
        throw new SalesforceError(400, "INVALID_SUBREQUEST", `Invalid or duplicate referenceId: ${sub.referenceId}`);
      refs.add(sub.referenceId);
      if (/\/(query|queryAll|composite\/sobjects)\b/.test(sub.url) && ++queries > MAX_QUERY_SUBREQUESTS)
        throw new SalesforceError(400, "INVALID_SUBREQUEST", `Composite requests can contain up to ${MAX_QUERY_SUBREQUESTS} query or sObject Collections subrequests.`);
    }
    const allOrNone = body.allOrNone === true;
    const rollback = this.org.snapshot();
    const results = new Map<string, unknown>();
    const answers: { body: unknown; httpHeaders: Record<string, string>; httpStatusCode: number; referenceId: string }[] = [];
    let failed = false;
    for (const sub of subs as Array<{ method: string; url: string; referenceId: string; body?: unknown }>) {
      if (failed && allOrNone) {
        answers.push({ body: [{ errorCode: "PROCESSING_HALTED", message: "The transaction was rolled back since another operation in the same transaction failed." }], httpHeaders: {}, httpStatusCode: 400, referenceId: sub.referenceId });
        continue;
      }
      let answer: Answer;
      let path = "";
      try {
        const url = new URL(resolveReferences(sub.url, results) as string, "http://peer.invalid");
        path = url.pathname;
        const m = /^\/services\/data\/v(\d+\.\d+)\/(.*)$/.exec(url.pathname);
        if (!m) throw notFound();
        if (/^composite\/?$/.test(m[2])) throw new SalesforceError(400, "INVALID_SUBREQUEST", "A composite request cannot contain another composite request.");
        answer = this.handle({ ...r, method: sub.method.toUpperCase(), segments: m[2].split("/").filter(Boolean), version: m[1], url, body: resolveReferences(sub.body, results) });
      } catch (e) {
        if (!(e instanceof SalesforceError) || e.status >= 500) throw e;
        answer = json(e.status, e.body());
      }
      const ok = answer.status < 300;
      if (ok) results.set(sub.referenceId, answer.body);
      else failed = true;
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.status === 201) headers.Location = `${path}/${(answer.body as { id?: string }).id}`;
      answers.push({ body: answer.body ?? null, httpHeaders: headers, httpStatusCode: answer.status, referenceId: sub.referenceId });
    }
    if (failed && allOrNone) {
      rollback();
      for (const a of answers) if (a.httpStatusCode < 300) Object.assign(a, { body: [{ errorCode: "PROCESSING_HALTED", message: "The transaction was rolled back since another operation in the same transaction failed." }], httpHeaders: {}, httpStatusCode: 400 });
    }
    return json(200, { compositeResponse: answers });
  }

  /** sObject Collections: up to 200 records a call, each answered with a SaveResult in order. */
  private collections(r: DataRequest, rest: string[]): Answer {
    if (rest.length === 1) {
      const type = sobjectType(rest[0]);
      if (r.method !== "POST" && r.method !== "GET") methodNotAllowed(r.method, ["GET", "POST"]);
      const body = (r.method === "POST" ? r.body : { ids: r.url.searchParams.get("ids")?.split(","), fields: r.url.searchParams.get("fields")?.split(",") }) as { ids?: unknown; fields?: unknown };
      if (!Array.isArray(body?.ids) || !Array.isArray(body.fields) || !body.fields.length)
        throw new SalesforceError(400, "INVALID_FIELD", "ids and fields are required");
      const fields = this.fieldList(type, body.fields.join(","));
      return json(200, body.ids.map((id) => {
        const record = typeof id === "string" ? this.org.find(id) : undefined;
        return record && record.IsDeleted !== true && typeOfId(String(record.Id)) === type ? this.org.view(type, record, r.version, fields) : null;
      }));
    }
    if (rest.length) throw notFound();
    if (r.method === "DELETE") {
      const ids = (r.url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
      return this.batch(ids, r.url.searchParams.get("allOrNone") === "true", (id) => {
        const canonical = canonicalId(id);
        const type = canonical && typeOfId(canonical);
        if (!type) throw dmlError("MALFORMED_ID", `malformed id ${id}`);
        this.org.delete(type, canonical, r.userId);
        return canonical;
      }, (id) => id);
    }
    if (r.method !== "POST" && r.method !== "PATCH") methodNotAllowed(r.method, ["POST", "PATCH", "DELETE"]);
    const body = r.body as { allOrNone?: unknown; records?: unknown };
    if (!Array.isArray(body?.records)) throw new SalesforceError(400, "JSON_PARSER_ERROR", "records must be an array of sObjects");
    const records = body.records as Array<Record<string, unknown>>;
    for (const rec of records) {
      const type = (rec?.attributes as { type?: unknown } | undefined)?.type;
      if (typeof type !== "string" || !sobjectTypeNamed(type))
        throw new SalesforceError(400, "INVALID_TYPE", typeof type === "string" ? `sObject type '${type}' is not supported.` : "Each record in an sObject Collections request needs attributes.type");
    }
    const creating = r.method === "POST";
    const idOf = (rec: Record<string, unknown>) => (typeof rec.id === "string" ? rec.id : typeof rec.Id === "string" ? rec.Id : undefined);
    return this.batch(records, body.allOrNone === true, (rec) => {
      const type = sobjectTypeNamed((rec.attributes as { type: string }).type)!;
      if (creating) {
        if (idOf(rec) !== undefined) throw dmlError("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call", ["Id"]);
        return String(this.org.create(type, rec, r.userId).Id);
      }
      const id = idOf(rec);
      if (!id) throw dmlError("MISSING_ARGUMENT", "Id not specified in an update call");
      const { id: _lower, ...values } = rec;
      try {
        return String(this.org.update(type, id, values, r.userId).Id);
      } catch (e) {
        // Inside a collection a missing record is a cross-reference error, not a 404.
        if (e instanceof SalesforceError && e.errorCode === "NOT_FOUND") throw dmlError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id");
        throw e;
      }
    }, creating ? () => undefined : (rec) => idOf(rec));
  }

  private batch<T>(items: T[], allOrNone: boolean, apply: (item: T) => string, idFor: (item: T) => string | undefined): Answer {
    if (items.length > MAX_COLLECTION)
      throw new SalesforceError(400, "EXCEEDED_ID_LIMIT", `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`);
    const rollback = this.org.snapshot();
    const results = items.map((item) => {
      try {
        return { id: apply(item), success: true, errors: [] as unknown[] };
      } catch (e) {
        if (!(e instanceof SalesforceError) || e.status >= 500) throw e;
        const id = idFor(item);
        return { ...(id !== undefined ? { id } : {}), success: false, errors: [{ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] }] };
      }
    });
    if (allOrNone && results.some((x) => !x.success)) {
      rollback();
      return json(200, results.map((x, i) => (x.success ? { ...(idFor(items[i]) !== undefined ? { id: idFor(items[i]) } : {}), success: false, errors: [ROLLED_BACK] } : x)));
    }
    return json(200, results);
  }
}

/** `@{referenceId.path}` in a subrequest's URL or body, from an earlier subrequest's answer. */
function resolveReferences(value: unknown, results: Map<string, unknown>): unknown {
  if (typeof value === "string") {
    return value.replace(/@\{([A-Za-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g, (_, ref: string, path: string) => {
      if (!results.has(ref)) throw new SalesforceError(400, "INVALID_REFERENCE", `Invalid reference specified. No value for ${ref}${path} found in ${ref}.`);
      let at: unknown = results.get(ref);
      for (const part of path.match(/[A-Za-z0-9_]+/g) ?? []) at = (at as Record<string, unknown> | undefined)?.[part];
      return String(at);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, results));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, results)]));
  return value;
}
