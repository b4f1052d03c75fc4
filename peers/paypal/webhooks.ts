import { randomUUID } from "node:crypto";
import { paypalId, type PeerCore } from "./core.js";
import { seededRandom } from "./faults.js";
import { AUTH_ALGO, CERT_NAME, WebhookSigner } from "./webhook-signing.js";

/**
 * Webhook listeners and event delivery. Each event is serialized once; every transmission of it
 * (retries, duplicates, resends) carries those same bytes with a fresh transmission id, time and
 * signature, as PayPal's do. Non-2xx answers and network errors are retried with exponential
 * back-off up to `webhookRetry.maxAttempts` (PayPal: 25 times over 3 days).
 */

export interface WebhookListener { id: string; url: string; eventTypes: string[]; clientId?: string }

export interface WebhookEvent {
  id: string;
  event_version: "1.0";
  create_time: string;
  resource_type: string;
  resource_version: "2.0";
  event_type: string;
  summary: string;
  resource: unknown;
  links: { href: string; rel: string; method: string }[];
}

export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  webhookId: string;
  url: string;
  attempt: number;
  transmissionId?: string;
  outcome: "delivered" | "rejected" | "network-error" | "dropped";
  status?: number;
  error?: string;
}

/** Webhook-side faults: lose events, send each twice. (Out-of-order: hold() then release().) */
export interface WebhookFaultPlan { seed?: number; dropRate?: number; duplicateRate?: number }

export type ReleaseOrder = "fifo" | "reverse" | "shuffle";

interface Transmission { event: WebhookEvent; raw: string; listener: WebhookListener; attempt: number }

export class WebhookHub {
  readonly listeners = new Map<string, WebhookListener>();
  readonly events = new Map<string, { event: WebhookEvent; raw: string; clientId: string }>();
  readonly deliveries: DeliveryRecord[] = [];
  readonly signer = new WebhookSigner();
  private held: Transmission[] | undefined;
  private faults: Required<Omit<WebhookFaultPlan, "seed">> = { dropRate: 0, duplicateRate: 0 };
  private random: () => number;
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborter = new AbortController();

  constructor(private readonly core: PeerCore) {
    this.random = seededRandom(core.settings.seed);
  }

  get certUrl(): string {
    return this.core.url(`/v1/notifications/certs/${CERT_NAME}`);
  }

  register(input: { url: string; eventTypes?: string[]; clientId?: string; id?: string }): WebhookListener {
    const url = new URL(input.url).toString();
    if (input.id !== undefined && !/^[A-Za-z0-9]{1,50}$/.test(input.id)) throw new Error("a webhook id is letters and digits, at most 50");
    const listener: WebhookListener = { id: input.id ?? paypalId(17), url, eventTypes: input.eventTypes?.length ? [...input.eventTypes] : ["*"], clientId: input.clientId };
    this.listeners.set(listener.id, listener);
    return listener;
  }

