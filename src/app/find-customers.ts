import { notFound } from "../domain/errors.js";
import { findCustomer } from "../store/pages-repo.js";
import { searchCustomers } from "../store/page-settings-repo.js";
import type { AppContext, Caller } from "./context.js";

/**
 * Customer records for scheduling on someone's behalf: a schedule link naming a customer
 * (?customer=<id>) pre-fills the form from GET /customers/{id}; the picker searches with ?q=.
 * Every user of the account may read them (they schedule for the account's customers).
 */
export function presentCustomer(c: { id: string; name: string; email: string; phone: string | null; time_zone: string | null }) {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, timeZone: c.time_zone };
}

export async function getCustomer(ctx: AppContext, caller: Caller, id: string) {
  const c = await findCustomer(ctx.db, caller.accountId, id);
  if (!c) throw notFound("Customer", id);
  return presentCustomer(c);
}

export async function findCustomers(ctx: AppContext, caller: Caller, q: string, limit: number) {
  return { items: (await searchCustomers(ctx.db, caller.accountId, q.trim(), limit)).map(presentCustomer) };
}
