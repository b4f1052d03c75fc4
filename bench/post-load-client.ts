/**
 * A load generator for prepared POSTs (the webhook-ingestion benchmarks), run as its own process so
 * that the senders' CPU is not taken from the server under test — on a 2-core machine a sender in
 * the server's process costs it about a third of its throughput. Input: argv[2] is the path of a
 * JSON file holding a PostLoadPlan. Prints {seconds, ok, failed, statuses, clientCpuMs} as JSON.
 * node:http with one keep-alive socket per sender (as PayPal's delivery workers hold), not fetch:
 * it costs the generator less CPU.
 */
import { readFileSync } from "node:fs";
import http from "node:http";

export interface PreparedPost {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface PostLoadPlan {
  url: string;
  senders: number;
  /** The status that counts as accepted (200 for webhooks). */
  okStatus: number;
  requests: PreparedPost[];
}

const file = process.argv[2];
if (!file) throw new Error("usage: post-load-client.ts <plan.json>");
const plan = JSON.parse(readFileSync(file, "utf8")) as PostLoadPlan;
const base = new URL(plan.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: plan.senders });

function post(p: PreparedPost): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, path: p.path, method: "POST", agent, headers: { ...p.headers, "content-length": Buffer.byteLength(p.body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(p.body);
  });
}

let next = 0;
let ok = 0;
const statuses: Record<string, number> = {};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: plan.senders }, async () => {
    while (next < plan.requests.length) {
      const status = await post(plan.requests[next++]);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === plan.okStatus) ok++;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
agent.destroy();
process.stdout.write(JSON.stringify({ seconds, ok, failed: plan.requests.length - ok, statuses, clientCpuMs: (cpu.user + cpu.system) / 1000 }));
