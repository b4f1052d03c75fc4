/**
 * Domain errors carry a code; the HTTP edge maps codes to statuses in one table
 * (src/http/error-mapping.ts). Use cases never throw HTTP errors and nobody matches on message text.
 */
export type ErrorCode =
  | "validation_failed" // 400: input malformed
  | "invalid_query" // 400: the free-text query does not parse
  | "unauthenticated" // 401
  | "forbidden" // 403
  | "not_found" // 404
  | "action_not_allowed" // 409: lifecycle forbids the action now
  | "conflict" // 409: a concurrent change or a duplicate
  | "slot_unavailable" // 409: the time is taken
  | "unprocessable" // 422: well-formed but cannot be done (e.g. outside open hours)
  | "payment_declined" // 422: the payment provider refused the payment
  | "rate_limited" // 429
  | "provider_unavailable"; // 503: the payment provider did not answer (nothing was charged twice; retry)

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string, id: string) => new DomainError("not_found", `${what} ${id} was not found`, { id });
export const forbidden = (message: string, details: Record<string, unknown> = {}) => new DomainError("forbidden", message, details);
export const invalid = (field: string, message: string) => new DomainError("validation_failed", `${field}: ${message}`, { field });
export const unprocessable = (message: string, details: Record<string, unknown> = {}) => new DomainError("unprocessable", message, details);
