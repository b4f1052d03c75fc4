import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";

/** The signed-in user's connected calendar (never its password) and private feed. */
export interface CalendarConnection {
  connected: boolean;
  userId: string;
  serverUrl?: string;
  username?: string;
  calendarUrl?: string;
  calendarName?: string | null;
  connectedAt?: string;
  busyFetchedAt?: string | null;
  busyError?: string | null;
  busyTimes?: number;
}

const connectionKey = ["my-calendar-connection"] as const;
const feedKey = ["my-calendar-feed"] as const;

export const useCalendarConnection = () =>
  useQuery({ queryKey: connectionKey, queryFn: ({ signal }) => api<CalendarConnection>("/api/v1/me/calendar-connection", { signal }) });
export const useCalendarFeed = () =>
  useQuery({ queryKey: feedKey, queryFn: ({ signal }) => api<{ active: boolean; createdAt: string | null }>("/api/v1/me/calendar-feed", { signal }) });

export function useCalendarMutations() {
  const qc = useQueryClient();
  const set = (c: CalendarConnection) => qc.setQueryData(connectionKey, c);
  const refetch = () => qc.invalidateQueries({ queryKey: connectionKey });
  return {
    connect: useMutation({
      mutationFn: (b: { serverUrl: string; username: string; password: string; calendarUrl?: string | null }) =>
        api<CalendarConnection>("/api/v1/me/calendar-connection", { method: "PUT", body: b }),
      onSuccess: set,
    }),
    refresh: useMutation({
      mutationFn: () => api<{ ok: boolean; message: string; connection: CalendarConnection }>("/api/v1/me/calendar-connection/refresh", { method: "POST" }),
      onSuccess: (r) => set(r.connection),
    }),
    disconnect: useMutation({ mutationFn: () => api<void>("/api/v1/me/calendar-connection", { method: "DELETE" }), onSettled: refetch }),
    makeFeed: useMutation({
      mutationFn: () => api<{ url: string; createdAt: string }>("/api/v1/me/calendar-feed", { method: "POST" }),
      onSettled: () => qc.invalidateQueries({ queryKey: feedKey }),
    }),
    revokeFeed: useMutation({
      mutationFn: () => api<void>("/api/v1/me/calendar-feed", { method: "DELETE" }),
      onSettled: () => qc.invalidateQueries({ queryKey: feedKey }),
    }),
  };
}
