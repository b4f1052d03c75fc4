import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { approvalPageRoutes } from "./approval-page.js";
import { createControl, type PayPalPeerControl } from "./control.js";
import { controlRoutes } from "./control-routes.js";
import { persistPeer } from "./persistence.js";
import { DEFAULT_FEES, DEFAULT_SANDBOX_APP, PeerCore, type ClientCredentials, type FeeSchedule, type Peer, type RetrySettings } from "./core.js";
import { authenticationFailure, debugId, errorBody, internalServerError, PayPalError } from "./errors.js";
import { FaultInjector, OPERATIONS, type Fault } from "./faults.js";
import { readBody, sleep, writeReply, type Reply, type RequestContext, type Route } from "./http-kit.js";
import { oauthRoutes, TokenStore } from "./oauth.js";
import { orderRoutes } from "./orders.js";
import { OutcomeScripts } from "./outcomes.js";
import { paymentRoutes } from "./payments.js";
import { webhookRoutes } from "./webhook-routes.js";
import { WebhookHub } from "./webhooks.js";

/**
 * A faithful local PayPal REST server (Orders v2, Payments v2, Webhooks) for tests and the demo.
 * Real HTTP, PayPal's JSON shapes, status codes, error bodies and webhook signatures; the product
 * can tell it from PayPal only by its base URL. See README.md for where it departs from PayPal.
 */

export interface PayPalPeerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The base URL put into links, the approval page URL and the cert URL (default: the listen URL). */
  publicUrl?: string;
  /** Apps accepted by the token endpoint; default: DEFAULT_SANDBOX_APP alone. */
  clients?: ClientCredentials[];
  /** Listeners subscribed from the start (the Developer Dashboard's job at PayPal). */
  webhooks?: { url: string; eventTypes?: string[]; id?: string; clientId?: string }[];
  /** Access token lifetime (PayPal: 32400 s). */
  tokenTtlSeconds?: number;
  /** Webhook retries: PayPal tries 25 times over 3 days; tests scale this down. */
  webhookRetry?: Partial<RetrySettings>;
  fees?: Partial<FeeSchedule>;
  /** Seed of the PRNGs behind fault rates and shuffles (default 1). */
  seed?: number;
  /** The clock for timestamps and token expiry (default: the system clock). */
  now?: () => Date;
  /** PayPal refuses a second capture with an invoice_id already paid (default true). */
  blockDuplicateInvoiceId?: boolean;
  merchant?: { email?: string; merchantId?: string };
  /** One line per request, e.g. console.log; default silent. */
  log?: (line: string) => void;
  /** Keep the state in this file across restarts (the demo); default: memory only. */
  stateFile?: string;
}

export interface PayPalPeer {
  url: string;
  control: PayPalPeerControl;
  close(): Promise<void>;
}

export { DEFAULT_SANDBOX_APP };

const DEFAULT_RETRY: RetrySettings = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 300_000, timeoutMs: 10_000 };

