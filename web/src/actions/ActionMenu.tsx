import { useMemo, useState } from "react";
import type { ActivityDetails, Me } from "../api/types";
import { MenuButton } from "../ui/Menu";
import { useHasPassed } from "../ui/use-has-passed";
import { ApproveDialog } from "./ApproveDialog";
import { CancelDialog } from "./CancelDialog";
import { ConfirmDialog } from "./ConfirmDialog";
import { menuEntries, type DialogSpec } from "./menu-model";
import { ReassignDialog } from "./ReassignDialog";
import { RefundDialog } from "./RefundDialog";
import { downloadInvoice } from "./download-invoice";
import { useToast } from "../ui/Toasts";
import type { TrashAction } from "../api/trash";
import { TrashActionDialog } from "../trash/TrashDialogs";

const TRASH_LABELS: Record<TrashAction, string> = { "move-to-trash": "Move to Trash…", restore: "Restore activity…", "delete-permanently": "Delete permanently…" };

export interface ActionDialogProps {
  activity: ActivityDetails;
  me: Me;
  onClose: () => void;
  onConflict: (message: string) => void;
}

/** The Details pane's action menu, drawn only from the actions the API returned for this activity. */
export function ActionMenu({ activity, me, onConflict, onGone }: { activity: ActivityDetails; me: Me; onConflict: (m: string) => void; onOpen: (id: string) => void; onGone?: () => void }) {
  // Set to No-show opens when the meeting starts, even while this pane stays open across it.
  const started = useHasPassed(activity.start);
  const entries = useMemo(() => menuEntries(activity.actions, { meetingAhead: !started }), [activity.actions, started]);
  const [dialog, setDialog] = useState<DialogSpec | null>(null);
  const [trashDialog, setTrashDialog] = useState<TrashAction | null>(null);
  // The Trash's actions (admins): not part of the lifecycle menu, listed after it.
  const trashEntries = (activity.trashActions ?? []).map((a) => ({ key: a, label: TRASH_LABELS[a], tone: a === "restore" ? undefined : ("danger" as const), onSelect: () => setTrashDialog(a) }));
  const common: ActionDialogProps = { activity, me, onClose: () => setDialog(null), onConflict };
  const toast = useToast();
  const select = (d: DialogSpec) => {
    // The invoice is a download, not a dialog.
    if (d.kind !== "invoice") return setDialog(d);
    downloadInvoice(activity.id).then(
      () => toast({ message: `Invoice for ${activity.id} downloaded.`, tone: "success" }),
      (err: Error) => toast({ message: `Could not download the invoice: ${err.message}`, tone: "error" }),
    );
  };
  // An open dialog stays open when the activity changes underneath (live update): submitting then
  // gets the server's 409, which says what changed.
  return (
    <div className="action-bar">
      {entries.length + trashEntries.length === 0 ? (
        <p className="muted no-actions">No actions are available for this activity now.</p>
      ) : (
        <MenuButton
          label="Actions"
          ariaLabel={`Actions for ${activity.id}`}
          className="button button-primary"
          items={[...entries.map((e) => ({ key: e.key, label: e.label, tone: e.tone, unavailable: e.unavailable, onSelect: () => select(e.dialog) })), ...trashEntries]}
        />
      )}
      {trashDialog && (
        // Deleted permanently, there is nothing left to show: the pane closes (onGone).
        <TrashActionDialog id={activity.id} action={trashDialog} zone={me.user.timeZone} onClose={() => setTrashDialog(null)} onDone={trashDialog === "delete-permanently" ? onGone : undefined} />
      )}
      {dialog?.kind === "approve" && <ApproveDialog {...common} />}
      {dialog?.kind === "cancel" && <CancelDialog {...common} choices={dialog.choices} initial={dialog.initial} title={dialog.title} />}
      {dialog?.kind === "reassign" && <ReassignDialog {...common} />}
      {dialog?.kind === "refund" && <RefundDialog {...common} />}
      {dialog?.kind === "no-show" && (
        <ConfirmDialog
          {...common}
          action="set-no-show"
          title="Set to No-show"
          label="Set to No-show"
          confirmLabel="Yes, set to No-show"
          message={`Set ${activity.id} to No-show? This cannot be undone back to Completed: the booking keeps the No-show status in all reports.`}
          danger
        />
      )}
      {dialog?.kind === "generic" && (
        <ConfirmDialog
          {...common}
          action={dialog.action}
          title={dialog.label}
          label={dialog.label}
          confirmLabel={dialog.label}
          message={`${dialog.label} ${activity.id}?`}
          withReason
        />
      )}
    </div>
  );
}
