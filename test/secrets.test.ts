import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createSecretBox, generateSecretKey, keyId, SealedSecretError, secretBoxFromConfig } from "../src/app/secrets.js";
import { loadConfig, parseSecretKey } from "../src/config.js";
import { DomainError } from "../src/domain/errors.js";

const paypalSecret = { accountId: "acct-a", purpose: "paypal.client_secret" };
const tmpDirs: string[] = [];

async function tmpDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bookstream-secrets-"));
  tmpDirs.push(dir);
  return dir;
}

afterAll(async () => {
  for (const d of tmpDirs) await fs.rm(d, { recursive: true, force: true });
});

function problemOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof SealedSecretError) return err.problem;
    throw err;
  }
  return undefined;
}

describe("sealSecret / openSecret", () => {
  const box = createSecretBox({ current: generateSecretKey() });

  it("opens what it sealed, and never shows the plain text in the sealed form", () => {
    for (const plain of ["EDvz-secret-9876", "", "ünïcødé ✓ 🔑", "x".repeat(10_000)]) {
      const sealed = box.sealSecret(plain, paypalSecret);
      expect(sealed).toMatch(/^bs1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/);
      if (plain.length > 3) expect(sealed).not.toContain(plain);
      expect(box.openSecret(sealed, paypalSecret)).toBe(plain);
    }
  });

  it("seals the same secret differently each time (fresh IV)", () => {
    expect(box.sealSecret("same", paypalSecret)).not.toBe(box.sealSecret("same", paypalSecret));
  });

  it("a ciphertext copied to another account, or to another purpose, does not open", () => {
    const sealed = box.sealSecret("EDvz-secret-9876", paypalSecret);
    expect(problemOf(() => box.openSecret(sealed, { accountId: "acct-b", purpose: "paypal.client_secret" }))).toBe("cannot_open");
    expect(problemOf(() => box.openSecret(sealed, { accountId: "acct-a", purpose: "smtp.password" }))).toBe("cannot_open");
  });

  it("a tampered ciphertext, IV, tag or key id does not open", () => {
    const sealed = box.sealSecret("EDvz-secret-9876", paypalSecret);
    const parts = sealed.split(".");
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const i of [2, 3, 4]) {
      const bad = parts.map((p, j) => (j === i ? flip(p) : p)).join(".");
      expect(problemOf(() => box.openSecret(bad, paypalSecret)), `part ${i}`).toBe("cannot_open");
    }
    expect(problemOf(() => box.openSecret(parts.map((p, j) => (j === 1 ? flip(p) : p)).join("."), paypalSecret))).toBe("unknown_key");
    for (const junk of ["", "plain text", "bs1.a.b.c", "bs2." + parts.slice(1).join("."), sealed + "."]) {
      expect(problemOf(() => box.openSecret(junk, paypalSecret)), junk).toBe("malformed");
    }
  });

  it("refuses bindings that could be confused (empty, NUL)", () => {
    expect(() => box.sealSecret("x", { accountId: "", purpose: "p" })).toThrow(TypeError);
    expect(() => box.sealSecret("x", { accountId: "a\0b", purpose: "p" })).toThrow(TypeError);
  });
});

describe("key rotation", () => {
  it("opens secrets sealed with an old key listed as previous, seals with the new one, and says what to reseal", () => {
    const oldKey = generateSecretKey();
    const newKey = generateSecretKey();
    const before = createSecretBox({ current: oldKey });
    const sealedOld = before.sealSecret("client-secret-1", paypalSecret);

    const after = createSecretBox({ current: newKey, previous: [oldKey] });
    expect(after.openSecret(sealedOld, paypalSecret)).toBe("client-secret-1");
    expect(after.needsResealing(sealedOld)).toBe(true);
    const resealed = after.sealSecret(after.openSecret(sealedOld, paypalSecret), paypalSecret);
    expect(resealed.split(".")[1]).toBe(keyId(newKey));
    expect(after.needsResealing(resealed)).toBe(false);

    // Forgetting the old key: its secrets no longer open, with an error that says why.
    const forgot = createSecretBox({ current: newKey });
    expect(problemOf(() => forgot.openSecret(sealedOld, paypalSecret))).toBe("unknown_key");
  });
});

describe("keys from the environment (src/config.ts)", () => {
  const hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  const b64 = Buffer.from(hex, "hex").toString("base64");

  it("accepts 32 bytes as hex, base64 or base64url, and old keys as a list", () => {
    const fromHex = loadConfig({ BOOKSTREAM_SECRET_KEY: hex });
    const fromB64 = loadConfig({ BOOKSTREAM_SECRET_KEY: b64 });
    const fromB64url = loadConfig({ BOOKSTREAM_SECRET_KEY: Buffer.from(hex, "hex").toString("base64url") });
    expect(fromHex.secretKey!.bytes.equals(fromB64.secretKey!.bytes)).toBe(true);
    expect(fromB64url.secretKey!.bytes.equals(fromB64.secretKey!.bytes)).toBe(true);
    const two = loadConfig({ BOOKSTREAM_SECRET_KEY: hex, BOOKSTREAM_OLD_SECRET_KEYS: `${b64}, ${"ff".repeat(32)}` });
    expect(two.oldSecretKeys).toHaveLength(2);
    expect(loadConfig({}).secretKey).toBeUndefined();
  });

  it("refuses keys of the wrong length or alphabet, without echoing them", () => {
    for (const bad of ["too-short", hex.slice(2), Buffer.alloc(16).toString("base64"), `${hex}00`, "z".repeat(64)]) {
      let message = "";
      try {
        loadConfig({ BOOKSTREAM_SECRET_KEY: bad });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, bad).toContain("BOOKSTREAM_SECRET_KEY must be 32 random bytes");
      expect(message).not.toContain(bad);
    }
    expect(() => loadConfig({ BOOKSTREAM_SECRET_KEY: hex, BOOKSTREAM_OLD_SECRET_KEYS: "nope" })).toThrow(/BOOKSTREAM_OLD_SECRET_KEYS\[0\]/);
  });

  it("never prints a key (JSON, console, util.inspect)", () => {
    const config = loadConfig({ BOOKSTREAM_SECRET_KEY: hex, BOOKSTREAM_OLD_SECRET_KEYS: b64 });
    const shown = JSON.stringify(config) + inspect(config, { depth: 5 });
    expect(shown).toContain("redacted");
    expect(shown).not.toContain(hex);
    expect(shown).not.toContain(b64);
    expect(shown).not.toMatch(/00 11 22 33/);
  });
});

