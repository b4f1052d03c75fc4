import { DomainError } from "../../domain/errors.js";
import { ACTIVITY_ID_PATTERN } from "../../domain/activity-id.js";
import { purgeCutoff, TRASH_RETENTION_DAYS } from "../../domain/trash.js";
import { countTrashed, listTrashed, userNames, type TrashCursor } from "../../store/trash-repo.js";
import type { AppContext, Caller } from "../context.js";
import { presentActivity } from "../present-activity.js";
import { assertAdmin } from "./admin-only.js";

/** The Trash filter: what was moved there in the last 30 days, newest first, each with when it will be deleted. */
export async function listTrash(ctx: AppContext, caller: Caller, input: { limit: number; cursor?: string }) {
  assertAdmin(caller, "see the Trash");
  const cutoff = purgeCutoff(ctx.clock.now());
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const [{ rows, more }, total] = await Promise.all([listTrashed(ctx.db, caller.accountId, cutoff, input.limit, after), countTrashed(ctx.db, caller.accountId, cutoff)]);
  const names = await userNames(ctx.db, caller.accountId, [...new Set(rows.flatMap((r) => (r.trashed_by ? [r.trashed_by] : [])))]);
  const last = rows[rows.length - 1];
  return {
    items: rows.map((r) => {
      const view = presentActivity(r, caller);
      return { ...view, trash: { ...view.trash!, trashedBy: r.trashed_by ? { id: r.trashed_by, name: names.get(r.trashed_by) ?? "" } : null } };
    }),
    nextCursor: more && last ? Buffer.from(JSON.stringify([new Date(last.trashed_at!).toISOString(), last.id])).toString("base64url") : null,
    total,
    retentionDays: TRASH_RETENTION_DAYS,
  };
}

function decodeCursor(s: string): TrashCursor {
  try {
    const [at, id, ...rest] = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
    if (typeof at === "string" && !Number.isNaN(Date.parse(at)) && /^(19|2\d)\d\d-/.test(at) && typeof id === "string" && ACTIVITY_ID_PATTERN.test(id) && rest.length === 0) return { at, id };
  } catch {
    /* below */
  }
  throw new DomainError("validation_failed", "cursor: not a cursor this API returned", { field: "cursor" });
}
