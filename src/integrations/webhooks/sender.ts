import { signedHeaders } from "./signer.js";

/**
 * One HTTP POST of a signed message to a receiver. 2xx is delivered; anything else — another
 * status, a timeout, a refused or dropped connection — is a failed attempt the caller retries.
 * Redirects are not followed (a receiver that moved must be edited, and following them would
 * let a public URL bounce us to an internal one).
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

export async function sendWebhook(m: WebhookMessage): Promise<SendResult> {
  const headers = { "content-type": "application/json", "user-agent": "Bookstream-Webhooks/1", ...signedHeaders(m.secret, m.id, m.at, m.body) };
  try {
    const res = await fetch(m.url, { method: "POST", headers, body: m.body, redirect: "manual", signal: AbortSignal.timeout(m.timeoutMs) });
    const text = await res.text().catch(() => "");
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, error: null };
    const snippet = text.replace(/\s+/g, " ").trim().slice(0, 200);
    return { ok: false, status: res.status, error: `${res.status}${res.statusText ? " " + res.statusText : ""}${snippet ? ": " + snippet : ""}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") return { ok: false, status: null, error: `no answer within ${Math.round(m.timeoutMs / 1000)} s` };
    return { ok: false, status: null, error: e.cause?.code ?? e.cause?.message ?? e.message ?? "request failed" };
  }
}
