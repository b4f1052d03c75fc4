import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";

/** A booking page's e-mail notifications (GET/PATCH /api/v1/booking-pages/{id}/notifications). */
export interface PageNotifications {
  enabled: Record<string, boolean>;
  reminderHours: number;
  followUpHours: number;
  templates: { kind: string; audience: "customer" | "host"; custom: boolean; subject: string; text: string; html: string | null }[];
  fields: { name: string; description: string }[];
}

export interface TemplateInput {
  subject: string;
  text: string;
  html?: string | null;
}

const key = (pageId: string) => ["page-notifications", pageId] as const;

export const usePageNotifications = (pageId: string) =>
  useQuery({ queryKey: key(pageId), queryFn: ({ signal }) => api<PageNotifications>(`/api/v1/booking-pages/${pageId}/notifications`, { signal }) });

export function useNotificationMutations(pageId: string) {
  const qc = useQueryClient();
  const base = `/api/v1/booking-pages/${pageId}/notifications`;
  const put = (n: PageNotifications) => qc.setQueryData(key(pageId), n);
  return {
    patch: useMutation({ mutationFn: (b: Record<string, unknown>) => api<PageNotifications>(base, { method: "PATCH", body: b }), onSuccess: put }),
    save: useMutation({
      mutationFn: (b: { kind: string; audience: string; template: TemplateInput }) => api<PageNotifications>(`${base}/templates/${b.kind}/${b.audience}`, { method: "PUT", body: b.template }),
      onSuccess: put,
    }),
    reset: useMutation({
      mutationFn: (b: { kind: string; audience: string }) => api<PageNotifications>(`${base}/templates/${b.kind}/${b.audience}`, { method: "DELETE" }),
      onSuccess: put,
    }),
  };
}

export const previewTemplate = (pageId: string, body: { kind: string; audience: string; template?: TemplateInput }, signal?: AbortSignal) =>
  api<{ subject: string; text: string; html: string; custom: boolean }>(`/api/v1/booking-pages/${pageId}/notifications/preview`, { method: "POST", body, signal });
