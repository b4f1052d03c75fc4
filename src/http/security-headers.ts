import helmet from "@fastify/helmet";
import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * Response headers that keep a browser from being turned against our users (@fastify/helmet).
 *
 * The Content-Security-Policy allows scripts, styles, fonts and connections from this origin only
 * (the built web app is plain files in web/dist: no inline scripts, no eval), images from here
 * and data: URIs (the favicon), no plugins, no <base> or form posts elsewhere, and no framing.
 * The one inline thing the web app makes is a <style> element that its dialogs add to lock
 * scrolling (Radix's react-remove-scroll); the web app's HTML therefore carries a per-response
 * nonce for styles (src/http/web-app.ts), which the app hands to that library.
 *
 * frame-ancestors 'none' and X-Frame-Options: DENY everywhere, except public booking pages,
 * which their account's admin may let other sites embed (src/http/embedding.ts).
 */

export interface CspOptions {
  /** Sources that may frame the page: ["'none'"], or ["'self'", …origins]. */
  frameAncestors: string[];
  /** A fresh random value allowing this response's own <style> elements. */
  styleNonce?: string;
  /** Served over HTTPS: also ask the browser to upgrade any http:// subresource. */
  https: boolean;
}

export function contentSecurityPolicy(o: CspOptions): Record<string, string[]> {
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "script-src-attr": ["'none'"],
    "style-src": ["'self'", ...(o.styleNonce ? [`'nonce-${o.styleNonce}'`] : [])],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": o.frameAncestors,
    ...(o.https ? { "upgrade-insecure-requests": [] } : {}),
  };
}

/** The policy as the header's text. */
export const cspHeader = (o: CspOptions) =>
  Object.entries(contentSecurityPolicy(o))
    .map(([name, values]) => [name, ...values].join(" "))
    .join("; ");

/** X-Frame-Options to match frame-ancestors (it cannot list origins: with any, CSP alone decides). */
export function setFrameHeaders(reply: FastifyReply, o: CspOptions): void {
  reply.header("content-security-policy", cspHeader(o));
  const [first, ...others] = o.frameAncestors;
  if (first === "'none'") reply.header("x-frame-options", "DENY");
  else if (first === "'self'" && others.length === 0) reply.header("x-frame-options", "SAMEORIGIN");
  else reply.raw.removeHeader("x-frame-options");
}

/**
 * The API docs page (Swagger UI, /api/docs) inserts <style> elements of its own without a nonce.
 * It shows no data of ours, so there alone inline styles are allowed; scripts stay 'self'.
 */
export const allowInlineStylesForDocs = (header: string) => header.replace(/style-src 'self'/, "style-src 'self' 'unsafe-inline'");

export async function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy({ frameAncestors: ["'none'"], https: opts.https }) },
    frameguard: { action: "deny" },
    // Links out of a page (a video link, a customer's site) do not carry its address: a manage
    // link's token is in the path. Same-origin requests keep it (and their Origin header).
    referrerPolicy: { policy: "same-origin" },
    // Strict-Transport-Security means something only over HTTPS; on plain http it would only mislead.
    hsts: opts.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}
