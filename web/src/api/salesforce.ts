import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";

/**
 * The Salesforce connector in the back office (mirroring src/http/routes/salesforce-routes.ts):
 * the account's connection (admins), the users' Salesforce Users, a booking page's switch, a
 * booking's Event, and the CRM record a "Schedule" button names.
 */
export type NoMatch = "lead" | "contact" | "skip";

export interface SalesforceConnection {
  configured: boolean;
  connected: boolean;
  loginUrl?: string;
  /** The login URL is not Salesforce's own (the local Salesforce of tests and the demo). */
  simulated?: boolean;
  clientId?: string;
  connectedAs?: { userId: string | null; username: string | null } | null;
  statusField?: string;
  reasonField?: string;
  /** null: never checked. */
  missingFields?: string[] | null;
  noMatch?: NoMatch;
  connectedAt?: string | null;
  callbackUrl: string;
  scheduleButtonUrl: string;
}

export interface SalesforceSettingsInput {
  loginUrl: string;
  clientId: string;
  /** Omit to keep the stored one (it is never shown back). */
  clientSecret?: string;
  statusField?: string;
  reasonField?: string;
  noMatch?: NoMatch;
}

export interface FieldCheck {
  missingFields: string[];
  message: string;
  statusField: string;
  reasonField: string;
}

export interface SalesforceUserMatch {
  userId: string;
  name: string;
  email: string;
  salesforceUserId: string | null;
  match: "email" | "admin" | "pending";
}

export interface PageSalesforce {
  bookingPageId: string;
  createEvents: boolean;
  salesforceConnected: boolean;
}

export interface ActivitySalesforce {
  activityId: string;
  eventId: string | null;
  eventUrl: string | null;
  whoId: string | null;
  whatId: string | null;
  state: "none" | "pending" | "retrying" | "synced" | "recreated" | "skipped" | string;
  note: string | null;
  syncedAt: string | null;
}

export interface SalesforceRecord {
  recordId: string;
  type: "Contact" | "Lead" | "Case";
  label: string;
  name: string | null;
  email: string | null;
  whoId: string | null;
  whatId: string | null;
}

const connectionKey = ["salesforce-connection"] as const;
const usersKey = ["salesforce-users"] as const;
const pageKey = (id: string) => ["page-salesforce", id] as const;

/** Where the browser goes to connect: the server answers with a redirect to Salesforce's consent page. */
export const SALESFORCE_CONNECT_URL = "/api/v1/salesforce/connect";

export const useSalesforceConnection = (enabled = true) =>
  useQuery({ queryKey: connectionKey, queryFn: () => api<SalesforceConnection>("/api/v1/account/salesforce"), enabled });

export function useSalesforceMutations() {
  const qc = useQueryClient();
  const put = (c: SalesforceConnection) => qc.setQueryData(connectionKey, c);
  return {
    save: useMutation({ mutationFn: (b: SalesforceSettingsInput) => api<SalesforceConnection>("/api/v1/account/salesforce", { method: "PUT", body: b }), onSuccess: put }),
    checkFields: useMutation({
      mutationFn: () => api<FieldCheck>("/api/v1/account/salesforce/field-check", { method: "POST", body: {} }),
      onSuccess: (r) => qc.setQueryData<SalesforceConnection>(connectionKey, (c) => (c ? { ...c, missingFields: r.missingFields } : c)),
    }),
    disconnect: useMutation({
      mutationFn: () => api<void>("/api/v1/account/salesforce", { method: "DELETE" }),
      onSuccess: () => void qc.invalidateQueries({ queryKey: connectionKey }),
    }),
  };
}

export const useSalesforceUsers = (enabled = true) =>
  useQuery({ queryKey: usersKey, queryFn: async () => (await api<{ items: SalesforceUserMatch[] }>("/api/v1/account/salesforce/users")).items, enabled });

export function useSetSalesforceUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { userId: string; salesforceUserId: string | null }) =>
      api<SalesforceUserMatch>(`/api/v1/account/salesforce/users/${b.userId}`, { method: "PUT", body: { salesforceUserId: b.salesforceUserId } }),
    onSuccess: (m) => qc.setQueryData<SalesforceUserMatch[]>(usersKey, (list) => list?.map((x) => (x.userId === m.userId ? m : x))),
  });
}

export const usePageSalesforce = (pageId: string) => useQuery({ queryKey: pageKey(pageId), queryFn: () => api<PageSalesforce>(`/api/v1/booking-pages/${pageId}/salesforce`) });

export function useSavePageSalesforce(pageId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (createEvents: boolean) => api<PageSalesforce>(`/api/v1/booking-pages/${pageId}/salesforce`, { method: "PUT", body: { createEvents } }),
    onSuccess: (p) => qc.setQueryData(pageKey(pageId), p),
  });
}

/** A booking's Event; polled while a write is on its way so the pane shows it land. */
export const useActivitySalesforce = (activityId: string, enabled: boolean) =>
  useQuery({
    queryKey: ["activity-salesforce", activityId],
    queryFn: ({ signal }) => api<ActivitySalesforce>(`/api/v1/activities/${encodeURIComponent(activityId)}/salesforce`, { signal }),
    enabled,
    retry: false,
    refetchInterval: (q) => (q.state.data && (q.state.data.state === "pending" || q.state.data.state === "retrying") ? 2_000 : false),
  });

export const useSalesforceRecord = (recordId: string | null) =>
  useQuery({
    queryKey: ["salesforce-record", recordId],
    queryFn: ({ signal }) => api<SalesforceRecord>(`/api/v1/salesforce/records/${encodeURIComponent(recordId!)}`, { signal }),
    enabled: Boolean(recordId),
    retry: false,
    staleTime: 60_000,
  });
