import { randomUUID } from "node:crypto";
import { DomainError, notFound, unprocessable } from "../domain/errors.js";
import type { Db } from "../store/database.js";
import {
  countSavedFilters,
  deleteSavedFilter,
  findSavedFilterByName,
  insertSavedFilter,
  listSavedFilters,
  updateSavedFilter,
  type FilterOwner,
  type SavedFilterRow,
} from "../store/saved-filters-repo.js";
import type { AppContext, Caller } from "./context.js";

/**
 * Custom Activity stream filters, saved per user. The query is the web app's filter state (the
 * URL's parameters); the server stores it as given, only bounding its size (see the route schema).
 */
export type FilterQuery = Record<string, string | string[]>;

export const MAX_SAVED_FILTERS = 200;

export interface SavedFilterView {
  id: string;
  name: string;
  query: FilterQuery;
  createdAt: string;
  updatedAt: string;
}

const ownerOf = (c: Caller): FilterOwner => ({ accountId: c.accountId, userId: c.userId });

export function presentSavedFilter(r: SavedFilterRow): SavedFilterView {
  return {
    id: r.id,
    name: r.name,
    query: (r.query as unknown as FilterQuery) ?? {},
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listFilters(ctx: AppContext, caller: Caller): Promise<SavedFilterView[]> {
  return (await listSavedFilters(ctx.db, ownerOf(caller))).map(presentSavedFilter);
}

export async function createFilter(ctx: AppContext, caller: Caller, input: { name: string; query: FilterQuery }): Promise<SavedFilterView> {
  const owner = ownerOf(caller);
  const name = input.name.trim();
  await assertNameFree(ctx.db, owner, name);
  if ((await countSavedFilters(ctx.db, owner)) >= MAX_SAVED_FILTERS) {
    throw unprocessable(`You can keep at most ${MAX_SAVED_FILTERS} saved filters; delete one first.`, { limit: MAX_SAVED_FILTERS });
  }
  const row = await duplicateNameAsConflict(name, () =>
    insertSavedFilter(ctx.db, { id: randomUUID(), accountId: owner.accountId, userId: owner.userId, name, query: input.query, now: ctx.clock.now() }),
  );
  return presentSavedFilter(row);
}

/** Rename and/or replace the query of one of the caller's filters. */
export async function updateFilter(ctx: AppContext, caller: Caller, id: string, input: { name?: string; query?: FilterQuery }): Promise<SavedFilterView> {
  const owner = ownerOf(caller);
  const name = input.name?.trim();
  if (name !== undefined) await assertNameFree(ctx.db, owner, name, id);
  const row = await duplicateNameAsConflict(name ?? "", () => updateSavedFilter(ctx.db, owner, id, { name, query: input.query, now: ctx.clock.now() }));
  if (!row) throw notFound("Saved filter", id);
  return presentSavedFilter(row);
}

export async function deleteFilter(ctx: AppContext, caller: Caller, id: string): Promise<void> {
  if (!(await deleteSavedFilter(ctx.db, ownerOf(caller), id))) throw notFound("Saved filter", id);
}

async function assertNameFree(db: Db, owner: FilterOwner, name: string, exceptId?: string) {
  const existing = await findSavedFilterByName(db, owner, name);
  if (existing && existing.id !== exceptId) throw nameTaken(name, existing.id);
}

const nameTaken = (name: string, existingId?: string) =>
  new DomainError("conflict", `You already have a saved filter named "${name}".`, { field: "name", ...(existingId ? { existingId } : {}) });

/** Two concurrent saves of one name: the unique index decides, and the loser gets the same 409. */
async function duplicateNameAsConflict<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { code?: string }).code === "23505") throw nameTaken(name);
    throw err;
  }
}
