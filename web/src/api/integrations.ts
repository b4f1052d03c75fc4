import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";

/** Webhook endpoints, the delivery log and replay (src/http/routes/webhook-routes.ts, delivery-routes.ts). */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  failureStreak: number;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryState = "pending" | "retrying" | "delivered" | "failed";

export interface Delivery {
  consumer: string;
  endpointId: string | null;
  key: string;
  eventId: string;
  activityId: string | null;
  eventType: string;
  state: DeliveryState;
  sending: boolean;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  eventAt: string;
  sentence: string;
}

export interface DeliveryFilter {
  consumer?: string;
  endpointId?: string;
  state?: DeliveryState;
  activityId?: string;
}

const endpointsKey = ["webhook-endpoints"] as const;
const deliveriesKey = ["deliveries"] as const;

export const useEventTypes = () =>
  useQuery({ queryKey: ["webhook-event-types"], queryFn: async ({ signal }) => (await api<{ items: { type: string; description: string }[] }>("/api/v1/webhook-event-types", { signal })).items, staleTime: Infinity });

export const useEndpoints = () =>
  useQuery({ queryKey: endpointsKey, queryFn: async ({ signal }) => (await api<{ items: WebhookEndpoint[] }>("/api/v1/webhook-endpoints", { signal })).items });

export function useDeliveries(f: DeliveryFilter) {
  const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v) as [string, string][]);
  q.set("limit", "50");
  return useQuery({
    queryKey: [...deliveriesKey, f],
    queryFn: ({ signal }) => api<{ items: Delivery[]; nextCursor: string | null }>(`/api/v1/deliveries?${q}`, { signal }),
    refetchInterval: 10_000,
  });
}

export const useActivityDeliveries = (id: string) =>
  useQuery({ queryKey: [...deliveriesKey, "activity", id], queryFn: async ({ signal }) => (await api<{ items: Delivery[] }>(`/api/v1/activities/${encodeURIComponent(id)}/deliveries`, { signal })).items });

export function useIntegrationMutations() {
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: endpointsKey });
    void qc.invalidateQueries({ queryKey: deliveriesKey });
  };
  const path = (id: string) => `/api/v1/webhook-endpoints/${encodeURIComponent(id)}`;
  return {
    create: useMutation({
      mutationFn: (b: { url: string; description?: string; eventTypes: string[] }) => api<{ secret: string; item: WebhookEndpoint }>("/api/v1/webhook-endpoints", { method: "POST", body: b }),
      onSuccess: refresh,
    }),
    update: useMutation({
      mutationFn: ({ id, ...b }: { id: string; enabled?: boolean; eventTypes?: string[]; url?: string }) => api<WebhookEndpoint>(path(id), { method: "PATCH", body: b }),
      onSettled: refresh,
    }),
    remove: useMutation({ mutationFn: (id: string) => api<void>(path(id), { method: "DELETE" }), onSettled: refresh }),
    rotate: useMutation({ mutationFn: (id: string) => api<{ secret: string; item: WebhookEndpoint }>(`${path(id)}/rotate-secret`, { method: "POST", body: {} }), onSuccess: refresh }),
    test: useMutation({ mutationFn: (id: string) => api<{ ok: boolean; status: number | null; error: string | null }>(`${path(id)}/test`, { method: "POST", body: {} }) }),
    replay: useMutation({
      mutationFn: (d: Pick<Delivery, "key" | "eventId">) => api<{ replayed: number }>(`/api/v1/deliveries/${encodeURIComponent(d.key)}/${d.eventId}/replay`, { method: "POST", body: {} }),
      onSettled: refresh,
    }),
    replayFailed: useMutation({
      mutationFn: (consumer?: string) => api<{ replayed: number }>("/api/v1/deliveries/replay-failed", { method: "POST", body: consumer ? { consumer } : {} }),
      onSettled: refresh,
    }),
  };
}
