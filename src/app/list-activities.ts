import { ACTIVITY_ID_PATTERN } from "../domain/activity-id.js";
import { DomainError } from "../domain/errors.js";
import { parseSearchQuery } from "../domain/search-query.js";
import { countStream, queryStream, STREAM_SORTS, type StreamCursor, type StreamFilters, type StreamScope, type StreamSort } from "../store/stream-repo.js";
import { purgeCutoff } from "../domain/trash.js";
import { userNames } from "../store/trash-repo.js";
import type { AppContext, Caller } from "./context.js";
import { visibilityOf } from "./permissions.js";
import { presentActivity } from "./present-activity.js";
import { assertAdmin } from "./trash/admin-only.js";

export interface ListInput extends StreamFilters {
  q?: string;
  sort?: StreamSort;
  limit: number;
  cursor?: string;
  includeTotal?: boolean;
  /** The Trash filter (admins only): only the activities in the Trash, each with its trash info and actions. */
  trash?: boolean;
}

export { STREAM_SORTS, type StreamSort };

export const TOTAL_CAP = 10_000;

/**
 * The Activity stream: filtered, searched, in the chosen order (last updated first by default), one
 * keyset page at a time. With `trash`, the same over the Trash instead (the seed's "Trash filter",
 * admins only): what was moved there in the last 30 days, each with when it is deleted permanently.
 */
export async function listActivities(ctx: AppContext, caller: Caller, input: ListInput) {
  if (input.trash) assertAdmin(caller, "see the Trash");
  const sort = input.sort ?? "updated";
  if (sort === "trashed" && !input.trash) {
    throw new DomainError("validation_failed", "sort: trashed orders the Trash only; add trash=true or pick another sort", { field: "sort", sort });
  }
  assertRange("startFrom", input.startFrom, "startTo", input.startTo);
  assertRange("createdFrom", input.createdFrom, "createdTo", input.createdTo);
  const search = input.q ? parseSearchQuery(input.q) : null;
  const cursor = input.cursor ? decodeCursor(input.cursor, sort) : undefined;
  const vis = await visibilityOf(ctx.db, caller);
  const scope: StreamScope = {
    accountId: caller.accountId,
    member: vis.all ? undefined : { userId: vis.userId, pageIds: vis.pageIds },
    ...(input.trash ? { trash: { since: purgeCutoff(ctx.clock.now()) } } : {}),
  };
  const [{ rows, next }, total] = await Promise.all([
    queryStream(ctx.db, scope, input, search, input.limit, cursor, sort),
    input.includeTotal ? countStream(ctx.db, scope, input, search, TOTAL_CAP) : Promise.resolve(undefined),
  ]);
  // Who moved each one to the Trash (only trashed rows have a mover).
  const movers = await userNames(ctx.db, caller.accountId, [...new Set(rows.flatMap((r) => (r.trashed_by ? [r.trashed_by] : [])))]);
  return {
    items: rows.map((r) => presentActivity(r, caller, movers)),
    nextCursor: next ? encodeCursor(next) : null,
    ...(total !== undefined ? { total: Math.min(total, TOTAL_CAP), totalIsLowerBound: total > TOTAL_CAP } : {}),
  };
}

/** A range whose start is after its end matches nothing, and is always a mistake: say so. */
function assertRange(fromName: string, from: Date | undefined, toName: string, to: Date | undefined): void {
  if (from && to && from.getTime() > to.getTime()) {
    throw new DomainError("validation_failed", `${toName}: must not be before ${fromName}`, { field: toName, [fromName]: from.toISOString(), [toName]: to.toISOString() });
  }
}

/** A cursor names its sort, so one from another order is refused instead of read as a position in this one. */
export function encodeCursor(c: StreamCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id, ...(c.unscheduled ? [1] : [])])).toString("base64url");
}

/**
 * What encodeCursor writes: a UTC instant as utcIso formats it, and an activity ID. Anything else
 * (a year PostgreSQL cannot read, text it cannot store) is refused here, not by the query.
 */
const CURSOR_INSTANT = /^(19|2\d)\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;

function decodeCursor(s: string, sort: StreamSort): StreamCursor {
  let c: StreamCursor;
  try {
    const [cursorSort, key, id, unscheduled, ...rest] = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    const valid = STREAM_SORTS.includes(cursorSort) && typeof key === "string" && CURSOR_INSTANT.test(key) && !Number.isNaN(Date.parse(key)) && typeof id === "string" && ACTIVITY_ID_PATTERN.test(id) && rest.length === 0;
    if (!valid || (unscheduled !== undefined && unscheduled !== 1)) throw new Error("shape");
    c = { sort: cursorSort, key, id, ...(unscheduled ? { unscheduled: true } : {}) };
  } catch {
    throw new DomainError("validation_failed", "cursor: not a cursor this API returned", { field: "cursor" });
  }
  if (c.sort !== sort) {
    throw new DomainError("validation_failed", `cursor: it continues sort=${c.sort}, not sort=${sort}; start again without a cursor`, { field: "cursor", cursorSort: c.sort, sort });
  }
  return c;
}
