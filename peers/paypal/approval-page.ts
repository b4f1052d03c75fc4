import type { Order, Peer } from "./core.js";
import { PayPalError } from "./errors.js";
import { formBody, type Reply, type Route } from "./http-kit.js";
import { formatMinor } from "./money.js";
import { approveOrder } from "./orders.js";

/**
 * The buyer's side of checkout, which real PayPal shows at www.paypal.com/checkoutnow: a small
 * page, plainly labelled as simulated, where the buyer enters an e-mail and approves or cancels.
 * Approving redirects to `return_url?token=<order id>&PayerID=<payer id>`, cancelling to
 * `cancel_url?token=<order id>` (the order stays as it was, as at PayPal).
 */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const STYLE = `body{font-family:system-ui,sans-serif;background:#f5f7fa;margin:0;color:#1a1a1a}
main{max-width:26rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0002}
.banner{background:#fff4ce;border:1px solid #e0c060;border-radius:6px;padding:.5rem .75rem;font-size:.875rem}
label{display:block;margin:1rem 0 .25rem;font-weight:600}input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem}
button{width:100%;margin-top:1rem;padding:.75rem;font-size:1rem;border-radius:24px;border:0;cursor:pointer}
.pay{background:#0070ba;color:#fff}.cancel{background:none;color:#0070ba;text-decoration:underline}`;

function page(title: string, body: string, status = 200): Reply {
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · PayPal sandbox (simulated)</title><style>${STYLE}</style></head><body><main>
<p class="banner" role="note"><strong>PayPal sandbox (simulated)</strong>: a local test server, not PayPal. No money moves.</p>
${body}</main></body></html>`,
  };
}

function checkoutPage(order: Order): Reply {
  const id = escapeHtml(order.id);
  const amount = `${formatMinor(order.amountMinor, order.currency)} ${order.currency}`;
  const approveLabel = order.userAction === "PAY_NOW" ? "Pay now" : "Approve";
  return page("Approve payment", `<h1>${escapeHtml(order.brandName ?? "Pay with PayPal")}</h1>
<p>Amount: <strong data-testid="amount">${escapeHtml(amount)}</strong>${order.description ? `<br>${escapeHtml(order.description)}` : ""}</p>
<p>Order <code>${id}</code></p>
<form method="post" action="/checkoutnow/approve">
<input type="hidden" name="token" value="${id}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="sb-buyer@personal.example.com">
<button class="pay" type="submit">${approveLabel}</button>
</form>
<form method="post" action="/checkoutnow/cancel">
<input type="hidden" name="token" value="${id}">
<button class="cancel" type="submit">Cancel and return</button>
</form>`);
}

function findForBuyer(peer: Peer, token: string | null): Order | undefined {
  return token ? peer.core.orders.get(token) : undefined;
}

const unknownOrder = () => page("Order not found", "<h1>We can't find this order</h1><p>The link may be wrong or the order may have been removed.</p>", 404);

const alreadyComplete = (o: Order) => page("Already paid", `<h1>This payment is already complete</h1><p>Order <code>${escapeHtml(o.id)}</code> has been captured.</p>`, 409);

export const approvalPageRoutes: Route[] = [
  {
    method: "GET", pattern: /^\/checkoutnow$/, op: "buyer.page", auth: "none", family: "overview",
    handle(ctx) {
      const order = findForBuyer(ctx.peer, ctx.url.searchParams.get("token"));
      if (!order) return unknownOrder();
      if (order.status === "COMPLETED") return alreadyComplete(order);
      return checkoutPage(order);
    },
  },
  {
    method: "POST", pattern: /^\/checkoutnow\/approve$/, op: "buyer.approve", auth: "none", family: "overview",
    handle(ctx) {
      const form = formBody(ctx.raw);
      const order = findForBuyer(ctx.peer, form.get("token"));
      if (!order) return unknownOrder();
      if (order.status === "COMPLETED") return alreadyComplete(order);
      const email = (form.get("email") ?? "").trim();
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) return { ...checkoutPage(order), status: 400 };
      try {
        approveOrder(ctx.peer, order.id, { email });
      } catch (err) {
        if (err instanceof PayPalError) return alreadyComplete(order);
        throw err;
      }
      if (!order.returnUrl) return page("Approved", "<h1>Payment approved</h1><p>You can close this window and return to the merchant.</p>");
      const back = new URL(order.returnUrl);
      back.searchParams.set("token", order.id);
      back.searchParams.set("PayerID", order.payer!.payerId);
      return { status: 302, headers: { location: back.toString() } };
    },
  },
  {
    method: "POST", pattern: /^\/checkoutnow\/cancel$/, op: "buyer.cancel", auth: "none", family: "overview",
    handle(ctx) {
      const order = findForBuyer(ctx.peer, formBody(ctx.raw).get("token"));
      if (!order) return unknownOrder();
      if (!order.cancelUrl) return page("Cancelled", "<h1>Payment cancelled</h1><p>You can close this window and return to the merchant.</p>");
      const back = new URL(order.cancelUrl);
      back.searchParams.set("token", order.id);
      return { status: 302, headers: { location: back.toString() } };
    },
  },
];
