import { checkTime, type Unavailability } from "../domain/availability.js";
import { DomainError } from "../domain/errors.js";
import type { Db, Tx } from "../store/database.js";
import { countLiveBookings } from "../store/scheduling-repo.js";
import { addMinutes, unavailable, type PageRow } from "./booking-rules.js";
import { loadHostSchedules, rulesFor } from "./host-schedules.js";

/**
 * Who hosts a customer's booking on a page. A page with one host (its owner) books that host. A
 * team page books the team member the customer picked (hostId), else, round robin, the free
 * member with the fewest upcoming bookings (ties: the team's order). `hosts`: the page's hosts
 * (findPageForBooking), the team in order or the owner. The caller still locks and
 * re-checks the chosen host (assertCustomerMayBook) before writing.
 */
export async function chooseHost(conn: Db | Tx, page: PageRow, hosts: string[], times: { start: Date; end: Date }[], now: Date, hostId?: string): Promise<string> {
  if (hostId) {
    if (!hosts.includes(hostId)) {
      throw new DomainError("validation_failed", `hostId: ${hostId} does not host booking page ${page.slug}`, { field: "hostId" });
    }
    return hostId;
  }
  if (hosts.length === 1) return hosts[0];
  const ranked = await rankByUpcoming(conn, page.account_id, hosts, now);
  const first = times[0];
  const last = times[times.length - 1];
  const schedules = await loadHostSchedules(conn, page, ranked, addMinutes(first.start, -1440), addMinutes(last.end, 1440), { holds: true });
  let firstProblem: { problem: Unavailability; start: Date; end: Date } | undefined;
  for (const schedule of schedules) {
    const rules = (t: { start: Date; end: Date }) => rulesFor(page, (t.end.getTime() - t.start.getTime()) / 60_000, now);
    const miss = times.map((t) => ({ t, problem: checkTime(schedule, rules(t), t.start, t.end) })).find((x) => x.problem !== null);
    if (!miss) return schedule.hostId;
    if (!firstProblem || (firstProblem.problem !== "busy" && miss.problem === "busy")) firstProblem = { problem: miss.problem!, start: miss.t.start, end: miss.t.end };
  }
  // Nobody is free: "taken" (409) when some member had the time but is booked, else the rule (422).
  const p = firstProblem ?? { problem: "busy" as const, start: first.start, end: first.end };
  throw unavailable(page, rulesFor(page, (p.end.getTime() - p.start.getTime()) / 60_000, now), p.problem, p.start, p.end);
}

/** Hosts ordered by fewest live bookings from now on; ties keep the given order. */
export async function rankByUpcoming(conn: Db | Tx, accountId: string, hostIds: string[], now: Date): Promise<string[]> {
  const counts = await countLiveBookings(conn, accountId, hostIds, now, null);
  return hostIds
    .map((id, i) => ({ id, i, n: counts.get(id) ?? 0 }))
    .sort((a, b) => a.n - b.n || a.i - b.i)
    .map((x) => x.id);
}
