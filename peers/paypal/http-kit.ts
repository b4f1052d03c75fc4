import type { IncomingMessage, ServerResponse } from "node:http";
import type { Peer } from "./core.js";
import { malformedJson, type ApiFamily } from "./errors.js";

/** What a handler answers; the server writes it (or withholds it, when a fault says so). */
export interface Reply {
  status: number;
  json?: unknown;
  html?: string;
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

export interface RequestContext {
  peer: Peer;
  method: string;
  url: URL;
  params: string[];
  headers: IncomingMessage["headers"];
  /** The raw request body (already read). */
  raw: string;
  /** The app the bearer token belongs to (API routes only). */
  clientId: string;
}

export type Auth = "bearer" | "basic" | "none";

export interface Route {
  method: "GET" | "POST" | "DELETE" | "PATCH";
  pattern: RegExp;
  /** Operation name used by fault rules and idempotency, e.g. "orders.capture". */
  op: string;
  auth: Auth;
  family: ApiFamily;
  /** POSTs that honour PayPal-Request-Id. */
  idempotent?: boolean;
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

export const MAX_BODY_BYTES = 1_000_000;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The JSON body as an object; an absent body is `{}` (PayPal accepts bodiless capture/refund POSTs). */
export function jsonBody(ctx: RequestContext, family: ApiFamily): Record<string, unknown> {
  if (ctx.raw.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(ctx.raw);
  } catch {
    throw malformedJson(family);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw malformedJson(family);
  return parsed as Record<string, unknown>;
}

export function formBody(raw: string): URLSearchParams {
  return new URLSearchParams(raw);
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let body = "";
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers["content-type"] = "application/json";
  } else if (reply.html !== undefined) {
    body = reply.html;
    headers["content-type"] = "text/html; charset=utf-8";
  } else if (reply.text) {
    body = reply.text.body;
    headers["content-type"] = reply.text.contentType;
  }
  headers["content-length"] = String(Buffer.byteLength(body));
  res.writeHead(reply.status, headers);
  res.end(body);
}

/** `Prefer: return=representation` asks for the full resource instead of the minimal answer. */
export function wantsRepresentation(ctx: RequestContext): boolean {
  return /return=representation/i.test(String(ctx.headers.prefer ?? ""));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
