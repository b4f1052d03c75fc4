import { notFound } from "../domain/errors.js";
import { findCustomer } from "../store/pages-repo.js";
import { searchCustomers } from "../store/page-settings-repo.js";
import type { AppContext, Caller } from "./context.js";
import { visibilityOf } from "./permissions.js";

/**
 * Customer records for scheduling on someone's behalf: a schedule link naming a customer
 * (?customer=<id>) pre-fills the form from GET /customers/{id}; the picker searches with ?q=.
 * Admins see every customer; members those of activities they may see (pages they own, edit or
 * view, and their own bookings), like the stream.
 */
export function presentCustomer(c: { id: string; name: string; email: string; phone: string | null; time_zone: string | null }) {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, timeZone: c.time_zone };
}

async function memberScope(ctx: AppContext, caller: Caller) {
  const v = await visibilityOf(ctx.db, caller);
  return v.all ? undefined : { userId: v.userId, pageIds: v.pageIds };
}

export async function getCustomer(ctx: AppContext, caller: Caller, id: string) {
  const c = await findCustomer(ctx.db, caller.accountId, id, await memberScope(ctx, caller));
  if (!c) throw notFound("Customer", id);
  return presentCustomer(c);
}

export async function findCustomers(ctx: AppContext, caller: Caller, q: string, limit: number) {
  return { items: (await searchCustomers(ctx.db, caller.accountId, q.trim(), limit, await memberScope(ctx, caller))).map(presentCustomer) };
}
