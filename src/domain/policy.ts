/**
 * The customer's cancel/reschedule policy of a booking page: anytime (null), or up to a set time
 * before the meeting (15 minutes to 14 days). Users are never bound by it. Pure.
 */
export const POLICY_MIN_MINUTES = 15;
export const POLICY_MAX_MINUTES = 14 * 24 * 60;

/** The last moment the customer may still cancel or reschedule, or null when there is none. */
export function policyDeadline(policyMinutes: number | null, meetingStart: Date | null): Date | null {
  if (policyMinutes === null || meetingStart === null) return null;
  return new Date(meetingStart.getTime() - policyMinutes * 60_000);
}

/** True when the deadline has passed at `now`. */
export function pastDeadline(policyMinutes: number | null, meetingStart: Date | null, now: Date): boolean {
  const deadline = policyDeadline(policyMinutes, meetingStart);
  return deadline !== null && now.getTime() > deadline.getTime();
}

/** "24 hours", "2 days", "90 minutes": how a policy reads in a message. */
export function describeMinutes(minutes: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}
