import { randomUUID } from "node:crypto";
import { DateTime } from "luxon";
import type { Clock } from "../domain/clock.js";
import { insertAccount } from "../store/accounts-repo.js";
import type { Db } from "../store/database.js";
import { insertBookingPage, insertEventType } from "../store/pages-repo.js";
import { updatePage } from "../store/page-settings-repo.js";
import { bookPackage } from "./book-package.js";
import { approveRequest } from "./approve-request.js";
import { addUser, callerFromApiToken, createApiToken } from "./auth.js";
import { bookOnPublicPage } from "./book-on-public-page.js";
import { cancelBooking } from "./cancel-booking.js";
import type { AppContext, Caller } from "./context.js";
import { customerCancel } from "./customer-cancel.js";
import { customerReschedule } from "./customer-reschedule.js";
import { customerResubmit } from "./customer-resubmit.js";
import { reassignBooking } from "./reassign-booking.js";
import { requestNewTimes } from "./request-new-times.js";
import { requestOnPublicPage } from "./request-on-public-page.js";
import { requestReschedule } from "./request-reschedule.js";
import { rescheduleBooking } from "./reschedule-booking.js";
import { runSystemTransitions } from "./run-system-transitions.js";
import { setNoShow } from "./set-no-show.js";

export const DEMO_ADMIN = { email: "admin@demo.bookstream.test", password: "bookstream-demo", name: "Ada Admin" };
export const DEMO_MEMBER = { email: "member@demo.bookstream.test", password: "bookstream-demo", name: "Max Member" };
const NY = "America/New_York";
const WEEKDAYS = { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]], wed: [["09:00", "17:00"]], thu: [["09:00", "17:00"]], fri: [["09:00", "17:00"]] } as any;

/**
 * The seed replays each scenario at the time it would have happened, but never later than the
 * real present: activity times must not lie in the future, or today's changes would sort below them.
 */
class SeedClock implements Clock {
  t = new Date();
  now() {
    return new Date(Math.min(this.t.getTime(), Date.now()));
  }
}

const FIRST = ["Annette", "John", "Priya", "Mateo", "Chen", "Fatima", "Olga", "Kwame", "Sofia", "Liam", "Yuki", "Noah", "Amara", "Lucas", "Ines"];
const LAST = ["Keller", "Okafor", "Novak", "Silva", "Tanaka", "Haddad", "Brennan", "Moreau", "Lindqvist", "Ortiz"];

