/**
 * The load generator for the booking-throughput benchmark, run as its own process so that the
 * clients' CPU is not taken from the server under test. Input (argv[2], JSON):
 * {url, clients, jobs:[{slug, start, n}], tag}; prints {seconds, ok, failed, statuses, clientCpuMs}
 * as JSON (the generator's own CPU: on a small machine it is CPU the server did not get).
 * node:http with one keep-alive socket per client (as 50 browsers would hold), rather than fetch:
 * it costs the load generator less CPU, which on a small machine is CPU the server gets.
 */
import http from "node:http";

interface Job {
  slug: string;
  start: string;
  n: number;
}

const { url, clients, jobs, tag } = JSON.parse(process.argv[2]) as { url: string; clients: number; jobs: Job[]; tag: string };
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
