import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { checkTime, computeSlots, freeSlotStarts, slotStarts, type HostSchedule, type SlotRules } from "../src/domain/availability.js";
import { isoInZone, utcIso } from "../src/domain/zone-clock.js";

/** The fast paths behind the slots endpoint give what the plain ones give. */

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const ZONES = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"];

describe("the slot scan for a booking page", () => {
  it("lists the starts computeSlots finds, across DST changes, buffers and busy time in any order", () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    let total = 0;
    for (let run = 0; run < 40; run++) {
      const from = new Date(Date.UTC(2027, rnd(12), 1 + rnd(28), rnd(24)));
      const to = new Date(from.getTime() + (1 + rnd(40)) * 86_400_000);
      const hosts: HostSchedule[] = Array.from({ length: 1 + rnd(5) }, (_, h) => ({
        hostId: `h${h}`,
        timeZone: ZONES[rnd(ZONES.length)],
        weekly: Object.fromEntries(DAYS.filter(() => rnd(5) > 0).map((d) => [d, rnd(2) ? [["08:00", "12:00"], ["13:30", "24:00"]] : [["00:00", "04:15"]]])),
        overrides: { [from.toISOString().slice(0, 10)]: [] },
        busy: Array.from({ length: rnd(30) }, () => {
          const start = from.getTime() + rnd(40 * 96) * 900_000;
          return { start, end: start + (1 + rnd(12)) * 900_000 };
        }),
      }));
      const rules: SlotRules = {
        pageTimeZone: ZONES[rnd(ZONES.length)],
        durationMinutes: [15, 30, 60][rnd(3)],
        stepMinutes: [15, 30, 60][rnd(3)],
        bufferBeforeMinutes: [0, 10][rnd(2)],
        bufferAfterMinutes: [0, 15][rnd(2)],
        minNoticeMinutes: [0, 120][rnd(2)],
        maxDaysAhead: rnd(2) ? null : 10,
        now: new Date(from.getTime() - 86_400_000 + rnd(3) * 86_400_000),
      };
      const expected = computeSlots(hosts, rules, from, to).map((s) => s.start.getTime());
      expect(freeSlotStarts(hosts, rules, from, to)).toEqual(expected);
      // computeSlots shares the forward scan; checkTime (a booking's own check, by binary search)
      // does not: every candidate start is free for some host exactly when it is listed.
      const duration = rules.durationMinutes * 60_000;
      const byCheck = slotStarts(rules.pageTimeZone, rules.stepMinutes, from.getTime(), to.getTime()).filter((t) =>
        hosts.some((h) => checkTime(h, rules, new Date(t), new Date(t + duration)) === null),
      );
      expect(expected).toEqual(byCheck);
      total += expected.length;
    }
    expect(total).toBeGreaterThan(1_000);
  });

  it("formats instants as toISOString and Luxon do", () => {
    const start = Date.UTC(2027, 2, 1);
    for (let ts = start; ts < start + 250 * 86_400_000; ts += 3 * 3_600_000 + 7 * 60_000 + 1_234) {
      for (const t of [ts, ts - (ts % 60_000)]) {
        expect(utcIso(t)).toBe(new Date(t).toISOString());
        const zone = ZONES[t % ZONES.length];
        const expected = DateTime.fromMillis(t, { zone }).set({ millisecond: 0 }).toISO({ suppressMilliseconds: true })!.replace("+00:00", "Z");
        expect(isoInZone(t, zone)).toBe(expected);
      }
    }
  });
});
