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
  clear(): void {
    this.entries.clear();
  }
  private entries = new Map<string, { caller: Caller; until: number }>();
  async get(token: string, load: (token: string) => Promise<Caller | undefined>): Promise<Caller | undefined> {
    const now = Date.now();
    const hit = this.entries.get(token);
    if (hit && hit.until > now) return hit.caller;
    const caller = await load(token);
    if (caller) {
      if (this.entries.size >= TOKEN_CACHE_MAX) this.entries.clear();
      this.entries.set(token, { caller, until: now + TOKEN_CACHE_MS });
    } else this.entries.delete(token);
    return caller;
  }
}
const tokenCache = new TokenCache();

/**
 * Forgets the cached token users in this process: after a deactivation or a change of role or
 * profile the next request reads the user again. (Another process may keep its copy up to
 * TOKEN_CACHE_MS; deactivation deletes the tokens, so their next read there fails.)
 */
export function forgetCachedCallers(): void {
  tokenCache.clear();
}

/** Resolves the caller from a bearer API token or the session cookie; 401 when neither is valid. */
export function requireCaller(ctx: AppContext) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const header = req.headers.authorization;
    let caller: Caller | undefined;
    if (header?.toLowerCase().startsWith("bearer ")) {
      caller = await tokenCache.get(header.slice(7).trim(), (token) => callerFromApiToken(ctx.db, token));
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
