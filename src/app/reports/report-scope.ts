import { DomainError } from "../../domain/errors.js";
import { parseSearchQuery, type SearchNode } from "../../domain/search-query.js";
import { findAccount } from "../../store/accounts-repo.js";
import type { ReportFilters, ReportScope } from "../../store/reports-repo.js";
import type { AppContext, Caller } from "../context.js";
import { visibilityOf } from "../permissions.js";

/** What every report takes: the stream's filters, its free-text grammar, a range, a zone, the Trash or not. */
export interface ReportInput extends Omit<ReportFilters, "includeTrash"> {
  q?: string;
  zone?: string;
  includeTrash?: boolean;
}

export interface ResolvedReport {
  scope: ReportScope;
  filters: ReportFilters;
  search: SearchNode | null;
  zone: string;
}

/**
 * Who may see what in a report — admins everything, members what their stream shows them (never
 * the Trash) — and the report's zone (the account's unless one is asked for).
 */
export async function resolveReport(ctx: AppContext, caller: Caller, input: ReportInput): Promise<ResolvedReport> {
  if (input.from && input.to && input.from.getTime() > input.to.getTime()) {
    throw new DomainError("validation_failed", "to: must not be before from", { field: "to", from: input.from.toISOString(), to: input.to.toISOString() });
  }
  const search = input.q?.trim() ? parseSearchQuery(input.q) : null;
  const [vis, account] = await Promise.all([visibilityOf(ctx.db, caller), input.zone ? Promise.resolve(null) : findAccount(ctx.db, caller.accountId)]);
  const scope: ReportScope = { accountId: caller.accountId, member: vis.all ? undefined : { userId: vis.userId, pageIds: vis.pageIds } };
  const { q: _q, zone: _zone, includeTrash, ...lists } = input;
  return {
    scope,
    filters: { ...lists, includeTrash: includeTrash ?? true },
    search,
    zone: input.zone ?? account?.default_time_zone ?? "UTC",
  };
}
