import { generateKeyPairSync, createSign, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_NAME, WebhookSigner } from "../peers/paypal/webhook-signing.js";
import { ENGINES, client, futureSlots, type TestAccount } from "./support/harness.js";
import { details } from "./support/lifecycle-drive.js";
import { paidAccount, payAndBook, startPaymentsEnv, type PaymentsEnv } from "./support/payments.js";

/**
 * Issue 11, "Must hold" — forged webhooks and cross-account webhooks, through HTTP
 * (POST /api/v1/webhooks/paypal/{accountKey}). The signature check itself is tested against the
 * client in paypal-client-webhooks.test.ts; here: what the product does with what it refuses, and
 * that one account's webhook never reaches another account's transactions. "Genuinely signed" is
 * signed with the local PayPal's own key for the account's webhook id, as PayPal signs.
 */
describe.each(ENGINES)("PayPal webhook security on $name", (engine) => {
  let env: PaymentsEnv;
  const signer = new WebhookSigner();
  let a: TestAccount;
  let b: TestAccount;
  const ids = { captureA: "", captureB: "", paymentA: "", paymentB: "", bookingB: "", refundB: "" };
  /** Real events of a third account, to forge from: a refund made in PayPal, a pending capture denied. */
  let refundTemplate: any;
  let deniedTemplate: any;
  let captureC = "";
  let deniedCaptureC = "";

  beforeAll(async () => {
    env = await startPaymentsEnv(engine);
    const { paypal } = env;
    [a, b] = [await paidAccount(env), await paidAccount(env)];
    const c = await paidAccount(env);
    const paidA = await payAndBook(env, a);
    ids.paymentA = paidA.done.body.transactionId;
    paypal.control.scriptCapture({ outcome: "PENDING" });
    const paidB = await payAndBook(env, b);
    [ids.paymentB, ids.bookingB] = [paidB.done.body.transactionId, paidB.done.body.bookingId];
    const paidC = await payAndBook(env, c);
    paypal.control.scriptCapture({ outcome: "PENDING" });
    const pendingC = await payAndBook(env, c, futureSlots(env.server, 2)[1]);
    const admin = (acct: TestAccount) => client(env.server.url, acct.admin.token);
    ids.captureA = (await details(admin(a), ids.paymentA)).payment.paypal.captureId;
    ids.captureB = (await details(admin(b), ids.paymentB)).payment.paypal.captureId;
    captureC = (await details(admin(c), paidC.done.body.transactionId)).payment.paypal.captureId;
    deniedCaptureC = (await details(admin(c), pendingC.done.body.transactionId)).payment.paypal.captureId;
    paypal.control.refundInPayPal(captureC, { value: "5.00" });
    paypal.control.settleCapture(deniedCaptureC, "DECLINED");
    await paypal.control.waitForWebhooks();
    const events = paypal.control.webhookEvents() as any[];
    refundTemplate = events.find((e) => e.event_type === "PAYMENT.CAPTURE.REFUNDED" && JSON.stringify(e).includes(captureC));
    deniedTemplate = events.find((e) => e.event_type === "PAYMENT.CAPTURE.DENIED" && e.resource.id === deniedCaptureC);
    expect([refundTemplate, deniedTemplate].every(Boolean)).toBe(true);
    // B also has a refund of its own still pending at PayPal (its TXN id is what PayPal echoes as invoice_id).
    const bAdmin = admin(b);
    paypal.control.scriptCapture({ outcome: "COMPLETED" });
    const paidB2 = await payAndBook(env, b, futureSlots(env.server, 2)[1]);
    paypal.control.scriptRefund({ outcome: "PENDING" });
    const r = await bAdmin.post(`/api/v1/activities/${paidB2.done.body.transactionId}/actions/refund`, { amount: "10.00" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    ids.refundB = r.body.created.id;
    await env.deliver();
    await paypal.control.waitForWebhooks();
  });
  afterAll(async () => env?.close());

  const db = () => env.server.handle.db;
  const webhookKey = async (acct: TestAccount) =>
    (await db().selectFrom("payment_connections").select("webhook_key").where("account_id", "=", acct.accountId).executeTakeFirstOrThrow()).webhook_key;
  const webhookId = async (acct: TestAccount) =>
    (await db().selectFrom("payment_connections").select("webhook_id").where("account_id", "=", acct.accountId).executeTakeFirstOrThrow()).webhook_id!;

  /** Everything a webhook could change for an account: its transactions, their history and records, its stored events. */
  async function snapshot(acct: TestAccount) {
    const txns = await db().selectFrom("activities").select(["id", "status", "detailed_status", "version", "refundable_minor", "amount_minor"])
      .where("account_id", "=", acct.accountId).orderBy("id").execute();
    const records = await db().selectFrom("payment_records").select(["activity_id", "state", "refunded_minor", "paypal_refund_id", "updated_at"])
      .where("account_id", "=", acct.accountId).orderBy("activity_id").execute();
    const history = await db().selectFrom("activity_history").select((eb) => eb.fn.countAll<number>().as("n")).where("account_id", "=", acct.accountId).executeTakeFirstOrThrow();
    const events = await db().selectFrom("paypal_webhook_events").select(["event_id", "outcome", "processed_at"]).where("account_id", "=", acct.accountId).orderBy("event_id").execute();
    return { txns, records, history: Number(history.n), events };
  }

  /** An event like `template`, about another capture (and a new refund id), with a new event id. */
  function eventLike(template: any, fromCapture: string, toCapture: string, extra: (e: any) => void = () => {}) {
    const e = JSON.parse(JSON.stringify(template).split(fromCapture).join(toCapture));
    e.id = `WH-${randomUUID().replace(/-/g, "").slice(0, 17).toUpperCase()}-${randomUUID().slice(0, 8).toUpperCase()}`;
    if (e.resource_type === "refund") e.resource.id = randomUUID().replace(/-/g, "").slice(0, 17).toUpperCase();
    extra(e);
    return JSON.stringify(e);
  }

  /** The headers PayPal sends with `raw`, signed for `hookId` (or by `sign`, a forger's key). */
  function signed(raw: string, hookId: string, opts: { certUrl?: string; time?: Date; sign?: (s: string) => string } = {}) {
    const transmissionId = randomUUID();
    const transmissionTime = (opts.time ?? env.server.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
    const sig = opts.sign ? opts.sign(`${transmissionId}|${transmissionTime}|${hookId}`) : signer.sign(transmissionId, transmissionTime, hookId, raw);
    return {
      "content-type": "application/json",
      "paypal-transmission-id": transmissionId,
      "paypal-transmission-time": transmissionTime,
      "paypal-transmission-sig": sig,
      "paypal-cert-url": opts.certUrl ?? `${env.paypal.url}/v1/notifications/certs/${CERT_NAME}`,
      "paypal-auth-algo": "SHA256withRSA",
    };
  }

  async function deliver(acct: TestAccount, headers: Record<string, string>, raw: string) {
    const res = await fetch(`${env.server.url}/api/v1/webhooks/paypal/${await webhookKey(acct)}`, { method: "POST", headers, body: raw });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  it("a forged webhook — bad signature, body changed on replay, cert URL on another host, stale — answers 400 and changes nothing", async () => {
    const before = [await snapshot(a), await snapshot(b)];
    const hookA = await webhookId(a);
    // A refund "made in PayPal" of A's whole payment: if any of these got through, A's stream would show it.
    const raw = eventLike(refundTemplate, captureC, ids.captureA, (e) => (e.resource.amount.value = "50.00"));

    // 1. Signed with someone else's key.
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const bad = signed(raw, hookA, { sign: (s) => createSign("sha256").update(s).sign(forger.privateKey, "base64") });
    // 2. A genuine delivery replayed with its body changed (here: to a larger amount).
    const genuine = signed(raw, hookA);
    const changed = raw.replace('"value":"50.00"', '"value":"49.00"');
    expect(changed).not.toBe(raw);
    // 3. Signed with a key whose certificate the forger serves from another host (PayPal's cert path).
    const elsewhere = http.createServer((_req, res) => res.writeHead(200, { "content-type": "application/x-pem-file" }).end(signer.certPem));
    await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
    const port = (elsewhere.address() as AddressInfo).port;
    const peerPort = new URL(env.paypal.url).port;
    try {
      const answers = [
        await deliver(a, bad, raw),
        await deliver(a, genuine, changed),
        await deliver(a, signed(raw, hookA, { certUrl: `http://127.0.0.1:${port}/v1/notifications/certs/${CERT_NAME}` }), raw),
        await deliver(a, signed(raw, hookA, { certUrl: `http://localhost:${peerPort}/v1/notifications/certs/${CERT_NAME}` }), raw),
        // 4. A genuine delivery replayed later than PayPal's tolerance.
        await deliver(a, signed(raw, hookA, { time: new Date(env.server.clock.now().getTime() - 10 * 60_000) }), raw),
        // 5. Nothing signed at all, and a body that is not an event.
        await deliver(a, { "content-type": "application/json" }, raw),
        await deliver(a, signed("{}", hookA), "{}"),
      ];
      expect(answers.map((x) => x.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
      expect(answers.every((x) => x.body.error.code === "validation_failed")).toBe(true);
      expect(answers.map((x) => x.body.error.details.reason)).toEqual(["bad_signature", "bad_signature", "cert_url_refused", "cert_url_refused", "stale_transmission", "missing_headers", "malformed_body"]);
    } finally {
      await new Promise<void>((r) => elsewhere.close(() => r()));
    }
    expect([await snapshot(a), await snapshot(b)]).toEqual(before);

    // The genuine delivery, unchanged, is accepted: the 400s were for the forgeries, not the shape.
    const ok = await deliver(a, genuine, raw);
    expect([ok.status, ok.body.outcome]).toEqual([200, "applied"]);
    const refunds = (await details(client(env.server.url, a.admin.token), ids.paymentA)).payment;
    expect(refunds.refundable.value).toBe("0.00");
    // Delivered again (PayPal retries), it changes nothing more.
    const again = await deliver(a, signed(raw, hookA), raw);
    expect([again.status, again.body.outcome]).toEqual([200, "duplicate"]);
    expect(await snapshot(b)).toEqual(before[1]);
  });

  it("cross-account: A's genuine webhook on B's URL is refused; on A's URL, events naming B's capture or B's refund never touch B", async () => {
    const [hookA, hookB] = [await webhookId(a), await webhookId(b)];
    expect(hookA).not.toBe(hookB);
    const beforeB = await snapshot(b);

    // 1. Signed for A's webhook, about B's capture, delivered to B's URL: not B's webhook's signature.
    const deniedB = eventLike(deniedTemplate, deniedCaptureC, ids.captureB);
    const toB = await deliver(b, signed(deniedB, hookA), deniedB);
    expect([toB.status, toB.body.error.details.reason]).toEqual([400, "bad_signature"]);
    expect(await snapshot(b)).toEqual(beforeB);

    // 2. On A's URL, signed for A: B's pending capture "denied", a refund of B's capture "made in
    //    PayPal", and a refund naming B's pending refund's TXN id as its invoice id. Each is kept as
    //    A's (about nothing A knows) and answered 200, as PayPal expects; none reaches B.
    const beforeA = await snapshot(a);
    const refundOfB = eventLike(refundTemplate, captureC, ids.captureB);
    const refundNamingB = eventLike(refundTemplate, captureC, ids.captureB, (e) => (e.resource.invoice_id = ids.refundB));
    for (const raw of [deniedB, refundOfB, refundNamingB]) {
      const r = await deliver(a, signed(raw, hookA), raw);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.outcome).not.toBe("applied");
    }
    expect(await snapshot(b)).toEqual(beforeB);
    const afterA = await snapshot(a);
    expect([afterA.txns, afterA.records, afterA.history]).toEqual([beforeA.txns, beforeA.records, beforeA.history]);
    expect(afterA.events.length).toBe(beforeA.events.length + 3);

    // B's payment is still pending and its booking scheduled; B's refund still pending.
    const bAdmin = client(env.server.url, b.admin.token);
    expect((await details(bAdmin, ids.paymentB)).detailedStatus).toBe("PAYMENT PENDING (SCHEDULE)");
    expect((await details(bAdmin, ids.bookingB)).status).toBe("Scheduled");
    expect((await details(bAdmin, ids.refundB)).status).toBe("Refund pending");
    // And B's own webhook still works for B: PayPal completing B's capture reaches B.
    env.paypal.control.settleCapture(ids.captureB, "COMPLETED");
    await env.paypal.control.waitForWebhooks();
    expect((await details(bAdmin, ids.paymentB)).detailedStatus).toBe("PAYMENT (SCHEDULE)");
  });
});
