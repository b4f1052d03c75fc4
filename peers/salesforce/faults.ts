import type { SalesforceErrorBody } from "./errors.js";

/**
 * Scripted failures. A rule picks calls (by method, endpoint as `stats()` names it, or path
 * prefix; by default every data API call), fires for a fraction of them (`rate`, drawn from a
 * seeded PRNG so a run repeats exactly) at most `times` times, and either answers instead of doing
 * the work (`phase: "before"`) or does the work and then answers the failure (`"after"`: the write
 * happened but the client never hears of it).
 */
export type FaultKind =
  | "invalid-session" // 401 INVALID_SESSION_ID, and the access token used is revoked
  | "request-limit" // 403 REQUEST_LIMIT_EXCEEDED
  | "server-unavailable" // 503 SERVER_UNAVAILABLE
  | "server-error" // 500 UNKNOWN_EXCEPTION
  | "unable-to-lock-row" // 400 UNABLE_TO_LOCK_ROW
  | "slow" // the normal answer, after delayMs
  | "hang"; // no answer at all: the socket is held until the client gives up (or the peer closes)

export interface FaultRule {
  kind: FaultKind;
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Endpoint key as `stats()` names it, e.g. "POST /sobjects/Event", "GET /query", "POST /services/oauth2/token". */
  endpoint?: string;
  /** Path prefix to match, e.g. "/services/data/v62.0/sobjects/Event" or "/services/oauth2/". */
  pathPrefix?: string;
  /** Fraction of matching calls that fail, 0..1 (default 1). */
  rate?: number;
  /** At most this many failures from this rule (default: no limit). */
  times?: number;
  /** Fail before doing the work (default) or after it. */
  phase?: "before" | "after";
  /** For "slow": how long to wait before answering (default 3000 ms). */
  delayMs?: number;
}

export interface CallInfo { method: string; endpoint: string; path: string; dataApi: boolean }

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ActiveRule { rule: FaultRule; fired: number }

export class FaultPlan {
  private rules: ActiveRule[] = [];
  private random: () => number;

  constructor(private readonly seed: number) {
    this.random = prng(seed);
  }

  set(rules: FaultRule[]) {
    for (const r of rules) validateRule(r);
    this.rules = rules.map((rule) => ({ rule, fired: 0 }));
    this.random = prng(this.seed);
  }

  add(rule: FaultRule) {
    validateRule(rule);
    this.rules.push({ rule, fired: 0 });
  }

  list(): FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** The rule that fails this call, if any. */
  pick(call: CallInfo): FaultRule | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.times !== undefined && active.fired >= rule.times) continue;
      if (rule.method && rule.method.toUpperCase() !== call.method) continue;
      if (rule.endpoint && rule.endpoint !== call.endpoint) continue;
      if (rule.pathPrefix ? !call.path.startsWith(rule.pathPrefix) : !rule.endpoint && !call.dataApi) continue;
      if ((rule.rate ?? 1) < 1 && this.random() >= (rule.rate ?? 1)) continue;
      active.fired++;
      return rule;
    }
    return undefined;
  }
}

const KINDS: FaultKind[] = ["invalid-session", "request-limit", "server-unavailable", "server-error", "unable-to-lock-row", "slow", "hang"];

function validateRule(rule: FaultRule) {
  if (!KINDS.includes(rule.kind)) throw new Error(`unknown fault kind ${String(rule.kind)} (one of ${KINDS.join(", ")})`);
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) throw new Error("rate must be between 0 and 1");
  if (rule.phase !== undefined && rule.phase !== "before" && rule.phase !== "after") throw new Error('phase must be "before" or "after"');
}

/**
 * The answer a failing call gets (not for "slow" and "hang", which change timing only). The OAuth
 * endpoints answer in OAuth's shape, `{error, error_description}`, as Salesforce's token endpoint does.
 */
export function faultAnswer(kind: FaultKind, recordId: string | undefined, oauth: boolean): { status: number; body: unknown } {
  if (oauth) {
    if (kind === "invalid-session") return { status: 400, body: { error: "invalid_grant", error_description: "expired access/refresh token" } };
    if (kind === "request-limit") return { status: 403, body: { error: "rate_limit_exceeded", error_description: "too many requests" } };
    return { status: kind === "server-unavailable" ? 503 : 500, body: { error: "unknown_error", error_description: "retry your request" } };
  }
  return dataFault(kind, recordId);
}

function dataFault(kind: FaultKind, recordId: string | undefined): { status: number; body: SalesforceErrorBody[] } {
  switch (kind) {
    case "invalid-session":
      return { status: 401, body: [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }] };
    case "request-limit":
      return { status: 403, body: [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }] };
    case "server-unavailable":
      return { status: 503, body: [{ message: "Server temporarily unavailable. Please try again later.", errorCode: "SERVER_UNAVAILABLE" }] };
    case "unable-to-lock-row":
      return { status: 400, body: [{ message: `unable to obtain exclusive access to this record or 1 records: ${recordId ?? ""}`.trim(), errorCode: "UNABLE_TO_LOCK_ROW", fields: [] }] };
    default:
      return { status: 500, body: [{ message: "An unexpected error occurred. Please include this ErrorId if you contact support: 1337042-19283 (-1189406412)", errorCode: "UNKNOWN_EXCEPTION" }] };
  }
}
