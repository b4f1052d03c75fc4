import type { ExpressionBuilder } from "kysely";
import type { StreamRow } from "./activities-repo.js";

/**
 * The Activity stream's sort orders and their keyset cursors.
 *
 * - `updated`: last updated first (the default).
 * - `created`: newest first.
 * - `start`: meeting time, earliest first ("Upcoming meetings": soonest first).
 * - `-start`: meeting time, latest first.
 * - `trashed`: the Trash only (stream-repo's `trash` scope): moved to the Trash most recently first.
 * Under a meeting-time order, the activities without a meeting time (requests, packages,
 * transactions) come after all the others, last updated first. Ties are broken by ID, in the
 * order's direction, so every row has one place.
 */
export const STREAM_SORTS = ["updated", "created", "start", "-start", "trashed"] as const;
export type StreamSort = (typeof STREAM_SORTS)[number];

/** A column and direction the stream can be read in, each backed by an (account_id, column, id) index. */
export interface Order {
  column: "updated_at" | "created_at" | "start_at" | "trashed_at";
  dir: "asc" | "desc";
}

export const UPDATED_ORDER: Order = { column: "updated_at", dir: "desc" };

/** The order of the rows a sort reads first (under `start`/`-start`: those with a meeting time). */
export const SORT_ORDER: Record<StreamSort, Order> = {
  updated: UPDATED_ORDER,
  created: { column: "created_at", dir: "desc" },
  start: { column: "start_at", dir: "asc" },
  "-start": { column: "start_at", dir: "desc" },
  trashed: { column: "trashed_at", dir: "desc" },
};

export const sortsByMeetingTime = (sort: StreamSort) => SORT_ORDER[sort].column === "start_at";

/**
 * Where a page ended: the last row's sort key (an ISO instant) and ID. `unscheduled`: the row is
 * in the tail of a meeting-time sort (no meeting time), where `key` is its updated_at.
 */
export interface StreamCursor {
  sort: StreamSort;
  key: string;
  id: string;
  unscheduled?: boolean;
}

/** The position just after `row` (times are millisecond-precise, as the cursors assume). */
export function cursorAt(sort: StreamSort, row: StreamRow): StreamCursor {
  const unscheduled = sortsByMeetingTime(sort) && row.start_at === null;
  const value = unscheduled ? row.updated_at : row[SORT_ORDER[sort].column]!;
  return { sort, key: new Date(value).toISOString(), id: row.id, ...(unscheduled ? { unscheduled } : {}) };
}

/** Rows after (key, id) in `order`: a row comparison, which a (…, column, id) index takes as its range bound. */
export const after = (order: Order, at: { key: string; id: string }) => (eb: ExpressionBuilder<any, "activities">) =>
  eb(eb.refTuple(`activities.${order.column}`, "activities.id"), order.dir === "desc" ? "<" : ">", eb.tuple(new Date(at.key) as any, at.id));
