import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useId, useRef, type ReactNode } from "react";

export interface MenuItem {
  key: string;
  label: string;
  onSelect: () => void;
  tone?: "danger";
  /** The item is shown but cannot be chosen now; this says why (its description). */
  unavailable?: string;
}

/**
 * A menu button on Radix's dropdown menu (WAI-ARIA menu button: arrow keys, Home/End, typeahead,
 * Enter/Space, Escape, click outside). Choosing an item that opens a dialog leaves focus to the
 * dialog; closing the menu any other way returns focus to the button.
 */
export function MenuButton(props: { label: ReactNode; items: MenuItem[]; className?: string; ariaLabel?: string; caret?: boolean; align?: "start" | "end" }) {
  const { label, items, className, ariaLabel, caret = true, align = "start" } = props;
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
          align={align}
          sideOffset={4}
          collisionPadding={8}
          aria-label={ariaLabel ?? (typeof label === "string" ? label : undefined)}
          onCloseAutoFocus={(e) => {
            if (chose.current) e.preventDefault();
          }}
        >
          {items.map((it) => (
            <Item key={it.key} item={it} onChosen={() => (chose.current = true)} />
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/**
 * One item. An unavailable one stays focusable (arrow keys reach it and screen readers read it as
 * dimmed, with its reason as the description) but choosing it does nothing and keeps the menu open.
 */
function Item({ item, onChosen }: { item: MenuItem; onChosen: () => void }) {
  const reasonId = useId();
  const off = Boolean(item.unavailable);
  return (
    <DropdownMenu.Item
      className={`menu-item${item.tone === "danger" ? " danger" : ""}${off ? " unavailable" : ""}`}
      textValue={item.label}
      aria-label={off ? item.label : undefined}
      aria-disabled={off || undefined}
      aria-describedby={off ? reasonId : undefined}
      onSelect={(e) => {
        if (off) return e.preventDefault();
        onChosen();
        item.onSelect();
      }}
    >
      {off ? (
        <span className="menu-item-text">
          <span>{item.label}</span>
          <span id={reasonId} className="menu-item-hint">
            {item.unavailable}
          </span>
        </span>
      ) : (
        item.label
      )}
    </DropdownMenu.Item>
  );
}
