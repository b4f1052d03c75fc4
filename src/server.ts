import type { FastifyInstance } from "fastify";
import { seedDemo, DEMO_ADMIN } from "./app/demo/seed.js";
import { callerFromApiToken, createApiToken } from "./app/auth.js";
import { findReadyDemo, removeUnfinishedDemos, setDemoToken } from "./store/demo-repo.js";
import type { AppContext } from "./app/context.js";
import { secretBoxFromConfig } from "./app/secrets.js";
import { AdjustableClock, systemClock } from "./domain/clock.js";
import type { Config } from "./config.js";
import { buildHttpApp } from "./http/app.js";
import { startWorkers, type Workers } from "./jobs/workers.js";
import { listenForNudges, outboxNotifier } from "./store/wake-channel.js";
import { firstAccount } from "./store/accounts-repo.js";
import { openDatabase, type DatabaseHandle } from "./store/database.js";
import { insertAccount } from "./store/accounts-repo.js";
import { randomUUID } from "node:crypto";
import { tuneRuntimeForServer } from "./runtime-tuning.js";
import { payPalGateways } from "./integrations/paypal/gateway.js";
import { startDemoPayPal } from "./demo/paypal.js";
import { startDemoSalesforce } from "./demo/salesforce.js";
import { paymentsConsumer } from "./app/payments/execute-refund.js";
import { emailConsumer } from "./integrations/email/consumer.js";
import { localTransport, smtpTransport } from "./integrations/email/transport.js";
import { salesforceConsumer } from "./integrations/salesforce/consumer.js";
import { sendDueWebhooks, webhooksConsumer } from "./integrations/webhooks/consumer.js";
import { calendarConsumer } from "./integrations/caldav/consumer.js";
import { calDavProviders } from "./integrations/caldav/client.js";

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  handle: DatabaseHandle;
  ctx: AppContext;
  stop(): Promise<void>;
}

