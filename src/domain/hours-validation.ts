import type { HoursRange } from "./availability.js";

/**
 * Checks of hours given by people: "HH:MM" times (an end may be "24:00"), start before end, and
 * no two ranges of one day overlapping. Each problem names where it is (a path under `at`).
 */
export interface HoursProblem {
  path: (string | number)[];
  message: string;
}

const HM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function minutesOf(hm: string): number {
  if (hm === "24:00") return 1440;
  const [h, m] = hm.split(":").map(Number);
  return h * 60 + m;
}

/** Problems with one day's ranges (empty when they are fine). */
export function rangeProblems(ranges: HoursRange[]): HoursProblem[] {
  const problems: HoursProblem[] = [];
  ranges.forEach(([from, to], i) => {
    if (!HM.test(from)) problems.push({ path: [i, 0], message: `"${from}" is not a time of day (HH:MM, 00:00–23:59)` });
    if (!HM.test(to) && to !== "24:00") problems.push({ path: [i, 1], message: `"${to}" is not a time of day (HH:MM, up to 24:00)` });
    else if (HM.test(from) && minutesOf(to) <= minutesOf(from)) problems.push({ path: [i], message: `the range ${from}–${to} ends before it starts` });
  });
  if (problems.length > 0) return problems;
  const order = ranges.map((r, i) => ({ r, i })).sort((a, b) => minutesOf(a.r[0]) - minutesOf(b.r[0]));
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1];
    const cur = order[k];
    if (minutesOf(cur.r[0]) < minutesOf(prev.r[1])) {
      problems.push({ path: [cur.i], message: `the range ${cur.r[0]}–${cur.r[1]} overlaps ${prev.r[0]}–${prev.r[1]}` });
    }
  }
  return problems;
}

/** A day's ranges in time order (after they passed rangeProblems). */
export function sortRanges(ranges: HoursRange[]): HoursRange[] {
  return [...ranges].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
}