/** Creates the demo account: an admin, a member, two booking pages and activities in every state. */
export async function seedDemo(db: Db, publicUrl: string, opts: { activities?: number; accountName?: string } = {}) {
  const accountId = randomUUID();
  await insertAccount(db, { id: accountId, name: opts.accountName ?? "Demo Clinic" });
  const adminId = await addUser(db, { accountId, ...DEMO_ADMIN, role: "admin", timeZone: "America/New_York" });
  const memberId = await addUser(db, { accountId, ...DEMO_MEMBER, role: "member", timeZone: "Europe/London" });
  const suffix = accountId.slice(0, 6);
  const intro = { id: randomUUID(), slug: opts.accountName ? `intro-${suffix}` : "intro-call" };
  const consult = { id: randomUUID(), slug: opts.accountName ? `consult-${suffix}` : "consultation" };
  await insertBookingPage(db, {
    id: intro.id, account_id: accountId, slug: intro.slug, name: "Intro call", owner_id: adminId,
    time_zone: "America/New_York", duration_minutes: 30, mode: "automatic", location: "Video call", open_hours: WEEKDAYS,
  });
  await insertBookingPage(db, {
    id: consult.id, account_id: accountId, slug: consult.slug, name: "Consultation (with approval)", owner_id: memberId,
    time_zone: "Europe/London", duration_minutes: 30, mode: "approval", location: "Clinic, room 2", open_hours: WEEKDAYS,
  });
  // The intro call also sells session packages (up to 6 sessions).
  await db.transaction().execute((tx) => updatePage(tx, accountId, intro.id, { packages_enabled: true, max_package_sessions: 6 }));
  const longEt = randomUUID();
  await insertEventType(db, { id: randomUUID(), account_id: accountId, booking_page_id: intro.id, name: "Quick chat", duration_minutes: 30 });
  await insertEventType(db, { id: longEt, account_id: accountId, booking_page_id: intro.id, name: "Deep dive", duration_minutes: 30 });

  const clock = new SeedClock();
  const ctx: AppContext = { db, clock, publicUrl };
  const admin = (await callerFromApiToken(db, await createApiToken(db, DEMO_ADMIN.email, "seed")))! as Caller;
  // Unique half-hour slots on weekdays from 40 days ago onward, per zone, in hours that never
  // overlap across the two zones (NY afternoons, London mornings), so no host is double-booked.
  const counters: Record<string, number> = {};
  const firstHour: Record<string, number> = { "America/New_York": 12, "Europe/London": 9 };
  const nextSlot = (zone: string) => {
    const slot = (counters[zone] = (counters[zone] ?? -1) + 1);
    // Three meetings a day per zone spreads a few hundred activities from 40 days ago to ~2 months ahead.
    const day = Math.floor(slot / 3);
    const half = (slot % 3) * 2;
    let d = DateTime.now().setZone(zone).startOf("day").minus({ days: 40 }).plus({ days: day + Math.floor(day / 5) * 2 });
    while (d.weekday > 5) d = d.plus({ days: 1 });
    return d.set({ hour: firstHour[zone] + Math.floor(half / 2), minute: (half % 2) * 30 }).toJSDate();
  };
  const at = (meeting: Date, daysBefore = 3) => (clock.t = new Date(meeting.getTime() - daysBefore * 86_400_000));
  let n = 0;
  const customer = () => {
    n++;
    const first = FIRST[n % FIRST.length];
    const last = LAST[(n * 7) % LAST.length];
    return { name: `${first} ${last}`, email: `${first}.${last}.${n}@example.com`.toLowerCase(), phone: `+1 555 01${String(n % 100).padStart(2, "0")}`, timeZone: n % 2 ? "America/Chicago" : "Europe/Berlin" };
  };
  const book = async () => {
    const s = nextSlot("America/New_York");
    at(s);
    return { s, ...(await bookOnPublicPage(ctx, intro.slug, { start: s, customer: customer(), answers: { "What would you like to discuss?": "Pricing and onboarding" } })) };
  };
  const request = async () => {
    const t1 = nextSlot("Europe/London");
    const t2 = nextSlot("Europe/London");
    at(t1);
    return { t1, t2, ...(await requestOnPublicPage(ctx, consult.slug, { proposedTimes: [t1, t2], customer: customer() })) };
  };
  const scenarios: Array<() => Promise<unknown>> = [
    book,
    request,
    async () => { const r = await request(); await customerResubmit(ctx, r.manageToken, { proposedTimes: [nextSlot("Europe/London")] }); },
    async () => { const r = await request(); await approveRequest(ctx, admin, r.activityId, { start: r.t2 }); },
    async () => { const r = await request(); const x = await requestNewTimes(ctx, admin, r.activityId, { reason: "Those times are fully booked" }); await customerResubmit(ctx, tokenOf(x.customerLink), { proposedTimes: [nextSlot("Europe/London")] }); },
    async () => { const b = await book(); await customerReschedule(ctx, b.manageToken, { start: nextSlot("America/New_York") }); },
    async () => { const r = await request(); await approveRequest(ctx, admin, r.activityId, { start: r.t1 }); const x = await requestReschedule(ctx, admin, r.activityId, { reason: "The clinic is closed that day", eventType: "same" }); const y = await customerReschedule(ctx, tokenOf(x.customerLink), { proposedTimes: [nextSlot("Europe/London")] }); await approveRequest(ctx, admin, y.activityId, {}); },
    async () => { const b = await book(); await customerCancel(ctx, b.manageToken, { reason: "Something came up" }); },
    async () => { const b = await book(); await cancelBooking(ctx, admin, b.activityId, { reason: "Host unavailable" }); },
    async () => { const b = await book(); const x = await requestReschedule(ctx, admin, b.activityId, { reason: "I have a conflict", eventType: "same" }); await customerReschedule(ctx, tokenOf(x.customerLink), { start: nextSlot("America/New_York") }); },
    async () => { const b = await book(); const x = await requestReschedule(ctx, admin, b.activityId, { reason: "Please pick the right session", eventType: "any" }); await customerReschedule(ctx, tokenOf(x.customerLink), { start: nextSlot("America/New_York"), eventTypeId: longEt }); },
    async () => { const b = await book(); clock.t = new Date(b.s.getTime() + 3_600_000); await setNoShow(ctx, admin, b.activityId); },
    async () => { const b = await book(); await reassignBooking(ctx, admin, b.activityId, { ownerId: memberId }); },
    async () => { const b = await book(); await customerReschedule(ctx, b.manageToken, { start: nextSlot("America/New_York") }); await reassignBooking(ctx, admin, b.activityId, { ownerId: memberId }); },
    async () => { const b = await book(); await rescheduleBooking(ctx, admin, b.activityId, { reason: "Moved at the customer's request by phone", start: nextSlot("America/New_York") }); },
    async () => { const b = await book(); await cancelBooking(ctx, admin, b.activityId, {}); },
    async () => { const starts = [nextSlot(NY), nextSlot(NY), nextSlot(NY)]; at(starts[0]); await bookPackage(ctx, intro.slug, { starts, customer: customer() }); },
    async () => {
      const starts = [nextSlot(NY), nextSlot(NY), nextSlot(NY), nextSlot(NY)];
      at(starts[0]);
      const p = await bookPackage(ctx, intro.slug, { starts, customer: customer() });
      await customerCancel(ctx, tokenOf(p.sessions[1].manageLink), { reason: "Away that week" });
    },
  ];
  const target = opts.activities ?? 300;
  for (let i = 0; (counters["America/New_York"] ?? 0) < 3 * 150 && (await countAll(db, accountId)) < target; i++) await scenarios[i % scenarios.length]();
  // Let "now" catch up: past meetings complete, past requests expire.
  clock.t = new Date();
  await runSystemTransitions(ctx);
  return { accountId, adminId, memberId, pages: { intro, consult } };
}

const tokenOf = (link: string) => link.slice(link.lastIndexOf("/") + 1);
async function countAll(db: Db, accountId: string) {
  const r = await db.selectFrom("activities").select((eb) => eb.fn.countAll<number>().as("n")).where("account_id", "=", accountId).executeTakeFirstOrThrow();
  return Number(r.n);
}