export async function startPayPalPeer(opts: PayPalPeerOptions = {}): Promise<PayPalPeer> {
  const core = new PeerCore({
    publicUrl: "",
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 32_400,
    fees: { basisPoints: opts.fees?.basisPoints ?? DEFAULT_FEES.basisPoints, fixedMinor: opts.fees?.fixedMinor ?? DEFAULT_FEES.fixedMinor },
    webhookRetry: { ...DEFAULT_RETRY, ...opts.webhookRetry },
    blockDuplicateInvoiceId: opts.blockDuplicateInvoiceId ?? true,
    merchant: { email: opts.merchant?.email ?? "sb-merchant@business.example.com", merchantId: opts.merchant?.merchantId ?? "BKSTRMMERCH01" },
    seed: opts.seed ?? 1,
    now: opts.now ?? (() => new Date()),
    log: opts.log ?? (() => undefined),
  });
  for (const c of opts.clients ?? [DEFAULT_SANDBOX_APP]) core.addClient(c);
  const tokens = new TokenStore(core);
  const peer: Peer = { core, tokens, hub: new WebhookHub(core), scripts: new OutcomeScripts(), faults: new FaultInjector(core.settings.seed) };
  const control = createControl(peer);
  const routes: Route[] = [...oauthRoutes(tokens), ...orderRoutes, ...paymentRoutes, ...webhookRoutes, ...approvalPageRoutes, ...controlRoutes(control)];
  const idempotency = new IdempotencyStore();
  const heldResponses = new Set<ServerResponse>();

  const server = http.createServer((req, res) => {
    handle(peer, routes, idempotency, heldResponses, req, res).catch((err) => {
      core.settings.log(`paypal-peer: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) writeReply(res, { status: 500, json: errorBody(internalServerError(500), debugId()) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== "0.0.0.0" && opts.host !== "::" ? opts.host : "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  core.settings.publicUrl = (opts.publicUrl ?? url).replace(/\/+$/, "");
  for (const w of opts.webhooks ?? []) peer.hub.register(w);
  const persisted = opts.stateFile ? persistPeer(peer, opts.stateFile) : undefined;

  return {
    url,
    control,
    async close() {
      persisted?.stop();
      peer.hub.close();
      for (const res of heldResponses) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** PayPal-Request-Id: a repeated POST (same app, endpoint and id) gets the first success again. */
class IdempotencyStore {
  private readonly done = new Map<string, Reply>();
  private readonly running = new Map<string, Promise<Reply>>();

  async run(key: string | undefined, work: () => Promise<Reply>): Promise<Reply> {
    if (key === undefined) return work();
    const stored = this.done.get(key);
    if (stored) return stored;
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const p = work();
    this.running.set(key, p);
    try {
      const reply = await p;
      // Only successes are kept: a refused request may succeed when retried once the cause is gone.
      if (reply.status >= 200 && reply.status < 300) this.done.set(key, reply);
      return reply;
    } finally {
      this.running.delete(key);
    }
  }
}

function findRoute(routes: Route[], method: string, path: string): { route?: Route; params: string[]; otherMethod: boolean } {
  let otherMethod = false;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, params: m.slice(1).map(decodeURIComponent), otherMethod };
    otherMethod = true;
  }
  return { params: [], otherMethod };
}

async function handle(peer: Peer, routes: Route[], idempotency: IdempotencyStore, held: Set<ServerResponse>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://paypal-peer.local");
  const debug = debugId();
  res.setHeader("paypal-debug-id", debug);
  const fail = (err: PayPalError): Reply => ({ status: err.status, json: errorBody(err, debug) });
  const { route, params, otherMethod } = findRoute(routes, method, url.pathname);
  if (!route) {
    writeReply(res, fail(new PayPalError(otherMethod ? 405 : 404, otherMethod ? "METHOD_NOT_SUPPORTED" : "RESOURCE_NOT_FOUND", [], "overview")));
    return;
  }
  let raw: string;
  try {
    raw = await readBody(req);
  } catch {
    writeReply(res, fail(new PayPalError(413, "INVALID_REQUEST", [{ issue: "REQUEST_TOO_LARGE", description: "The request body is too large." }], route.family)));
    return;
  }
  const ctx: RequestContext = { peer, method, url, params, headers: req.headers, raw, clientId: "" };
  if (route.auth === "bearer") {
    const clientId = peer.tokens.check(req.headers.authorization);
    if (!clientId) {
      writeReply(res, fail(authenticationFailure()));
      return;
    }
    ctx.clientId = clientId;
  }
  const fault = (OPERATIONS as readonly string[]).includes(route.op) ? peer.faults.decide(route.op) : undefined;
  if (fault?.when === "before" && (await strike(fault, res, held, debug))) return;

  const requestId = req.headers["paypal-request-id"];
  const key = route.idempotent && typeof requestId === "string" && requestId !== "" ? `${ctx.clientId}|${method}|${url.pathname}|${requestId}` : undefined;
  const reply = await idempotency.run(key, async () => {
    try {
      return await route.handle(ctx);
    } catch (err) {
      if (err instanceof PayPalError) return fail(err);
      if (route.op === "control" && err instanceof Error) return { status: 400, json: { error: err.message } };
      throw err;
    }
  });
  if (fault?.when === "after" && (await strike(fault, res, held, debug))) return;
  peer.core.settings.log(`paypal-peer ${method} ${url.pathname} → ${reply.status}`);
  writeReply(res, reply);
}

/** Applies a fault; true when it answered (or withheld) the response itself. */
async function strike(fault: Fault, res: ServerResponse, held: Set<ServerResponse>, debug: string): Promise<boolean> {
  if (fault.kind === "delay") {
    await sleep(fault.delayMs);
    return false;
  }
  if (fault.kind === "timeout") {
    // Hold the socket without a byte of answer until the client gives up (or the peer closes).
    held.add(res);
    res.on("close", () => held.delete(res));
    return true;
  }
  writeReply(res, { status: fault.status, json: errorBody(internalServerError(fault.status), debug) });
  return true;
}
