import { sql } from "kysely";

/**
 * Names unique across accounts: a user's e-mail (sign-in names no account) and a booking page's or
 * master page's public address. Migration 025 keeps each in `global_names` (by trigger) with the
 * account that holds it; a lookup by such a name first reads the account there, then the row
 * within that account (its tables' unique indexes lead with account_id), so every query names an
 * account, as a schema distributed by account needs.
 */
export type GlobalNameKind = "user_email" | "booking_page_slug" | "master_page_slug";

/** The account holding `name`, as a scalar subquery (NULL when none holds it). */
export function accountHolding(kind: GlobalNameKind, name: string) {
  return sql<string>`(SELECT g.account_id FROM global_names g WHERE g.kind = ${kind} AND g.name = ${name.toLowerCase()})`;
}
