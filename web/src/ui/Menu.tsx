import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface MenuItem {
  key: string;
  label: string;
  onSelect: () => void;
  tone?: "danger";
}

/** A menu button (WAI-ARIA pattern): arrow keys, Home/End, Enter/Space, Escape; click outside closes. */
export function MenuButton(props: { label: ReactNode; items: MenuItem[]; className?: string; ariaLabel?: string; caret?: boolean }) {
  const { label, items, className, ariaLabel, caret = true } = props;
  const [open, setOpen] = useState(false);
  const [focusFirst, setFocusFirst] = useState<"first" | "last" | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const el = menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]");
    if (el?.length && focusFirst) el[focusFirst === "first" ? 0 : el.length - 1].focus();
    const outside = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open, focusFirst]);

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      setFocusFirst(e.key === "ArrowDown" ? "first" : "last");
      setOpen(true);
    }
  };

  const onMenuKey = (e: KeyboardEvent) => {
    const all = [...(menu.current?.querySelectorAll<HTMLElement>("[role=menuitem]") ?? [])];
    const i = all.indexOf(document.activeElement as HTMLElement);
    const move = (j: number) => all[(j + all.length) % all.length]?.focus();
    if (e.key === "ArrowDown") move(i + 1);
    else if (e.key === "ArrowUp") move(i - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(all.length - 1);
    else if (e.key === "Escape") close();
    else if (e.key === "Tab") return close(false);
    else return;
    e.preventDefault();
  };

  return (
    <div className="menu-wrap">
      <button
        ref={button}
        type="button"
        className={className ?? "button"}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={ariaLabel}
        disabled={items.length === 0}
        onClick={(e) => {
          setFocusFirst("first");
          setOpen((o) => !o);
        }}
        onKeyDown={onButtonKey}
      >
        {label}
        {caret && <span aria-hidden="true"> ▾</span>}
      </button>
      {open && (
        <div ref={menu} id={id} role="menu" className="menu" aria-label={ariaLabel ?? (typeof label === "string" ? label : undefined)} onKeyDown={onMenuKey}>
          {items.map((it) => (
            <button
              key={it.key}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className={`menu-item${it.tone === "danger" ? " danger" : ""}`}
              onClick={() => {
                close(false);
                it.onSelect();
              }}
            >
              {it.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
