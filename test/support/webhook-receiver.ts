import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

/**
 * A real local HTTP receiver for webhook tests and the bench: each path answers as told
 * (a status, or a delay before answering; or a function deciding per request), and every
 * request is recorded with the answer written back, if any, and whether the sender took it.
 */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
  /** The status written back while the connection was open (unset: the sender had hung up, e.g. timed out). */
  answered?: number;
  answeredAt?: number;
  /**
   * The sender closed the connection within seconds of this answer, without another request on it:
   * it had stopped waiting (its time limit passed while the answer was on its way), so it never took
   * it. (A kept-alive connection is otherwise only closed after the server's 30 s keep-alive.)
   */
  answerDropped?: boolean;
}

export type Behaviour = { status: number; delayMs?: number };

export interface Receiver {
  url: string;
  received: Received[];
  /** How a path answers from now on (default 204); a function decides for each request. */
  behave(path: string, b: Behaviour | ((r: Received) => Behaviour)): void;
  close(): Promise<void>;
}

export async function startReceiver(onRequest?: (r: Received) => void): Promise<Receiver> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour | ((r: Received) => Behaviour)>();
  // The last answer on each connection, until the sender's next request on it shows it was taken.
  const lastAnswer = new WeakMap<object, Received>();
  const server = http.createServer((req, res) => {
    lastAnswer.delete(req.socket);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: Received = { path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
      received.push(r);
      onRequest?.(r);
      const told = behaviours.get(r.path) ?? { status: 204 };
      const b = typeof told === "function" ? told(r) : told;
      let gone = false;
      res.on("close", () => (gone = true));
      const answer = () => {
        if (res.destroyed || gone) return;
        r.answered = b.status;
        r.answeredAt = Date.now();
        lastAnswer.set(req.socket, r);
        res.statusCode = b.status;
        res.end(b.status >= 300 ? `receiver says ${b.status}` : "");
      };
      if (b.delayMs) setTimeout(answer, b.delayMs).unref();
      else answer();
    });
  });
  server.on("connection", (socket) => socket.on("close", () => {
    const r = lastAnswer.get(socket);
    if (r && Date.now() - r.answeredAt! < 5000) r.answerDropped = true;
  }));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    behave: (path, b) => void behaviours.set(path, b),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Standard Webhooks verification, written from the specification (not from Bookstream's signer):
 * HMAC-SHA256 keyed with base64-decoded secret (after "whsec_") over "id.timestamp.body",
 * compared in constant time against each space-separated "v1,<base64>" signature.
 */
export function verifyStandardWebhook(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const sigs = headers["webhook-signature"];
  if (typeof id !== "string" || typeof ts !== "string" || typeof sigs !== "string" || !/^\d+$/.test(ts)) return false;
  if (!secret.startsWith("whsec_")) return false;
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest();
  return sigs.split(" ").some((s) => {
    const [version, b64] = s.split(",", 2);
    if (version !== "v1" || !b64) return false;
    const got = Buffer.from(b64, "base64");
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
