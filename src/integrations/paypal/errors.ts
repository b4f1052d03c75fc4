/**
 * What went wrong talking to PayPal, typed so callers decide without reading messages:
 * `retryable` says whether sending the same request again (with the same PayPal-Request-Id, for
 * the calls that move money) may give another answer. It does NOT say that nothing happened: after
 * a timeout, a network error, a 5xx or an unreadable 2xx the capture or refund may exist at
 * PayPal; the retry with the same id then returns it (see README.md).
 *
 * Never carries the client secret, the access token, or request bodies.
 */

export interface PayPalIssue {
  /** PayPal's issue code, e.g. REFUND_AMOUNT_EXCEEDED, ORDER_NOT_APPROVED, INSTRUMENT_DECLINED. */
  issue: string;
  description?: string;
  /** JSON pointer of the field at fault, when PayPal names one. */
  field?: string;
}

export interface PayPalLink {
  rel: string;
  href: string;
  method?: string;
}

/** Failures without a PayPal answer get one of these names. */
export type TransportFailure = "TIMEOUT" | "NETWORK_ERROR" | "ABORTED" | "INVALID_RESPONSE";

export class PayPalError extends Error {
  /** HTTP status of PayPal's answer; null when there was none (timeout, network, aborted). */
  readonly status: number | null;
  /** PayPal's error `name` (UNPROCESSABLE_ENTITY, INVALID_REQUEST, RESOURCE_NOT_FOUND, …), OAuth's `error`, or a TransportFailure. */
  override readonly name: string;
  readonly debugId: string | undefined;
  readonly issues: PayPalIssue[];
  readonly retryable: boolean;
  /** HATEOAS links of the error, e.g. rel "redirect" after INSTRUMENT_DECLINED (send the buyer back). */
  readonly links: PayPalLink[];

  constructor(init: { status: number | null; name: string; message: string; debugId?: string; issues?: PayPalIssue[]; retryable: boolean; links?: PayPalLink[] }) {
    super(init.message);
    this.status = init.status;
    this.name = init.name;
    this.debugId = init.debugId;
    this.issues = init.issues ?? [];
    this.retryable = init.retryable;
    this.links = init.links ?? [];
  }

  /** The first issue code, the usual thing to branch on. */
  get issue(): string | undefined {
    return this.issues[0]?.issue;
  }

  hasIssue(issue: string): boolean {
    return this.issues.some((i) => i.issue === issue);
  }

  /** What a log line may show. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, status: this.status, message: this.message, debugId: this.debugId, issues: this.issues, retryable: this.retryable };
  }
}

/** 408, 429 and 5xx may succeed later; other 4xx will not (PayPal refused the request itself). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Builds the error from PayPal's answer: REST errors are `{name, message, debug_id, details[], links}`,
 * the token endpoint's are `{error, error_description}`; anything else (an HTML page from a proxy)
 * keeps only the status.
 */
export function errorFromAnswer(what: string, status: number, bodyText: string, headerDebugId: string | undefined): PayPalError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: the status says enough.
  }
  const details = Array.isArray(body.details) ? body.details : [];
  const issues: PayPalIssue[] = details.flatMap((d): PayPalIssue[] => {
    if (!d || typeof d !== "object") return [];
    const r = d as Record<string, unknown>;
    const issue = str(r.issue);
    return issue ? [{ issue, ...(str(r.description) ? { description: str(r.description) } : {}), ...(str(r.field) ? { field: str(r.field) } : {}) }] : [];
  });
  const links: PayPalLink[] = (Array.isArray(body.links) ? body.links : []).flatMap((l): PayPalLink[] => {
    const r = (l ?? {}) as Record<string, unknown>;
    return str(r.rel) && str(r.href) ? [{ rel: str(r.rel)!, href: str(r.href)!, ...(str(r.method) ? { method: str(r.method) } : {}) }] : [];
  });
  const name = str(body.name) ?? str(body.error) ?? `HTTP_${status}`;
  const message = str(body.message) ?? str(body.error_description) ?? `PayPal answered ${status}`;
  return new PayPalError({
    status,
    name,
    message: `${what}: ${message}${issues[0] ? ` (${issues[0].issue})` : ""}`,
    debugId: str(body.debug_id) ?? headerDebugId,
    issues,
    retryable: isRetryableStatus(status),
    links,
  });
}

/** No answer at all: the call timed out, the network failed, or the caller aborted. */
export function transportFailure(what: string, name: Exclude<TransportFailure, "INVALID_RESPONSE">, detail: string): PayPalError {
  return new PayPalError({ status: null, name, message: `${what}: ${detail}`, retryable: true });
}

/**
 * A success we cannot read (not JSON, or not PayPal's shape). Retrying returns the same stored
 * answer, so it is not retryable; but the work may be done: reconcile (get the resource, webhooks).
 */
export function invalidResponse(what: string, status: number, detail: string, debugId?: string): PayPalError {
  return new PayPalError({ status, name: "INVALID_RESPONSE", message: `${what}: PayPal's answer could not be read (${detail})`, debugId, retryable: false });
}
