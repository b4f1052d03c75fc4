import { randomBytes } from "node:crypto";

/**
 * Salesforce record IDs: 15 case-sensitive characters (3-character key prefix naming the object,
 * 2-character pod, 1 reserved, 9 unique) plus a 3-character suffix that encodes the case of the
 * first 15, so the 18-character form survives case-insensitive systems. Salesforce accepts both
 * forms in requests and always answers with 18.
 */
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

export const KEY_PREFIXES = {
  Account: "001",
  Contact: "003",
  User: "005",
  Lead: "00Q",
  Event: "00U",
  Case: "500",
} as const;
export type SObjectType = keyof typeof KEY_PREFIXES;
export const SOBJECT_TYPES = Object.keys(KEY_PREFIXES) as SObjectType[];
export const ORG_PREFIX = "00D";
export const QUERY_LOCATOR_PREFIX = "01g";

function caseSuffix(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i];
      if (c >= "A" && c <= "Z") bits |= 1 << i;
    }
    suffix += SUFFIX[bits];
  }
  return suffix;
}

/** The canonical 18-character form of a 15- or 18-character ID, or null when it is not an ID. */
export function canonicalId(value: unknown): string | null {
  if (typeof value !== "string" || !/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value)) return null;
  if (value.length === 15) return value + caseSuffix(value);
  // The suffix restores the case of the first 15 characters (that is what it is for).
  const suffix = value.slice(15).toUpperCase();
  let id15 = "";
  for (let i = 0; i < 15; i++) {
    const bits = SUFFIX.indexOf(suffix[Math.floor(i / 5)]);
    if (bits < 0) return null;
    const c = value[i];
    id15 += bits & (1 << i % 5) ? c.toUpperCase() : c.toLowerCase();
  }
  return caseSuffix(id15) === suffix ? id15 + suffix : null;
}

export function typeOfId(id: string): SObjectType | undefined {
  const prefix = id.slice(0, 3);
  return SOBJECT_TYPES.find((t) => KEY_PREFIXES[t] === prefix);
}

function base62(n: number, width: number): string {
  let s = "";
  for (let i = 0; i < width; i++) {
    s = BASE62[n % 62] + s;
    n = Math.floor(n / 62);
  }
  return s;
}

/**
 * Mints IDs: a per-org salt (random, or derived from the seed) so two peer runs never hand out the
 * same IDs (the product keeps IDs across restarts of the demo), then a counter.
 */
export class IdMinter {
  private counter = 0;
  private readonly salt: string;

  constructor(seed?: number) {
    const n = seed === undefined ? randomBytes(4).readUInt32BE(0) : Math.imul(seed ^ 0x5f3759df, 2654435761) >>> 0;
    this.salt = base62(n % 62 ** 4, 4);
  }

  next(prefix: string): string {
    this.counter++;
    const id15 = `${prefix}Hp0${this.salt}${base62(this.counter, 5)}`;
    return id15 + caseSuffix(id15);
  }
}
