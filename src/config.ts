import path from "node:path";
import { inspect } from "node:util";
import { z } from "zod";

/**
 * Configuration is parsed once, here, into a typed object. Nothing else reads process.env.
 * Command-line flags (see src/cli) override the environment.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_READ_URL: z.string().url().optional(),
  BOOKSTREAM_DEMO: z.enum(["0", "1"]).default("1"),
  BOOKSTREAM_TEST_CLOCK: z.enum(["0", "1"]).default("0"),
  BOOKSTREAM_WORKERS: z.enum(["0", "1"]).default("1"),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  BOOKSTREAM_VALIDATE_RESPONSES: z.enum(["0", "1"]).default("0"),
  TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  BOOKSTREAM_SECRET_KEY: z.string().optional(),
  BOOKSTREAM_OLD_SECRET_KEYS: z.string().optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, "smtp://user:pass@host:port or smtps://…").optional(),
  CALDAV_ALLOW_PRIVATE_NETWORKS: z.enum(["0", "1"]).default("0"),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A streaming replica of DATABASE_URL that reports read from (README "Running at scale"); unset: the primary. */
  databaseReadUrl: string | undefined;
  demo: boolean;
  testClock: boolean;
  /** Run background jobs (system transitions, outbox delivery) in this process. */
  workers: boolean;
  publicUrl: string | undefined;
  logLevel: string;
  signInRateLimit: number;
  /** Check the stream's answers against their schemas too (on in tests). */
  validateResponses: boolean;
  /** Running behind a reverse proxy that sets X-Forwarded-For. */
  trustProxy: boolean;
  /** Encrypts provider credentials at rest (src/app/secrets.ts); unset: see secretBoxFromConfig. */
  secretKey: SecretKeyBytes | undefined;
  /** Earlier keys, still accepted for decrypting after a rotation. */
  oldSecretKeys: SecretKeyBytes[];
  /** Where e-mail is sent (smtp:// with STARTTLS when offered, smtps:// for TLS); unset: kept in the Sent mail store only. */
  smtpUrl: string | undefined;
  /** Let users connect CalDAV servers on loopback or private networks (a LAN Radicale); off: SSRF guard. */
  caldavAllowPrivateNetworks: boolean;
  /** Days delivered outbox events and their delivery log are kept before housekeeping deletes them. */
  outboxRetentionDays: number;
}

/**
 * 32 key bytes that never print: JSON.stringify and console.log of the config show "[redacted]".
 */
export class SecretKeyBytes {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    if (bytes.length !== 32) throw new Error(`a secret key is 32 bytes, not ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
  toJSON(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "SecretKeyBytes [redacted]";
  }
}

/**
 * A 256-bit key written as 64 hex digits or as base64 / base64url (44 or 43 characters), e.g. the
 * output of `openssl rand -base64 32` or `openssl rand -hex 32`.
 */
export function parseSecretKey(text: string, name: string): SecretKeyBytes {
  const t = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, "hex");
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(t) || /^[A-Za-z0-9_-]{43}$/.test(t)) bytes = Buffer.from(t, t.includes("-") || t.includes("_") ? "base64url" : "base64");
  if (!bytes || bytes.length !== 32) {
    throw new Error(`Invalid configuration: ${name} must be 32 random bytes as 64 hex digits or base64 (try: openssl rand -base64 32)`);
  }
  return new SecretKeyBytes(bytes);
}

export type ConfigOverrides = Partial<Config>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  // An empty variable (DATABASE_URL=) means "not set", as in most shells' habits.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    demo: e.BOOKSTREAM_DEMO === "1",
    testClock: e.BOOKSTREAM_TEST_CLOCK === "1",
    workers: e.BOOKSTREAM_WORKERS === "1",
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    signInRateLimit: e.SIGN_IN_RATE_LIMIT,
    validateResponses: e.BOOKSTREAM_VALIDATE_RESPONSES === "1",
    trustProxy: e.TRUST_PROXY === "1",
    secretKey: e.BOOKSTREAM_SECRET_KEY === undefined ? undefined : parseSecretKey(e.BOOKSTREAM_SECRET_KEY, "BOOKSTREAM_SECRET_KEY"),
    // Comma- or space-separated, newest first; only for opening what the earlier keys sealed.
    smtpUrl: e.SMTP_URL,
    oldSecretKeys: (e.BOOKSTREAM_OLD_SECRET_KEYS ?? "").split(/[\s,]+/).filter(Boolean).map((k, i) => parseSecretKey(k, `BOOKSTREAM_OLD_SECRET_KEYS[${i}]`)),
    caldavAllowPrivateNetworks: e.CALDAV_ALLOW_PRIVATE_NETWORKS === "1",
    outboxRetentionDays: e.OUTBOX_RETENTION_DAYS,
  };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (config as unknown as Record<string, unknown>)[k] = v;
  if (overrides.dataDir) config.dataDir = path.resolve(overrides.dataDir);
  if (config.databaseReadUrl && !config.databaseUrl) throw new Error("Invalid configuration: DATABASE_READ_URL is a replica of DATABASE_URL's PostgreSQL; set DATABASE_URL too");
  return config;
}
