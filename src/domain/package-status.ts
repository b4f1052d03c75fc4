import type { Transition } from "./lifecycle.js";

/**
 * Session package status, as data. A package is Created when scheduled; Updated once any of its
 * sessions is canceled or rescheduled (each session keeps its own detailed status); Completed
 * when none of its sessions is still to come and at least one has taken place. A session that is
 * canceled and rebooked elsewhere stays in the package next to its replacement. Pure.
 */
export const PACKAGE_STATUSES = ["Created", "Updated", "Completed"] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

/** Session statuses still to come, and those that count as having taken place. */
const UPCOMING = new Set(["Requested", "Scheduled", "Rescheduled"]);
const TOOK_PLACE = new Set(["Completed", "No-show"]);
/** The session transitions that cancel or reschedule it. */
const CANCELS_OR_RESCHEDULES = new Set<Transition["kind"]>([
  "cancel",
  "request-new-times",
  "request-reschedule",
  "reschedule",
  "customer-reschedule-same-page",
  "customer-reschedule-other-page",
]);

/**
 * The package's next status after one of its sessions went through `transition`, given the
 * status of every session now; null when it stays.
 */
export function nextPackageStatus(current: PackageStatus, transition: Transition["kind"], sessions: string[]): PackageStatus | null {
  if (current === "Completed") return null;
  const done = sessions.length > 0 && sessions.every((s) => !UPCOMING.has(s)) && sessions.some((s) => TOOK_PLACE.has(s));
  if (done) return "Completed";
  if (current === "Created" && CANCELS_OR_RESCHEDULES.has(transition)) return "Updated";
  return null;
}
