import { ACTIVITY_ID_PATTERN } from "../domain/activity-id.js";
import { DomainError } from "../domain/errors.js";
import { parseSearchQuery } from "../domain/search-query.js";
import { countStream, queryStream, type StreamCursor, type StreamFilters, type StreamScope } from "../store/stream-repo.js";
import type { AppContext, Caller } from "./context.js";
import { visibilityOf } from "./permissions.js";
import { presentActivity } from "./present-activity.js";

export interface ListInput extends StreamFilters {
  q?: string;
  limit: number;
  cursor?: string;
  includeTotal?: boolean;
}

export const TOTAL_CAP = 10_000;

/** The Activity stream: newest-updated first, filtered, searched, one keyset page at a time. */
export async function listActivities(ctx: AppContext, caller: Caller, input: ListInput) {
  const search = input.q ? parseSearchQuery(input.q) : null;
  const cursor = input.cursor ? decodeCursor(input.cursor) : undefined;
  const vis = await visibilityOf(ctx.db, caller);
  const scope: StreamScope = { accountId: caller.accountId, member: vis.all ? undefined : { userId: vis.userId, pageIds: vis.pageIds } };
  const [{ rows, next }, total] = await Promise.all([
    queryStream(ctx.db, scope, input, search, input.limit, cursor),
    input.includeTotal ? countStream(ctx.db, scope, input, search, TOTAL_CAP) : Promise.resolve(undefined),
  ]);
  return {
    items: rows.map((r) => presentActivity(r, caller)),
    nextCursor: next ? encodeCursor(next) : null,
    ...(total !== undefined ? { total: Math.min(total, TOTAL_CAP), totalIsLowerBound: total > TOTAL_CAP } : {}),
  };
}

export function encodeCursor(c: StreamCursor): string {
  return Buffer.from(JSON.stringify([c.updatedAt, c.id])).toString("base64url");
}

/**
 * What encodeCursor writes: a UTC instant as utcIso formats it, and an activity ID. Anything else
 * (a year PostgreSQL cannot read, text it cannot store) is refused here, not by the query.
 */
const CURSOR_INSTANT = /^(19|2\d)\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;

function decodeCursor(s: string): StreamCursor {
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    const valid = typeof updatedAt === "string" && CURSOR_INSTANT.test(updatedAt) && !Number.isNaN(Date.parse(updatedAt)) && typeof id === "string" && ACTIVITY_ID_PATTERN.test(id);
    if (!valid) throw new Error("shape");
    return { updatedAt, id };
  } catch {
    throw new DomainError("validation_failed", "cursor: not a cursor this API returned", { field: "cursor" });
  }
}
