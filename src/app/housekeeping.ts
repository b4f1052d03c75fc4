import { deleteExpiredIdempotencyKeys } from "../store/idempotency-repo.js";
import { deleteStaleFailures } from "../store/sign-in-failures-repo.js";
import type { AppContext } from "./context.js";

/** Forgets what has outlived its use: idempotency keys past their 24 hours, sign-in failure counts past their windows. */
export async function housekeeping(ctx: AppContext): Promise<{ idempotencyKeys: number; signInFailures: number }> {
  const now = ctx.clock.now();
  return {
    idempotencyKeys: await deleteExpiredIdempotencyKeys(ctx.db, now),
    signInFailures: await deleteStaleFailures(ctx.db, new Date(now.getTime() - 60 * 60_000)),
  };
}