/** Opens the database (migrating it), seeds on first start, starts HTTP and the background jobs. */
export async function startServer(config: Config, log: (line: string) => void = console.log): Promise<RunningServer> {
  tuneRuntimeForServer();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  const testClock = config.testClock ? new AdjustableClock() : undefined;
  const publicUrl = config.publicUrl ?? `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`;
  const secrets = await secretBoxFromConfig(config).catch(async (err) => {
    await handle.close();
    throw err;
  });
  const ctx: AppContext = { db: handle.db, clock: testClock ?? systemClock, publicUrl, secrets: secrets.box, payments: payPalGateways(handle.db, secrets.box), calendars: calDavProviders({ allowPrivateNetworks: config.caldavAllowPrivateNetworks }), embedded: handle.engine === "pglite", outboxRetentionDays: config.outboxRetentionDays };
  // Reports read from the replica when there is one (their scans stay off the primary).
  const reader = config.databaseReadUrl
    ? await openDatabase({ databaseUrl: config.databaseReadUrl, migrate: false, readOnly: { applicationName: "bookstream-reports" } }).catch(async (err) => {
      await handle.close();
      throw err;
    })
    : undefined;
  if (reader) ctx.readDb = reader.db;
  const start = await prepareAccounts(handle, config, publicUrl, log).catch(async (err) => {
    await handle.close();
    throw err;
  });
  const background = config.workers ? await startBackground(ctx, handle, config) : undefined;
  // API only, on PostgreSQL: worker processes elsewhere are nudged after each commit (LISTEN/NOTIFY).
  const notifier = !background && config.databaseUrl ? outboxNotifier(config.databaseUrl) : undefined;
  ctx.onEventsCommitted = background?.workers.wake ?? notifier?.notify;
  const app = await buildHttpApp(ctx, {
    logLevel: config.logLevel,
    signInRateLimit: config.signInRateLimit,
    testClock,
    validateResponses: config.validateResponses,
    trustProxy: config.trustProxy,
    // Served over HTTPS (PUBLIC_URL https://…): the session cookie is sent over HTTPS only.
    secureCookies: config.publicUrl?.startsWith("https://") ?? false,
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = config.publicUrl ?? `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`;
  ctx.publicUrl = url;
  log(`Bookstream is running at ${url}  (${handle.engine === "pglite" ? `embedded database in ${config.dataDir}` : "PostgreSQL"})`);
  log(`API docs: ${url}/api/docs`);
  const paypal = config.demo ? await startDemoPayPal(ctx, config.dataDir, log).catch((err) => (log(`The demo's PayPal sandbox (simulated) did not start: ${err?.message ?? err}`), undefined)) : undefined;
  const salesforce = config.demo ? await startDemoSalesforce(ctx, log).catch((err) => (log(`The demo's Salesforce (simulated) did not start: ${err?.message ?? err}`), undefined)) : undefined;
  log(secrets.note);
  if (start.demoToken) {
    log(`Sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
    log(`API token for scripts: ${start.demoToken}   (curl -H "Authorization: Bearer ${start.demoToken}" ${url}/api/v1/activities)`);
  } else if (start.createdEmpty) {
    log("Empty account created. Add a user: npm run cli -- users add --email you@example.com --name You --role admin --password …");
  }
  return {
    app,
    url,
    handle,
    ctx,
    stop: async () => {
      await paypal?.close();
      await salesforce?.close();
      await app.close();
      await background?.stop();
      await notifier?.close();
      await reader?.close();
      await handle.close();
    },
  };
}

/**
 * The background jobs and outbox consumers (`serve` runs them beside the API unless
 * BOOKSTREAM_WORKERS=0; `bookstream worker` runs only them). On PostgreSQL they also listen for
 * nudges from API processes without workers of their own.
 */
async function startBackground(ctx: AppContext, handle: DatabaseHandle, config: Config): Promise<{ workers: Workers; stop(): Promise<void> }> {
  // Without SMTP_URL (the demo) mail is only kept in the Sent mail store (GET /api/v1/sent-mail).
  const mail = config.smtpUrl ? smtpTransport(config.smtpUrl) : localTransport();
  const workers = await startWorkers(ctx, handle, [paymentsConsumer(ctx), emailConsumer(ctx, mail), calendarConsumer(ctx), salesforceConsumer(ctx), webhooksConsumer(ctx)], [() => sendDueWebhooks(ctx)]);
  const listener = config.databaseUrl ? await listenForNudges(config.databaseUrl, workers.wake).catch(async (err) => {
    await workers.stop();
    throw err;
  }) : undefined;
  return {
    workers,
    stop: async () => {
      await listener?.close();
      await workers.stop();
    },
  };
}

/**
 * A worker process: the background jobs and outbox consumers, no HTTP. PostgreSQL only (the
 * embedded database belongs to one process: `serve` runs its workers).
 */
export async function startWorkerProcess(config: Config, log: (line: string) => void = console.log): Promise<{ stop(): Promise<void> }> {
  if (!config.databaseUrl) throw new Error("bookstream worker needs PostgreSQL (DATABASE_URL): the embedded database runs its workers inside `bookstream serve`.");
  tuneRuntimeForServer();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl });
  try {
    const secrets = await secretBoxFromConfig(config);
    const publicUrl = config.publicUrl ?? `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.port}`;
    const ctx: AppContext = { db: handle.db, clock: systemClock, publicUrl, secrets: secrets.box, payments: payPalGateways(handle.db, secrets.box), calendars: calDavProviders({ allowPrivateNetworks: config.caldavAllowPrivateNetworks }), embedded: false, outboxRetentionDays: config.outboxRetentionDays };
    const background = await startBackground(ctx, handle, config);
    ctx.onEventsCommitted = background.workers.wake;
    log(`Bookstream worker running on PostgreSQL (jobs and outbox consumers; links point at ${publicUrl})`);
    return {
      stop: async () => {
        await background.stop();
        await handle.close();
      },
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * First start: the demo account (or an empty one). A demo whose seeding never finished is removed
 * and seeded again. Later starts print the demo's sign-in and the same API token (a new one only
 * if it was revoked). Under the start-up lock, so two processes starting at once seed once.
 */
async function prepareAccounts(handle: DatabaseHandle, config: Config, publicUrl: string, log: (line: string) => void) {
  return handle.withStartupLock(async () => {
    const db = handle.db;
    if (config.demo && (await removeUnfinishedDemos(db)) > 0) log("The last start did not finish creating the demo account: creating it again.");
    let createdEmpty = false;
    if (!(await firstAccount(db))) {
      if (config.demo) {
        log("First start: creating the demo account (a few hundred activities)…");
        await seedDemo(db, publicUrl);
      } else {
        await insertAccount(db, { id: randomUUID(), name: "My account" });
        createdEmpty = true;
      }
    }
    const demo = config.demo ? await findReadyDemo(db) : undefined;
    let demoToken = demo?.api_token ?? undefined;
    if (demo && (!demoToken || !(await callerFromApiToken(db, demoToken)))) {
      demoToken = await createApiToken(db, DEMO_ADMIN.email, "demo").catch(() => undefined);
      if (demoToken) await setDemoToken(db, demo.account_id, demoToken);
    }
    return { demoToken, createdEmpty };
  });
}
