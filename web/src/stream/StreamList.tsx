import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { NEXT_PAGES } from "../api/stream-cache";
import type { Activity } from "../api/types";
import { rowsToRender } from "./overscan";
import { StreamRow } from "./StreamRow";

let markedFirstRows = false;

/**
 * The virtualised stream: only the rows in view (plus a margin) are in the DOM, so tens of
 * thousands of loaded rows scroll smoothly. A listbox: arrow keys, Page Up/Down, Home/End move,
 * Enter opens; the next page loads while a page's worth of rows is still ahead.
 *
 * It re-renders on every scrolled frame, so it keeps that render small: rows are memoised and
 * get stable props, and work that depends on the page rather than the scroll position (the
 * phone/desktop media query, for one) is done by the parent.
 */
export function StreamList(props: {
  items: Activity[];
  total: number | undefined;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
  selectedId: string | undefined;
  onOpen: (id: string) => void;
  zone: string;
  filterKey: string;
  state: "loading" | "ready" | "error";
  label: string;
  rowHeight: number;
  /** Select mode: rows are checked and unchecked instead of opened (a multi-select listbox). */
  selection?: { ids: ReadonlySet<string>; toggle: (id: string) => void };
}) {
  const { items, total, hasNextPage, isFetchingNextPage, fetchNextPage, selectedId, onOpen, zone, filterKey, state, label, rowHeight, selection } = props;
  const toggle = selection?.toggle;
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const count = items.length + (hasNextPage ? 1 : 0);
  const virtualizer: Virtualizer<HTMLDivElement, Element> = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    // Called while rendering, after the scroll handler has set the direction.
    rangeExtractor: (range) => rowsToRender(range, virtualizer.scrollDirection),
  });

  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  useEffect(() => {
    setActive(0);
    scroller.current?.scrollTo({ top: 0 });
  }, [filterKey]);
  useEffect(() => {
    if (!markedFirstRows && items.length > 0) {
      markedFirstRows = true;
      performance.mark("bookstream:first-rows");
    }
  }, [items.length]);

  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? 0;
  // Once the list is scrolled, the next page loads while a page of rows is still ahead; before
  // that, only when the loaded rows do not fill the view (someone flicking through filters does
  // not make the server read 200 more rows for each). A flag rather than the index is the effect's
  // input, so the effect runs when it flips, not on every scrolled frame.
  const wantsNextPage =
    hasNextPage && !isFetchingNextPage && (virtualizer.scrollOffset ? lastIndex >= items.length - NEXT_PAGES : lastIndex >= items.length);
  useEffect(() => {
    if (wantsNextPage) fetchNextPage();
  }, [wantsNextPage, fetchNextPage]);

  const open = useCallback(
    (id: string, index: number) => {
      setActive(index);
      if (toggle) toggle(id);
      else onOpen(id);
    },
    [onOpen, toggle],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!items.length) return;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + page, PageUp: active - page, Home: 0, End: items.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      const next = Math.max(0, Math.min(items.length - 1, moves[e.key]));
      setActive(next);
      virtualizer.scrollToIndex(next, { align: "auto" });
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      const a = items[Math.min(active, items.length - 1)];
      if (a) (toggle ?? onOpen)(a.id);
    }
  };

  const activeId = items[active] ? `row-${items[active].id}` : undefined;
  return (
    <div
      ref={scroller}
      className="stream-scroller"
      role="listbox"
      tabIndex={0}
      aria-label={label}
      aria-multiselectable={selection ? true : undefined}
      aria-activedescendant={activeId}
      aria-busy={state === "loading"}
      data-filter-key={filterKey}
      data-state={state}
      data-loaded={items.length}
      onKeyDown={onKeyDown}
    >
      <div className="stream-canvas" style={{ height: virtualizer.getTotalSize() }} role="presentation">
        {virtualItems.map((v) => {
          const a = items[v.index];
          if (!a)
            return (
              <div key="loader" className="row row-loader" style={{ transform: `translateY(${v.start}px)`, height: v.size }} aria-hidden="true">
                Loading more…
              </div>
            );
          return (
            <StreamRow
              key={a.id}
              activity={a}
              zone={zone}
              index={v.index}
              setSize={total ?? -1}
              selected={selection ? selection.ids.has(a.id) : a.id === selectedId}
              checkable={Boolean(selection)}
              active={v.index === active}
              top={v.start}
              height={v.size}
              onOpen={open}
            />
          );
        })}
      </div>
    </div>
  );
}
