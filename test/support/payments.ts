import { expect } from "vitest";
import { paymentsConsumer } from "../../src/app/payments/execute-refund.js";
import { dispatchPending, registerConsumers } from "../../src/jobs/outbox-dispatcher.js";
import { payPalGateways } from "../../src/integrations/paypal/gateway.js";
import { startPayPalPeer, type PayPalPeer } from "../../peers/paypal/server.js";
import { client, customer, futureSlots, newAccount, startTestServer, type Engine, type TestAccount, type TestServer } from "./harness.js";

/**
 * Payments tests: a test server whose links reach itself, the local PayPal (peers/paypal) with
 * quick webhook retries, and an account connected to it through the API as an admin would.
 */
export interface PaymentsEnv {
  server: TestServer;
  paypal: PayPalPeer;
  /** Runs the payments consumer of the outbox (refunds go to PayPal) until nothing is left. */
  deliver(): Promise<void>;
  close(): Promise<void>;
}

export interface PaymentsEnvOptions {
  /** The PayPal client's deadline per call (the product's default is 10 s): short, for tests of timeouts. */
  payPalTimeoutMs?: number;
  /** The local PayPal reads the test clock (its webhooks' transmission times follow the moved clock). */
  peerOnTestClock?: boolean;
  webhookMaxAttempts?: number;
  /** Serve the built web app from there (browser tests). */
  webDist?: string;
}

export async function startPaymentsEnv(engine: Engine, opts: PaymentsEnvOptions = {}): Promise<PaymentsEnv> {
  const server = await startTestServer(engine, { realPublicUrl: true, webDist: opts.webDist });
  if (opts.payPalTimeoutMs) server.ctx.payments = payPalGateways(server.ctx.db, server.ctx.secrets, { timeoutMs: opts.payPalTimeoutMs });
  const paypal = await startPayPalPeer({
    webhookRetry: { baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 5_000, maxAttempts: opts.webhookMaxAttempts ?? 6 },
    ...(opts.peerOnTestClock ? { now: () => server.clock.now() } : {}),
  });
  const consumer = paymentsConsumer(server.ctx);
  await registerConsumers(server.ctx, [consumer]);
  return {
    server,
    paypal,
    deliver: async () => {
      for (let i = 0; i < 20 && (await dispatchPending(server.ctx, consumer)) > 0; i++);
    },
    close: async () => {
      await paypal.close();
      await server.close();
    },
  };
}

/** A fresh account connected to the local PayPal, its automatic page priced (USD 50.00, reschedule 10.00, automatic refunds). */
export async function paidAccount(env: PaymentsEnv, settings: Record<string, unknown> = {}): Promise<TestAccount> {
  const acct = await newAccount(env.server);
  const admin = client(env.server.url, acct.admin.token);
  // Each business has its own PayPal app (PayPal allows an app ten webhooks).
  const app = { clientId: `app-${acct.accountId.slice(0, 8)}`, clientSecret: `secret-${acct.accountId}` };
  env.paypal.control.addClient(app);
  const c = await admin.call("PUT", "/api/v1/account/paypal", { mode: "sandbox", baseUrl: env.paypal.url, ...app });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  expect(c.body.webhookId).toBeTruthy();
  const p = await admin.call("PUT", `/api/v1/booking-pages/${acct.autoPage.id}/payments`, {
    currency: "USD", price: "50.00", packageSessionPrice: null, rescheduleFee: "10.00", refundPolicy: "automatic", ...settings,
  });
  expect(p.status, JSON.stringify(p.body)).toBe(200);
  return acct;
}

/** The order id PayPal put in the approve link (?token=…). */
export const orderOf = (approveUrl: string) => new URL(approveUrl).searchParams.get("token")!;

/** A customer starts a checkout, approves at PayPal (what the approval page does), and comes back. */
export async function payAndBook(env: PaymentsEnv, acct: TestAccount, start = futureSlots(env.server, 1)[0], extra: Record<string, unknown> = {}) {
  const pub = client(env.server.url);
  const started = await pub.post(`/api/v1/public/pages/${acct.autoPage.slug}/checkouts`, { start, customer: customer(), ...extra });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const orderId = orderOf(started.body.approveUrl);
  env.paypal.control.approveOrder(orderId);
  const done = await pub.post(`/api/v1/public/checkouts/${started.body.checkoutId}/complete`, { orderId });
  return { started: started.body, orderId, done };
}
