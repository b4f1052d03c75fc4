import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { DomainError, type ErrorCode } from "../domain/errors.js";

/** The one table from domain error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_query: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  action_not_allowed: 409,
  conflict: 409,
  slot_unavailable: 409,
  unprocessable: 422,
  rate_limited: 429,
};

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export const body = (code: string, message: string, details: Record<string, unknown> = {}): ErrorBody => ({ error: { code, message, details } });

export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof DomainError) {
    if (err.code === "rate_limited" && typeof err.details.retryAfterSeconds === "number") reply.header("retry-after", String(err.details.retryAfterSeconds));
    return reply.status(HTTP_STATUS[err.code]).send(body(err.code, err.message, err.details));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => {
      const where = (err as any).validationContext ?? "body";
      const path = String(v.instancePath ?? "").replace(/^\//, "").replace(/\//g, ".");
      // An unknown property is at fault itself, not the object holding it: name it.
      const unknownKey = v.keyword === "unrecognized_keys" ? (v.params as { keys?: string[] })?.keys?.[0] : undefined;
      const at = [where, path, unknownKey].filter(Boolean).join(".");
      return { field: at, message: v.message ?? "invalid" };
    });
    const first = issues[0];
    return reply.status(400).send(body("validation_failed", `${first.field}: ${first.message}`, { field: first.field, issues }));
  }
  const fe = err as FastifyError & { code?: string };
  if (fe.code === "23505") return reply.status(409).send(body("conflict", "That was already done by a concurrent request.", { constraint: (fe as any).constraint }));
  // The no-double-booking exclusion constraint (migration 002), when a use case did not name it first.
  if (fe.code === "23P01") return reply.status(409).send(body("slot_unavailable", "That time is no longer available: the host is already booked then; choose another time.", { constraint: (fe as any).constraint }));
  // A body that is not JSON, or carries "__proto__"/"constructor.prototype" keys (refused by the parser).
  if (fe.code === "FST_ERR_CTP_INVALID_JSON_BODY") {
    return reply.status(400).send(body("validation_failed", "body: not valid JSON (or it has a __proto__ or constructor.prototype key)", { field: "body" }));
  }
  if (fe.statusCode === 429) return reply.status(429).send(body("rate_limited", "Too many attempts; wait a minute and try again.", {}));
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.statusCode === 415 ? "unsupported_media_type" : fe.statusCode === 413 ? "payload_too_large" : "bad_request";
    return reply.status(fe.statusCode).send(body(code, fe.message, {}));
  }
  if (isResponseSerializationError(err)) req.log.error({ err, cause: (err as any).cause }, "response did not match its schema");
  else req.log.error({ err }, "unhandled error");
  return reply.status(500).send(body("internal", "Something went wrong on our side; it has been logged.", {}));
}
