import { z } from "zod";
import type { Db } from "../store/database.js";
import { embedOriginsForPublicPage } from "../store/accounts-repo.js";

/**
 * Embedding the public booking pages in another site (an <iframe> on the business's own site).
 * The back office and the API may never be framed (clickjacking); a public booking page may be
 * framed by the origins its account's admin lists, and by Bookstream itself.
 */

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const STORED_ORIGIN = /^https?:\/\/[A-Za-z0-9.\-[\]:]+$/;

/**
 * An origin as a browser sends it: https://host[:port], or http:// for a local development
 * site. Written with a trailing slash or in capitals, it is stored as the browser spells it.
 */
export const EmbedOrigin = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "not an origin; write it as https://example.com or https://example.com:8443" });
      return z.NEVER;
    }
    const local = LOCAL_HOSTS.has(url.hostname);
    const problem =
      url.protocol !== "https:" && !(url.protocol === "http:" && local) ? "must start with https:// (http:// only for localhost)"
      : url.username || url.password ? "must not contain a user name or password"
      : url.pathname !== "/" || url.search || url.hash || /[?#]/.test(text) ? "must be an origin only: no path, query or fragment (https://example.com)"
      : undefined;
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return url.origin;
  })
  .describe("An origin that may frame the public booking pages: https://host[:port] (http:// for localhost)");

/** Which public page a web-app path is, if it is one that may be embedded. */
export function embeddablePage(path: string): { kind: "booking" | "master"; slug: string } | undefined {
  const m = /^\/(book|m)\/([^/?#]+)(?:[/?#]|$)/.exec(path);
  if (!m) return undefined;
  let slug: string;
  try {
    slug = decodeURIComponent(m[2]);
  } catch {
    return undefined;
  }
  return /^[A-Za-z0-9-]{1,100}$/.test(slug) ? { kind: m[1] === "book" ? "booking" : "master", slug } : undefined;
}

/**
 * The CSP frame-ancestors sources for a web-app page: 'none' for the back office, the manage
 * links and unknown pages; 'self' and the account's embed origins for a public booking page.
 */
export async function frameAncestorsFor(db: Db, path: string): Promise<string[]> {
  const page = embeddablePage(path);
  if (!page) return ["'none'"];
  const origins = await embedOriginsForPublicPage(db, page.kind, page.slug);
  // Stored through EmbedOrigin; checked again because they are written into a header.
  return origins === undefined ? ["'none'"] : ["'self'", ...origins.filter((o) => STORED_ORIGIN.test(o))];
}
