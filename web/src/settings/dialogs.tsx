import type { FormEvent, ReactNode } from "react";
import { FormFooter } from "../actions/FormFooter";
import { CopyButton } from "../ui/CopyButton";
import { Dialog } from "../ui/Dialog";

/** A yes/no question before a change that is hard to undo (delete, deactivate). */
export function ConfirmChange(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending: boolean;
  error?: { message: string } | null;
  danger?: boolean;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onConfirm();
  };
  return (
    <Dialog open onClose={props.onClose} title={props.title}>
      <form className="form" onSubmit={submit}>
        {props.children}
        <FormFooter error={props.error} onCancel={props.onClose} submitLabel={props.confirmLabel} pending={props.pending} tone={props.danger ? "danger" : "primary"} />
      </form>
    </Dialog>
  );
}

/**
 * A one-time link to hand to someone (an invitation, a password reset): shown once, since only its
 * hash is kept. Until e-mail is set up, the admin copies it and sends it themselves.
 */
export function OneTimeLink(props: { title: string; link: string; whom: string; expiresAt: string; zone: string; onClose: () => void }) {
  const until = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: props.zone }).format(new Date(props.expiresAt));
  return (
    <Dialog open onClose={props.onClose} title={props.title}>
      <div className="form">
        <p>
          Send this link to {props.whom}. It works once, until {until}. This is the only time it is shown: copy it now.
        </p>
        <code className="one-time-link" data-testid="one-time-link">
          {props.link}
        </code>
        <div className="dialog-actions">
          <CopyButton text={props.link} label="Copy link" showLabel className="button button-primary" />
          <button type="button" className="button" onClick={props.onClose}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
