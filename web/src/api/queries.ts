import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, ApiError } from "./client";
import type { ActionBody, ActionResult, ActivityDetails, BookingPage, FilterQuery, Me, SavedFilter, TeamMember } from "./types";
import { patchStreamRows, refreshStreamRows } from "./stream-cache";

export const keys = {
  me: ["me"] as const,
  users: ["users"] as const,
  pages: ["booking-pages"] as const,
  searchHelp: ["search-help"] as const,
  savedFilters: ["saved-filters"] as const,
  activity: (id: string) => ["activity", id.toUpperCase()] as const,
};

/** The signed-in user, or null when signed out. */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return await api<Me>("/api/v1/me");
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { email: string; password: string }) => api<Me>("/api/v1/auth/sign-in", { method: "POST", body: b }),
    onSuccess: (me) => {
      qc.setQueryData(keys.me, me);
      forgetAllBut(qc, "me");
    },
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>("/api/v1/auth/sign-out", { method: "POST" }),
    onSettled: () => {
      qc.setQueryData(keys.me, null);
      forgetAllBut(qc, "me");
    },
  });
}

/** Drops every cached answer except `keep` (another user's data must not linger). */
function forgetAllBut(qc: QueryClient, keep: string) {
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== keep });
}

export const useUsers = () =>
  useQuery({ queryKey: keys.users, queryFn: async () => (await api<{ items: TeamMember[] }>("/api/v1/users")).items, staleTime: 5 * 60_000 });

export const useBookingPages = () =>
  useQuery({ queryKey: keys.pages, queryFn: async () => (await api<{ items: BookingPage[] }>("/api/v1/booking-pages")).items, staleTime: 5 * 60_000 });

export const useSearchHelp = (enabled: boolean) =>
  useQuery({ queryKey: keys.searchHelp, queryFn: () => api<{ markdown: string; fields: string[] }>("/api/v1/search-help"), staleTime: Infinity, enabled });

export function useActivity(id: string | undefined) {
  return useQuery({
    queryKey: keys.activity(id ?? ""),
    queryFn: ({ signal }) => api<ActivityDetails>(`/api/v1/activities/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    staleTime: 10_000,
  });
}

/** Runs one lifecycle action; the row and the pane update from the answer at once. */
export function useActivityAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, body }: { action: string; body: ActionBody }) =>
      api<ActionResult>(`/api/v1/activities/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, { method: "POST", body }),
    onSuccess: (r) => applyActivityChange(qc, r.activity, r.created),
    onError: (err) => {
      // 409: someone else changed it. Show the current state (the pane refetches) and move on.
      if (err instanceof ApiError && err.status === 409) {
        void qc.invalidateQueries({ queryKey: keys.activity(id) });
        void refreshStreamRows(qc, [id]);
      }
    },
  });
}

export function applyActivityChange(qc: QueryClient, activity: ActivityDetails, created?: ActivityDetails) {
  qc.setQueryData(keys.activity(activity.id), activity);
  if (created) qc.setQueryData(keys.activity(created.id), created);
  patchStreamRows(qc, activity);
  // Related activities (e.g. the original of a reschedule) changed too.
  for (const r of activity.related) void qc.invalidateQueries({ queryKey: keys.activity(r.id) });
  void refreshStreamRows(qc, [activity.id, ...(created ? [created.id] : [])]);
}

export const useSavedFilters = () =>
  useQuery({ queryKey: keys.savedFilters, queryFn: async () => (await api<{ items: SavedFilter[] }>("/api/v1/saved-filters")).items });

export function useSavedFilterMutations() {
  const qc = useQueryClient();
  const done = () => qc.invalidateQueries({ queryKey: keys.savedFilters });
  return {
    create: useMutation({
      mutationFn: (b: { name: string; query: FilterQuery }) => api<SavedFilter>("/api/v1/saved-filters", { method: "POST", body: b }),
      onSuccess: done,
    }),
    update: useMutation({
      mutationFn: ({ id, ...b }: { id: string; name?: string; query?: FilterQuery }) =>
        api<SavedFilter>(`/api/v1/saved-filters/${id}`, { method: "PATCH", body: b }),
      onSuccess: done,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api<void>(`/api/v1/saved-filters/${id}`, { method: "DELETE" }),
      onSuccess: done,
    }),
  };
}
