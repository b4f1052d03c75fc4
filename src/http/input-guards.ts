import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { body } from "./error-mapping.js";

/**
 * Input refused at the edge, for every route at once, before any schema sees it.
 *
 * Text with a NUL character (U+0000) cannot be stored in PostgreSQL (text or jsonb), and a lone
 * UTF-16 surrogate (half of a character, which JSON's "\ud800" escape can carry) cannot be
 * stored as jsonb; both used to surface as 500s from whichever statement met them first. No
 * field of this API has a use for either, so one hook refuses them wherever they are (body,
 * query string, path parameters, object keys included) with a 400 naming the field.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be accepted, if it cannot. */
function unstorable(text: string): string | undefined {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000), which cannot be stored";
  if (LONE_SURROGATE.test(text)) return "contains half of a UTF-16 surrogate pair (an invalid character)";
  return undefined;
}

/** A key made printable for an error message (the key itself may be what is wrong). */
const printable = (key: string) => key.replace(/\u0000/g, "\\u0000").replace(/[\uD800-\uDFFF]/g, "\uFFFD");

/**
 * The first string (or object key) in `value` that cannot be stored, as [field path, reason].
 * Iterative, so that a body nested thousands of levels deep cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown, root: string): [string, string] | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === "string") {
      const why = unstorable(v);
      if (why) return [at, why];
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${at}.${i}`]);
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i];
        const why = unstorable(key);
        if (why) return [`${at}.${printable(key)}`, `the property name ${why}`];
        stack.push([(v as Record<string, unknown>)[key], `${at}.${key}`]);
      }
    }
  }
  return undefined;
}

const invalidInput = (field: string, why: string) => body("validation_failed", `${field}: ${why}`, { field, issues: [{ field, message: why }] });

/** Methods whose absent or empty body means "no fields": the same as `{}`. */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/** Registers the edge's input rules on the root instance (before any route). */
export function registerInputGuards(app: FastifyInstance): void {
  // An empty JSON body is no body (the default parser refuses it); anything else parses as before,
  // prototype-poisoning keys still refused.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, text, done) => {
    if (typeof text === "string" && text.trim() === "") return done(null, undefined);
    return parseJson(req, text as string, done);
  });

  app.addHook("preValidation", async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.body === undefined && BODY_METHODS.has(req.method)) req.body = {};
    // The same names as schema errors: body.…, querystring.…, params.…
    const found =
      findUnstorableText(req.params, "params") ?? findUnstorableText(req.query, "querystring") ?? findUnstorableText(req.body, "body");
    if (found) return reply.status(400).send(invalidInput(...found));
  });
}

/** Path parameters the router accepts; longer ones are refused before routing (schemas set tighter limits). */
export const MAX_PARAM_LENGTH = 500;

/**
 * Fastify's router refuses some addresses before any route or hook runs: a path that does not
 * percent-decode to UTF-8, and a path parameter longer than the router allows. Without this,
 * those answers have Fastify's own shape instead of ours.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply) {
  if (err.code === "FST_ERR_MAX_PARAM_LENGTH") {
    return reply.status(400).send(invalidInput("params", `a part of the address is longer than ${MAX_PARAM_LENGTH} characters`));
  }
  if (err.code === "FST_ERR_BAD_URL") {
    return reply.status(400).send(invalidInput("url", "the address has a percent-encoding that is not valid UTF-8 (e.g. %FF or a lone %)"));
  }
  return reply.status(400).send(body("bad_request", "The request could not be routed.", {}));
}

/**
 * Errors Node's HTTP parser meets before Fastify has a request (headers or address too large,
 * malformed HTTP): answered in our shape on the raw socket, as Fastify's default handler does.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, reason, answer] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", body("request_too_large", "The address or headers are too large (at most 16 KB together).", {})]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", body("request_timeout", "The request took too long to arrive.", {})]
        : [400, "Bad Request", body("bad_request", "The request is not valid HTTP.", {})];
  const text = JSON.stringify(answer);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(err);
}
