import { createHash } from "node:crypto";
import { DomainError } from "../domain/errors.js";
import type { Db } from "../store/database.js";
import { addFailure, clearFailures, countFailures } from "../store/sign-in-failures-repo.js";

/**
 * Password guessing is limited in the database, so every process counts the same failures: per
 * e-mail and client address together (the configured limit a minute: one address's guesses, and
 * its other users are not locked out), and per e-mail from anywhere (five times that in 15 minutes:
 * a guesser spread over many addresses). Keys are hashed: the table keeps no e-mail or address.
 */
export interface SignInLimits {
  perAddressPerMinute: number;
}

const PAIR_WINDOW_MS = 60_000;
const EMAIL_WINDOW_MS = 15 * 60_000;

const hash = (s: string) => createHash("sha256").update(s).digest("hex");
const pairKey = (email: string, address: string) => `pair:${hash(`${email.toLowerCase()}\n${address}`)}`;
const emailKey = (email: string) => `email:${hash(email.toLowerCase())}`;

export async function assertSignInAllowed(db: Db, email: string, address: string, now: Date, limits: SignInLimits): Promise<void> {
  const pair = { key: pairKey(email, address), since: new Date(now.getTime() - PAIR_WINDOW_MS), limit: limits.perAddressPerMinute, window: PAIR_WINDOW_MS };
  const any = { key: emailKey(email), since: new Date(now.getTime() - EMAIL_WINDOW_MS), limit: limits.perAddressPerMinute * 5, window: EMAIL_WINDOW_MS };
  const counts = await countFailures(db, [pair, any]);
  for (const k of [pair, any]) {
    const c = counts.get(k.key);
    if (c && c.failures >= k.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((c.windowStart.getTime() + k.window - now.getTime()) / 1000));
      throw new DomainError("rate_limited", `Too many failed sign-ins for this e-mail; try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
    }
  }
}

export async function recordSignInFailure(db: Db, email: string, address: string, now: Date): Promise<void> {
  await addFailure(db, pairKey(email, address), now, new Date(now.getTime() - PAIR_WINDOW_MS));
  await addFailure(db, emailKey(email), now, new Date(now.getTime() - EMAIL_WINDOW_MS));
}

/** A successful sign-in clears its address's count (not the e-mail's: a guesser elsewhere stays counted). */
export async function recordSignInSuccess(db: Db, email: string, address: string): Promise<void> {
  await clearFailures(db, pairKey(email, address));
}
