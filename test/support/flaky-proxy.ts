import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { seededRandom } from "../../peers/paypal/faults.js";

/**
 * A pass-through HTTP proxy in front of a test peer (Radicale), that can misbehave instead:
 * - `failNext(count, status)`: the next requests are answered with that status by the proxy itself;
 * - `setFaults(rate, seed)`: about `rate` of the requests, drawn from a seeded PRNG (a failing run
 *   repeats with the same seed, given the same order of requests), get one of these faults:
 *   `5xx` answered by the proxy (nothing forwarded), `5xx-after` (forwarded and done, then 502),
 *   `hang` (never forwarded, never answered) and `hang-after` (forwarded and done, the answer lost) —
 *   so a client retrying after the "after" kinds repeats work the peer already did.
 */
export type ProxyFault = "5xx" | "5xx-after" | "hang" | "hang-after";
const KINDS: ProxyFault[] = ["5xx", "5xx-after", "hang", "hang-after"];

export interface FlakyProxy {
  url: string;
  failNext(count: number, status: number): void;
  setFaults(rate: number, seed?: number): void;
  /** Requests seen (in all and by method), and the random faults injected, by kind. */
  stats: { requests: number; byMethod: Record<string, number>; faults: number; byKind: Partial<Record<ProxyFault, number>> };
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  let failing = 0;
  let status = 503;
  let rate = 0;
  let random: (() => number) | null = null;
  const stats: FlakyProxy["stats"] = { requests: 0, byMethod: {}, faults: 0, byKind: {} };
  const t = new URL(target);
  const pick = (): ProxyFault | null => {
    if (!random || random() >= rate) return null;
    const kind = KINDS[Math.floor(random() * KINDS.length)];
    stats.faults++;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    return kind;
  };
  const forward = (req: IncomingMessage, res: ServerResponse, then: "answer" | "502" | "hang") => {
    const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
      if (then !== "answer") {
        // The peer did the work; its answer is thrown away.
        r.resume();
        if (then === "502") r.on("end", () => res.writeHead(502, { "content-type": "text/plain" }).end("bad gateway"));
        return;
      }
      const headers = { ...r.headers };
      // Keep the client on this proxy (Radicale answers with absolute URLs only in Location).
      if (headers.location) headers.location = headers.location.replace(target, `http://127.0.0.1:${(srv.address() as { port: number }).port}`);
      res.writeHead(r.statusCode ?? 502, headers);
      r.pipe(res);
    });
    up.on("error", () => {
      if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
    });
    req.pipe(up);
  };
  const srv: Server = createServer((req, res) => {
    stats.requests++;
    stats.byMethod[req.method ?? "?"] = (stats.byMethod[req.method ?? "?"] ?? 0) + 1;
    if (failing > 0) {
      failing--;
      res.writeHead(status, { "content-type": "text/plain" }).end("unavailable");
      return;
    }
    const fault = pick();
    if (fault === "5xx") {
      req.resume();
      res.writeHead(random!() < 0.5 ? 500 : 503, { "content-type": "text/plain" }).end("unavailable");
    } else if (fault === "hang") {
      req.resume(); // read, never forwarded, never answered: the client gives up
    } else {
      forward(req, res, fault === "5xx-after" ? "502" : fault === "hang-after" ? "hang" : "answer");
    }
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    failNext(count, s) {
      failing = count;
      status = s;
    },
    setFaults(r, seed = 1) {
      rate = r;
      random = r > 0 ? seededRandom(seed) : null;
    },
    close: () => new Promise((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}
