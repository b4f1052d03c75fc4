import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What the HTTP edge tells the use cases about the request they serve, without passing it through
 * every call: the Idempotency-Key to claim in the first transaction that changes something
 * (inTransaction in activity-writes.ts), so that change and the claim commit or fail together.
 */
export interface IdempotencyClaim {
  scope: string;
  keyHash: string;
  requestHash: string;
  /** Set once a transaction holding the claim has committed. */
  claimed: boolean;
}

export interface RequestScope {
  idempotency?: IdempotencyClaim;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();
