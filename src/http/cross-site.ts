import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../app/context.js";
import { forbidden } from "../domain/errors.js";
import { SESSION_COOKIE } from "./auth.js";

/**
 * Cross-site request forgery: a browser sends the session cookie with any request to us, even
 * one a foreign page makes (a hidden form, fetch with no-cors). The cookie is SameSite=Lax, which
 * stops cross-site POSTs from other *sites* but not from sibling subdomains, older browsers or
 * top-level GET tricks; so every state-changing request that rides on the cookie must also come
 * from our own origin. The browser tells us where a request comes from: `Origin` on every POST,
 * PUT, PATCH and DELETE from a page, and `Sec-Fetch-Site` when it omits Origin. Requests that
 * carry neither come from no browser page (scripts, curl) and cannot be forged this way.
 *
 * Not checked: calls with an API token (a foreign page cannot add an Authorization header
 * without a CORS preflight, which this server never grants) and the customer's public API
 * (no ambient credential: the manage link is in the address). Signing in and out are checked
 * even without a cookie: a foreign page must not sign a user out, or into an account of its own.
 */

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const ALWAYS_CHECKED = new Set(["/api/v1/auth/sign-in", "/api/v1/auth/sign-out"]);

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/** Why the request must be refused, or undefined when it comes from our own origin (or no page). */
export function crossSiteProblem(req: FastifyRequest, publicUrl: string): { message: string; details: Record<string, unknown> } | undefined {
  const origin = req.headers.origin;
  if (origin !== undefined) {
    // Our public URL, or the address this request was sent to (they differ behind some proxies).
    const own = [originOf(publicUrl), `${req.protocol}://${req.host}`];
    if (own.includes(origin)) return undefined;
    return { message: `This request comes from another site (${origin}) but carries your Bookstream session; it was refused. Use Bookstream itself, or call the API with an API token.`, details: { origin } };
  }
  const site = req.headers["sec-fetch-site"];
  if (site === undefined || site === "same-origin" || site === "none") return undefined;
  return { message: `This request comes from another site (Sec-Fetch-Site: ${site}) but carries your Bookstream session; it was refused. Use Bookstream itself, or call the API with an API token.`, details: { secFetchSite: site } };
}

/** Refuses cookie-authenticated state changes from other origins (403 forbidden). */
export function registerCrossSiteCheck(app: FastifyInstance, ctx: AppContext): void {
  app.addHook("onRequest", async (req: FastifyRequest) => {
    if (!STATE_CHANGING.has(req.method)) return;
    const path = req.url.split("?")[0];
    if (path.startsWith("/api/v1/public/")) return;
    if (/^bearer /i.test(req.headers.authorization ?? "")) return;
    if (!ALWAYS_CHECKED.has(path) && !req.cookies?.[SESSION_COOKIE]) return;
    const problem = crossSiteProblem(req, ctx.publicUrl);
    if (problem) throw forbidden(problem.message, problem.details);
  });
}
