/** PostgreSQL errors the application turns into domain errors (by SQLSTATE, never by text). */
export const EXCLUSION_VIOLATION = "23P01";

/** An exclusion constraint refused the row: for activities and holds, the host is taken then. */
export function isExclusionViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === EXCLUSION_VIOLATION;
}
