/**
 * What the Trash's confirmations say. Moving to the Trash is for deleting personal data on
 * request; it is not canceling (the seed's note), and every confirmation says so.
 */
export const NOT_CANCELING =
  "Moving to the Trash does not cancel anything: a future booking stays booked, its time stays taken, and its calendar event stays. To cancel a meeting, use Cancel instead. Nobody is notified.";

export const moveOneMessage = (id: string, days: number) =>
  `Move ${id} to the Trash? It leaves every view of the Activity stream and is deleted permanently after ${days} days; until then an admin can restore it.`;

export const moveManyTitle = (n: number) => `Move ${n} ${n === 1 ? "activity" : "activities"} to Trash`;

export const moveManyMessage = (n: number, days: number) =>
  `Move ${n} ${n === 1 ? "activity" : "activities"} to the Trash? They leave every view of the Activity stream and are deleted permanently after ${days} days; until then an admin can restore them.`;

export const restoreManyTitle = (n: number) => `Restore ${n} ${n === 1 ? "activity" : "activities"}`;
export const deleteManyTitle = (n: number) => `Delete ${n} ${n === 1 ? "activity" : "activities"} permanently`;

export const DELETE_FOREVER = "This cannot be undone: nobody can restore it, and its data is removed from Bookstream within 24 hours.";

/** How many activities may be moved at once (the server refuses more). */
export const BULK_LIMIT = 50;
export const RETENTION_DAYS = 30;
