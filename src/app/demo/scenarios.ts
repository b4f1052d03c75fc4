import { approveRequest } from "../approve-request.js";
import { bookOnPublicPage } from "../book-on-public-page.js";
import { bookPackage } from "../book-package.js";
import { cancelBooking } from "../cancel-booking.js";
import type { AppContext, Caller } from "../context.js";
import { customerCancel } from "../customer-cancel.js";
import { customerReschedule } from "../customer-reschedule.js";
import { customerResubmit } from "../customer-resubmit.js";
import { reassignBooking } from "../reassign-booking.js";
import { requestNewTimes } from "../request-new-times.js";
import { requestOnPublicPage } from "../request-on-public-page.js";
import { requestReschedule } from "../request-reschedule.js";
import { rescheduleBooking } from "../reschedule-booking.js";
import { setNoShow } from "../set-no-show.js";
import type { ScenarioKind } from "./plan.js";

/** What the scenarios act on: the seed's clock, the admin, the member and the two pages. */
export interface DemoWorld {
  ctx: AppContext;
  clock: { t: Date };
  admin: Caller;
  memberId: string;
  intro: string;
  consult: string;
  deepDiveEventTypeId: string;
  customers: number;
}

const FIRST = ["Annette", "John", "Priya", "Mateo", "Chen", "Fatima", "Olga", "Kwame", "Sofia", "Liam", "Yuki", "Noah", "Amara", "Lucas", "Ines"];
const LAST = ["Keller", "Okafor", "Novak", "Silva", "Tanaka", "Haddad", "Brennan", "Moreau", "Lindqvist", "Ortiz"];
const ANSWERS = { "What would you like to discuss?": "Pricing and onboarding" };

function nextCustomer(w: DemoWorld) {
  const n = ++w.customers;
  const first = FIRST[n % FIRST.length];
  const last = LAST[(n * 7) % LAST.length];
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}.${n}@example.com`.toLowerCase(),
    phone: `+1 555 01${String(n % 100).padStart(2, "0")}`,
    timeZone: n % 2 ? "America/Chicago" : "Europe/Berlin",
  };
}

/** The scenario happens a few days before its first meeting (never after the seed's "now"). */
const happensBefore = (w: DemoWorld, meeting: Date, days = 3) => (w.clock.t = new Date(meeting.getTime() - days * 86_400_000));
const tokenOf = (link: string) => link.slice(link.lastIndexOf("/") + 1);

async function book(w: DemoWorld, start: Date) {
  happensBefore(w, start);
  return bookOnPublicPage(w.ctx, w.intro, { start, customer: nextCustomer(w), answers: ANSWERS });
}

async function request(w: DemoWorld, times: Date[]) {
  happensBefore(w, times[0]);
  return requestOnPublicPage(w.ctx, w.consult, { proposedTimes: times, customer: nextCustomer(w) });
}

/** Each scenario of the seed's status table, given the planned slots it asked for (src/app/demo/plan.ts). */
export const SCENARIO_RUNNERS: Record<ScenarioKind, (w: DemoWorld, t: Date[]) => Promise<unknown>> = {
  book: (w, [s]) => book(w, s),
  request: (w, [t1, t2]) => request(w, [t1, t2]),
  "request-then-resubmit": async (w, [t1, t2, t3]) => {
    const r = await request(w, [t1, t2]);
    await customerResubmit(w.ctx, r.manageToken, { proposedTimes: [t3] });
  },
  "request-approved": async (w, [t1, t2]) => {
    const r = await request(w, [t1, t2]);
    await approveRequest(w.ctx, w.admin, r.activityId, { start: t2 });
  },
  "request-new-times": async (w, [t1, t2, t3]) => {
    const r = await request(w, [t1, t2]);
    const x = await requestNewTimes(w.ctx, w.admin, r.activityId, { reason: "Those times are fully booked" });
    await customerResubmit(w.ctx, tokenOf(x.customerLink), { proposedTimes: [t3] });
  },
  "customer-reschedules": async (w, [s, s2]) => {
    const b = await book(w, s);
    await customerReschedule(w.ctx, b.manageToken, { start: s2 });
  },
  "approved-then-reschedule-requested": async (w, [t1, t2, t3]) => {
    const r = await request(w, [t1, t2]);
    await approveRequest(w.ctx, w.admin, r.activityId, { start: t1 });
    const x = await requestReschedule(w.ctx, w.admin, r.activityId, { reason: "The clinic is closed that day", eventType: "same" });
    const y = await customerReschedule(w.ctx, tokenOf(x.customerLink), { proposedTimes: [t3] });
    await approveRequest(w.ctx, w.admin, y.activityId, {});
  },
  "customer-cancels": async (w, [s]) => {
    const b = await book(w, s);
    await customerCancel(w.ctx, b.manageToken, { reason: "Something came up" });
  },
  "user-cancels-with-reason": async (w, [s]) => {
    const b = await book(w, s);
    await cancelBooking(w.ctx, w.admin, b.activityId, { reason: "Host unavailable" });
  },
  "reschedule-requested-same-type": async (w, [s, s2]) => {
    const b = await book(w, s);
    const x = await requestReschedule(w.ctx, w.admin, b.activityId, { reason: "I have a conflict", eventType: "same" });
    await customerReschedule(w.ctx, tokenOf(x.customerLink), { start: s2 });
  },
  "reschedule-requested-any-type": async (w, [s, s2]) => {
    const b = await book(w, s);
    const x = await requestReschedule(w.ctx, w.admin, b.activityId, { reason: "Please pick the right session", eventType: "any" });
    await customerReschedule(w.ctx, tokenOf(x.customerLink), { start: s2, eventTypeId: w.deepDiveEventTypeId });
  },
  "no-show": async (w, [s]) => {
    const b = await book(w, s);
    w.clock.t = new Date(s.getTime() + 45 * 60_000);
    await setNoShow(w.ctx, w.admin, b.activityId);
  },
  reassigned: async (w, [s]) => {
    const b = await book(w, s);
    await reassignBooking(w.ctx, w.admin, b.activityId, { ownerId: w.memberId });
  },
  "rescheduled-then-reassigned": async (w, [s, s2]) => {
    const b = await book(w, s);
    await customerReschedule(w.ctx, b.manageToken, { start: s2 });
    await reassignBooking(w.ctx, w.admin, b.activityId, { ownerId: w.memberId });
  },
  "user-reschedules": async (w, [s, s2]) => {
    const b = await book(w, s);
    await rescheduleBooking(w.ctx, w.admin, b.activityId, { reason: "Moved at the customer's request by phone", start: s2 });
  },
  "user-cancels": async (w, [s]) => {
    const b = await book(w, s);
    await cancelBooking(w.ctx, w.admin, b.activityId, {});
  },
  "package-of-3": async (w, starts) => {
    happensBefore(w, starts[0]);
    await bookPackage(w.ctx, w.intro, { starts, customer: nextCustomer(w) });
  },
  "package-of-4-one-canceled": async (w, starts) => {
    happensBefore(w, starts[0]);
    const p = await bookPackage(w.ctx, w.intro, { starts, customer: nextCustomer(w) });
    await customerCancel(w.ctx, tokenOf(p.sessions[1].manageLink), { reason: "Away that week" });
  },
};
