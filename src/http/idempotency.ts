import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from "fastify";
import { IDEMPOTENCY_TTL_MS } from "../app/activity-writes.js";
import type { AppContext } from "../app/context.js";
import { requestScope, type IdempotencyClaim } from "../app/request-scope.js";
import { z } from "zod";
import { DomainError } from "../domain/errors.js";
import { deleteIdempotencyKey, findIdempotencyKey, saveIdempotentAnswer } from "../store/idempotency-repo.js";

/**
 * Idempotency-Key on every POST that creates or acts (Stripe's semantics): the same key and body
 * give the same answer without doing it twice, across processes, for 24 hours; the same key with
 * another request is 422. Keys are scoped by account (the customer pages share the scope "public",
 * where the whole request must match too). The change and the claim of the key commit in one
 * transaction (inTransaction); the answer is stored after it, encrypted with a key derived from
 * the Idempotency-Key, which is never stored: the database alone cannot replay a manage link.
 */

declare module "fastify" {
  interface FastifyRequest {
    idempotency?: { claim: IdempotencyClaim; key: string };
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
/** Documents the header in the OpenAPI document; the other headers pass through untouched. */
const IdempotencyHeader = z.looseObject({
  "idempotency-key": z.string().max(255).optional()
    .describe("Retry this request safely: the same key and body within 24 hours give the first answer without doing it twice (header Idempotent-Replayed: true); another request with the same key is 422."),
});
// Sign-in and the link pages set a session cookie, which a replayed answer would not carry.
const EXCLUDED = ["/api/v1/auth/", "/api/v1/test-clock", "/api/v1/public/invitations/", "/api/v1/public/password-resets/"];

export function installIdempotency(app: FastifyInstance, ctx: AppContext) {
  app.addHook("onRoute", (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes("POST") || EXCLUDED.some((p) => route.url.startsWith(p))) return;
    // Route-level, so it runs after the plugin's authentication (the account scopes the key).
    route.schema ??= {};
    route.schema.headers ??= IdempotencyHeader;
    const own = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
    route.preHandler = [...own, checkKey(ctx)];
  });
  app.addHook("onSend", async (req, reply, payload) => {
    const i = req.idempotency;
    if (!i || reply.getHeader("idempotent-replayed")) return payload;
    const status = reply.statusCode;
    // 503 (a provider did not answer) promises that retrying is safe: the use case undid or can
    // redo what it committed, so the key is let go and a retry with it does the work again —
    // kept, the claim would answer "being processed" to every retry for 24 hours.
    if (status === 503 && i.claim.claimed) {
      await deleteIdempotencyKey(ctx.db, i.claim.scope, i.claim.keyHash);
      return payload;
    }
    // An answer is kept when the change happened (claimed), or when nothing needed a change (2xx).
    if (status >= 500 || (!i.claim.claimed && status >= 300) || typeof payload !== "string") return payload;
    await saveIdempotentAnswer(ctx.db, i.claim, status, seal(i.key, i.claim.scope, payload), ctx.clock.now(), IDEMPOTENCY_TTL_MS, i.claim.claimed);
    return payload;
  });
}

function checkKey(ctx: AppContext) {
  return (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const header = req.headers["idempotency-key"];
    if (header === undefined) return done();
    const key = Array.isArray(header) ? header[0] : header;
    if (!KEY.test(key)) return done(new DomainError("validation_failed", "headers.idempotency-key: 1 to 255 visible ASCII characters (a UUID is a good key)", { field: "headers.idempotency-key" }));
    const scope = req.caller?.accountId ?? "public";
    const claim: IdempotencyClaim = {
      scope,
      keyHash: sha256(`${scope}\n${key}`),
      requestHash: sha256(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`),
      claimed: false,
    };
    findIdempotencyKey(ctx.db, scope, claim.keyHash)
      .then(async (row) => {
        if (row && row.expires_at.getTime() <= ctx.clock.now().getTime()) {
          await deleteIdempotencyKey(ctx.db, scope, claim.keyHash);
          row = undefined;
        }
        if (row && row.request_hash !== claim.requestHash) {
          throw new DomainError("unprocessable", "This Idempotency-Key was already used for another request; use a new key for a new request.", { field: "headers.idempotency-key", reason: "idempotency_key_reused" });
        }
        if (row && row.response && row.status_code) {
          reply.code(row.status_code).header("content-type", "application/json; charset=utf-8").header("idempotent-replayed", "true").send(open(key, scope, Buffer.from(row.response)));
          return;
        }
        if (row) throw new DomainError("conflict", "A request with this Idempotency-Key is being processed; retry it in a moment to get its answer.", { reason: "idempotency_key_in_use" });
        req.idempotency = { claim, key };
        // The handler runs inside this scope, so its first transaction claims the key.
        requestScope.run({ idempotency: claim }, () => done());
      })
      .catch((err) => done(err));
  };
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function answerKey(key: string, scope: string): Buffer {
  return Buffer.from(hkdfSync("sha256", key, scope, "bookstream idempotent answer", 32));
}

function seal(key: string, scope: string, payload: string): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", answerKey(key, scope), iv);
  const body = Buffer.concat([c.update(payload, "utf8"), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

function open(key: string, scope: string, sealed: Buffer): string {
  const d = createDecipheriv("aes-256-gcm", answerKey(key, scope), sealed.subarray(0, 12));
  d.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString("utf8");
}
