/**
 * The load generator for the booking-throughput benchmark, run as its own process so that the
 * clients' CPU is not taken from the server under test. Input (argv[2], JSON): a LoadPlan; prints
 * {seconds, ok, failed, statuses, clientCpuMs} as JSON (the generator's own CPU: on a small
 * machine it is CPU the server did not get).
 * node:http with one keep-alive socket per client (as 50 browsers would hold), rather than fetch:
 * it costs the load generator less CPU, which on a small machine is CPU the server gets.
 */
import http from "node:http";

/** Bookings `first` … `first + count - 1`; booking n is on page n mod slugs, at half hour n div slugs from baseMs. */
export interface LoadPlan {
  url: string;
  clients: number;
  slugs: string[];
  baseMs: number;
  slotMs: number;
  first: number;
  count: number;
  /** Makes the customers' e-mails unique per run. */
  tag: string;
}

interface Job {
  slug: string;
  start: string;
  n: number;
}

const plan = JSON.parse(process.argv[2] ?? "null") as LoadPlan | null;
if (!plan) throw new Error("usage: booking-load-client.ts '<LoadPlan as JSON>'");
const { url, clients, slugs, baseMs, slotMs, first, count, tag } = plan;
const jobs: Job[] = Array.from({ length: count }, (_, k) => {
  const n = first + k;
  return { slug: slugs[n % slugs.length], start: new Date(baseMs + Math.floor(n / slugs.length) * slotMs).toISOString(), n };
});
const base = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });

function post(path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, path, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

let next = 0;
let ok = 0;
const statuses: Record<string, number> = {};
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const status = await post(
        `/api/v1/public/pages/${job.slug}/bookings`,
        JSON.stringify({ start: job.start, customer: { name: `Bench ${job.n}`, email: `bench-${job.n}-${tag}@example.com` } }),
      );
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 201) ok++;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
agent.destroy();
process.stdout.write(JSON.stringify({ seconds, ok, failed: jobs.length - ok, statuses, clientCpuMs: (cpu.user + cpu.system) / 1000 }));