describe("where the server's key comes from", () => {
  it("embedded, no key: makes DATA_DIR/secret.key once (mode 0600) and uses it at every start", async () => {
    const dataDir = await tmpDir();
    const first = await secretBoxFromConfig({ dataDir, databaseUrl: undefined, secretKey: undefined, oldSecretKeys: [] });
    expect(first.box.canSeal).toBe(true);
    expect(first.note).toContain("(made now)");
    const stat = await fs.stat(path.join(dataDir, "secret.key"));
    if (process.platform !== "win32") expect(stat.mode & 0o777).toBe(0o600);
    const sealed = first.box.sealSecret("demo-secret", paypalSecret);

    const second = await secretBoxFromConfig({ dataDir, databaseUrl: undefined, secretKey: undefined, oldSecretKeys: [] });
    expect(second.note).not.toContain("made now");
    expect(second.box.openSecret(sealed, paypalSecret)).toBe("demo-secret");
    const keyText = (await fs.readFile(path.join(dataDir, "secret.key"), "utf8")).trim();
    expect(Buffer.from(keyText, "base64")).toHaveLength(32);
    expect(first.note + second.note).not.toContain(keyText);
  });

  it("embedded, key file loosened by a copy: tightened back to 0600", async () => {
    const dataDir = await tmpDir();
    await secretBoxFromConfig({ dataDir, databaseUrl: undefined, secretKey: undefined, oldSecretKeys: [] });
    const file = path.join(dataDir, "secret.key");
    await fs.chmod(file, 0o644);
    await secretBoxFromConfig({ dataDir, databaseUrl: undefined, secretKey: undefined, oldSecretKeys: [] });
    if (process.platform !== "win32") expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it("a damaged key file is an error, never silently replaced", async () => {
    const dataDir = await tmpDir();
    await fs.writeFile(path.join(dataDir, "secret.key"), "not a key\n", { mode: 0o600 });
    await expect(secretBoxFromConfig({ dataDir, databaseUrl: undefined, secretKey: undefined, oldSecretKeys: [] })).rejects.toThrow(/must be 32 random bytes/);
    expect(await fs.readFile(path.join(dataDir, "secret.key"), "utf8")).toBe("not a key\n");
  });

  it("moving the demo to BOOKSTREAM_SECRET_KEY: what the key file sealed still opens", async () => {
    const dataDir = await tmpDir();
    const demo = await secretBoxFromConfig({ dataDir, databaseUrl: undefined, secretKey: undefined, oldSecretKeys: [] });
    const sealed = demo.box.sealSecret("demo-secret", paypalSecret);
    const key = generateSecretKey();
    const later = await secretBoxFromConfig({ dataDir, databaseUrl: undefined, secretKey: key, oldSecretKeys: [] });
    expect(later.box.openSecret(sealed, paypalSecret)).toBe("demo-secret");
    expect(later.box.needsResealing(sealed)).toBe(true);
    expect(later.note).toContain(`key ${keyId(key)}`);
  });

  it("PostgreSQL, no key: refuses to store credentials with a clear 422, writes no key file", async () => {
    const dataDir = await tmpDir();
    const setup = await secretBoxFromConfig({ dataDir, databaseUrl: "postgres://db.example/bookstream", secretKey: undefined, oldSecretKeys: [] });
    expect(setup.box.canSeal).toBe(false);
    expect(setup.note).toContain("BOOKSTREAM_SECRET_KEY is not set");
    let err: unknown;
    try {
      setup.box.sealSecret("secret", paypalSecret);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("unprocessable");
    expect((err as DomainError).details).toEqual({ reason: "secret_key_missing" });
    expect((err as DomainError).message).toContain("BOOKSTREAM_SECRET_KEY");
    await expect(fs.stat(path.join(dataDir, "secret.key"))).rejects.toThrow();
  });

  it("PostgreSQL with a key: seals with it and ignores any key file", async () => {
    const dataDir = await tmpDir();
    const key = parseSecretKey("ab".repeat(32), "test");
    const setup = await secretBoxFromConfig({ dataDir, databaseUrl: "postgres://db.example/bookstream", secretKey: key, oldSecretKeys: [] });
    const sealed = setup.box.sealSecret("secret", paypalSecret);
    expect(createSecretBox({ current: key }).openSecret(sealed, paypalSecret)).toBe("secret");
  });
});
