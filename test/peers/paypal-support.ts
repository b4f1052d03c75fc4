import http from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_SANDBOX_APP, startPayPalPeer, type PayPalPeer, type PayPalPeerOptions } from "../../peers/paypal/server.js";

/**
 * What the PayPal peer's tests share: a minimal PayPal REST client (the way Bookstream's will
 * talk: OAuth token, JSON over fetch) and a local webhook receiver that records raw bodies.
 */

export interface ApiAnswer<T = any> { status: number; body: T; headers: Headers }

export class PayPalTestClient {
  private token: string | undefined;

  constructor(readonly base: string, private readonly clientId = DEFAULT_SANDBOX_APP.clientId, private readonly secret = DEFAULT_SANDBOX_APP.clientSecret) {}

  async fetchToken(): Promise<ApiAnswer> {
    const res = await fetch(`${this.base}/v1/oauth2/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${this.clientId}:${this.secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    const body = await res.json();
    if (res.status === 200) this.token = body.access_token;
    return { status: res.status, body, headers: res.headers };
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<ApiAnswer<T>> {
    if (!this.token) await this.fetchToken();
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) : undefined, headers: res.headers };
  }

  /** Creates an order the modern way (payment_source.paypal.experience_context). */
  createOrder(value: string, currency = "USD", unit: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    return this.call("POST", "/v2/checkout/orders", {
      intent: "CAPTURE",
      purchase_units: [{ reference_id: "booking", amount: { currency_code: currency, value }, ...unit }],
      payment_source: { paypal: { experience_context: { return_url: "https://shop.example/paypal/return", cancel_url: "https://shop.example/paypal/cancel", user_action: "PAY_NOW" } } },
    }, headers);
  }

  /** Order created, approved by the buyer (control), captured: the capture object. */
  async paidCapture(peer: PayPalPeer, value: string, currency = "USD", unit: Record<string, unknown> = {}): Promise<any> {
    const order = await this.createOrder(value, currency, unit);
    peer.control.approveOrder(order.body.id);
    const captured = await this.call("POST", `/v2/checkout/orders/${order.body.id}/capture`);
    if (captured.status !== 201) throw new Error(`capture answered ${captured.status}: ${JSON.stringify(captured.body)}`);
    return captured.body.purchase_units[0].payments.captures[0];
  }
}

export const link = (resource: { links: { rel: string; href: string }[] }, rel: string) => resource.links.find((l) => l.rel === rel)?.href;

export async function startTestPeer(opts: PayPalPeerOptions = {}): Promise<{ peer: PayPalPeer; api: PayPalTestClient }> {
  const peer = await startPayPalPeer({ webhookRetry: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000, maxAttempts: 4 }, ...opts });
  return { peer, api: new PayPalTestClient(peer.url) };
}

export interface ReceivedWebhook { headers: http.IncomingHttpHeaders; raw: string; event: any }

/** A listener on a free port; `answer` decides each response status (default 200). */
export async function startReceiver(answer: (n: number, hook: ReceivedWebhook) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const hook = { headers: req.headers, raw, event: JSON.parse(raw) };
      received.push(hook);
      res.writeHead(answer(received.length, hook)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/paypal/webhook`;
  return {
    url,
    received,
    types: () => received.map((h) => h.event.event_type as string),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
