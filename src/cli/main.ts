import { Command, Option } from "commander";
import { addUser, createApiToken } from "../app/auth.js";
import { loadConfig, type ConfigOverrides } from "../config.js";
import { DataDirLockedError } from "../store/data-dir-lock.js";
import { deleteAccount, deleteApiToken, findAccount, firstAccount, findUserByEmail, listAccounts, listApiTokens } from "../store/accounts-repo.js";
import { presentToken } from "../app/api-tokens.js";
import { openDatabase } from "../store/database.js";
import { migrate } from "../store/migrate.js";
import { insertAccount } from "../store/accounts-repo.js";
import { randomUUID } from "node:crypto";
import { startServer, startWorkerProcess } from "../server.js";

/** `bookstream` — serve, migrate, seed, users, tokens. Flags override the environment. */
const program = new Command("bookstream").description("Bookstream booking back office").showHelpAfterError();

const dbFlags = (c: Command) =>
  c
    .addOption(new Option("--data-dir <dir>", "embedded database folder (DATA_DIR)"))
    .addOption(new Option("--database-url <url>", "PostgreSQL URL (DATABASE_URL); omit for the embedded database"));

function configFrom(opts: { dataDir?: string; databaseUrl?: string; port?: string; demo?: boolean }) {
  const overrides: ConfigOverrides = { dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, port: opts.port ? Number(opts.port) : undefined };
  if (opts.demo === false) overrides.demo = false;
  return loadConfig(process.env, overrides);
}

