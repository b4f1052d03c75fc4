import { randomBytes, randomUUID } from "node:crypto";
import argon2 from "argon2";
import { DomainError, invalid } from "../domain/errors.js";
import { isValidTimeZone } from "../domain/open-hours.js";
import {
  deleteSession,
  findUserByApiToken,
  findUserByEmail,
  findUserBySession,
  insertApiToken,
  insertSession,
  insertUser,
  touchApiToken,
} from "../store/accounts-repo.js";
import type { Db } from "../store/database.js";
import { hashToken } from "./activity-writes.js";
import type { Caller } from "./context.js";
import { assertSignInAllowed, recordSignInFailure, recordSignInSuccess, type SignInLimits } from "./sign-in-limiter.js";

export const SESSION_DAYS = 14;
// A fixed hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
let dummyHash: Promise<string> | undefined;

/**
 * Signs a user in with e-mail and password; returns a new session token (cookie value). Failed
 * attempts are limited per e-mail and client address (sign-in-limiter.ts).
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string; address: string },
  now: Date,
  limits: SignInLimits,
): Promise<{ token: string; caller: Caller }> {
  const { email, password, address } = input;
  await assertSignInAllowed(db, email, address, now, limits);
  const user = await findUserByEmail(db, email);
  dummyHash ??= argon2.hash("not a password");
  const ok = user?.password_hash ? await argon2.verify(user.password_hash, password) : (await argon2.verify(await dummyHash, password), false);
  if (!user || !ok) {
    await recordSignInFailure(db, email, address, now);
    throw new DomainError("unauthenticated", "E-mail or password is incorrect.", {});
  }
  await recordSignInSuccess(db, email, address);
  // Only after the password checked out: a stranger learns nothing about the account.
  if (user.deactivated_at) throw new DomainError("forbidden", "Your user has been deactivated; ask an admin of your team to reactivate it.", { reason: "deactivated" });
  const token = randomBytes(32).toString("base64url");
  await insertSession(db, {
    token_hash: hashToken(token),
    account_id: user.account_id,
    user_id: user.id,
    expires_at: new Date(now.getTime() + SESSION_DAYS * 86_400_000),
  });
  const caller = await findUserBySession(db, hashToken(token), now);
  return { token, caller: toCaller(caller!) };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await deleteSession(db, hashToken(token));
}

export async function callerFromSession(db: Db, token: string, now: Date): Promise<Caller | undefined> {
  const row = await findUserBySession(db, hashToken(token), now);
  return row ? toCaller(row) : undefined;
}

/** The caller behind an API token (unless expired); notes its use. */
export async function callerFromApiToken(db: Db, token: string, now: Date = new Date()): Promise<(Caller & { tokenExpiresAt: Date | null }) | undefined> {
  const row = await findUserByApiToken(db, hashToken(token), now);
  if (!row) return undefined;
  await touchApiToken(db, row.token_id, now);
  return { ...toCaller(row), tokenExpiresAt: row.expires_at };
}

/** Creates an API token for the user with this e-mail; the token is shown once, stored hashed. */
export async function createApiToken(db: Db, email: string, name = "cli", expiresAt: Date | null = null): Promise<string> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new DomainError("not_found", `No user with e-mail ${email}`, { email });
  return (await mintApiToken(db, { accountId: user.account_id, userId: user.id, name, expiresAt })).token;
}

export async function mintApiToken(db: Db, t: { accountId: string; userId: string; name: string; expiresAt: Date | null }): Promise<{ id: string; token: string }> {
  const token = `bst_${randomBytes(32).toString("base64url")}`;
  const id = randomUUID();
  await insertApiToken(db, { id, account_id: t.accountId, user_id: t.userId, name: t.name, token_hash: hashToken(token), expires_at: t.expiresAt });
  return { id, token };
}

export async function addUser(
  db: Db,
  u: { accountId: string; email: string; name: string; role: "admin" | "member"; password?: string; timeZone?: string },
): Promise<string> {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(u.email)) throw invalid("email", "not an e-mail address");
  if (u.password !== undefined && u.password.length < 8) throw invalid("password", "use at least 8 characters");
  const tz = u.timeZone ?? "UTC";
  if (!isValidTimeZone(tz)) throw invalid("timeZone", `unknown time zone ${tz}`);
  if (await findUserByEmail(db, u.email)) throw new DomainError("conflict", `A user with e-mail ${u.email} already exists.`, { field: "email" });
  const id = randomUUID();
  await insertUser(db, {
    id,
    account_id: u.accountId,
    email: u.email,
    name: u.name,
    role: u.role,
    password_hash: u.password ? await argon2.hash(u.password) : null,
    time_zone: tz,
  });
  return id;
}

function toCaller(r: { id: string; account_id: string; account_name: string; name: string; email: string; role: "admin" | "member"; time_zone: string }): Caller {
  return { userId: r.id, accountId: r.account_id, accountName: r.account_name, name: r.name, email: r.email, role: r.role, timeZone: r.time_zone };
}
