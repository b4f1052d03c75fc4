import { DateTime } from "luxon";
import type { WeeklyHours } from "../../domain/open-hours.js";

/**
 * The demo's choice of meeting times, as a pure function of "now": the same instant always gives
 * the same plan, and every instant of the year gives a valid one. Valid means: no two meetings
 * ever share a moment (so no host is double-booked, whoever ends up hosting after a reassign),
 * and every meeting lies inside the weekly hours of every user who hosts it, in that user's own
 * time zone — computed with Luxon on each zone's wall clock, so weekends, daylight-saving changes
 * (which the two zones make on different dates) and 29 February need no special cases.
 * test/demo-plan.test.ts checks this for every day of a year.
 */

export type DemoHost = "admin" | "member";
/** The two booking pages: the intro call (hosted by the admin, New York) and the consultation with approval (the member, London). */
export type DemoLane = "intro" | "consult";

const MON_FRI_9_TO_5: WeeklyHours = Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((d) => [d, [["09:00", "17:00"]]]));

/** Each demo user's weekly hours, in their own zone (also written to the database by the seed). */
export const DEMO_HOURS: Record<DemoHost, { timeZone: string; weekly: WeeklyHours }> = {
  admin: { timeZone: "America/New_York", weekly: MON_FRI_9_TO_5 },
  member: { timeZone: "Europe/London", weekly: MON_FRI_9_TO_5 },
};
export const LANE_PAGE: Record<DemoLane, { host: DemoHost; timeZone: string }> = {
  intro: { host: "admin", timeZone: "America/New_York" },
  consult: { host: "member", timeZone: "Europe/London" },
};
export const MEETING_MINUTES = 30;
/** The demo's history starts this many days before "now". */
export const HISTORY_DAYS = 40;
/**
 * A lane's meetings are at least this far apart: the intro call about four a day, the
 * consultation (which the scenarios need half as often) two, so both reach ~two months ahead.
 */
const LANE_SPACING_MINUTES: Record<DemoLane, number> = { intro: 120, consult: 240 };
const GRID_MINUTES = 30;

/** One slot a scenario needs: on a lane's page, hosted by its host and, later, by `alsoHost` (a reassign). */
interface SlotNeed {
  lane: DemoLane;
  alsoHost?: DemoHost;
}

/** What the seed replays, how many activities each makes, and the slots each needs (in the order it uses them). */
export const SCENARIOS = {
  book: { creates: 1, slots: [{ lane: "intro" }] },
  request: { creates: 1, slots: [{ lane: "consult" }, { lane: "consult" }] },
  "request-then-resubmit": { creates: 2, slots: [{ lane: "consult" }, { lane: "consult" }, { lane: "consult" }] },
  "request-approved": { creates: 1, slots: [{ lane: "consult" }, { lane: "consult" }] },
  "request-new-times": { creates: 2, slots: [{ lane: "consult" }, { lane: "consult" }, { lane: "consult" }] },
  "customer-reschedules": { creates: 1, slots: [{ lane: "intro" }, { lane: "intro" }] },
  "approved-then-reschedule-requested": { creates: 2, slots: [{ lane: "consult" }, { lane: "consult" }, { lane: "consult" }] },
  "customer-cancels": { creates: 1, slots: [{ lane: "intro" }] },
  "user-cancels-with-reason": { creates: 1, slots: [{ lane: "intro" }] },
  "reschedule-requested-same-type": { creates: 2, slots: [{ lane: "intro" }, { lane: "intro" }] },
  "reschedule-requested-any-type": { creates: 2, slots: [{ lane: "intro" }, { lane: "intro" }] },
  "no-show": { creates: 1, slots: [{ lane: "intro" }], past: true },
  reassigned: { creates: 1, slots: [{ lane: "intro", alsoHost: "member" }] },
  "rescheduled-then-reassigned": { creates: 1, slots: [{ lane: "intro" }, { lane: "intro", alsoHost: "member" }] },
  "user-reschedules": { creates: 2, slots: [{ lane: "intro" }, { lane: "intro" }] },
  "user-cancels": { creates: 1, slots: [{ lane: "intro" }] },
  "package-of-3": { creates: 4, slots: [{ lane: "intro" }, { lane: "intro" }, { lane: "intro" }] },
  "package-of-4-one-canceled": { creates: 5, slots: [{ lane: "intro" }, { lane: "intro" }, { lane: "intro" }, { lane: "intro" }] },
} satisfies Record<string, { creates: number; slots: SlotNeed[]; past?: boolean }>;
export type ScenarioKind = keyof typeof SCENARIOS;
const SCENARIO_ORDER = Object.keys(SCENARIOS) as ScenarioKind[];

export interface PlannedSlot {
  start: Date;
  end: Date;
  lane: DemoLane;
  /** Everyone who hosts this meeting at some point: the lane's host, and a reassign's new host. */
  hosts: DemoHost[];
}

