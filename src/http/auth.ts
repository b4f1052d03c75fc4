import type { FastifyReply, FastifyRequest } from "fastify";
import { callerFromApiToken, callerFromSession } from "../app/auth.js";
import type { AppContext, Caller } from "../app/context.js";
import { DomainError } from "../domain/errors.js";

export const SESSION_COOKIE = "bookstream_session";

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/**
 * API tokens are long-lived and scripts send one with every request; remembering a token's user
 * for a few seconds saves a database round trip per request. Each process keeps its own copy, so a
 * deleted token may work for up to TOKEN_CACHE_MS more on a process that saw it recently.
 */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;

class TokenCache {
  private entries = new Map<string, { caller: Caller; until: number }>();
  async get(token: string, now: number, load: (token: string) => Promise<(Caller & { tokenExpiresAt: Date | null }) | undefined>): Promise<Caller | undefined> {
    const hit = this.entries.get(token);
    if (hit && hit.until > now) return hit.caller;
    const found = await load(token);
    if (found) {
      const { tokenExpiresAt, ...caller } = found;
      if (this.entries.size >= TOKEN_CACHE_MAX) this.entries.clear();
      this.entries.set(token, { caller, until: Math.min(now + TOKEN_CACHE_MS, tokenExpiresAt?.getTime() ?? Infinity) });
      return caller;
    }
    this.entries.delete(token);
    return undefined;
  }
  clear() {
    this.entries.clear();
  }
}
const tokenCache = new TokenCache();

/** A token was revoked (or its user changed): this process stops trusting what it remembered. */
export function forgetCachedCallers(): void {
  tokenCache.clear();
}

/** Resolves the caller from a bearer API token or the session cookie; 401 when neither is valid. */
export function requireCaller(ctx: AppContext) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const header = req.headers.authorization;
    let caller: Caller | undefined;
    if (header?.toLowerCase().startsWith("bearer ")) {
      const now = ctx.clock.now();
      caller = await tokenCache.get(header.slice(7).trim(), now.getTime(), (token) => callerFromApiToken(ctx.db, token, now));
      if (!caller) throw new DomainError("unauthenticated", "The API token is not valid.", {});
    } else {
      const cookie = req.cookies?.[SESSION_COOKIE];
      if (cookie) caller = await callerFromSession(ctx.db, cookie, new Date());
    }
    if (!caller) throw new DomainError("unauthenticated", "Sign in, or send an API token as 'Authorization: Bearer …'.", {});
    req.caller = caller;
  };
}

export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new DomainError("unauthenticated", "Not signed in.", {});
  return req.caller;
}