  setFaults(plan: WebhookFaultPlan): void {
    for (const [k, v] of [["dropRate", plan.dropRate], ["duplicateRate", plan.duplicateRate]] as const) {
      if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`${k} must be within 0..1`);
    }
    this.faults = { dropRate: plan.dropRate ?? 0, duplicateRate: plan.duplicateRate ?? 0 };
    this.random = seededRandom(plan.seed ?? this.core.settings.seed);
  }

  /** Creates the event and hands it to every listener of the app that subscribed to its type. */
  emit(clientId: string, eventType: string, resourceType: string, resource: unknown, summary: string): WebhookEvent {
    const id = `WH-${paypalId(17)}-${paypalId(17)}`;
    const self = this.core.url(`/v1/notifications/webhooks-events/${id}`);
    const event: WebhookEvent = {
      id, event_version: "1.0", create_time: this.core.timestamp(), resource_type: resourceType, resource_version: "2.0",
      event_type: eventType, summary, resource,
      links: [{ href: self, rel: "self", method: "GET" }, { href: `${self}/resend`, rel: "resend", method: "POST" }],
    };
    const raw = JSON.stringify(event);
    this.events.set(id, { event, raw, clientId });
    for (const listener of this.listeners.values()) {
      if (listener.clientId !== undefined && listener.clientId !== clientId) continue;
      if (!listener.eventTypes.includes("*") && !listener.eventTypes.includes(eventType)) continue;
      this.dispatch(event, raw, listener);
    }
    return event;
  }

  /** Sends a stored event again (PayPal's "resend"), to the given listeners or all that match. */
  resend(eventId: string, webhookIds?: string[]): boolean {
    const stored = this.events.get(eventId);
    if (!stored) return false;
    for (const listener of this.listeners.values()) {
      if (webhookIds ? !webhookIds.includes(listener.id) : listener.clientId !== undefined && listener.clientId !== stored.clientId) continue;
      this.dispatch(stored.event, stored.raw, listener);
    }
    return true;
  }

  private dispatch(event: WebhookEvent, raw: string, listener: WebhookListener): void {
    // Draw both numbers every time so a seed replays the same losses and duplicates.
    const dropDraw = this.random();
    const duplicateDraw = this.random();
    if (dropDraw < this.faults.dropRate) {
      this.deliveries.push({ eventId: event.id, eventType: event.event_type, webhookId: listener.id, url: listener.url, attempt: 0, outcome: "dropped" });
      return;
    }
    const copies = duplicateDraw < this.faults.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const t: Transmission = { event, raw, listener, attempt: 1 };
      if (this.held) this.held.push(t);
      else this.schedule(t, 0);
    }
  }

  /** From now on events wait until release(): the way to get a batch delivered out of order. */
  hold(): void {
    this.held ??= [];
  }

  release(order: ReleaseOrder = "fifo"): number {
    const batch = this.held ?? [];
    this.held = undefined;
    if (order === "reverse") batch.reverse();
    if (order === "shuffle") {
      for (let i = batch.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
    }
    // One at a time, in the chosen order, so the receiver sees exactly that order.
    const sendInOrder = async () => {
      for (const t of batch) await this.attempt(t);
    };
    this.pending += batch.length;
    void sendInOrder().finally(() => this.settle(batch.length));
    return batch.length;
  }

  get heldCount(): number {
    return this.held?.length ?? 0;
  }

  private schedule(t: Transmission, delayMs: number): void {
    this.pending += 1;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(t).finally(() => this.settle(1));
    }, delayMs);
    this.timers.add(timer);
  }

  private settle(n: number): void {
    this.pending -= n;
    if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async attempt(t: Transmission): Promise<void> {
    const transmissionId = randomUUID();
    const transmissionTime = this.core.timestamp();
    const record: DeliveryRecord = { eventId: t.event.id, eventType: t.event.event_type, webhookId: t.listener.id, url: t.listener.url, attempt: t.attempt, transmissionId, outcome: "delivered" };
    const retry = this.core.settings.webhookRetry;
    try {
      const res = await fetch(t.listener.url, {
        method: "POST",
        body: t.raw,
        headers: {
          "content-type": "application/json",
          "user-agent": "PayPal/AUHD-214.0-58891148 (Bookstream PayPal peer)",
          "paypal-transmission-id": transmissionId,
          "paypal-transmission-time": transmissionTime,
          "paypal-transmission-sig": this.signer.sign(transmissionId, transmissionTime, t.listener.id, t.raw),
          "paypal-cert-url": this.certUrl,
          "paypal-auth-algo": AUTH_ALGO,
          "paypal-auth-version": "v2",
          "correlation-id": transmissionId.slice(0, 13),
        },
        signal: AbortSignal.any([this.aborter.signal, AbortSignal.timeout(retry.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.status = res.status;
      if (res.status < 200 || res.status > 299) record.outcome = "rejected";
    } catch (err) {
      record.outcome = "network-error";
      record.error = err instanceof Error ? err.message : String(err);
    }
    this.deliveries.push(record);
    if (record.outcome !== "delivered" && t.attempt < retry.maxAttempts && !this.aborter.signal.aborted) {
      const delay = Math.min(retry.baseDelayMs * 2 ** (t.attempt - 1), retry.maxDelayMs);
      this.schedule({ ...t, attempt: t.attempt + 1 }, delay);
    }
  }

  /** Resolves once nothing is in flight or waiting for a retry (held events do not count). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.aborter.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pending = 0;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
