/**
 * The Salesforce benchmark's load (bench/salesforce.ts), run as its own process so that its CPU is
 * not taken from the server under test (on the embedded database the server, its workers and the
 * database share one thread). Lifecycle changes at a steady rate: bookings through the public page,
 * and reassigns and cancels of earlier bookings through the user API. node:http with keep-alive
 * sockets, not fetch: it costs the generator less CPU. Input: argv[2] is a JSON SalesforceLoadPlan.
 * Prints {sent, statuses} as JSON.
 */
import http from "node:http";

export interface SalesforceLoadPlan {
  url: string;
  token: string;
  slug: string;
  adminId: string;
  /** A second host: each reassign moves a booking to whichever of the two does not host it. */
  otherHostId: string;
  changes: number;
  perSecond: number;
  /** The first meeting time (ISO); each booking takes the next hour. */
  firstSlot: string;
}

const plan = JSON.parse(process.argv[2] ?? "null") as SalesforceLoadPlan;
if (!plan) throw new Error("usage: salesforce-load-client.ts <plan JSON>");
const base = new URL(plan.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const statuses: Record<string, number> = {};

function post(path: string, body: unknown, auth: boolean): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname, port: base.port, path, method: "POST", agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...(auth ? { authorization: `Bearer ${plan.token}` } : {}) },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
        resolve({ status: res.statusCode ?? 0, body: text });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const first = new Date(plan.firstSlot).getTime();
let free = 0;
const live: string[] = [];
const hostOf = new Map<string, string>();
const inflight: Promise<unknown>[] = [];
const began = Date.now();
for (let i = 0; i < plan.changes; i++) {
  const due = began + (i * 1000) / plan.perSecond;
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  const kind = i % 4;
  if (kind <= 1 || live.length < 4) {
    const start = new Date(first + free++ * 3_600_000).toISOString();
    inflight.push(post(`/api/v1/public/pages/${plan.slug}/bookings`, { start, customer: { name: `Customer ${i % 25}`, email: `customer${i % 25}@bench.example`, timeZone: "UTC" } }, false)
      .then((r) => {
        if (r.status !== 201) return;
        const id = JSON.parse(r.body).activity.id as string;
        hostOf.set(id, plan.adminId);
        live.push(id);
      }));
  } else {
    const id = live.splice((i * 7) % live.length, 1)[0]!;
    const to = hostOf.get(id) === plan.adminId ? plan.otherHostId : plan.adminId;
    inflight.push(kind === 2
      ? post(`/api/v1/activities/${id}/actions/reassign`, { ownerId: to }, true).then((r) => {
        if (r.status === 200) hostOf.set(id, to);
        live.push(id);
      })
      : post(`/api/v1/activities/${id}/actions/cancel`, { reason: "bench" }, true));
  }
}
await Promise.allSettled(inflight);
agent.destroy();
process.stdout.write(JSON.stringify({ sent: plan.changes, statuses }));
