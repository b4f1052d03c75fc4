import type { IncomingMessage, ServerResponse } from "node:http";

/** What a handler answers: a status, a body (objects are sent as JSON) and extra headers. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set for HTML pages (the consent page): body is sent as text/html. */
  html?: boolean;
}

export const json = (status: number, body?: unknown, headers?: Record<string, string>): Answer => ({ status, body, headers });

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function send(res: ServerResponse, answer: Answer) {
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | undefined;
  if (answer.html) {
    headers["Content-Type"] = "text/html;charset=UTF-8";
    payload = String(answer.body);
  } else if (answer.body !== undefined && answer.status !== 204) {
    headers["Content-Type"] ??= "application/json;charset=UTF-8";
    payload = typeof answer.body === "string" && !headers["Content-Type"].startsWith("application/json") ? answer.body : JSON.stringify(answer.body);
  }
  if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
  res.writeHead(answer.status, headers);
  res.end(payload);
}

/** Form fields from an x-www-form-urlencoded body merged over the query string (Salesforce reads both). */
export function formParams(url: URL, body: Buffer, contentType: string | undefined): URLSearchParams {
  const params = new URLSearchParams(url.searchParams);
  if (body.length && (contentType ?? "").startsWith("application/x-www-form-urlencoded"))
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params.set(k, v);
  return params;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
