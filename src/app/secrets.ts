import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { SecretKeyBytes, type Config } from "../config.js";
import { DomainError } from "../domain/errors.js";
import { loadOrCreateKeyFile, readKeyFile, SECRET_KEY_FILE } from "../store/secret-key-file.js";

/**
 * Provider credentials (PayPal client secret, Salesforce tokens, CalDAV and SMTP passwords) are
 * stored sealed: AES-256-GCM with a key from the environment, bound to the row they belong to.
 *
 * A sealed secret is one ASCII string, `bs1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts):
 * - the key id (8 characters, from a hash of the key) says which key sealed it, so keys rotate:
 *   set the new BOOKSTREAM_SECRET_KEY, list the old one in BOOKSTREAM_OLD_SECRET_KEYS, and
 *   everything sealed earlier still opens (reseal it with `needsResealing` + `sealSecret`);
 * - the additional authenticated data is the format, the key id, the account id and the purpose,
 *   so a ciphertext copied into another account's row, or into another column, does not open.
 */

/** Which row and column a secret belongs to; both must match when opening. */
export interface SecretBinding {
  accountId: string;
  /** What it is, e.g. "paypal.client_secret", "salesforce.refresh_token", "smtp.password". */
  purpose: string;
}

export interface SecretBox {
  /** False on a PostgreSQL install without BOOKSTREAM_SECRET_KEY: credentials cannot be stored. */
  readonly canSeal: boolean;
  sealSecret(plain: string, aad: SecretBinding): string;
  openSecret(sealed: string, aad: SecretBinding): string;
  /** True when sealed with an older key than the current one. */
  needsResealing(sealed: string): boolean;
}

export type SealedSecretProblem = "malformed" | "unknown_key" | "cannot_open";

/**
 * A sealed value that does not open: damaged, sealed with a key this server no longer has, or
 * bound to another row. A server-side fault (the stored data or the key set-up), never client input.
 */
export class SealedSecretError extends Error {
  constructor(readonly problem: SealedSecretProblem, message: string) {
    super(message);
    this.name = "SealedSecretError";
  }
}

const FORMAT = "bs1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Keyring {
  current: { id: string; key: SecretKeyBytes } | undefined;
  byId: Map<string, SecretKeyBytes>;
}

/** 8 base64url characters of SHA-256 over a label and the key: names the key, reveals nothing of it. */
export function keyId(key: SecretKeyBytes): string {
  return createHash("sha256").update("bookstream secret key id\0").update(key.bytes).digest("base64url").slice(0, 8);
}

/** 32 fresh random bytes (tests, and the demo's key file). */
export function generateSecretKey(): SecretKeyBytes {
  return new SecretKeyBytes(randomBytes(32));
}

function additionalData(id: string, aad: SecretBinding): Buffer {
  for (const [name, v] of [["accountId", aad.accountId], ["purpose", aad.purpose]] as const) {
    // NUL separates the parts below; refusing it keeps ("a\0b", "c") and ("a", "b\0c") apart.
    if (typeof v !== "string" || v === "" || v.includes("\0")) throw new TypeError(`secret binding ${name} must be a non-empty string without NUL`);
  }
  return Buffer.from(`${FORMAT}.${id}\0${aad.accountId}\0${aad.purpose}`, "utf8");
}

export function createSecretBox(keys: { current?: SecretKeyBytes; previous?: SecretKeyBytes[] }): SecretBox {
  const ring: Keyring = { current: undefined, byId: new Map() };
  for (const k of keys.previous ?? []) ring.byId.set(keyId(k), k);
  if (keys.current) {
    const id = keyId(keys.current);
    ring.current = { id, key: keys.current };
    ring.byId.set(id, keys.current);
  }

  return {
    canSeal: ring.current !== undefined,

    sealSecret(plain, aad) {
      if (!ring.current) {
        throw new DomainError(
          "unprocessable",
          "This server cannot store provider credentials: it runs on PostgreSQL without BOOKSTREAM_SECRET_KEY. Set it to 32 random bytes (openssl rand -base64 32) and restart.",
          { reason: "secret_key_missing" },
        );
      }
      const { id, key } = ring.current;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key.bytes, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(id, aad));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return [FORMAT, id, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    },

    openSecret(sealed, aad) {
      const parts = parse(sealed);
      const key = ring.byId.get(parts.id);
      if (!key) {
        throw new SealedSecretError("unknown_key", `sealed with key ${parts.id}, which this server does not have (list it in BOOKSTREAM_OLD_SECRET_KEYS)`);
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key.bytes, parts.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(parts.id, aad));
        decipher.setAuthTag(parts.tag);
        return Buffer.concat([decipher.update(parts.body), decipher.final()]).toString("utf8");
      } catch (err) {
        if (err instanceof TypeError) throw err;
        throw new SealedSecretError("cannot_open", "the sealed secret does not open: damaged, or bound to another account or purpose");
      }
    },

    needsResealing(sealed) {
      return ring.current !== undefined && parse(sealed).id !== ring.current.id;
    },
  };
}

function parse(sealed: string): { id: string; iv: Buffer; body: Buffer; tag: Buffer } {
  const parts = typeof sealed === "string" ? sealed.split(".") : [];
  const b64 = /^[A-Za-z0-9_-]*$/;
  if (parts.length !== 5 || parts[0] !== FORMAT || !parts.every((p) => b64.test(p))) {
    throw new SealedSecretError("malformed", "not a sealed secret");
  }
  const iv = Buffer.from(parts[2]!, "base64url");
  const tag = Buffer.from(parts[4]!, "base64url");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SealedSecretError("malformed", "not a sealed secret");
  return { id: parts[1]!, iv, body: Buffer.from(parts[3]!, "base64url"), tag };
}

export interface SecretBoxSetup {
  box: SecretBox;
  /** One line for the start-up log (where the key comes from), never the key. */
  note: string;
}

/**
 * The server's box, from its config:
 * - BOOKSTREAM_SECRET_KEY set: that key seals; old keys (and, embedded, a demo key file) still open.
 * - embedded database (PGlite), no key: the key in DATA_DIR/secret.key, made on first start.
 * - PostgreSQL, no key: nothing can be sealed (a clear 422 when someone tries); serving still works.
 */
export async function secretBoxFromConfig(config: Pick<Config, "secretKey" | "oldSecretKeys" | "databaseUrl" | "dataDir">): Promise<SecretBoxSetup> {
  const embedded = config.databaseUrl === undefined;
  if (config.secretKey) {
    const fileKey = embedded ? await readKeyFile(path.join(config.dataDir, SECRET_KEY_FILE)) : undefined;
    return {
      box: createSecretBox({ current: config.secretKey, previous: [...config.oldSecretKeys, ...(fileKey ? [fileKey] : [])] }),
      note: `Provider credentials are encrypted with BOOKSTREAM_SECRET_KEY (key ${keyId(config.secretKey)}).`,
    };
  }
  if (embedded) {
    const file = await loadOrCreateKeyFile(config.dataDir);
    return {
      box: createSecretBox({ current: file.key, previous: config.oldSecretKeys }),
      note: `Provider credentials are encrypted with the key in ${file.path}${file.created ? " (made now)" : ""}; set BOOKSTREAM_SECRET_KEY in production.`,
    };
  }
  return {
    box: createSecretBox({ previous: config.oldSecretKeys }),
    note: "BOOKSTREAM_SECRET_KEY is not set: provider credentials (PayPal, Salesforce, CalDAV, SMTP) cannot be stored until it is.",
  };
}
