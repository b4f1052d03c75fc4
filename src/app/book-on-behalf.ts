import { forbidden, invalid, notFound } from "../domain/errors.js";
import { findUser } from "../store/accounts-repo.js";
import { findActivePage, findCustomer, type MemberScope } from "../store/pages-repo.js";
import { createBooking, inTransaction, manageLink } from "./activity-writes.js";
import { addMinutes, bookingFields, meetingLength, saveCustomer, type CustomerInput, atTime } from "./booking-rules.js";
import type { AppContext, Caller } from "./context.js";
import type { Tx } from "../store/database.js";
import { canSee, visibilityOf } from "./permissions.js";
import { userActor } from "./load-for-action.js";
import { assertStaffMayBook } from "./staff-time-check.js";
import { getSalesforceRecord } from "./salesforce/settings.js";
import { saveSalesforceEvent } from "../store/salesforce-repo.js";

export interface BookOnBehalfInput {
  bookingPageId: string;
  start: Date;
  /** The customer entered on the spot; or customerId for an existing customer record. */
  customer?: CustomerInput;
  customerId?: string;
  ownerId?: string;
  eventTypeId?: string;
  answers?: Record<string, string>;
  /** Book outside the host's hours or over their busy time, knowingly. */
  override?: boolean;
  /** Scheduled from a Salesforce Contact, Lead or Case (its "Schedule" button): the Event goes on that record. */
  salesforceRecordId?: string;
}

/**
 * A user schedules for a customer (e.g. on a call). It is the booking the customer would have
 * made on the page, so it starts "Scheduled (By customer)"; the history names the user.
 * Users are not bound by the page's notice or days ahead; the host's hours and busy time need
 * `override` (staff-time-check.ts), and the host must be free.
 */
export async function bookOnBehalf(ctx: AppContext, caller: Caller, input: BookOnBehalfInput) {
  // Read before the transaction (a call to Salesforce): the record must exist in the connected org,
  // and it names the Event's relation (WhoId for a Contact or Lead; WhatId, and the Case's Contact, for a Case).
  const record = input.salesforceRecordId ? await getSalesforceRecord(ctx, caller, input.salesforceRecordId) : undefined;
  return inTransaction(ctx, async (tx) => {
    const page = await findActivePage(tx, caller.accountId, input.bookingPageId);
    if (!page) throw notFound("Booking page", input.bookingPageId);
    const vis = await visibilityOf(tx, caller);
    if (!canSee(vis, { booking_page_id: page.id, owner_id: null })) throw notFound("Booking page", input.bookingPageId);
    // Members book themselves as host; booking a colleague's time is for admins.
    if (caller.role !== "admin" && input.ownerId && input.ownerId !== caller.userId) {
      throw forbidden("A member may book only themselves as host; ask an admin to book a colleague.", { field: "ownerId" });
    }
    const owner = await findUser(tx, caller.accountId, input.ownerId ?? (caller.role === "admin" ? page.owner_id : caller.userId));
    if (!owner) throw invalid("ownerId", `no user ${input.ownerId} in this account`);
    if (owner.deactivated_at) throw invalid("ownerId", `${owner.name} is deactivated and hosts no new meetings`);
    const { minutes, eventType } = await meetingLength(tx, page, input.eventTypeId);
    const end = addMinutes(input.start, minutes);
    await assertStaffMayBook(tx, { page, host: owner, start: input.start, end, now: ctx.clock.now(), override: input.override });
    const { customerId, customer } = await customerFor(tx, caller.accountId, input, vis.all ? undefined : { userId: vis.userId, pageIds: vis.pageIds });
    const { activity, manageToken } = await createBooking(tx, ctx, {
      accountId: caller.accountId,
      origin: "user-books-on-behalf",
      actor: userActor(caller),
      fields: {
        ...bookingFields(page, owner, customerId, customer, eventType),
        ...atTime(input.start, end, input.answers ?? null),
      },
    });
    // The consumer creates the Event after commit; it finds the relation here instead of matching by e-mail.
    if (record) await saveSalesforceEvent(tx, caller.accountId, activity.id, { who_id: record.whoId, what_id: record.whatId });
    return { activityId: activity.id, manageLink: manageLink(ctx, manageToken) };
  });
}

/** An existing customer record (customerId), or the details entered on the spot. */
async function customerFor(tx: Tx, accountId: string, input: BookOnBehalfInput, member?: MemberScope): Promise<{ customerId: string; customer: CustomerInput }> {
  if (input.customerId) {
    const c = await findCustomer(tx, accountId, input.customerId, member);
    if (!c) throw invalid("customerId", `no customer ${input.customerId} in this account`);
    return { customerId: c.id, customer: { name: c.name, email: c.email, phone: c.phone, timeZone: c.time_zone } };
  }
  if (!input.customer) throw invalid("customer", "give the customer's details or an existing customerId");
  return { customerId: await saveCustomer(tx, accountId, input.customer), customer: input.customer };
}
