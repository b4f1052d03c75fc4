import { randomUUID } from "node:crypto";
import type { Clock } from "../../domain/clock.js";
import { deleteAccount, insertAccount } from "../../store/accounts-repo.js";
import type { Db } from "../../store/database.js";
import { insertDemoAccount, markDemoReady } from "../../store/demo-repo.js";
import { insertBookingPage, insertEventType } from "../../store/pages-repo.js";
import { updatePage } from "../../store/page-settings-repo.js";
import { upsertWeeklyHours } from "../../store/scheduling-repo.js";
import type { OpenHours } from "../../store/schema.js";
import { addUser, callerFromApiToken, createApiToken } from "../auth.js";
import type { AppContext, Caller } from "../context.js";
import { runSystemTransitions } from "../run-system-transitions.js";
import { DEMO_HOURS, LANE_PAGE, planDemo, type DemoPlan } from "./plan.js";
import { SCENARIO_RUNNERS, type DemoWorld } from "./scenarios.js";

export const DEMO_ADMIN = { email: "admin@demo.bookstream.test", password: "bookstream-demo", name: "Ada Admin" };
export const DEMO_MEMBER = { email: "member@demo.bookstream.test", password: "bookstream-demo", name: "Max Member" };

/**
 * The seed replays each scenario at the time it would have happened, but never later than the
 * seed's "now": activity times must not lie in the future, or today's changes would sort below them.
 */
class SeedClock implements Clock {
  t: Date;
  constructor(readonly present: Date) {
    this.t = present;
  }
  now() {
    return new Date(Math.min(this.t.getTime(), this.present.getTime()));
  }
}

export interface SeedOptions {
  /** "Now" for the plan and the replay (default: the real time). */
  now?: Date;
  activities?: number;
  /** A second demo account in one installation (tests): its own name, slugs and e-mails. */
  accountName?: string;
  /** Called before each scenario (tests make one throw to check that a failed seed leaves nothing). */
  beforeScenario?: (index: number) => void;
}

export interface SeededDemo {
  accountId: string;
  adminId: string;
  memberId: string;
  apiToken: string;
  plan: DemoPlan;
  pages: { intro: { id: string; slug: string }; consult: { id: string; slug: string } };
}

/**
 * Creates the demo account: an admin and a member with weekly hours, two booking pages and a few
 * hundred activities in every lifecycle status, with packages. The account is marked "seeding"
 * until the last scenario has run (src/store/demo-repo.ts): a seed that fails midway, or is killed,
 * is removed whole (removeUnfinishedDemo) and the next start seeds again.
 */
export async function seedDemo(db: Db, publicUrl: string, opts: SeedOptions = {}): Promise<SeededDemo> {
  const present = opts.now ?? new Date();
  const plan = planDemo(present, opts.activities ?? 300);
  const accountId = randomUUID();
  const tag = opts.accountName ? `-${accountId.slice(0, 6)}` : "";
  const email = (e: string) => (tag ? e.replace("@", `${tag}@`) : e);
  await db.transaction().execute(async (tx) => {
    await insertAccount(tx, { id: accountId, name: opts.accountName ?? "Demo Clinic" });
    await insertDemoAccount(tx, accountId, present);
  });
  try {
    const admin = { ...DEMO_ADMIN, email: email(DEMO_ADMIN.email) };
    const adminId = await addUser(db, { accountId, ...admin, role: "admin", timeZone: DEMO_HOURS.admin.timeZone });
    const memberId = await addUser(db, { accountId, ...DEMO_MEMBER, email: email(DEMO_MEMBER.email), role: "member", timeZone: DEMO_HOURS.member.timeZone });
    await db.transaction().execute(async (tx) => {
      await upsertWeeklyHours(tx, accountId, adminId, DEMO_HOURS.admin.weekly as OpenHours, present);
      await upsertWeeklyHours(tx, accountId, memberId, DEMO_HOURS.member.weekly as OpenHours, present);
    });
    const intro = { id: randomUUID(), slug: tag ? `intro${tag}` : "intro-call" };
    const consult = { id: randomUUID(), slug: tag ? `consult${tag}` : "consultation" };
    const pageHours = (host: "admin" | "member") => DEMO_HOURS[host].weekly as OpenHours;
    await insertBookingPage(db, {
      id: intro.id, account_id: accountId, slug: intro.slug, name: "Intro call", owner_id: adminId,
      time_zone: LANE_PAGE.intro.timeZone, duration_minutes: 30, mode: "automatic", location: "Video call", open_hours: pageHours("admin"),
    });
    await insertBookingPage(db, {
      id: consult.id, account_id: accountId, slug: consult.slug, name: "Consultation (with approval)", owner_id: memberId,
      time_zone: LANE_PAGE.consult.timeZone, duration_minutes: 30, mode: "approval", location: "Clinic, room 2", open_hours: pageHours("member"),
    });
    // The intro call also sells session packages (up to 6 sessions).
    await db.transaction().execute((tx) => updatePage(tx, accountId, intro.id, { packages_enabled: true, max_package_sessions: 6 }));
    const deepDive = randomUUID();
    await insertEventType(db, { id: randomUUID(), account_id: accountId, booking_page_id: intro.id, name: "Quick chat", duration_minutes: 30 });
    await insertEventType(db, { id: deepDive, account_id: accountId, booking_page_id: intro.id, name: "Deep dive", duration_minutes: 30 });

    const clock = new SeedClock(present);
    const ctx: AppContext = { db, clock, publicUrl };
    const apiToken = await createApiToken(db, admin.email, "demo");
    const adminCaller = (await callerFromApiToken(db, apiToken)) as Caller;
    const world: DemoWorld = { ctx, clock, admin: adminCaller, memberId, intro: intro.slug, consult: consult.slug, deepDiveEventTypeId: deepDive, customers: 0 };
    for (const [i, step] of plan.scenarios.entries()) {
      opts.beforeScenario?.(i);
      await SCENARIO_RUNNERS[step.kind](world, step.slots.map((s) => s.start));
    }
    // Let "now" catch up: past meetings complete, past requests expire.
    clock.t = present;
    await runSystemTransitions(ctx);
    await markDemoReady(db, accountId, apiToken, present);
    return { accountId, adminId, memberId, apiToken, plan, pages: { intro, consult } };
  } catch (err) {
    // Leave nothing half-made behind: the next start seeds again.
    await deleteAccount(db, accountId);
    throw err;
  }
}
