import type { PayPalPeerControl } from "./control.js";
import { isObject, type Reply, type RequestContext, type Route } from "./http-kit.js";
import type { ReleaseOrder } from "./webhooks.js";

/**
 * The control API over HTTP, for scripts and tests in another process (`npm start` against a
 * standalone peer). Everything lives under /__peer/ so nobody mistakes it for PayPal's API; it
 * takes no credentials (the peer only listens locally) and is never hit by injected faults.
 * Mistakes answer 400 `{error}`; PayPal-side refusals (say, refunding too much) answer PayPal's body.
 */

function body(ctx: RequestContext): Record<string, unknown> {
  if (ctx.raw.trim() === "") return {};
  const parsed: unknown = JSON.parse(ctx.raw);
  if (!isObject(parsed)) throw new Error("the body must be a JSON object");
  return parsed;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const ok = (json: unknown = { ok: true }): Reply => ({ status: 200, json });

function route(method: Route["method"], path: string, handle: (ctx: RequestContext) => Reply | Promise<Reply>): Route {
  const pattern = new RegExp(`^/__peer${path.replace(/:[a-z]+/g, "([^/]+)")}$`);
  return { method, pattern, op: "control", auth: "none", family: "overview", handle };
}

export function controlRoutes(control: PayPalPeerControl): Route[] {
  return [
    route("POST", "/clients", (ctx) => {
      const b = body(ctx);
      control.addClient({ clientId: str(b.client_id) ?? "", clientSecret: str(b.client_secret) ?? "" });
      return ok();
    }),
    route("POST", "/tokens/expire", () => ok({ expired: control.expireTokens() })),
    route("POST", "/orders/:id/approve", (ctx) => {
      const b = body(ctx);
      return ok(control.approveOrder(ctx.params[0]!, { email: str(b.email), givenName: str(b.given_name), surname: str(b.surname) }));
    }),
    route("GET", "/orders/:id", (ctx) => ok(control.order(ctx.params[0]!))),
    route("GET", "/captures/:id", (ctx) => ok(control.capture(ctx.params[0]!))),
    route("GET", "/refunds/:id", (ctx) => ok(control.refund(ctx.params[0]!))),
    route("POST", "/captures/script", (ctx) => {
      const b = body(ctx);
      control.scriptCapture({
        outcome: b.outcome as never, reason: str(b.reason), orderId: str(b.order_id), customId: str(b.custom_id),
        times: typeof b.times === "number" ? b.times : undefined,
      });
      return ok();
    }),
    route("POST", "/refunds/script", (ctx) => {
      const b = body(ctx);
      control.scriptRefund({ outcome: b.outcome as never, captureId: str(b.capture_id), times: typeof b.times === "number" ? b.times : undefined });
      return ok();
    }),
    route("POST", "/captures/:id/settle", (ctx) => {
      const status = body(ctx).status;
      if (status !== "COMPLETED" && status !== "DECLINED") throw new Error("status must be COMPLETED or DECLINED");
      return ok(control.settleCapture(ctx.params[0]!, status));
    }),
    route("POST", "/refunds/:id/settle", (ctx) => {
      const status = body(ctx).status;
      if (status !== "COMPLETED" && status !== "FAILED") throw new Error("status must be COMPLETED or FAILED");
      return ok(control.settleRefund(ctx.params[0]!, status));
    }),
    route("POST", "/captures/:id/refund-in-paypal", (ctx) => {
      const b = body(ctx);
      return ok(control.refundInPayPal(ctx.params[0]!, { value: str(b.value), noteToPayer: str(b.note_to_payer) }));
    }),
    route("POST", "/captures/:id/reverse", (ctx) => ok(control.reverseCapture(ctx.params[0]!))),
    route("POST", "/faults", (ctx) => {
      const b = body(ctx);
      if (!Array.isArray(b.rules)) throw new Error("rules must be an array");
      control.setFaults({ seed: typeof b.seed === "number" ? b.seed : undefined, rules: b.rules });
      return ok();
    }),
    route("DELETE", "/faults", () => {
      control.clearFaults();
      return ok();
    }),
    route("GET", "/faults", () => ok({ fired: control.firedFaults() })),
    route("POST", "/webhooks", (ctx) => {
      const b = body(ctx);
      const eventTypes = Array.isArray(b.event_types) ? b.event_types.map((t) => (isObject(t) ? str(t.name) : str(t)) ?? "") : undefined;
      return ok(control.registerWebhook({ url: str(b.url) ?? "", eventTypes, id: str(b.id), clientId: str(b.client_id) }));
    }),
    route("POST", "/webhooks/faults", (ctx) => {
      const b = body(ctx);
      const num = (v: unknown) => (typeof v === "number" ? v : undefined);
      control.setWebhookFaults({ seed: num(b.seed), dropRate: num(b.drop_rate), duplicateRate: num(b.duplicate_rate) });
      return ok();
    }),
    route("POST", "/webhooks/hold", () => {
      control.holdWebhooks();
      return ok();
    }),
    route("POST", "/webhooks/release", (ctx) => {
      const order = body(ctx).order ?? "fifo";
      if (order !== "fifo" && order !== "reverse" && order !== "shuffle") throw new Error("order must be fifo, reverse or shuffle");
      return ok({ released: control.releaseWebhooks(order as ReleaseOrder) });
    }),
    route("POST", "/webhooks/wait", async () => {
      await control.waitForWebhooks();
      return ok();
    }),
    route("GET", "/webhooks/deliveries", () => ok({ deliveries: control.webhookDeliveries() })),
    route("GET", "/webhooks/events", () => ok({ events: control.webhookEvents() })),
    route("GET", "/ledger", () => ok(control.ledger())),
    route("POST", "/reset", () => {
      control.reset();
      return ok();
    }),
  ];
}