export interface PlannedScenario {
  kind: ScenarioKind;
  slots: PlannedSlot[];
}

export interface DemoPlan {
  now: Date;
  scenarios: PlannedScenario[];
  activities: number;
}

const WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** How far the plan may reach: its history plus the few months a few hundred activities need. */
const WINDOW_DAYS = HISTORY_DAYS + 200;

/**
 * Every start on a 30-minute grid of `host`'s own wall clock, over the plan's window, at which a
 * meeting fits inside their weekly hours (epoch ms, ascending). Luxon resolves each local time
 * in the host's zone, so daylight-saving changes and leap days need no special case.
 */
function workingStarts(host: DemoHost, from: DateTime): number[] {
  const { timeZone, weekly } = DEMO_HOURS[host];
  const out: number[] = [];
  for (let day = from.setZone(timeZone).startOf("day"), i = 0; i < WINDOW_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const [a, b] of weekly[WEEKDAY_KEYS[day.weekday - 1]] ?? []) {
      const at = (m: number) => day.set({ hour: Math.floor(m / 60), minute: m % 60 });
      const [from, to] = [toMinutes(a), toMinutes(b)];
      // Zone lookups are slow: when no clock change falls inside the range, step in real minutes.
      const first = at(from);
      const steady = to < 1440 && at(to).toMillis() - first.toMillis() === (to - from) * 60_000 && first.hour * 60 + first.minute === from;
      for (let m = from; m + MEETING_MINUTES <= to; m += GRID_MINUTES) {
        if (steady) out.push(first.toMillis() + (m - from) * 60_000);
        else {
          const t = at(m);
          // A local time skipped by a spring-forward change resolves to another hour: not a start.
          if (t.hour * 60 + t.minute === m) out.push(t.toMillis());
        }
      }
    }
  }
  return out;
}

/** A lane's candidate starts (its host's working starts) and where its next search begins. */
class Lane {
  constructor(
    readonly name: DemoLane,
    private readonly starts: number[],
    public at: number,
  ) {}

  /** The first candidate at or after `at` that suits `fits`. */
  next(fits: (start: number) => boolean): number | undefined {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < this.at) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.starts.length; i++) if (fits(this.starts[i])) return this.starts[i];
    return undefined;
  }

  advancePast(start: number) {
    this.at = start + LANE_SPACING_MINUTES[this.name] * 60_000;
  }
}

/**
 * The plan: the scenarios in turn (skipping, in a round, one whose slot must already be over but
 * whose lane has reached the future), each taking the next free slot of its lane(s), until the
 * activities reach `target`.
 */
export function planDemo(now: Date, target = 300): DemoPlan {
  const from = DateTime.fromJSDate(now).minus({ days: HISTORY_DAYS });
  const working = { admin: workingStarts("admin", from), member: workingStarts("member", from) };
  const inHours = { admin: new Set(working.admin), member: new Set(working.member) };
  const lanes: Record<DemoLane, Lane> = {
    intro: new Lane("intro", working[LANE_PAGE.intro.host], from.toMillis()),
    consult: new Lane("consult", working[LANE_PAGE.consult.host], from.toMillis()),
  };
  const taken: Array<{ start: number; end: number }> = [];
  const free = (s: number, e: number) => taken.every((t) => e <= t.start || t.end <= s);
  const length = MEETING_MINUTES * 60_000;
  const scenarios: PlannedScenario[] = [];
  let activities = 0;
  for (let i = 0; activities < target; i++) {
    const kind = SCENARIO_ORDER[i % SCENARIO_ORDER.length];
    const spec: { creates: number; slots: SlotNeed[]; past?: boolean } = SCENARIOS[kind];
    const slots: PlannedSlot[] = [];
    const undo = { taken: taken.length, intro: lanes.intro.at, consult: lanes.consult.at };
    for (const need of spec.slots) {
      const hosts: DemoHost[] = [LANE_PAGE[need.lane].host, ...(need.alsoHost ? [need.alsoHost] : [])];
      const at = lanes[need.lane].next((s) => hosts.every((h) => inHours[h].has(s)) && free(s, s + length));
      if (at === undefined) throw new Error(`demo plan: no free slot left for ${kind} on the ${need.lane} page`);
      slots.push({ start: new Date(at), end: new Date(at + length), lane: need.lane, hosts });
      taken.push({ start: at, end: at + length });
      lanes[need.lane].advancePast(at);
    }
    // A no-show is set on a meeting that has begun: once a lane's slots reach the future, skip it.
    if (spec.past && slots.some((s) => s.start.getTime() >= now.getTime())) {
      taken.length = undo.taken;
      lanes.intro.at = undo.intro;
      lanes.consult.at = undo.consult;
      continue;
    }
    scenarios.push({ kind, slots });
    activities += spec.creates;
  }
  return { now, scenarios, activities };
}
