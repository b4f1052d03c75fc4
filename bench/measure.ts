import http from "node:http";
import net from "node:net";

/** Latency samples in milliseconds, summarised by nearest-rank percentiles. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Summary {
  p50: number;
  p95: number;
  n: number;
}

export const summarise = (samples: number[]): Summary => ({ p50: percentile(samples, 50), p95: percentile(samples, 95), n: samples.length });

/**
 * Times several ways of running a query, round-robin (A, B, C, A, B, C …), so that a change in the
 * machine's background load during the run hits all of them alike: the engines and HTTP vs SQL
 * are compared under the same conditions. Each is warmed up first.
 */
export async function timeRoundRobin(runs: (() => Promise<unknown>)[], opts: { warmup: number; iterations: number }): Promise<Summary[]> {
  for (let i = 0; i < opts.warmup; i++) for (const run of runs) await run();
  const samples = runs.map(() => [] as number[]);
  for (let i = 0; i < opts.iterations; i++) {
    for (const [k, run] of runs.entries()) {
      const t = performance.now();
      await run();
      samples[k].push(performance.now() - t);
    }
  }
  return samples.map(summarise);
}

/**
 * A minimal keep-alive HTTP GET client (one socket, like one browser tab). node:http rather than
 * fetch keeps the client's own overhead small, so the HTTP column measures the server.
 */
export function httpClient(baseUrl: string, token: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = new URL(baseUrl);
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: base.hostname, port: base.port, path, method: "GET", agent, headers: { authorization: `Bearer ${token}`, accept: "application/json" } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
  /** GET that only waits for the whole body (no decoding): what the timed loops use. */
  const fetchOnly = rawGetter(base, token);
  return {
    token,
    get,
    fetchOnly,
    /** GET that must answer 200; returns the parsed JSON. */
    async json<T = any>(path: string): Promise<T> {
      const r = await get(path);
      if (r.status !== 200) throw new Error(`GET ${path} → ${r.status}: ${r.body.slice(0, 300)}`);
      return JSON.parse(r.body) as T;
    },
    close: () => {
      agent.destroy();
      fetchOnly.close();
    },
  };
}

/**
 * The timed loops' GET: one keep-alive socket, a request written as one string, the answer read
 * up to its Content-Length. node:http's client costs a few hundred microseconds per request on
 * this machine, all of it on the same event loop as the server under test; this costs a few tens,
 * so the HTTP column is the server's time, as a browser (its own process) would see it.
 */
function rawGetter(base: URL, token: string) {
  let socket: net.Socket | undefined;
  let pending: { resolve: (status: number) => void; reject: (err: Error) => void } | undefined;
  let buffered: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    const headEnd = buffered.indexOf("\r\n\r\n");
    if (headEnd < 0 || !pending) return;
    const head = buffered.subarray(0, headEnd).toString("latin1");
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return fail(new Error(`bench client: an answer without Content-Length: ${head.split("\r\n")[0]}`));
    const end = headEnd + 4 + Number(length[1]);
    if (buffered.length < end) return;
    const status = Number(head.slice(9, 12));
    buffered = buffered.subarray(end);
    const p = pending;
    pending = undefined;
    p.resolve(status);
  };
  const fail = (err: Error) => {
    socket?.destroy();
    socket = undefined;
    buffered = Buffer.alloc(0);
    const p = pending;
    pending = undefined;
    p?.reject(err);
  };
  const connect = () => {
    const s = net.connect({ host: base.hostname, port: Number(base.port), noDelay: true });
    s.on("data", onData);
    s.on("error", fail);
    s.on("close", () => socket === s && fail(new Error("bench client: the server closed the connection")));
    return s;
  };
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      if (pending) return reject(new Error("bench client: one request at a time"));
      pending = { resolve, reject };
      socket ??= connect();
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${base.host}\r\nAuthorization: Bearer ${token}\r\nAccept: application/json\r\n\r\n`);
    });
  return Object.assign(get, {
    close: () => {
      const s = socket;
      socket = undefined;
      s?.destroy();
    },
  });
}

export interface PostLoadResult {
  seconds: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  clientCpuMs: number;
}

/** Sends prepared POSTs from a separate process (bench/post-load-client.ts), so the senders do not take the server's CPU. */
export async function runPostLoad(plan: import("./post-load-client.js").PostLoadPlan): Promise<PostLoadResult> {
  const { execFile } = await import("node:child_process");
  const { writeFileSync, rmSync, mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "bench-post-"));
  const file = join(dir, "plan.json");
  writeFileSync(file, JSON.stringify(plan));
  const script = new URL("./post-load-client.ts", import.meta.url).pathname;
  try {
    return await new Promise((resolve, reject) => {
      execFile(process.execPath, ["--import", "tsx", script, file], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`post load client failed: ${stderr || err.message}`));
        else resolve(JSON.parse(stdout) as PostLoadResult);
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
