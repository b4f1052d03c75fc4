import { useQuery } from "@tanstack/react-query";
import type { HostFreeTimes } from "../actions/host-time";
import { api } from "./client";

/** The host's hours and free times on one of their days, for approving or rescheduling an activity. */
export const freeTimesKey = (activityId: string) => ["free-times", activityId.toUpperCase()] as const;

export const useHostFreeTimes = (activityId: string, date: string | null, eventTypeId?: string) =>
  useQuery({
    queryKey: [...freeTimesKey(activityId), date, eventTypeId ?? ""],
    queryFn: ({ signal }) => {
      const qs = new URLSearchParams({ date: date! });
      if (eventTypeId) qs.set("eventTypeId", eventTypeId);
      return api<HostFreeTimes>(`/api/v1/activities/${encodeURIComponent(activityId)}/free-times?${qs}`, { signal });
    },
    enabled: date !== null,
    staleTime: 15_000,
    retry: false,
  });
