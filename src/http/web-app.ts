import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../app/context.js";
import { frameAncestorsFor } from "./embedding.js";
import { setFrameHeaders } from "./security-headers.js";

/**
 * The built web app (web/dist): its assets as static files, and its one HTML page for every
 * client-side route (/, /activities, /book/:slug, /manage/:token …). The page is not served as a
 * static file: each answer carries a fresh style nonce in <meta name="csp-nonce"> and in the
 * Content-Security-Policy, and the frame-ancestors its address allows (public booking pages may
 * be embedded by the origins their account lists).
 */
export interface WebApp {
  send(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

export async function registerWebApp(app: FastifyInstance, ctx: AppContext, opts: { webDist: string; https: boolean }): Promise<WebApp | undefined> {
  const indexFile = path.join(opts.webDist, "index.html");
  if (!fs.existsSync(indexFile)) return undefined;
  const html = fs.readFileSync(indexFile, "utf8");
  const headEnd = html.indexOf("<head>") + "<head>".length;
  if (headEnd < "<head>".length) throw new Error(`${indexFile} has no <head>`);
  await app.register(fastifyStatic, { root: opts.webDist, wildcard: false, index: false, allowedPath: (p) => p !== "/index.html" });
  return {
    async send(req, reply) {
      const nonce = randomBytes(16).toString("base64");
      setFrameHeaders(reply, { frameAncestors: await frameAncestorsFor(ctx.db, req.url), styleNonce: nonce, https: opts.https });
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(`${html.slice(0, headEnd)}\n    <meta name="csp-nonce" content="${nonce}" />${html.slice(headEnd)}`);
    },
  };
}
