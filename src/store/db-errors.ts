/** PostgreSQL errors the application turns into domain errors (by SQLSTATE, never by text). */
export const EXCLUSION_VIOLATION = "23P01";

/** An exclusion constraint refused the row: for activities and holds, the host is taken then. */
export function isExclusionViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === EXCLUSION_VIOLATION;
}

export const UNIQUE_VIOLATION = "23505";

/** The unique index that keeps one live booking per customer, page and start (migration 004). */
export function isDuplicateLiveBooking(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return typeof e === "object" && e !== null && e.code === UNIQUE_VIOLATION && e.constraint === "activities_one_live_booking_key";
}
