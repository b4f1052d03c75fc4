import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useRef, type ReactNode } from "react";

export interface MenuItem {
  key: string;
  label: string;
  onSelect: () => void;
  tone?: "danger";
}

/**
 * A menu button on Radix's dropdown menu (WAI-ARIA menu button: arrow keys, Home/End, typeahead,
 * Enter/Space, Escape, click outside). Choosing an item that opens a dialog leaves focus to the
 * dialog; closing the menu any other way returns focus to the button.
 */
export function MenuButton(props: { label: ReactNode; items: MenuItem[]; className?: string; ariaLabel?: string; caret?: boolean }) {
  const { label, items, className, ariaLabel, caret = true } = props;
  const chose = useRef(false);
  return (
    <DropdownMenu.Root modal={false} onOpenChange={(open) => open && (chose.current = false)}>
      <DropdownMenu.Trigger asChild disabled={items.length === 0}>
        <button type="button" className={className ?? "button"} aria-label={ariaLabel}>
          {label}
          {caret && <span aria-hidden="true"> ▾</span>}
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="menu"
          align="start"
          sideOffset={4}
          collisionPadding={8}
          aria-label={ariaLabel ?? (typeof label === "string" ? label : undefined)}
          onCloseAutoFocus={(e) => {
            if (chose.current) e.preventDefault();
          }}
        >
          {items.map((it) => (
            <DropdownMenu.Item
              key={it.key}
              className={`menu-item${it.tone === "danger" ? " danger" : ""}`}
              onSelect={() => {
                chose.current = true;
                it.onSelect();
              }}
            >
              {it.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
