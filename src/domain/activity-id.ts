import { randomInt } from "node:crypto";

/**
 * Activity IDs: BKNG- + 12, PKG- + 10, TXN- + 8 characters of upper-case letters and digits.
 * Random (crypto), so they reveal nothing about volume; uniqueness is enforced by the primary key
 * and a collision (1 in 36^12 for bookings) is retried by the caller.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export const ACTIVITY_ID_FORMATS = {
  booking: { prefix: "BKNG", length: 12 },
  package: { prefix: "PKG", length: 10 },
  transaction: { prefix: "TXN", length: 8 },
} as const;

export type ActivityType = keyof typeof ACTIVITY_ID_FORMATS;

export const ACTIVITY_ID_PATTERN = /^(BKNG-[A-Z0-9]{12}|PKG-[A-Z0-9]{10}|TXN-[A-Z0-9]{8})$/;

export function newActivityId(type: ActivityType): string {
  const { prefix, length } = ACTIVITY_ID_FORMATS[type];
  let s = "";
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}-${s}`;
}

