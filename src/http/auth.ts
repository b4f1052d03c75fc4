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

/** Resolves the caller from a bearer API token or the session cookie; 401 when neither is valid. */
export function requireCaller(ctx: AppContext) {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const header = req.headers.authorization;
    let caller: Caller | undefined;
    if (header?.toLowerCase().startsWith("bearer ")) {
      caller = await callerFromApiToken(ctx.db, header.slice(7).trim());
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
