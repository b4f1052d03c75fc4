/**
 * Fault injection for the REST API: a seeded PRNG decides, per request, whether a rule fires.
 * A rule fires either before the work (nothing happened at "PayPal") or after it (the capture or
 * refund exists, but the caller sees a 5xx or nothing at all: the case idempotency keys are for).
 */

/** Names for `op` in a rule; "*" matches every API operation. */
export const OPERATIONS = [
  "oauth.token", "orders.create", "orders.get", "orders.capture", "captures.get", "captures.refund",
  "refunds.get", "webhooks.create", "webhooks.list", "webhooks.get", "webhooks.delete",
  "webhooks.verify", "webhook-events.get", "webhook-events.resend", "certs.get",
] as const;

export interface FaultRule {
  /** One operation, a list, or "*" (default). */
  op?: string | string[];
  /** Chance that a matching request is hit, 0..1 (default 1). */
  rate?: number;
  /** error: a 5xx with PayPal's INTERNAL_SERVER_ERROR body; delay: answer late; timeout: never answer. */
  kind: "error" | "delay" | "timeout";
  status?: 500 | 503;
  /** Whether the fault strikes before the work is done or after it (default "before"). */
  when?: "before" | "after";
  delayMs?: number;
  /** Stop after this many hits (default: no limit). */
  times?: number;
}

export interface FaultPlan { seed?: number; rules: FaultRule[] }

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function validateRule(rule: FaultRule): FaultRule {
  if (!["error", "delay", "timeout"].includes(rule.kind)) throw new Error(`fault kind must be error, delay or timeout`);
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) throw new Error("fault rate must be within 0..1");
  if (rule.status !== undefined && rule.status !== 500 && rule.status !== 503) throw new Error("fault status must be 500 or 503");
  if (rule.when !== undefined && rule.when !== "before" && rule.when !== "after") throw new Error('fault "when" must be before or after');
  if (rule.delayMs !== undefined && !(Number.isInteger(rule.delayMs) && rule.delayMs >= 0)) throw new Error("delayMs must be a non-negative integer");
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) throw new Error("times must be a positive integer");
  const ops = rule.op === undefined ? [] : Array.isArray(rule.op) ? rule.op : [rule.op];
  for (const op of ops) if (op !== "*" && !(OPERATIONS as readonly string[]).includes(op)) throw new Error(`unknown operation ${op}`);
  return rule;
}

interface ActiveRule { rule: FaultRule; left: number }

export interface Fault { kind: FaultRule["kind"]; status: 500 | 503; when: "before" | "after"; delayMs: number }

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private random: () => number;
  /** Every fault that fired, in order, for tests to assert on. */
  readonly fired: { op: string; kind: string; when: string }[] = [];

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  set(plan: FaultPlan, defaultSeed: number): void {
    this.rules = plan.rules.map((r) => ({ rule: validateRule(r), left: r.times ?? Number.POSITIVE_INFINITY }));
    this.random = seededRandom(plan.seed ?? defaultSeed);
  }

  clear(): void {
    this.rules = [];
  }

  /** Decided once per request, before any work: which fault (if any) this request meets. */
  decide(op: string): Fault | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      const ops = rule.op === undefined ? ["*"] : Array.isArray(rule.op) ? rule.op : [rule.op];
      if (!ops.includes("*") && !ops.includes(op)) continue;
      if (active.left <= 0) continue;
      // Every matching rule draws, hit or miss, so a seed replays the same run.
      if (this.random() >= (rule.rate ?? 1)) continue;
      active.left -= 1;
      const fault: Fault = { kind: rule.kind, status: rule.status ?? 500, when: rule.when ?? "before", delayMs: rule.delayMs ?? 0 };
      this.fired.push({ op, kind: fault.kind, when: fault.when });
      return fault;
    }
    return undefined;
  }
}
