import path from "node:path";
import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import { startPayPalPeer, type PayPalPeer } from "../../peers/paypal/server.js";
import { callerFromApiToken } from "../app/auth.js";
import type { AppContext, Caller } from "../app/context.js";
import { customerCancel } from "../app/customer-cancel.js";
import { getSlots } from "../app/get-slots.js";
import { completeCheckout } from "../app/payments/complete-checkout.js";
import { connectPayPal } from "../app/payments/connection.js";
import { setPagePayments } from "../app/payments/page-payments.js";
import { refundPayment } from "../app/payments/refunds.js";
import { startCheckout, startRescheduleCheckout } from "../app/payments/start-checkout.js";
import { findReadyDemo, markDemoPaymentsSeeded } from "../store/demo-repo.js";
import { insertBookingPage } from "../store/pages-repo.js";
import { findConnection, findPaymentRecord } from "../store/payments-repo.js";

/**
 * The demo's PayPal: the local PayPal (peers/paypal, "PayPal sandbox (simulated)") started beside
 * the server, its state kept in the data folder. The demo account connects to it through the same
 * use case an admin's form calls, and once, its payments are made by the real flows — checkout,
 * approval, capture, webhooks, refunds through the outbox — so the stream shows all seven of the
 * seed's transaction rows. Only the demo knows this PayPal is local: the product sees a base URL.
 */
export const DEMO_PAYPAL_APP = { clientId: "bookstream-demo-app", clientSecret: "bookstream-demo-app-secret" };

export async function startDemoPayPal(ctx: AppContext, dataDir: string, log: (line: string) => void): Promise<PayPalPeer | undefined> {
  const demo = await findReadyDemo(ctx.db);
  if (!demo?.api_token) return undefined;
  const admin = await callerFromApiToken(ctx.db, demo.api_token);
  if (!admin) return undefined;
  const peer = await startPayPalPeer({ clients: [DEMO_PAYPAL_APP], stateFile: path.join(dataDir, "paypal-simulator.json") });
  const connection = await findConnection(ctx.db, demo.account_id);
  if (!connection || connection.base_url !== peer.url) {
    // First start, or the simulator came back on another port: (re)connect, keeping the webhook.
    const r = await connectPayPal(ctx, admin, { mode: "sandbox", baseUrl: peer.url, ...DEMO_PAYPAL_APP, webhookId: connection?.webhook_id ?? undefined });
    if (r.webhookProblem) log(r.webhookProblem);
  }
  const webhookId = (await findConnection(ctx.db, demo.account_id))!.webhook_id;
  const webhookUrl = `${ctx.publicUrl.replace(/\/$/, "")}/api/v1/webhooks/paypal/${(await findConnection(ctx.db, demo.account_id))!.webhook_key}`;
  // The server's address may have changed since the webhook was subscribed.
  if (webhookId) peer.control.registerWebhook({ id: webhookId, url: webhookUrl, clientId: DEMO_PAYPAL_APP.clientId });
  log(`PayPal sandbox (simulated) at ${peer.url}: the demo's paid page is ${ctx.publicUrl.replace(/\/$/, "")}/book/paid-session`);
  if (!demo.payments_seeded_at) {
    await seedDemoPayments(ctx, peer, admin);
    await markDemoPaymentsSeeded(ctx.db, demo.account_id, ctx.clock.now());
  }
  return peer;
}

/** The paid page and one booking per row of the seed's transaction table. */
async function seedDemoPayments(ctx: AppContext, peer: PayPalPeer, admin: Caller) {
  const page = { id: randomUUID(), slug: "paid-session" };
  await insertBookingPage(ctx.db, {
    id: page.id, account_id: admin.accountId, slug: page.slug, name: "Paid session", owner_id: admin.userId,
    time_zone: "America/New_York", duration_minutes: 30, mode: "automatic", location: "Video call",
    open_hours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]])) as never,
  });
  await setPagePayments(ctx, admin, page.id, { currency: "USD", price: "80.00", packageSessionPrice: null, rescheduleFee: "15.00", refundPolicy: "automatic" });
  const slots = await freeStarts(ctx, page.slug, 9);
  let n = 0;
  const customer = () => {
    n++;
    const names = ["Hannah Weiss", "Omar Farouk", "Lena Sato", "Diego Ramos", "Grace Mensah", "Tomas Berg", "Aisha Khan", "Pierre Dubois"];
    const name = names[(n - 1) % names.length];
    return { name, email: `${name.toLowerCase().replace(" ", ".")}@example.com`, timeZone: "America/Chicago" };
  };
  const pay = async (start: Date) => {
    const c = customer();
    const started = await startCheckout(ctx, page.slug, { start, customer: c, answers: {} });
    peer.control.approveOrder(new URL(started.approveUrl).searchParams.get("token")!, { email: c.email });
    return completeCheckout(ctx, started.checkoutId) as Promise<{ bookingId?: string; transactionId: string | null; manageLink?: string }>;
  };
  const tokenOf = (link: string | undefined) => link!.slice(link!.lastIndexOf("/") + 1);

  await pay(slots[0]); // PAYMENT (SCHEDULE)
  const moved = await pay(slots[1]); // then PAYMENT (RESCHEDULE)
  const fee = await startRescheduleCheckout(ctx, tokenOf(moved.manageLink), { start: slots[2] });
  peer.control.approveOrder(new URL(fee.approveUrl).searchParams.get("token")!);
  await completeCheckout(ctx, fee.checkoutId);
  peer.control.scriptCapture({ outcome: "PENDING", reason: "PENDING_REVIEW" });
  await pay(slots[3]); // PAYMENT PENDING (SCHEDULE)
  const canceled = await pay(slots[4]); // AUTOMATIC REFUND (CANCELLATION)
  await customerCancel(ctx, tokenOf(canceled.manageLink), { reason: "My plans changed" });
  const pending = await pay(slots[5]); // AUTOMATIC REFUND PENDING (CANCELLATION)
  peer.control.scriptRefund({ outcome: "PENDING" });
  await customerCancel(ctx, tokenOf(pending.manageLink), { reason: "Double-booked" });
  const refunded = await pay(slots[6]); // MANUAL REFUND VIA BOOKSTREAM
  await refundPayment(ctx, admin, refunded.transactionId!, { amount: "30.00", reason: "Started 20 minutes late" });
  const inPayPal = await pay(slots[7]); // MANUAL REFUND VIA PAYPAL
  const record = await findPaymentRecord(ctx.db, admin.accountId, inPayPal.transactionId!);
  if (record?.paypal_capture_id) peer.control.refundInPayPal(record.paypal_capture_id, { value: "80.00" });
}

/** The first free starts of a page from two days ahead (working days, whatever today is). */
async function freeStarts(ctx: AppContext, slug: string, count: number): Promise<Date[]> {
  const from = DateTime.fromJSDate(ctx.clock.now()).plus({ days: 2 }).startOf("hour").toJSDate();
  const slots = await getSlots(ctx, slug, { from, to: new Date(from.getTime() + 30 * 86_400_000), timeZone: "America/New_York" });
  const starts = slots.slots.map((s) => new Date(s.startUtc));
  // Spread them: every fourth slot, so the demo's paid meetings are not back to back.
  return starts.filter((_, i) => i % 4 === 0).slice(0, count);
}
