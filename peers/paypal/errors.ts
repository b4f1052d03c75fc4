import { randomBytes } from "node:crypto";

/**
 * PayPal's error bodies. REST errors look like
 * `{name, message, debug_id, details:[{field, value, location, issue, description}], links}`;
 * the OAuth endpoint alone answers `{error, error_description}` (see oauth.ts).
 */

export type ApiFamily = "orders" | "payments" | "webhooks" | "overview";

export interface ErrorDetail {
  field?: string;
  value?: string;
  location?: "body" | "path" | "query" | "header";
  issue: string;
  description: string;
}

const MESSAGES: Record<string, string> = {
  INVALID_REQUEST: "Request is not well-formed, syntactically incorrect, or violates schema.",
  UNPROCESSABLE_ENTITY: "The requested action could not be performed, semantically incorrect, or failed business validation.",
  RESOURCE_NOT_FOUND: "The specified resource does not exist.",
  AUTHENTICATION_FAILURE: "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
  INTERNAL_SERVER_ERROR: "An internal server error has occurred.",
  VALIDATION_ERROR: "Invalid data provided",
  INVALID_RESOURCE_ID: "The requested resource ID was not found",
  METHOD_NOT_SUPPORTED: "The server does not implement the requested HTTP method.",
  WEBHOOK_URL_ALREADY_EXISTS: "Webhook URL already exists",
  WEBHOOK_NUMBER_LIMIT_EXCEEDED: "Webhook number limit exceeded",
};

const DOCS: Record<ApiFamily, string> = {
  orders: "https://developer.paypal.com/docs/api/orders/v2/",
  payments: "https://developer.paypal.com/docs/api/payments/v2/",
  webhooks: "https://developer.paypal.com/docs/api/webhooks/v1/",
  overview: "https://developer.paypal.com/docs/api/overview/",
};

/** Thrown by handlers; the server turns it into the JSON body PayPal would send. */
export class PayPalError extends Error {
  constructor(
    readonly status: number,
    readonly errorName: string,
    readonly details: ErrorDetail[] = [],
    readonly family: ApiFamily = "orders",
    readonly extraLinks: { href: string; rel: string; method: string }[] = [],
  ) {
    super(`${status} ${errorName}${details[0] ? ` ${details[0].issue}` : ""}`);
  }
}

export function debugId(): string {
  return randomBytes(7).toString("hex").slice(0, 13);
}

export function errorBody(err: PayPalError, id: string): Record<string, unknown> {
  const body: Record<string, unknown> = { name: err.errorName, message: MESSAGES[err.errorName] ?? err.errorName, debug_id: id };
  if (err.details.length > 0) body.details = err.details;
  const anchor = err.details[0]?.issue ?? err.errorName;
  body.links = [
    { href: err.family === "overview" ? `${DOCS.overview}#error` : `${DOCS[err.family]}#error-${anchor}`, rel: "information_link", method: "GET" },
    ...err.extraLinks,
  ];
  return body;
}

export const invalidRequest = (family: ApiFamily, ...details: ErrorDetail[]) => new PayPalError(400, "INVALID_REQUEST", details, family);

export const unprocessable = (family: ApiFamily, issue: string, description: string, field?: string, value?: string) =>
  new PayPalError(422, "UNPROCESSABLE_ENTITY", [{ ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}), ...(field ? { location: "body" as const } : {}), issue, description }], family);

export const resourceNotFound = (family: ApiFamily, field: string, value: string) =>
  new PayPalError(404, "RESOURCE_NOT_FOUND", [{ field, value, location: "path", issue: "INVALID_RESOURCE_ID", description: "Specified resource ID does not exist. Please check the resource ID and try again." }], family);

export const missing = (field: string): ErrorDetail => ({ field, location: "body", issue: "MISSING_REQUIRED_PARAMETER", description: "A required field / parameter is missing." });

export const badValue = (field: string, value: unknown, description = "The value of a field is invalid."): ErrorDetail => ({
  field, value: typeof value === "string" ? value : JSON.stringify(value), location: "body", issue: "INVALID_PARAMETER_VALUE", description,
});

export const badSyntax = (field: string, value: unknown): ErrorDetail => ({
  field, value: typeof value === "string" ? value : JSON.stringify(value), location: "body", issue: "INVALID_PARAMETER_SYNTAX", description: "The value of a field does not conform to the expected format.",
});

export const malformedJson = (family: ApiFamily) =>
  invalidRequest(family, { field: "/", location: "body", issue: "MALFORMED_REQUEST_JSON", description: "The request JSON is not well formed." });

export const authenticationFailure = () => new PayPalError(401, "AUTHENTICATION_FAILURE", [], "overview");

export const internalServerError = (status: number) => new PayPalError(status, "INTERNAL_SERVER_ERROR", [], "overview");
