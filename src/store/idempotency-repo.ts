import { DomainError } from "../domain/errors.js";
import type { Db, Tx } from "./database.js";
import { UNIQUE_VIOLATION } from "./db-errors.js";

type Conn = Db | Tx;

/** Idempotency keys (migration 004): claimed with the change they guard, answered afterwards. */
export async function findIdempotencyKey(conn: Conn, scope: string, keyHash: string) {
  return conn.selectFrom("idempotency_keys").selectAll().where("scope", "=", scope).where("key_hash", "=", keyHash).executeTakeFirst();
}

export async function deleteIdempotencyKey(conn: Conn, scope: string, keyHash: string) {
  await conn.deleteFrom("idempotency_keys").where("scope", "=", scope).where("key_hash", "=", keyHash).execute();
}

/** Claims the key inside the caller's transaction; a concurrent claim of the same key waits, then fails here. */
export async function claimIdempotencyKey(tx: Tx, k: { scope: string; keyHash: string; requestHash: string }, now: Date, ttlMs: number) {
  await tx
    .insertInto("idempotency_keys")
    .values({ scope: k.scope, key_hash: k.keyHash, request_hash: k.requestHash, created_at: now, expires_at: new Date(now.getTime() + ttlMs) })
    .execute()
    .catch((err: { code?: string }) => {
      if (err?.code !== UNIQUE_VIOLATION) throw err;
      throw new DomainError("conflict", "A request with this Idempotency-Key is being processed; retry it in a moment to get its answer.", { reason: "idempotency_key_in_use" });
    });
}

/** Stores the answer of a claimed key, or claims and answers at once (a request that changed nothing in a transaction). */
export async function saveIdempotentAnswer(conn: Conn, k: { scope: string; keyHash: string; requestHash: string }, statusCode: number, response: Buffer, now: Date, ttlMs: number, claimed: boolean) {
  if (claimed) {
    await conn.updateTable("idempotency_keys").set({ status_code: statusCode, response }).where("scope", "=", k.scope).where("key_hash", "=", k.keyHash).execute();
    return;
  }
  await conn
    .insertInto("idempotency_keys")
    .values({ scope: k.scope, key_hash: k.keyHash, request_hash: k.requestHash, status_code: statusCode, response, created_at: now, expires_at: new Date(now.getTime() + ttlMs) })
    .onConflict((oc) => oc.columns(["scope", "key_hash"]).doNothing())
    .execute();
}

export async function deleteExpiredIdempotencyKeys(conn: Conn, now: Date): Promise<number> {
  const r = await conn.deleteFrom("idempotency_keys").where("expires_at", "<=", now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
