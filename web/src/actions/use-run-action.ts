import { useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/client";
import { freeTimesKey } from "../api/free-times";
import { useActivityAction } from "../api/queries";
import type { ActionBody, ActionResult, ActivityDetails } from "../api/types";
import { useToast } from "../ui/Toasts";
import { timeRefusal } from "./host-time";

const DONE: Record<string, (r: ActionResult) => string> = {
  approve: (r) => `Approved: ${r.activity.id} is now ${r.activity.detailedStatus}.`,
  "request-new-times": (r) => `${r.activity.id} is canceled; the customer was asked for new times with this link:`,
  "request-reschedule": (r) => `${r.activity.id} is canceled; the customer was asked to reschedule with this link:`,
  reschedule: (r) => `Rescheduled: ${r.created ? `the new booking is ${r.created.id}` : r.activity.detailedStatus}.`,
  refund: (r) => (r.created ? `Refund ${r.created.id} of ${r.created.amount?.value ?? ""} ${r.created.amount?.currency ?? ""}: ${r.created.detailedStatus}.` : `Refund requested for ${r.activity.id}.`),
  reassign: (r) => `Reassigned: ${r.activity.owner?.name ?? "new owner"} now hosts ${r.activity.id}.`,
};

/**
 * Runs an action for a dialog: success → toast and close; 409 for a change made meanwhile → close
 * and tell the pane what changed (the current detailed status from the error). A refusal of the
 * chosen time (past, outside the host's hours, busy, taken by another booking) stays in the dialog
 * as `refusal`, so the user can pick again or book anyway; other errors stay in it as `error`.
 */
export function useRunAction(activity: ActivityDetails, label: string, onConflict: (message: string) => void, onDone: () => void) {
  const mutation = useActivityAction(activity.id);
  const toast = useToast();
  const qc = useQueryClient();
  const run = async (action: string, body: ActionBody) => {
    try {
      // Act on the version the user is looking at: a change made meanwhile is a 409, not built upon.
      const r = await mutation.mutateAsync({ action, body: { ...body, expectedVersion: activity.version } });
      const message = DONE[action]?.(r) ?? `${label}: ${r.activity.id} is now ${r.activity.detailedStatus}.`;
      toast({ message, tone: "success", ...(r.customerLink ? { copy: { text: r.customerLink, label: "Copy the customer's link" } } : {}) });
      onDone();
    } catch (err) {
      const refusal = timeRefusal(err);
      if (refusal) {
        // The host's calendar changed under the dialog: show it as it is now.
        if (refusal.kind === "taken" || refusal.kind === "busy") void qc.invalidateQueries({ queryKey: freeTimesKey(activity.id) });
        return;
      }
      if (err instanceof ApiError && err.status === 409) {
        const now = typeof err.details.detailedStatus === "string" ? err.details.detailedStatus : null;
        onConflict(
          now
            ? `Could not ${label.toLowerCase()}: ${activity.id} changed and is now ${now}. The details are up to date.`
            : `Could not ${label.toLowerCase()}: ${err.message} The details are up to date.`,
        );
        onDone();
      }
      // Anything else is shown in the dialog (mutation.error).
    }
  };
  const refusal = timeRefusal(mutation.error);
  const error = mutation.error instanceof ApiError && mutation.error.status !== 409 && !refusal ? mutation.error : null;
  return { run, pending: mutation.isPending, error, refusal, reset: mutation.reset };
}
