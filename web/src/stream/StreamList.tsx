import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { Activity } from "../api/types";
import { useMediaQuery } from "../ui/use-media-query";
import { StreamRow } from "./StreamRow";

let markedFirstRows = false;

/**
 * The virtualised stream: only the rows in view (plus a margin) are in the DOM, so tens of
 * thousands of loaded rows scroll smoothly. A listbox: arrow keys, Page Up/Down, Home/End move,
 * Enter opens; the next page loads before the end is reached.
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
}) {
  const { items, total, hasNextPage, isFetchingNextPage, fetchNextPage, selectedId, onOpen, zone, filterKey, state, label } = props;
  const phone = useMediaQuery("(max-width: 640px)");
  const rowHeight = phone ? 96 : 64;
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const count = items.length + (hasNextPage ? 1 : 0);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });

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
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= items.length - 30) fetchNextPage();
  }, [lastIndex, items.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const open = useCallback(
    (id: string, index: number) => {
      setActive(index);
      onOpen(id);
    },
    [onOpen],
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
      if (a) onOpen(a.id);
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
              selected={a.id === selectedId}
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