/** SIGINT or SIGTERM stops a long-running command cleanly, then exits. */
function stopOnSignal(running: { stop(): Promise<void> }) {
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

async function withDb<T>(
  opts: { dataDir?: string; databaseUrl?: string },
  work: (h: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
  migrateFirst = true,
) {
  const config = configFrom(opts);
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir, migrate: migrateFirst });
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

dbFlags(program.command("serve").description("run the API, the web app and the background jobs"))
  .option("--port <port>", "HTTP port (PORT, default 3000)")
  .option("--no-demo", "start with an empty account instead of the demo (BOOKSTREAM_DEMO=0)")
  .action(async (opts) => {
    stopOnSignal(await startServer(configFrom(opts)));
  });

dbFlags(program.command("worker").description("run only the background jobs and outbox consumers (PostgreSQL; API processes then run with BOOKSTREAM_WORKERS=0)"))
  .action(async (opts) => {
    stopOnSignal(await startWorkerProcess(configFrom(opts)));
  });

dbFlags(program.command("migrate").description("apply pending database migrations")).action(async (opts) => {
  await withDb({ ...opts }, async (h) => {
    const applied = await migrate(h.db);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
  }, false);
});

dbFlags(program.command("seed").description("bulk-load generated activities into the first account (for benchmarks)"))
  .requiredOption("--activities <n>", "how many activities")
  .option("--connections <n>", "PostgreSQL: connections a large load works on at once (default: one per core, 2–8)")
  .action(async (opts) => {
    const { bulkSeed, describeSeedPhases } = await import("../store/bulk-seed.js");
    await withDb(opts, async (h) => {
      const t0 = Date.now();
      const r = await bulkSeed(h, { activities: Number(opts.activities), connections: opts.connections === undefined ? undefined : Number(opts.connections) });
      const n = r.records;
      console.log(`Seeded ${r.inserted} activities into account ${r.accountId} in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
        `(with ${n.history} history rows, ${n.relations} relations, ${n.payments} payment records, ${n.outboxEvents} outbox events)`);
      console.log(`Phases: ${describeSeedPhases(r.phases)}`);
      // Over several connections: what ran when (the longest task bounds the rest).
      for (const t of r.tasks ?? []) console.log(`  ${t.start.toFixed(1).padStart(7)}–${t.end.toFixed(1).padEnd(7)} s  ${t.name}`);
    });
  });

const users = program.command("users").description("manage users");
dbFlags(users.command("add").description("add a user to an account (default: the first)"))
  .option("--account <id>", "the account's id (accounts list)")
  .requiredOption("--email <email>")
  .requiredOption("--name <name>")
  .addOption(new Option("--role <role>").choices(["admin", "member"]).default("member"))
  .option("--password <password>", "at least 8 characters")
  .option("--time-zone <zone>", "IANA time zone", "UTC")
  .action(async (opts) => {
    await withDb(opts, async (h) => {
      // A fresh installation (e.g. started with --no-demo, or not started yet) gets its account here.
      const account = opts.account
        ? await findAccount(h.db, opts.account).then((a) => a ?? Promise.reject(new Error(`No account ${opts.account}`)))
        : ((await firstAccount(h.db)) ?? (await createAccount(h.db, "My account")));
      const id = await addUser(h.db, { accountId: account.id, email: opts.email, name: opts.name, role: opts.role, password: opts.password, timeZone: opts.timeZone });
      console.log(`Added ${opts.role} ${opts.email} (${id}) to ${account.name}.`);
    });
  });

const tokens = program.command("tokens").description("API tokens");
dbFlags(tokens.command("create").description("print a new API token for a user"))
  .requiredOption("--email <email>")
  .option("--name <name>", "what it is for", "cli")
  .option("--expires-in-days <days>", "stop working after this many days (default: never)")
  .action(async (opts) => {
    await withDb(opts, async (h) => {
      if (!(await findUserByEmail(h.db, opts.email))) throw new Error(`No user with e-mail ${opts.email}`);
      const days = opts.expiresInDays === undefined ? undefined : Number(opts.expiresInDays);
      if (days !== undefined && !(days > 0)) throw new Error("--expires-in-days: a positive number of days");
      console.log(await createApiToken(h.db, opts.email, opts.name, days ? new Date(Date.now() + days * 86_400_000) : null));
    });
  });
dbFlags(tokens.command("list").description("a user's API tokens (names, dates; never the tokens)"))
  .requiredOption("--email <email>")
  .action(async (opts) => {
    await withDb(opts, async (h) => {
      const user = await findUserByEmail(h.db, opts.email);
      if (!user) throw new Error(`No user with e-mail ${opts.email}`);
      const rows = (await listApiTokens(h.db, user.account_id, user.id)).map(presentToken);
      if (rows.length === 0) console.log(`${opts.email} has no API tokens.`);
      for (const t of rows) console.log(`${t.id}  ${t.name}  created ${t.createdAt}  last used ${t.lastUsedAt ?? "never"}  expires ${t.expiresAt ?? "never"}`);
    });
  });
dbFlags(tokens.command("revoke").description("revoke one of a user's API tokens"))
  .requiredOption("--email <email>")
  .requiredOption("--id <id>", "the token's id (tokens list)")
  .action(async (opts) => {
    await withDb(opts, async (h) => {
      const user = await findUserByEmail(h.db, opts.email);
      if (!user) throw new Error(`No user with e-mail ${opts.email}`);
      if (!(await deleteApiToken(h.db, user.account_id, user.id, opts.id))) throw new Error(`${opts.email} has no API token ${opts.id}`);
      console.log(`Revoked ${opts.id}.`);
    });
  });

const accounts = program.command("accounts").description("businesses on this installation (multi-tenant)");
dbFlags(accounts.command("create").description("add a business with its first admin"))
  .requiredOption("--name <name>", "the business's name")
  .requiredOption("--admin-email <email>")
  .requiredOption("--admin-name <name>")
  .requiredOption("--password <password>", "the admin's password (at least 8 characters)")
  .option("--time-zone <zone>", "the admin's IANA time zone", "UTC")
  .action(async (opts) => {
    await withDb(opts, async (h) => {
      const account = await createAccount(h.db, opts.name);
      try {
        await addUser(h.db, { accountId: account.id, email: opts.adminEmail, name: opts.adminName, role: "admin", password: opts.password, timeZone: opts.timeZone });
      } catch (err) {
        await deleteAccount(h.db, account.id);
        throw err;
      }
      console.log(`Created account ${opts.name} (${account.id}) with admin ${opts.adminEmail}.`);
    });
  });
dbFlags(accounts.command("list").description("the businesses on this installation")).action(async (opts) => {
  await withDb(opts, async (h) => {
    for (const a of await listAccounts(h.db)) console.log(`${a.id}  ${a.name}  created ${a.created_at.toISOString()}`);
  });
});

async function createAccount(db: Awaited<ReturnType<typeof openDatabase>>["db"], name: string) {
  const account = { id: randomUUID(), name };
  await insertAccount(db, account);
  return account;
}

program.parseAsync(process.argv).catch((err) => {
  if (err instanceof DataDirLockedError) console.error(err.message);
  else console.error(err?.message ?? err);
  process.exit(1);
});
