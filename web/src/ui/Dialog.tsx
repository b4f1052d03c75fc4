import * as RadixDialog from "@radix-ui/react-dialog";
import type { ReactNode } from "react";

/**
 * A modal dialog on Radix's dialog: focus is trapped inside and returned on close, Escape and the
 * backdrop close it, the page behind is hidden from assistive technology. Content mounts only
 * while open, so each opening starts fresh.
 */
export function Dialog(props: { open: boolean; onClose: () => void; title: string; children: ReactNode; wide?: boolean; description?: string }) {
  const { open, onClose, title, children, wide, description } = props;
  return (
    <RadixDialog.Root open={open} onOpenChange={(o) => !o && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-overlay" />
        <RadixDialog.Content className={`dialog${wide ? " dialog-wide" : ""}`} {...(description ? {} : { "aria-describedby": undefined })}>
          <div className="dialog-body">
            <header className="dialog-header">
              <RadixDialog.Title asChild>
                <h2>{title}</h2>
              </RadixDialog.Title>
              <RadixDialog.Close asChild>
                <button type="button" className="icon-button" aria-label="Close">
                  <span aria-hidden="true">×</span>
                </button>
              </RadixDialog.Close>
            </header>
            {description && <RadixDialog.Description className="dialog-description">{description}</RadixDialog.Description>}
            {children}
          </div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
