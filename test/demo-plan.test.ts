import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { hostProblem, type HostSchedule } from "../src/domain/availability.js";
import { DEMO_HOURS, planDemo, SCENARIOS, type DemoHost, type DemoPlan } from "../src/app/demo/plan.js";

/**
 * The demo's times are a pure function of "now" (src/app/demo/plan.ts). Whatever day the product
 * is first started, its plan must hold: no two meetings overlap, and each lies inside the hours of
 * everyone who hosts it — checked here with the scheduling core's own hours check, not the
 * planner's, for every day of a year at a time of day that moves through the day.
 */
const schedule = (host: DemoHost): HostSchedule => ({ hostId: host, timeZone: DEMO_HOURS[host].timeZone, weekly: DEMO_HOURS[host].weekly, overrides: {}, busy: [] });
const NO_BUFFERS = { bufferBeforeMinutes: 0, bufferAfterMinutes: 0 };

function problems(plan: DemoPlan): string[] {
  const out: string[] = [];
  const slots = plan.scenarios.flatMap((s) => s.slots.map((slot) => ({ ...slot, kind: s.kind })));
  const byStart = [...slots].sort((a, b) => a.start.getTime() - b.start.getTime());
  for (let i = 1; i < byStart.length; i++) {
    if (byStart[i].start < byStart[i - 1].end) out.push(`${byStart[i - 1].kind} and ${byStart[i].kind} overlap at ${byStart[i].start.toISOString()}`);
  }
  for (const s of slots) {
    for (const h of s.hosts) {
      const p = hostProblem(schedule(h), NO_BUFFERS, s.start.getTime(), s.end.getTime());
      if (p) out.push(`${s.kind} at ${s.start.toISOString()} is ${p} for ${h} (${DEMO_HOURS[h].timeZone})`);
    }
  }
  for (const s of plan.scenarios) {
    if ("past" in SCENARIOS[s.kind] && s.slots.some((x) => x.start >= plan.now)) out.push(`${s.kind} at ${s.slots[0].start.toISOString()} has not begun`);
  }
  return out;
}

/** What the demo promises to show: history and future, and every lifecycle situation. */
function coverage(plan: DemoPlan) {
  const now = plan.now.getTime();
  const kinds = new Set(plan.scenarios.map((s) => s.kind));
  const all = plan.scenarios.flatMap((s) => s.slots);
  return {
    everyScenario: Object.keys(SCENARIOS).every((k) => kinds.has(k as keyof typeof SCENARIOS)),
    past: all.some((s) => s.end.getTime() < now),
    future: all.some((s) => s.start.getTime() > now + 86_400_000),
    pendingRequest: plan.scenarios.some((s) => s.kind === "request" && s.slots.every((x) => x.start.getTime() > now)),
    expiredRequest: plan.scenarios.some((s) => s.kind === "request" && s.slots.every((x) => x.end.getTime() < now)),
    activities: plan.activities >= 300,
  };
}

const ALL_TRUE = { everyScenario: true, past: true, future: true, pendingRequest: true, expiredRequest: true, activities: true };

describe("the demo plan", () => {
  it("holds on every day of a year, at every hour of the day", () => {
    const first = DateTime.fromISO("2027-01-01T00:00:00Z", { zone: "utc" });
    for (let d = 0; d < 366; d++) {
      const now = first.plus({ days: d, hours: d % 24, minutes: (d * 7) % 60 }).toJSDate();
      const plan = planDemo(now);
      expect(problems(plan), now.toISOString()).toEqual([]);
      expect(coverage(plan), now.toISOString()).toEqual(ALL_TRUE);
    }
  });

  // Around each zone's changes the two zones are 4, 5 or 6 hours apart, and a day is 23 or 25 hours.
  const dstDays = [
    "2027-03-13T23:30:00-05:00", "2027-03-14T03:30:00-04:00", "2027-03-22T12:00:00Z", // America/New_York springs forward 14 Mar
    "2027-03-28T00:30:00Z", "2027-03-28T01:30:00Z", "2027-03-29T08:00:00Z", // Europe/London springs forward 28 Mar
    "2027-10-31T00:59:00Z", "2027-10-31T01:00:00Z", "2027-11-03T12:00:00Z", // London falls back 31 Oct
    "2027-11-07T05:30:00Z", "2027-11-07T06:30:00Z", // New York falls back 7 Nov
    "2028-02-29T00:00:00Z", "2028-02-29T23:59:00Z", "2028-03-01T00:00:00-05:00", // 29 February
    "2026-12-02T06:00:00Z", // the day the demo once broke
  ];
  it.each(dstDays)("holds around the daylight-saving changes and 29 February: %s", (iso) => {
    const plan = planDemo(new Date(iso));
    expect(problems(plan)).toEqual([]);
    expect(coverage(plan)).toEqual(ALL_TRUE);
  });

  it("is a pure function of now", () => {
    const now = new Date("2027-06-15T10:00:00Z");
    expect(planDemo(now)).toEqual(planDemo(new Date(now)));
  });

  it("would catch an overlap or an off-hours time (the checks can fail)", () => {
    const plan = planDemo(new Date("2027-05-05T12:00:00Z"));
    const a = plan.scenarios[0].slots[0];
    const broken: DemoPlan = { ...plan, scenarios: [...plan.scenarios, { kind: "book", slots: [{ ...a }] }] };
    expect(problems(broken).some((p) => p.includes("overlap"))).toBe(true);
    const saturday = DateTime.fromISO("2027-05-08T12:00:00", { zone: "America/New_York" }).toJSDate();
    const offHours: DemoPlan = { ...plan, scenarios: [{ kind: "book", slots: [{ ...a, start: saturday, end: new Date(saturday.getTime() + 1_800_000) }] }] };
    expect(problems(offHours)[0]).toMatch(/outside_hours/);
  });
});
