import type { FastifyServerOptions } from "fastify";
import { REDACTED, SECRET_LINK_SEGMENT } from "../domain/secret-links.js";

/**
 * What request logs may say. A manage link is the customer's only credential (whoever has it may
 * cancel or move the booking), and it travels in the path: /manage/{token} in the web app,
 * /api/v1/public/manage/{token}/… in the API. Logs go to files, log shippers and support
 * tickets, so the token is cut from every logged URL, as is any query parameter that carries a
 * secret (OAuth's code and state, a ?token= link). Headers are never logged at all; the
 * Authorization and Cookie headers are also censored should anything log them.
 */


/** Query parameters whose values are credentials or one-time secrets. */
const SECRET_QUERY_PARAMS = new Set([
  "token", "access_token", "refresh_token", "id_token", "code", "state", "password", "secret", "client_secret",
  "api_key", "apikey", "key", "signature", "sig", "session", "auth",
]);


/** `url` (a path with its query string) with its secrets replaced by "[redacted]". */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  const path = (q < 0 ? url : url.slice(0, q)).replace(SECRET_LINK_SEGMENT, `$1${REDACTED}`);
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A name that does not decode is logged as sent.
      }
      return eq >= 0 && SECRET_QUERY_PARAMS.has(decoded.toLowerCase()) ? `${name}=${REDACTED}` : pair;
    })
    .join("&");
  return `${path}?${query}`;
}

/** The text of a logged error, with any manage link in it redacted too. */
const redactText = (text: unknown) => (typeof text === "string" ? text.replace(SECRET_LINK_SEGMENT, `$1${REDACTED}`) : text);

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Where log lines go (one JSON object per write); standard output unless given. */
export interface LogDestination {
  write(line: string): void;
}

/** Logger options for the Fastify app: level, destination and the serializers above. */
export function loggerOptions(level: string, stream?: LogDestination): FastifyServerOptions["logger"] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      // Fastify's default minus nothing useful: method, redacted URL, host and client address; no headers.
      req: (req: LoggedRequest) => ({ method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
      // As pino's own: type, message, stack and the error's other plain fields (a database error's
      // code, detail, constraint …), with manage links redacted from the text.
      err: (err: Error) => {
        const fields = Object.fromEntries(Object.entries(err).filter(([, v]) => v === null || typeof v !== "object").map(([k, v]) => [k, redactText(v)]));
        return { type: err.constructor?.name ?? "Error", ...fields, message: redactText(err.message), stack: redactText(err.stack) };
      },
    },
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization", "headers.cookie", 'res.headers["set-cookie"]', 'headers["set-cookie"]'],
      censor: REDACTED,
    },
  } as FastifyServerOptions["logger"];
}
