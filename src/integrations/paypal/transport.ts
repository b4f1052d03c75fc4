import type { Clock } from "../../domain/clock.js";
import { errorFromAnswer, invalidResponse, PayPalError, transportFailure } from "./errors.js";

/**
 * HTTP to PayPal for one account: the OAuth 2.0 client-credentials token (cached until shortly
 * before it expires, fetched once for concurrent callers, fetched again once after a 401), a
 * deadline on every operation, and PayPal's answers turned into JSON or a PayPalError.
 *
 * The secret and the token live in this closure only: not on an object a log could print, not in
 * errors, not in log lines (which carry method, path, status and PayPal's debug id).
 */

export interface TransportOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Whole-operation deadline (token + call + one refresh), in milliseconds. */
  timeoutMs: number;
  clock: Clock;
  fetch: typeof fetch;
  log?: (line: string) => void;
}

export interface RequestSpec {
  method: "GET" | "POST" | "DELETE" | "PATCH";
  /** Path with query, e.g. "/v2/checkout/orders/5O19…/capture". */
  path: string;
  /** JSON body; a string is sent as it is (already JSON). */
  body?: unknown;
  /** PayPal-Request-Id: the same id makes PayPal return the first result instead of doing it again. */
  requestId?: string;
  /** Ask for the full resource (Prefer: return=representation). */
  representation?: boolean;
  /** Operation name for messages, e.g. "capture order". */
  what: string;
}

export interface Answer {
  status: number;
  json: unknown;
  debugId: string | undefined;
}

export interface Transport {
  send(spec: RequestSpec, signal?: AbortSignal): Promise<Answer>;
  /** A fresh check of the credentials (the "test the connection" button). */
  fetchToken(signal?: AbortSignal): Promise<{ appId: string | undefined; scopes: string[]; expiresInSeconds: number }>;
}

interface CachedToken { value: string; refreshAt: number }

/** Refresh five minutes early, or halfway through a short-lived token. */
function refreshMomentMs(obtainedAt: number, expiresInSeconds: number): number {
  const ttl = expiresInSeconds * 1000;
  return obtainedAt + Math.max(ttl - 300_000, ttl / 2);
}

export function createTransport(opts: TransportOptions): Transport {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const basic = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString("base64")}`;
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  interface Deadline { signal: AbortSignal; timedOut(): boolean; cancelled(): boolean }

  function deadline(caller?: AbortSignal): Deadline {
    const timer = AbortSignal.timeout(opts.timeoutMs);
    return { signal: caller ? AbortSignal.any([timer, caller]) : timer, timedOut: () => timer.aborted, cancelled: () => caller?.aborted === true };
  }

  function failure(what: string, err: unknown, d: Deadline): PayPalError {
    if (err instanceof PayPalError) return err;
    if (d.timedOut()) return transportFailure(what, "TIMEOUT", `no answer within ${opts.timeoutMs} ms`);
    if (d.cancelled()) return transportFailure(what, "ABORTED", "the call was cancelled");
    // undici puts the reason (ECONNREFUSED, ECONNRESET, …) in err.cause; keep its code only.
    const code = (err as { cause?: { code?: unknown } })?.cause?.code;
    return transportFailure(what, "NETWORK_ERROR", typeof code === "string" ? code : "the connection failed");
  }

  async function exchange(method: string, path: string, init: RequestInit, signal: AbortSignal): Promise<{ status: number; text: string; debugId: string | undefined }> {
    const res = await opts.fetch(`${base}${path}`, { ...init, method, signal, redirect: "error" });
    const text = await res.text();
    const debugId = res.headers.get("paypal-debug-id") ?? undefined;
    opts.log?.(`paypal ${method} ${path.split("?")[0]} → ${res.status}${debugId ? ` debug_id=${debugId}` : ""}`);
    return { status: res.status, text, debugId };
  }

  async function requestToken(signal: AbortSignal): Promise<{ token: CachedToken; appId: string | undefined; scopes: string[]; expiresIn: number }> {
    const what = "get an access token";
    const started = opts.clock.now().getTime();
    const answer = await exchange("POST", "/v1/oauth2/token", {
      headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: "grant_type=client_credentials",
    }, signal);
    if (answer.status !== 200) throw errorFromAnswer(what, answer.status, answer.text, answer.debugId);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(answer.text) as Record<string, unknown>;
    } catch {
      throw invalidResponse(what, answer.status, "not JSON", answer.debugId);
    }
    const value = body.access_token;
    const expiresIn = body.expires_in;
    if (typeof value !== "string" || value === "" || typeof expiresIn !== "number" || !(expiresIn > 0)) {
      throw invalidResponse(what, answer.status, "no access_token / expires_in", answer.debugId);
    }
    return {
      token: { value, refreshAt: refreshMomentMs(started, expiresIn) },
      appId: typeof body.app_id === "string" ? body.app_id : undefined,
      scopes: typeof body.scope === "string" ? body.scope.split(" ").filter(Boolean) : [],
      expiresIn,
    };
  }

  /** The cached token, or a new one; concurrent callers share one request (with its own deadline). */
  async function token(signal: AbortSignal): Promise<string> {
    if (cached && opts.clock.now().getTime() < cached.refreshAt) return cached.value;
    if (!inFlight) {
      const own = deadline();
      inFlight = requestToken(own.signal)
        .then((r) => (cached = r.token))
        .catch((err: unknown) => {
          throw failure("get an access token", err, own);
        })
        .finally(() => (inFlight = undefined));
    }
    return (await untilAborted(inFlight, signal)).value;
  }

  async function sendOnce(spec: RequestSpec, bearer: string, signal: AbortSignal) {
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: "application/json" };
    if (spec.body !== undefined) headers["content-type"] = "application/json";
    if (spec.requestId !== undefined) headers["paypal-request-id"] = spec.requestId;
    if (spec.representation) headers.prefer = "return=representation";
    const body = spec.body === undefined ? undefined : typeof spec.body === "string" ? spec.body : JSON.stringify(spec.body);
    return exchange(spec.method, spec.path, { headers, body }, signal);
  }

  return {
    async send(spec, callerSignal) {
      const d = deadline(callerSignal);
      try {
        let bearer = await token(d.signal);
        let answer = await sendOnce(spec, bearer, d.signal);
        if (answer.status === 401) {
          // Expired or revoked before we thought: forget it (unless someone already replaced it), retry once.
          if (cached?.value === bearer) cached = undefined;
          bearer = await token(d.signal);
          answer = await sendOnce(spec, bearer, d.signal);
        }
        if (answer.status < 200 || answer.status > 299) throw errorFromAnswer(spec.what, answer.status, answer.text, answer.debugId);
        let json: unknown = undefined;
        if (answer.text !== "") {
          try {
            json = JSON.parse(answer.text);
          } catch {
            throw invalidResponse(spec.what, answer.status, "not JSON", answer.debugId);
          }
        }
        return { status: answer.status, json, debugId: answer.debugId };
      } catch (err) {
        throw failure(spec.what, err, d);
      }
    },

    async fetchToken(callerSignal) {
      const d = deadline(callerSignal);
      try {
        const r = await requestToken(d.signal);
        cached = r.token;
        return { appId: r.appId, scopes: r.scopes, expiresInSeconds: r.expiresIn };
      } catch (err) {
        throw failure("get an access token", err, d);
      }
    },
  };
}

/** Waits for a shared promise, but gives up (with an AbortError) when this caller's signal fires. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function abortError(): Error {
  const e = new Error("aborted");
  e.name = "AbortError";
  return e;
}
