export {};
/**
 * The load generator for the booking-throughput benchmark, run as its own process so that the
 * clients' CPU is not taken from the server under test. Input (argv[2], JSON):
 * {url, clients, jobs:[{slug, start, n}], tag}; prints {seconds, ok, failed, statuses} as JSON.
 */
interface Job {
  slug: string;
  start: string;
  n: number;
}

const { url, clients, jobs, tag } = JSON.parse(process.argv[2]) as { url: string; clients: number; jobs: Job[]; tag: string };
let next = 0;
let ok = 0;
const statuses: Record<string, number> = {};
const t0 = performance.now();
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      const res = await fetch(`${url}/api/v1/public/pages/${job.slug}/bookings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ start: job.start, customer: { name: `Bench ${job.n}`, email: `bench-${job.n}-${tag}@example.com` } }),
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 201) ok++;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ seconds, ok, failed: jobs.length - ok, statuses }));
