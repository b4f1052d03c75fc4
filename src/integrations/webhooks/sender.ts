import http from "node:http";
import https from "node:https";
import { signedHeaders } from "./signer.js";

/**
 * One HTTP POST of a signed message to a receiver. 2xx is delivered; anything else — another
 * status, a timeout, a refused or dropped connection — is a failed attempt the caller retries.
 * Redirects are not followed (a receiver that moved must be edited, and following them would
 * let a public URL bounce us to an internal one).
 *
 * node:http with keep-alive agents rather than fetch: at a thousand deliveries a second fetch's
 * own CPU per request was a third of a worker's time (measured with bench/webhooks.ts).
 */
export interface SendResult {
  ok: boolean;
  /** The receiver's status, null when it did not answer. */
  status: number | null;
  /** For the delivery log: the status and the start of the receiver's answer, or what failed. */
  error: string | null;
}

export interface WebhookMessage {
  url: string;
  secret: string;
  id: string;
  body: string;
  /** The signature's timestamp: the attempt's own time (receivers reject stale ones). */
  at: Date;
  timeoutMs: number;
}

/** Sockets are reused per receiver; a receiver gets at most this many at once from one worker. */
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: "lifo" }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 64, scheduling: "lifo" }),
};

/** How much of a failed answer is read for the delivery log; the rest is discarded unread. */
const MAX_ERROR_BODY = 4096;

export function sendWebhook(m: WebhookMessage): Promise<SendResult> {
  let url: URL;
  try {
    url = new URL(m.url);
  } catch {
    return Promise.resolve({ ok: false, status: null, error: "not a valid URL" });
  }
  const protocol = url.protocol === "https:" ? "https:" : url.protocol === "http:" ? "http:" : undefined;
  if (!protocol) return Promise.resolve({ ok: false, status: null, error: `unsupported scheme ${url.protocol}` });
  const body = Buffer.from(m.body, "utf8");
  const headers = {
    "content-type": "application/json",
    "content-length": String(body.length),
    "user-agent": "Bookstream-Webhooks/1",
    ...signedHeaders(m.secret, m.id, m.at, m.body),
  };
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const request = (protocol === "https:" ? https : http).request(url, { method: "POST", headers, agent: agents[protocol] }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        res.resume();
        res.on("end", () => finish({ ok: true, status, error: null }));
        res.on("error", () => finish({ ok: true, status, error: null }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(c);
        size += c.length;
      });
      const failed = () => {
        const snippet = Buffer.concat(chunks).toString("utf8").replace(/\s+/g, " ").trim().slice(0, 200);
        finish({ ok: false, status, error: `${status}${res.statusMessage ? " " + res.statusMessage : ""}${snippet ? ": " + snippet : ""}` });
      };
      res.on("end", failed);
      res.on("error", failed);
    });
    const timer = setTimeout(() => {
      finish({ ok: false, status: null, error: `no answer within ${Math.round(m.timeoutMs / 1000)} s` });
      request.destroy();
    }, m.timeoutMs);
    request.on("error", (err: Error & { code?: string }) => finish({ ok: false, status: null, error: err.code ?? err.message ?? "request failed" }));
    request.end(body);
  });
}
