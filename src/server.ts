import type { FastifyInstance } from "fastify";
import { seedDemo, DEMO_ADMIN } from "./app/seed-demo.js";
import { createApiToken } from "./app/auth.js";
import type { AppContext } from "./app/context.js";
import { AdjustableClock, systemClock } from "./domain/clock.js";
import type { Config } from "./config.js";
import { buildHttpApp } from "./http/app.js";
import { startWorkers, type Workers } from "./jobs/workers.js";
import { firstAccount } from "./store/accounts-repo.js";
import { openDatabase, type DatabaseHandle } from "./store/database.js";
import { insertAccount } from "./store/accounts-repo.js";
import { randomUUID } from "node:crypto";
import { tuneRuntimeForServer } from "./runtime-tuning.js";

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
  const ctx: AppContext = { db: handle.db, clock: testClock ?? systemClock, publicUrl };
  const firstStart = !(await firstAccount(handle.db));
  let seeded = false;
  if (firstStart) {
    if (config.demo) {
      log("First start: creating the demo account (a few hundred activities)…");
      await seedDemo(handle.db, publicUrl);
      seeded = true;
    } else {
      await insertAccount(handle.db, { id: randomUUID(), name: "My account" });
    }
  }
  let workers: Workers | undefined;
  if (config.workers) {
    workers = await startWorkers(ctx, handle);
    ctx.onEventsCommitted = workers.wake;
  }
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
  if (seeded || (config.demo && !firstStart)) {
    const token = await createApiToken(handle.db, DEMO_ADMIN.email, "printed at start").catch(() => undefined);
    if (token) {
      log(`Sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}`);
      log(`API token for scripts: ${token}   (curl -H "Authorization: Bearer ${token}" ${url}/api/v1/activities)`);
    }
  } else if (firstStart) {
    log("Empty account created. Add a user: npm run cli -- users add --email you@example.com --name You --role admin --password …");
  }
  return {
    app,
    url,
    handle,
    ctx,
    stop: async () => {
      await app.close();
      await workers?.stop();
      await handle.close();
    },
  };
}
