import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { parseSecretKey, type SecretKeyBytes } from "../config.js";

/**
 * The embedded demo's encryption key: `DATA_DIR/secret.key`, made once with 32 random bytes
 * (base64, mode 0600) and read at every start after. It sits next to the data it protects, so it
 * guards against a copied database dump, not a copied data folder; production sets
 * BOOKSTREAM_SECRET_KEY instead (README).
 */

export const SECRET_KEY_FILE = "secret.key";

export interface KeyFile {
  key: SecretKeyBytes;
  path: string;
  /** True when this call made the file (worth a line in the start-up log). */
  created: boolean;
}

/** Reads the key file, or creates it when absent; never overwrites one (what it sealed would be lost). */
export async function loadOrCreateKeyFile(dataDir: string): Promise<KeyFile> {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing) return { key: existing, path: file, created: false };
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const text = `${randomBytes(32).toString("base64")}\n`;
  try {
    // "wx": fails if another process made it meanwhile; then we read theirs.
    const handle = await fs.open(file, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const theirs = await readKeyFile(file);
    if (theirs) return { key: theirs, path: file, created: false };
    throw err;
  }
  return { key: parseSecretKey(text, file), path: file, created: true };
}

/** The key in the file, or undefined when there is no file. A damaged file is an error, not a new key. */
export async function readKeyFile(file: string): Promise<SecretKeyBytes | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  // Someone loosened it (a copy, an archive tool): only the owner should read it.
  const { mode } = await fs.stat(file);
  if ((mode & 0o077) !== 0 && process.platform !== "win32") await fs.chmod(file, 0o600);
  return parseSecretKey(text, file);
}
