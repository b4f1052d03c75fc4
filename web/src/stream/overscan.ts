import type { Range } from "@tanstack/react-virtual";

/**
 * Which rows the list renders besides the visible ones: more on the side it is scrolling towards.
 *
 * The rows on screen can be ahead of the rows rendered: the compositor scrolls a fling before the
 * page hears of it, and when a script scrolls from an animation frame (smooth-scrolling code, a
 * test driver) that frame is painted at the new position before the scroll event that re-renders
 * the rows arrives. The rows ahead fill that gap (eight cover a very fast scroll, six rows a
 * frame). Each rendered row costs layout, paint and memory, so the side left behind keeps one.
 */
const ROWS_AHEAD = 8;
const ROWS_BEHIND = 1;

export function rowsToRender(range: Range, direction: "forward" | "backward" | null): number[] {
  const back = direction === "backward";
  const start = Math.max(0, range.startIndex - (back ? ROWS_AHEAD : ROWS_BEHIND));
  const end = Math.min(range.count - 1, range.endIndex + (back ? ROWS_BEHIND : ROWS_AHEAD));
  const indexes: number[] = [];
  for (let i = start; i <= end; i++) indexes.push(i);
  return indexes;
}
