import { useInfiniteQuery, useQuery, type InfiniteData, type QueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { Activity, StreamPage } from "./types";

/**
 * The Activity stream in the query cache: keyset pages in the stream's order (its `sort`), and how
 * changed activities are merged into the pages already loaded without refetching them all.
 */
export const FIRST_PAGE = 50;
export const NEXT_PAGES = 200;
/** The API's limit on IDs in one free-text query. */
const MAX_IDS_PER_REFRESH = 100;

/** A page as fetched, plus its last row: rows sorting up to it belong to this page. */
export type LoadedPage = StreamPage & { boundary: Activity | null };
export type StreamData = InfiniteData<LoadedPage, string | null>;

export const streamKey = (apiParams: string) => ["stream", apiParams] as const;

async function fetchPage(apiParams: string, cursor: string | null, signal?: AbortSignal): Promise<LoadedPage> {
  const p = new URLSearchParams(apiParams);
  p.set("limit", String(cursor ? NEXT_PAGES : FIRST_PAGE));
  if (cursor) p.set("cursor", cursor);
  const page = await api<StreamPage>(`/api/v1/activities?${p}`, { signal });
  return { ...page, boundary: page.items[page.items.length - 1] ?? null };
}

export function useStream(apiParams: string) {
  return useInfiniteQuery({
    queryKey: streamKey(apiParams),
    queryFn: ({ pageParam, signal }) => fetchPage(apiParams, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 60_000,
    gcTime: 5 * 60_000,
    retry: (n, err) => {
      const status = (err as unknown as { status?: number }).status;
      return (status === undefined || status === 0 || status >= 500) && n < 2;
    },
  });
}

export interface StreamTotal {
  total?: number;
  totalIsLowerBound?: boolean;
}

export const streamTotalKey = (apiParams: string) => ["stream-total", apiParams] as const;

/**
 * How many activities match, asked for apart from the rows: counting up to the cap can take far
 * longer than the first page (a common word over a million rows), and the rows must not wait.
 */
export function useStreamTotal(apiParams: string, enabled: boolean) {
  return useQuery({
    queryKey: streamTotalKey(apiParams),
    queryFn: async ({ signal }): Promise<StreamTotal> => {
      const p = new URLSearchParams(apiParams);
      p.set("limit", "1");
      p.set("includeTotal", "true");
      const r = await api<StreamPage>(`/api/v1/activities?${p}`, { signal });
      return { total: r.total, totalIsLowerBound: r.totalIsLowerBound };
    },
    enabled,
    staleTime: 60_000,
    gcTime: 5 * 60_000,
    retry: false,
  });
}

/** Negative when `x` comes first: ISO instants (all UTC, "…Z") compare as text. */
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
const newest = (field: "updatedAt" | "createdAt") => (a: Activity, b: Activity) => cmp(b[field], a[field]) || cmp(b.id, a.id);
const byMeeting = (dir: 1 | -1) => (a: Activity, b: Activity) => {
  // Activities without a meeting time come last, last updated first (as the API orders them).
  if (a.start === null || b.start === null) return a.start === b.start ? newest("updatedAt")(a, b) : a.start === null ? 1 : -1;
  return dir * (cmp(a.start, b.start) || cmp(a.id, b.id));
};
/** Most recently moved to the Trash first (the Trash's `sort=trashed`). */
const byTrashed = (a: Activity, b: Activity) => cmp(b.trash?.trashedAt ?? "", a.trash?.trashedAt ?? "") || cmp(b.id, a.id);
/** The API's orders (its `sort`), as comparisons. */
const ORDERS: Record<string, (a: Activity, b: Activity) => number> = {
  updated: newest("updatedAt"),
  created: newest("createdAt"),
  start: byMeeting(1),
  "-start": byMeeting(-1),
  trashed: byTrashed,
};
const orderOf = (apiParams: string) => ORDERS[new URLSearchParams(apiParams).get("sort") ?? "updated"] ?? ORDERS.updated;

/**
 * Remove the changed rows, then put back those that still match at their sorted place (if loaded),
 * in the order of the stream's `apiParams`.
 */
export function mergeChanges(data: StreamData, changedIds: Set<string>, fresh: Activity[], apiParams = "", total?: { total?: number; totalIsLowerBound?: boolean }): StreamData {
  const order = orderOf(apiParams);
  const atOrBefore = (a: Activity, b: Activity) => order(a, b) <= 0;
  const pages = data.pages.map((p) => ({ ...p, items: p.items.filter((a) => !changedIds.has(a.id)) }));
  for (const a of fresh) {
    const i = pages.findIndex((p, idx) => (p.boundary ? atOrBefore(a, p.boundary) : false) || (idx === pages.length - 1 && !p.nextCursor));
    if (i < 0) continue; // beyond what is loaded: it arrives with a later page
    const items = pages[i].items;
    let at = items.findIndex((x) => !atOrBefore(x, a));
    if (at < 0) at = items.length;
    pages[i] = { ...pages[i], items: [...items.slice(0, at), a, ...items.slice(at)] };
  }
  if (total && pages[0]) pages[0] = { ...pages[0], total: total.total, totalIsLowerBound: total.totalIsLowerBound };
  return { ...data, pages };
}

/** Replace a row's data in every cached stream (after an action), wherever it is. */
export function patchStreamRows(qc: QueryClient, activity: Activity) {
  const row = toRow(activity);
  qc.setQueriesData<StreamData>({ queryKey: ["stream"] }, (data) =>
    data ? { ...data, pages: data.pages.map((p) => (p.items.some((a) => a.id === row.id) ? { ...p, items: p.items.map((a) => (a.id === row.id ? row : a)) } : p)) } : data,
  );
}

function toRow(a: Activity): Activity {
  const { id, type, status, detailedStatus, bookingPage, eventType, owner, customer, start, end, proposedTimes, reason, sessions, amount, createdAt, updatedAt, actions, trash, trashActions, paymentDeleted } = a;
  return { id, type, status, detailedStatus, bookingPage, eventType, owner, customer, start, end, proposedTimes, reason, sessions, amount, createdAt, updatedAt, actions, trash, trashActions, paymentDeleted };
}

/**
 * Some activities changed (live event or our own action): ask the server which of them match each
 * open stream now, and merge. Streams nobody is looking at are dropped (refetched when opened).
 */
export async function refreshStreamRows(qc: QueryClient, ids: string[]) {
  const unique = [...new Set(ids.map((i) => i.toUpperCase()))];
  if (unique.length === 0) return;
  qc.removeQueries({ queryKey: ["stream"], type: "inactive" });
  const active = qc.getQueryCache().findAll({ queryKey: ["stream"], type: "active" });
  await Promise.all(
    active.map(async (query) => {
      const apiParams = query.queryKey[1] as string;
      if (unique.length > MAX_IDS_PER_REFRESH) return qc.invalidateQueries({ queryKey: query.queryKey, exact: true });
      const p = new URLSearchParams(apiParams);
      const q = p.get("q")?.trim();
      p.set("q", q ? `(${q}) ${unique.join(" ")}` : unique.join(" "));
      p.set("limit", String(unique.length));
      const c = new URLSearchParams(apiParams);
      c.set("limit", "1");
      c.set("includeTotal", "true");
      try {
        const [matches, count] = await Promise.all([api<StreamPage>(`/api/v1/activities?${p}`), api<StreamPage>(`/api/v1/activities?${c}`)]);
        qc.setQueryData<StreamData>(query.queryKey, (data) => (data ? mergeChanges(data, new Set(unique), matches.items, apiParams) : data));
        qc.setQueryData<StreamTotal>(streamTotalKey(apiParams), { total: count.total, totalIsLowerBound: count.totalIsLowerBound });
      } catch {
        /* the stream shows its own error on the next fetch */
      }
    }),
  );
}

export function flattenStream(data: InfiniteData<LoadedPage, unknown> | undefined): Activity[] {
  if (!data) return [];
  return data.pages.length === 1 ? data.pages[0].items : data.pages.flatMap((p) => p.items);
}
